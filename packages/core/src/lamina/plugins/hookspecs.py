"""The hooks a Lamina plugin can implement.

A plugin is a module named by an entry point in the group "lamina". It
implements any of these functions, decorated with `lamina.plugins.hookimpl`.
Each hook receives a `register` callable; the plugin calls it once per thing
it provides. Registration must be cheap: register import paths, and let
Lamina import the heavy module on first use.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

hookspec = pluggy.HookspecMarker("lamina")


@hookspec
def register_backends(register: Callable) -> None:
    """Register backends: `register(name, "pkg.module:BackendClass", requires=("framework",))`."""


@hookspec
def register_formats(register: Callable) -> None:
    """Register file formats: `register(name, "pkg.module:FormatClass", extensions=(".ext",))`."""


@hookspec
def register_exporters(register: Callable) -> None:
    """Register exporters: `register(name, "pkg.module:ExporterClass", backends=("torch",), format="onnx", requires=(...), install="pip ...")`."""


@hookspec
def register_objects(register: Callable) -> None:
    """Register serializable classes or functions: `register(obj, package="MyPack", name=None)`."""
