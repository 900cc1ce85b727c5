"""Choosing the default backend.

Order: `LAMINA_BACKEND`; then `KERAS_BACKEND` if it names an installed
backend; then the "backend" key of `$LAMINA_HOME/lamina.json` (default
`~/.lamina`); then the first installed of jax, torch, tensorflow; then any
other installed backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from lamina.backend import registry
from lamina.backend.registry import BackendNotInstalledError


def lamina_home() -> Path:
    """The folder holding `lamina.json` (`$LAMINA_HOME`, default `~/.lamina`)."""
    home = os.environ.get("LAMINA_HOME")
    return Path(home) if home else Path.home() / ".lamina"


def _config_file_backend() -> tuple[str | None, Path]:
    path = lamina_home() / "lamina.json"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None, path
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ValueError(f"Cannot read {path}: it is not valid JSON ({error}). Fix or delete the file.") from None
    name = data.get("backend") if isinstance(data, dict) else None
    if name is not None and not isinstance(name, str):
        raise ValueError(f'The "backend" key of {path} must be a string. Received: {name!r}')
    return name, path


def _check(name: str, source: str) -> str:
    installed = registry.installed_backends()
    if name not in installed:
        raise BackendNotInstalledError(
            f"{source} asks for the Lamina backend {name!r}, which is not "
            f"installed (installed: {', '.join(installed) or 'none'}). Install it "
            f"with: {registry.install_hint(name)}"
        )
    return name


def default_backend_name() -> str:
    """Resolves the name of the default backend (see module docstring)."""
    return explain_default()[0]


def explain_default() -> tuple[str, str]:
    """The default backend's name and where the choice came from."""
    name = os.environ.get("LAMINA_BACKEND")
    if name:
        return _check(name.strip(), f"LAMINA_BACKEND={name}"), "LAMINA_BACKEND"
    installed = registry.installed_backends()
    keras_choice = os.environ.get("KERAS_BACKEND", "").strip()
    if keras_choice in installed:
        return keras_choice, "KERAS_BACKEND"
    name, path = _config_file_backend()
    if name:
        return _check(name, f"The configuration file {path}"), str(path)
    if installed:
        return installed[0], "first installed"
    raise BackendNotInstalledError(
        "No Lamina backend is installed. Install one with: "
        'pip install "lamina[jax]" (or "lamina[torch]", "lamina[tensorflow]").'
    )


def active_name() -> str:
    """Name of the backend ops run on now (resolving the default if needed)."""
    from lamina.backend import state

    return state.current().name


def set_backend(name: str) -> None:
    """Makes backend `name` the default for new layers and ops.

    Existing models keep the backend they were built with; use
    `lamina.models.clone_model(model, backend=name)` to move one.

    Raises:
        BackendNotInstalledError: naming the pip command to install it.
    """
    from lamina.backend import state

    if not isinstance(name, str):
        raise TypeError(f"set_backend expects a backend name (str). Received: {name!r}")
    state.set_default(registry.get_backend(name))
