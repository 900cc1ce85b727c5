"""Find the code blocks of a Markdown page that the docs tests run, and the page's test directives.

What runs:

- every ```python block, in page order, all in one namespace;
- every ```console block: each line starting with "$ " is a command, run
  without a shell in the same folder (so `$ lamina summary model.keras` sees
  the file an earlier Python block saved), and leading `NAME=value` words set
  environment variables as a shell would; other lines are the expected
  output, shown to the reader and not compared.

Anything else (```bash, ```text, ```toml, an unlabelled fence) is
illustrative and never runs.

Directives are HTML comments, invisible on the site:

- `<!-- docs-test: requires NAME -->` anywhere on a page: the page runs only
  where NAME resolves, else its test skips naming NAME. NAME is a module
  (`lamina.estimator`), `module:attribute.path` (`lamina.export:export_model`)
  or `program:NAME`, a program on PATH (`program:dot`).
- `<!-- docs-test: block requires NAME -->` right before a block (several may
  stack): that block runs only where NAME resolves (`tensorflow` for a tf.data
  example), else it is left out and the test warns which blocks did not run;
  the page's later blocks must not depend on it.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import re
import shutil
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")
DIRECTIVE = re.compile(r"<!--\s*docs-test:\s*(?P<body>.*?)\s*-->")
RUNNABLE = {"python": "python", "py": "python", "console": "console"}


@dataclasses.dataclass
class Block:
    """One fenced block: its language, source (dedented), first line number and requirements."""

    kind: str
    source: str
    line: int
    requires: tuple[str, ...] = ()


@dataclasses.dataclass
class Page:
    path: Path
    blocks: list[Block]
    requires: tuple[str, ...]


def parse_page(path: Path) -> Page:
    """The runnable blocks and directives of the Markdown file at `path`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    page_requires: list[str] = []
    pending: list[str] = []  # `block requires` waiting for the next block
    index = 0
    while index < len(lines):
        line = lines[index]
        for match in DIRECTIVE.finditer(line):
            words = match.group("body").split()
            if words[:2] == ["block", "requires"] and len(words) > 2:
                pending.extend(words[2:])
            elif words[:1] == ["requires"] and len(words) > 1:
                page_requires.extend(words[1:])
            else:
                raise ValueError(
                    f"{path}:{index + 1}: unknown docs-test directive {match.group(0)!r}; expected "
                    "'<!-- docs-test: requires NAME -->' or '<!-- docs-test: block requires NAME -->'."
                )
        opening = FENCE.match(line)
        if opening is None:
            index += 1
            continue
        indent, fence, info = opening.group("indent"), opening.group("fence"), opening.group("info").lower()
        opened_at = index + 1
        body: list[str] = []
        index += 1
        while index < len(lines):
            closing = lines[index].strip()
            if closing.startswith(fence[0] * len(fence)) and not closing.strip(fence[0]):
                break
            text = lines[index]
            body.append(text[len(indent) :] if text.startswith(indent) else text.lstrip())
            index += 1
        else:
            raise ValueError(f"{path}:{opened_at}: a code fence opened here and never closed.")
        kind = RUNNABLE.get(info)
        if kind is not None:
            start = index - len(body) + 1  # 1-based line of the block's first source line
            blocks.append(Block(kind, "\n".join(body) + "\n", start, tuple(pending)))
        pending = []
        index += 1
    return Page(path, blocks, tuple(page_requires))


def resolves(name: str) -> bool:
    """Whether a module (`a.b`), a module attribute (`a.b:C.d`) or a program (`program:dot`) exists here."""
    if name.startswith("program:"):
        return shutil.which(name.removeprefix("program:")) is not None
    module_name, _, attribute = name.partition(":")
    try:
        if importlib.util.find_spec(module_name) is None:
            return False
    except (ImportError, ValueError):
        return False
    if not attribute:
        return True
    try:
        value = importlib.import_module(module_name)
        for part in attribute.split("."):
            value = getattr(value, part)
    except (ImportError, AttributeError):
        return False
    return True
