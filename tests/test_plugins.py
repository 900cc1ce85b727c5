"""Plugins: discovery through entry points, isolation of broken plugins,
check_pending, run-time registration, and one test per hook."""

from __future__ import annotations

import inspect
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

import lamina
from lamina.backend import registry as backend_registry
from lamina.export import registry as export_registry
from lamina.plugins import hookspecs, manager
from lamina.saving import format_registry, object_registry


@pytest.fixture
def isolated_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Restores plugin state and every registry after the test."""
    manager.ensure_loaded()
    saved = (
        dict(manager._STATE.plugins),
        manager._STATE.manager,
        dict(backend_registry._ENTRIES),
        dict(backend_registry._INSTANCES),
        dict(format_registry.FORMATS._entries),
        dict(export_registry.EXPORTERS._entries),
        dict(object_registry._REGISTERED),
        dict(object_registry._NAMES),
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    (
        manager._STATE.plugins,
        manager._STATE.manager,
        backend_registry._ENTRIES,
        backend_registry._INSTANCES,
        format_registry.FORMATS._entries,
        export_registry.EXPORTERS._entries,
        object_registry._REGISTERED,
        object_registry._NAMES,
    ) = saved
    manager._STATE.loaded = True
    for name in list(sys.modules):
        if name.startswith("fake_lamina_plugin"):
            del sys.modules[name]


def make_distribution(root: Path, name: str, module: str, source: str, entry_name: str = "fake") -> None:
    """Writes an installed-looking distribution (dist-info + module) under `root`."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[lamina]\n{entry_name} = {module}\n")


def reload_plugins() -> list[warnings.WarningMessage]:
    manager._STATE.loaded = False
    manager._STATE.plugins = {}
    backend_registry._ENTRIES = {k: v for k, v in backend_registry._ENTRIES.items() if False}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manager.ensure_loaded()
    return [w for w in caught if issubclass(w.category, manager.PluginWarning)]


def test_installed_backends_are_listed() -> None:
    names = {info.name: info for info in lamina.plugins.get_plugins()}
    expected = {
        "lamina-jax": ("jax", {"jax", "jax2tf"}),
        "lamina-torch": ("torch", {"torch", "onnx"}),
        "lamina-tensorflow": ("tensorflow", {"tf_saved_model", "tf2onnx"}),
    }
    for dist, (backend, exporters) in expected.items():
        assert dist in names, f"{dist} not found among {sorted(names)}"
        assert names[dist].registered["backends"] == [backend]
        assert set(names[dist].registered["exporters"]) == exporters
        assert names[dist].ok and names[dist].version


def test_plugin_that_fails_to_import_warns_once_and_the_rest_works(isolated_plugins: Path) -> None:
    make_distribution(
        isolated_plugins, "broken-import", "fake_lamina_plugin_a", "raise ImportError('missing dependency xyz')\n"
    )
    caught = reload_plugins()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "broken-import" in message and "missing dependency xyz" in message
    info = {p.name: p for p in lamina.plugins.get_plugins()}["broken-import"]
    assert not info.ok and "import failed" in info.error
    assert "jax" in lamina.backend.installed_backends()
    assert float(lamina.ops.convert_to_numpy(lamina.ops.add(1.0, 2.0))) == 3.0


def test_plugin_whose_registration_raises_is_rolled_back(isolated_plugins: Path) -> None:
    make_distribution(
        isolated_plugins,
        "broken-register",
        "fake_lamina_plugin_b",
        """
        import lamina.plugins

        @lamina.plugins.hookimpl
        def register_backends(register):
            register("halfway", "fake_lamina_plugin_b:Nothing")
            raise RuntimeError("registration exploded")
        """,
    )
    caught = reload_plugins()
    assert len(caught) == 1 and "broken-register" in str(caught[0].message)
    assert "registration exploded" in str(caught[0].message)
    assert "halfway" not in backend_registry.entries()
    info = {p.name: p for p in lamina.plugins.get_plugins()}["broken-register"]
    assert info.registered == {} and "register_backends" in info.error


def test_misspelt_hook_is_rejected_by_check_pending(isolated_plugins: Path) -> None:
    make_distribution(
        isolated_plugins,
        "misspelt-hook",
        "fake_lamina_plugin_c",
        """
        import lamina.plugins

        @lamina.plugins.hookimpl
        def register_backend(register):
            register("never", "x:y")
        """,
    )
    caught = reload_plugins()
    assert len(caught) == 1
    info = {p.name: p for p in lamina.plugins.get_plugins()}["misspelt-hook"]
    assert "unknown hook" in info.error and "register_backends" in info.error


def test_third_party_backend_plugin_is_found_and_loaded(isolated_plugins: Path) -> None:
    make_distribution(
        isolated_plugins,
        "lamina-fakejax",
        "fake_lamina_plugin_d",
        """
        import lamina.plugins

        def make():
            from lamina_jax.backend import JaxBackend

            class FakeJax(JaxBackend):
                name = "fakejax"

            return FakeJax

        @lamina.plugins.hookimpl
        def register_backends(register):
            register("fakejax", "fake_lamina_plugin_d:FakeJaxBackend", requires=("jax",))

        class _Lazy:
            pass
        """,
    )
    (isolated_plugins / "fake_lamina_plugin_d.py").write_text(
        (isolated_plugins / "fake_lamina_plugin_d.py").read_text() + "\nFakeJaxBackend = make()\n"
    )
    assert reload_plugins() == []
    assert "fakejax" in lamina.backend.installed_backends()
    backend = lamina.backend.get_backend("fakejax")
    assert backend.name == "fakejax"
    with lamina.backend.backend_scope(backend):
        assert float(lamina.ops.convert_to_numpy(lamina.ops.multiply(2.0, 3.0))) == 6.0


def test_register_at_run_time_and_unregister(isolated_plugins: Path) -> None:
    class Plugin:
        @lamina.plugins.hookimpl
        def register_exporters(self, register: Any) -> None:
            register("nothing", "fake:Exporter", backends=("jax",))

    info = lamina.plugins.register(Plugin(), name="runtime-plugin")
    assert info.ok and info.registered == {"exporters": ["nothing"]}
    assert "nothing" in export_registry.EXPORTERS.entries()
    lamina.plugins.unregister("runtime-plugin")
    assert "nothing" not in export_registry.EXPORTERS.entries()


# One test per hook: each registers through the hook and is seen by the registry.


def _register_plugin(hook: str, body: Any) -> manager.PluginInfo:
    plugin = type("P", (), {hook: staticmethod(lamina.plugins.hookimpl(body))})
    return lamina.plugins.register(plugin, name=f"test-{hook}")


def test_hook_register_backends(isolated_plugins: Path) -> None:
    info = _register_plugin(
        "register_backends", lambda register: register("hooked", "lamina_jax.backend:JaxBackend", requires=("jax",))
    )
    assert info.ok and "hooked" in backend_registry.entries()


def test_hook_register_formats(isolated_plugins: Path) -> None:
    info = _register_plugin("register_formats", lambda register: register("fmt", "x:Y", extensions=(".fmt",)))
    assert info.ok
    assert format_registry.format_for_path("model.fmt", "load").name == "fmt"


def test_hook_register_exporters(isolated_plugins: Path) -> None:
    info = _register_plugin("register_exporters", lambda register: register("exp", "x:Y", backends=("torch",)))
    assert info.ok and export_registry.EXPORTERS.get("exp").options["backends"] == ("torch",)


def test_hook_register_objects(isolated_plugins: Path) -> None:
    class Custom(lamina.layers.Layer):
        def call(self, x: Any) -> Any:
            return x

    info = _register_plugin("register_objects", lambda register: register(Custom, package="TestPack"))
    assert info.ok
    assert object_registry.get_registered_object("TestPack>Custom") is Custom


def test_every_hook_is_documented_and_tested() -> None:
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("register_")]
    assert hooks, "no hooks found"
    tests = set(globals())
    for hook in hooks:
        assert (getattr(hookspecs, hook).__doc__ or "").strip(), f"hook {hook} has no docstring"
        assert f"test_hook_{hook}" in tests, f"hook {hook} has no test_hook_{hook}"
    docs = (Path(__file__).parents[1] / "docs" / "plugins.md").read_text()
    for hook in hooks:
        assert hook in docs, f"hook {hook} is not documented in docs/plugins.md"
