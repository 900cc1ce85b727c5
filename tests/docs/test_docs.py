"""Every example in the docs runs.

Each Markdown page (docs/**/*.md and README.md) with runnable blocks is one
test: its ```python blocks run in order, in one fresh namespace, in a
subprocess of its own, in an empty temporary folder, with one backend
(`LAMINA_BACKEND`) and `OMP_NUM_THREADS=1`; its ```console blocks run their
"$ lamina ..." commands in the same folder (see markdown_blocks.py for the
rules and the `docs-test` directives). Any exception or failing command
fails the test, with the page's line numbers in the traceback.

Backends: pages take turns over the selected backends (`--lamina-backend`,
default: every installed first-party one), so each backend runs a share of the docs in
every run at the cost of one run per page. `LAMINA_DOCS_ALL_BACKENDS=1` runs
every page on every selected backend.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from markdown_blocks import Page, parse_page, resolves

from lamina.testing.pytest_plugin import selected_backends

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("run_page.py")
PAGE_TIMEOUT_S = 600
FIRST_PARTY_BACKENDS = ("jax", "torch", "tensorflow")


# A page whose code blocks are excerpts of files tested elsewhere carries this
# marker (docs/plugins.md quotes the example plugins; tests/plugin_kit checks
# the quotes against the files, and the plugin-kit session runs those files).
EXCERPTS_MARKER = "<!-- docs-test: excerpts"


def docs_pages() -> list[Page]:
    """The pages with at least one runnable block, docs/ first (sorted), then README.md."""
    paths = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]
    paths = [path for path in paths if path.is_file() and EXCERPTS_MARKER not in path.read_text(encoding="utf-8")]
    return [page for page in (parse_page(path) for path in paths) if page.blocks]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "docs_case" not in metafunc.fixturenames:
        return
    backends = selected_backends(metafunc.config)
    if not metafunc.config.getoption("--lamina-backend", default=[]):
        # By default only the first-party backends, which train; an installed
        # third-party backend (inference-only, say) runs the docs when asked for.
        backends = [name for name in backends if name in FIRST_PARTY_BACKENDS]
    if not backends:
        raise pytest.UsageError('The docs tests need a Lamina backend. Install one: pip install "lamina[jax]"')
    every = os.environ.get("LAMINA_DOCS_ALL_BACKENDS") == "1"
    cases = []
    for index, page in enumerate(docs_pages()):
        for backend in backends if every else [backends[index % len(backends)]]:
            name = page.path.relative_to(ROOT).as_posix()
            cases.append(pytest.param((page, backend), id=f"{name}-{backend}"))
    metafunc.parametrize("docs_case", cases)


def readme_needs_data(page: Page) -> bool:
    """Whether README.md's usage block trains on `x_train` without defining it (see the xfail below)."""
    if page.path.name != "README.md":
        return False
    tree = ast.parse("".join(block.source for block in page.blocks if block.kind == "python"))
    names = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "x_train"]
    return bool(names) and not any(isinstance(node.ctx, ast.Store) for node in names)


def test_page_runs(docs_case: tuple[Page, str], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    page, backend = docs_case
    name = page.path.relative_to(ROOT).as_posix()
    missing = [requirement for requirement in page.requires if not resolves(requirement)]
    if missing:
        pytest.skip(
            f"{name} documents {', '.join(missing)}, which this checkout does not have yet; "
            "its examples run as soon as it exists."
        )
    if readme_needs_data(page):
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                raises=AssertionError,
                reason="README.md's example uses x_train/y_train/x_test/y_test without defining them; "
                "give it data (e.g. scikit-learn's load_digits) and this test runs it.",
            )
        )
    blocks = [block for block in page.blocks if all(resolves(r) for r in block.requires)]
    left_out = [block for block in page.blocks if all(block is not kept for kept in blocks)]
    for block in left_out:
        missing_here = ", ".join(r for r in block.requires if not resolves(r))
        warnings.warn(f"{name}:{block.line}: block not run: needs {missing_here}", stacklevel=1)
    spec = {
        "page": str(page.path),
        "blocks": [{"kind": b.kind, "source": b.source, "line": b.line} for b in blocks],
    }
    spec_file = tmp_path / "blocks.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    workdir = tmp_path / "work"
    workdir.mkdir()
    env = dict(os.environ)
    env.update(
        {
            "LAMINA_BACKEND": backend,
            "KERAS_BACKEND": backend,  # for the pages that show interoperability with Keras 3
            "LAMINA_HOME": str(tmp_path / "lamina_home"),
            "OMP_NUM_THREADS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "MPLBACKEND": "Agg",
            # `$ lamina ...` in console blocks: the `lamina` script next to this Python.
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        }
    )
    try:
        result = subprocess.run(
            [sys.executable, str(RUNNER), str(spec_file)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=PAGE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        output = (error.stdout or b"")[-6000:]
        raise AssertionError(f"{name} on {backend} ran past {PAGE_TIMEOUT_S} s. Last output:\n{output}") from None
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{name} failed on the {backend} backend:\n{output[-8000:]}"
