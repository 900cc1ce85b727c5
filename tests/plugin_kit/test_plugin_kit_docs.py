"""The plugin tutorial (docs/plugins.md) shows the example plugins' real code.

Each code block of the tutorial that quotes one of the files below must
match that file line by line (comments aside), so the tutorial cannot drift
from the packages it describes. Runs anywhere: it only reads files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "plugins.md"
NUMPY = ROOT / "examples" / "plugins" / "lamina-numpy"
LAYERS = ROOT / "examples" / "plugins" / "lamina-example-layers"

# A line that identifies a quoted block -> the file it quotes.
QUOTED = {
    "def register_backends(register: Callable) -> None:": NUMPY / "src/lamina_numpy/plugin.py",
    "def _binary(fn: Callable) -> Callable:": NUMPY / "src/lamina_numpy/numpy_ops.py",
    "class NumpyTensor(TensorOperators):": NUMPY / "src/lamina_numpy/tensor.py",
    "def eval_shape(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:": NUMPY / "src/lamina_numpy/core.py",
    "class NumpyVariable(Variable):": NUMPY / "src/lamina_numpy/variables.py",
    "def generator(seed: Any) -> np.random.Generator:": NUMPY / "src/lamina_numpy/random.py",
    "class NumpyBackend(Backend):": NUMPY / "src/lamina_numpy/backend.py",
    "class Antirectifier(Layer):": LAYERS / "src/lamina_example_layers/antirectifier.py",
    "def register_objects(register: Callable) -> None:": LAYERS / "src/lamina_example_layers/plugin.py",
}


def _code_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        code = line.split("  #")[0].strip()
        if code and not code.startswith("#") and code != "...":
            lines.append(code)
    return lines


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), flags=re.S)


@pytest.mark.parametrize("marker", list(QUOTED), ids=lambda m: m.split("(")[0])
def test_quoted_block_matches_the_example(marker: str) -> None:
    blocks = [b for b in _blocks(r"python\s*") if marker in _code_lines(b)]
    assert blocks, f"docs/plugins.md no longer quotes `{marker}`; update QUOTED in this test"
    source = set(_code_lines(QUOTED[marker].read_text()))
    for block in blocks:
        # The tutorial may leave lines out (and shorten docstrings), never add or change one.
        missing = [line for line in _code_lines(block) if line not in source and not line.startswith('"""')]
        assert not missing, f"docs/plugins.md shows lines that {QUOTED[marker].name} does not have: {missing}"


def test_layout_lists_the_real_files() -> None:
    layout = next(b for b in _blocks("") if b.startswith("lamina-numpy/"))
    named = set(re.findall(r"(\w+\.py)", layout))
    present = {p.name for p in (NUMPY / "src" / "lamina_numpy").glob("*.py")}
    assert named == present


def test_entry_points_in_the_docs_are_the_packages() -> None:
    docs = DOCS.read_text()
    assert 'numpy = "lamina_numpy.plugin"' in (NUMPY / "pyproject.toml").read_text()
    assert 'numpy = "lamina_numpy.plugin"' in docs
    assert 'example-layers = "lamina_example_layers.plugin"' in (LAYERS / "pyproject.toml").read_text()
    assert 'example-layers = "lamina_example_layers.plugin"' in docs
