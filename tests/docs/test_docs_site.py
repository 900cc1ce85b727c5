"""The docs site's structure, and the rules test_docs.py runs the pages by."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from markdown_blocks import parse_page, resolves

ROOT = Path(__file__).resolve().parents[2]


def nav_pages(entries: list) -> list[str]:
    pages = []
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(nav_pages(value) if isinstance(value, list) else [value])
    return pages


def test_every_page_is_in_the_site_navigation_and_every_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = nav_pages(config["nav"])
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(listed) == pages, "mkdocs.yml's nav and the pages in docs/ differ"
    assert len(listed) == len(set(listed))
    assert config["strict"] is True


@pytest.mark.parametrize(
    "page",
    [
        "sequential.md",
        "functional.md",
        "training.md",
        "data.md",
        "custom-layers.md",
        "custom-models.md",
        "callbacks.md",
    ],
)
def test_guide_pages_have_examples(page: str) -> None:
    parsed = parse_page(ROOT / "docs" / page)
    assert sum(block.kind == "python" for block in parsed.blocks) >= 3


def test_images_referenced_by_pages_exist() -> None:
    for page in (ROOT / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for start in range(len(text)):
            if text.startswith("](images/", start):
                name = text[start + 2 : text.index(")", start)]
                assert (page.parent / name).is_file(), f"{page.name} shows {name}, which is missing"


def test_parser_finds_python_and_console_blocks_with_their_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "\n".join(
            [
                "# Title",  # 1
                "```python",  # 2
                "x = 1",  # 3
                "```",  # 4
                "1. In a list:",  # 5
                "",  # 6
                "   ```python",  # 7
                "   y = x + 1",  # 8
                "   ```",  # 9
                "```bash",  # 10
                "pip install nothing",  # 11
                "```",  # 12
                "````markdown",  # 13
                "```python",  # 14
                "never = 'run'",  # 15
                "```",  # 16
                "````",  # 17
                "<!-- docs-test: block requires tensorflow -->",  # 18
                "<!-- docs-test: block requires program:dot -->",  # 19
                "```console",  # 20
                "$ lamina info",  # 21
                "output line",  # 22
                "```",  # 23
                "<!-- docs-test: requires lamina.estimator -->",  # 24
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    parsed = parse_page(page)
    assert [(b.kind, b.source, b.line) for b in parsed.blocks] == [
        ("python", "x = 1\n", 3),
        ("python", "y = x + 1\n", 8),
        ("console", "$ lamina info\noutput line\n", 21),
    ]
    assert parsed.blocks[0].requires == () and parsed.blocks[2].requires == ("tensorflow", "program:dot")
    assert parsed.requires == ("lamina.estimator",)


def test_parser_rejects_unknown_directives_and_unclosed_fences(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- docs-test: skip -->\n", encoding="utf-8")
    with pytest.raises(ValueError, match="page.md:1: unknown docs-test directive"):
        parse_page(page)
    page.write_text("text\n```python\nx = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="page.md:2: a code fence opened here and never closed"):
        parse_page(page)


def test_requirements_resolve_modules_attributes_and_programs() -> None:
    assert resolves("json") and resolves("lamina.utils:plot_model") and resolves("program:sh")
    assert not resolves("no_such_module_here")
    assert not resolves("lamina.utils:no_such_function")
    assert not resolves("program:no-such-program-here")
