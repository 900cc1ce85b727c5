"""How the default backend is chosen, switching at run time, and the errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lamina
from lamina.backend import BackendNotInstalledError, registry, selection


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("LAMINA_BACKEND", raising=False)
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    return tmp_path


def test_order_lamina_env_keras_env_config_file_then_first_installed(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = registry.installed_backends()
    assert selection.explain_default() == (installed[0], "first installed")
    last = installed[-1]
    (clean_env / "lamina.json").write_text(json.dumps({"backend": last}))
    assert selection.explain_default() == (last, str(clean_env / "lamina.json"))
    monkeypatch.setenv("KERAS_BACKEND", installed[0])
    assert selection.explain_default() == (installed[0], "KERAS_BACKEND")
    monkeypatch.setenv("KERAS_BACKEND", "openvino")  # not a Lamina backend: ignored
    assert selection.explain_default()[0] == last
    monkeypatch.setenv("LAMINA_BACKEND", last)
    monkeypatch.setenv("KERAS_BACKEND", installed[0])
    assert selection.explain_default() == (last, "LAMINA_BACKEND")


def test_missing_first_party_backend_names_the_pip_extra(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries = dict(registry.entries())
    entries.pop("torch", None)
    monkeypatch.setattr(registry, "entries", lambda: entries)
    monkeypatch.setitem(registry._INSTANCES, "__sentinel__", None)
    monkeypatch.delitem(registry._INSTANCES, "torch", raising=False)
    monkeypatch.setenv("LAMINA_BACKEND", "torch")
    with pytest.raises(BackendNotInstalledError, match=r'pip install "lamina\[torch\]"'):
        selection.default_backend_name()
    with pytest.raises(BackendNotInstalledError, match=r'pip install "lamina\[torch\]"'):
        lamina.config.set_backend("torch")


def test_unknown_backend_and_bad_config_file(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BackendNotInstalledError, match="'mxnet' is not installed.*pip install lamina-mxnet"):
        lamina.config.set_backend("mxnet")
    (clean_env / "lamina.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        selection.explain_default()


def test_no_backend_installed_says_how_to_install_one(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "installed_backends", lambda: [])
    with pytest.raises(BackendNotInstalledError, match=r'No Lamina backend is installed.*pip install "lamina\[jax\]"'):
        selection.default_backend_name()


def test_environment_variable_selects_backend_in_a_fresh_process(tmp_path: Path) -> None:
    name = registry.installed_backends()[-1]
    env = dict(os.environ, LAMINA_BACKEND=name, LAMINA_HOME=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3")
    code = "import lamina; print(lamina.config.backend()); print(type(lamina.layers.Dense(1).backend).__name__)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300, check=True
    ).stdout.split()
    assert out[0] == name


def test_set_backend_switches_without_reimporting() -> None:
    from lamina.backend import state

    previous = state.default_or_none()
    ops_module = sys.modules["lamina.ops"]
    try:
        for name in registry.installed_backends():
            lamina.config.set_backend(name)
            assert lamina.config.backend() == name
            assert lamina.ops.is_tensor(lamina.ops.ones((2,)))
    finally:
        state.set_default(previous)
    assert sys.modules["lamina.ops"] is ops_module
