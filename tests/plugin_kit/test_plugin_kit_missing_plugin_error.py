"""Saved configs record which plugin distribution provided an object, and
loading without that plugin names the package to install.

Runs anywhere (no example package needed): fake distributions are written
to a temporary folder on `sys.path`, as `tests/test_plugins.py` does.
"""

from __future__ import annotations

import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lamina.backend import registry as backend_registry
from lamina.backend import state
from lamina.export import registry as export_registry
from lamina.plugins import manager
from lamina.saving import deserialize_keras_object, format_registry, object_registry, serialize_keras_object

LAYER_MODULE = """
import lamina
from lamina.plugins import hookimpl


class Scale(lamina.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def double(x):
    return x * 2


@hookimpl
def register_objects(register):
    register(Scale, package="FakePack")
    register(double, package="FakePack")
"""


@pytest.fixture
def plugin_path(tmp_path: Path) -> Iterator[Path]:
    """A folder on sys.path for fake distributions; restores plugins and registries after."""
    manager.ensure_loaded()
    # Layers created while plugins are reloaded must use the backend instance
    # every other test uses, not a new one made from a reset registry.
    try:
        state.current()
    except ImportError:
        pass
    saved_default = state.default_or_none()
    saved = (
        dict(manager._STATE.plugins),
        manager._STATE.manager,
        dict(backend_registry._ENTRIES),
        dict(backend_registry._INSTANCES),
        dict(format_registry.FORMATS._entries),
        dict(export_registry.EXPORTERS._entries),
        dict(object_registry._REGISTERED),
        dict(object_registry._NAMES),
        dict(object_registry._PLUGINS),
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        if str(tmp_path) in sys.path:
            sys.path.remove(str(tmp_path))
        (
            manager._STATE.plugins,
            manager._STATE.manager,
            backend_registry._ENTRIES,
            backend_registry._INSTANCES,
            format_registry.FORMATS._entries,
            export_registry.EXPORTERS._entries,
            object_registry._REGISTERED,
            object_registry._NAMES,
            object_registry._PLUGINS,
        ) = saved
        manager._STATE.loaded = True
        state.set_default(saved_default)
        for name in list(sys.modules):
            if name.startswith("fake_kit_"):
                del sys.modules[name]


def make_distribution(root: Path, name: str, module: str, source: str) -> None:
    """Writes an installed-looking distribution (dist-info + module) under `root`."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[lamina]\nlayers = {module}\n")


def reload_plugins() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", manager.PluginWarning)
        manager.reset()
        manager.ensure_loaded()


def saved_configs(plugin_path: Path) -> tuple[dict, dict]:
    """Configs of a layer and a function from the fake plugin "lamina-fake-layers"."""
    make_distribution(plugin_path, "lamina-fake-layers", "fake_kit_layers", LAYER_MODULE)
    reload_plugins()
    layer_class = object_registry.get_registered_object("FakePack>Scale")
    function = object_registry.get_registered_object("FakePack>double")
    assert layer_class is not None and function is not None
    return serialize_keras_object(layer_class(factor=3.0)), serialize_keras_object(function)


def test_config_records_the_plugin_distribution(plugin_path: Path) -> None:
    layer_config, function_config = saved_configs(plugin_path)
    assert layer_config["registered_name"] == "FakePack>Scale"
    assert layer_config["lamina_plugin"] == "lamina-fake-layers"
    assert function_config["registered_name"] == "FakePack>double"
    assert function_config["lamina_plugin"] == "lamina-fake-layers"
    # With the plugin installed, both load by name.
    layer = deserialize_keras_object(layer_config)
    assert type(layer).__name__ == "Scale" and layer.factor == 3.0
    assert deserialize_keras_object(function_config) is object_registry.get_registered_object("FakePack>double")


def test_loading_without_the_plugin_names_the_package(plugin_path: Path) -> None:
    layer_config, function_config = saved_configs(plugin_path)
    sys.path.remove(str(plugin_path))  # "pip uninstall lamina-fake-layers"
    reload_plugins()
    expected = (
        'This file uses "FakePack>Scale" from the Lamina plugin "lamina-fake-layers", '
        "which is not installed: pip install lamina-fake-layers"
    )
    with pytest.raises(TypeError) as error:
        deserialize_keras_object(layer_config)
    assert str(error.value) == expected
    with pytest.raises(TypeError, match='"FakePack>double" from the Lamina plugin "lamina-fake-layers"'):
        deserialize_keras_object(function_config)


def test_plugin_that_fails_to_load_is_named_with_its_error(plugin_path: Path) -> None:
    layer_config, _ = saved_configs(plugin_path)
    (plugin_path / "fake_kit_layers.py").write_text("raise RuntimeError('broken build')\n")
    sys.modules.pop("fake_kit_layers", None)
    reload_plugins()
    with pytest.raises(TypeError, match=r"installed but failed to load: .*broken build.*lamina plugins"):
        deserialize_keras_object(layer_config)


def test_installed_plugin_without_the_object_suggests_upgrading(plugin_path: Path) -> None:
    layer_config, _ = saved_configs(plugin_path)
    (plugin_path / "fake_kit_layers.py").write_text("")  # a version that registers nothing
    sys.modules.pop("fake_kit_layers", None)
    reload_plugins()
    with pytest.raises(TypeError, match=r"installed version \(1\.2\.3\) does not register it.*--upgrade"):
        deserialize_keras_object(layer_config)


def test_objects_not_from_a_plugin_distribution_record_none(plugin_path: Path) -> None:
    import lamina

    @lamina.saving.register_keras_serializable(package="KitUserCode")
    class Doubler(lamina.layers.Layer):
        def call(self, inputs: Any) -> Any:
            return inputs * 2

    try:
        assert "lamina_plugin" not in serialize_keras_object(Doubler())
        assert "lamina_plugin" not in serialize_keras_object(lamina.layers.Dense(2))
        # A plugin registered at run time has no distribution to install.
        module = type(sys)("fake_kit_runtime")
        exec(textwrap.dedent(LAYER_MODULE).replace('"FakePack"', '"RuntimePack"'), module.__dict__)
        manager.register(module, name="fake-kit-runtime")
        scale = object_registry.get_registered_object("RuntimePack>Scale")
        config = serialize_keras_object(scale())
        assert config["registered_name"] == "RuntimePack>Scale" and "lamina_plugin" not in config
    finally:
        object_registry.remove_object("KitUserCode>Doubler")
