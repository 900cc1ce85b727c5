"""lamina-example-layers installed: a model using its layer round-trips by name.

First half of the layer-pack check in the plugin-kit session; it leaves
`layer_pack.keras` in the session folder for
`test_plugin_kit_layer_pack_missing.py`, which runs after
`pip uninstall -y lamina-example-layers`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
from kit_helpers import installed, lamina_cli, require

import lamina

REGISTERED_NAME = "ExampleLayers>Antirectifier"
DISTRIBUTION = "lamina-example-layers"


def test_lamina_plugins_lists_the_pack() -> None:
    require(installed("lamina_example_layers"), f"{DISTRIBUTION} is not installed")
    result = lamina_cli("plugins")
    assert result.returncode == 0, result.stderr
    row = next((line for line in result.stdout.splitlines() if DISTRIBUTION in line), None)
    assert row is not None, f"`lamina plugins` does not list {DISTRIBUTION}:\n{result.stdout}"
    assert f"objects: {REGISTERED_NAME}" in row and "ok" in row, row


def test_model_with_pack_layer_round_trips_by_name(kit_dir: Path) -> None:
    require(installed("lamina_example_layers"), f"{DISTRIBUTION} is not installed")
    from lamina_example_layers import Antirectifier

    model = lamina.Sequential(
        [lamina.Input((6,)), Antirectifier(4, name="anti"), lamina.layers.Dense(2, name="head")],
        name="uses_a_layer_pack",
    )
    x = np.random.default_rng(3).normal(size=(5, 6)).astype("float32")
    expected = model.predict(x, verbose=0)
    path = kit_dir / "layer_pack.keras"
    model.save(path)
    np.save(kit_dir / "layer_pack_x.npy", x)

    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    layer_config = next(c for c in config["config"]["layers"] if c["class_name"] == "Antirectifier")
    assert layer_config["registered_name"] == REGISTERED_NAME
    assert layer_config["lamina_plugin"] == DISTRIBUTION
    assert layer_config["config"]["units"] == 4

    # No custom_objects: the class is found through the plugin's registration.
    loaded = lamina.models.load_model(path)
    assert type(loaded.get_layer("anti")) is Antirectifier
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
