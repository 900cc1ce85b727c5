"""Where each variable of a model lives in a file: Keras 3's layout.

A model is walked like Keras walks it: each layer stores its own variables
under `<path>/vars/<index>`; Sequential and Functional models list their
layers under `layers/<name>`, and other layers and models store sub-layers
under the attribute that holds them. Names inside lists come from the class
(`dense`, `dense_1`, ...), not from generated layer names, so two builds of
the same architecture use the same paths whatever the backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lamina.backend.naming import to_snake_case
from lamina.layers import Layer

# Attributes of Lamina layers and models that are not children to save.
_SKIP = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_backend",
        "_auto_config",
        "_build_shapes",
        "_compile_loss",
        "_compile_metrics",
        "_loss_tracker",
        "_step_functions",
        "optimizer",
        "history",
        "_trainable_variables",
        "_non_trainable_variables",
        "_regularizers",
        "_losses",
        "_stack",
        "_inputs_list",
        "_outputs_list",
        "_operations",
        "_nodes",
        "_inputs",
        "_outputs",
        "_inputs_struct",
        "_outputs_struct",
        "_call_input_spec",
        "input_spec",
        "_initial_weights",
    }
)


def own_variables(layer: Layer) -> list:
    """The variables a layer stores itself, in Keras's order."""
    variables = list(layer._trainable_variables) + list(layer._non_trainable_variables)
    known = {id(v) for v in variables}
    from lamina.backend import Variable

    for name, value in sorted(vars(layer).items()):
        if name not in _SKIP and isinstance(value, Variable) and id(value) not in known:
            variables.append(value)
            known.add(id(value))
    return variables


def _private_last(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


_BASE_ATTRIBUTES: set[str] | None = None


def _base_attributes() -> set[str]:
    """Names every layer has (methods, properties, framework state): not children."""
    global _BASE_ATTRIBUTES
    if _BASE_ATTRIBUTES is None:
        from lamina.models import Model

        _BASE_ATTRIBUTES = set(dir(Layer)) | set(dir(Model)) | set(_SKIP)
    return _BASE_ATTRIBUTES


def _children(layer: Layer) -> Iterator[tuple[str, Any]]:
    """Child layers by attribute, in Keras's order: public names (properties
    included) sorted, then private ones; Sequential/Functional layers first."""
    from lamina.models import Functional, Sequential

    if isinstance(layer, (Sequential, Functional)):
        yield "layers", layer.layers
    skip = _base_attributes()
    for name in sorted(dir(layer), key=_private_last):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(layer, name)
        except Exception:  # noqa: BLE001 - properties may fail on unbuilt layers
            continue
        if isinstance(value, Layer):
            yield name, value
        elif isinstance(value, (list, tuple)) and any(isinstance(v, Layer) for v in value):
            yield name, [v for v in value if isinstance(v, Layer)]
        elif isinstance(value, dict) and any(isinstance(v, Layer) for v in value.values()):
            yield name, [v for v in value.values() if isinstance(v, Layer)]


def walk(layer: Layer, path: str = "", seen: set | None = None) -> Iterator[tuple[str, Layer]]:
    """Yields `(path, layer)` for the layer and every sub-layer, each once."""
    seen = set() if seen is None else seen
    if id(layer) in seen:
        return
    seen.add(id(layer))
    yield path, layer
    for attribute, child in _children(layer):
        if isinstance(child, list):
            counts: dict[str, int] = {}
            for item in child:
                base = to_snake_case(type(item).__name__)
                index = counts.get(base, 0)
                counts[base] = index + 1
                name = base if index == 0 else f"{base}_{index}"
                yield from walk(item, f"{path}/{attribute}/{name}".lstrip("/"), seen)
        else:
            yield from walk(child, f"{path}/{attribute}".lstrip("/"), seen)
