"""lamina-example-layers uninstalled: loading names the missing package.

Second half of the layer-pack check in the plugin-kit session: runs after
`pip uninstall -y lamina-example-layers` on the file that
`test_plugin_kit_layer_pack.py` saved.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kit_helpers import installed, lamina_cli, require

import lamina

MESSAGE = (
    'This file uses "ExampleLayers>Antirectifier" from the Lamina plugin "lamina-example-layers", '
    "which is not installed: pip install lamina-example-layers"
)


def _saved_file(kit_dir: Path) -> Path:
    path = kit_dir / "layer_pack.keras"
    require(path.exists(), f"no {path.name} in {kit_dir} (saved while lamina-example-layers was installed)")
    require(
        not installed("lamina_example_layers"),
        "lamina-example-layers is installed; this checks loading after `pip uninstall -y lamina-example-layers`",
    )
    return path


def test_load_without_the_pack_names_the_package(kit_dir: Path) -> None:
    path = _saved_file(kit_dir)
    with pytest.raises(TypeError, match=re.escape(MESSAGE)):
        lamina.models.load_model(path)


def test_cli_shows_the_same_error(kit_dir: Path) -> None:
    path = _saved_file(kit_dir)
    result = lamina_cli("summary", str(path))
    assert result.returncode != 0
    assert "pip install lamina-example-layers" in result.stdout + result.stderr
