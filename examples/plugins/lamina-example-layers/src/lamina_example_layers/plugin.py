"""Entry point of the lamina-example-layers plugin: registers the pack's layers.

Lamina calls `register_objects` once, the first time it needs a registry.
Each registered class is saved under "ExampleLayers>ClassName" and, when a
file names it, rebuilt from the registry (never imported by name from the
file).
"""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_objects(register: Callable) -> None:
    from lamina_example_layers import PACKAGE, Antirectifier

    register(Antirectifier, package=PACKAGE)
