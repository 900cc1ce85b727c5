"""Rebuilding a Functional model from its config (Keras 3 format).

Layers are created through `deserialize_keras_object` (registry only), then
their recorded calls are replayed on symbolic tensors in dependency order.
"""

from __future__ import annotations

from typing import Any

from lamina import tree
from lamina.layers.core.input_layer import InputLayer
from lamina.saving.serialization import deserialize_keras_object


def _is_history(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def functional_from_config(cls: type, config: dict, custom_objects: dict | None = None) -> Any:
    """Creates the layers named in `config` and replays their calls."""
    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"Invalid functional model config: the '{key}' entry is missing.")
    layers: dict[str, Any] = {}
    node_outputs: dict[tuple[str, int], list] = {}
    pending: list[tuple[str, int, dict]] = []
    for layer_data in config["layers"]:
        name = layer_data.get("name") or layer_data.get("config", {}).get("name")
        if not isinstance(name, str):
            raise ValueError(f"Invalid functional model config: a layer has no name: {layer_data!r}")
        if name in layers:
            raise ValueError(f"Invalid functional model config: two layers are named {name!r}.")
        spec = {k: v for k, v in layer_data.items() if k not in ("inbound_nodes", "name")}
        layer = deserialize_keras_object(spec, custom_objects=custom_objects)
        layers[name] = layer
        if isinstance(layer, InputLayer):
            node_outputs[(name, 0)] = [layer.output_tensor]
            continue
        for index, node_data in enumerate(layer_data.get("inbound_nodes", [])):
            pending.append((name, index, node_data))

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            layer_name, node_index, tensor_index = value["config"]["keras_history"]
            return node_outputs[(layer_name, node_index)][tensor_index]
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            return deserialize_keras_object(value, custom_objects=custom_objects)
        return value

    def ready(value: Any) -> bool:
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            layer_name, node_index, _ = value["config"]["keras_history"]
            return (layer_name, node_index) in node_outputs
        if isinstance(value, dict) and not ("class_name" in value and "config" in value):
            return all(ready(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return all(ready(v) for v in value)
        return True

    def unpack(value: Any) -> Any:
        if isinstance(value, dict) and ("class_name" in value and "config" in value):
            return resolve(value)
        if isinstance(value, dict):
            return {k: unpack(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unpack(v) for v in value]
        return value

    while pending:
        progressed = False
        remaining = []
        for name, index, node_data in pending:
            args = node_data.get("args", []) if isinstance(node_data, dict) else node_data
            kwargs = node_data.get("kwargs", {}) if isinstance(node_data, dict) else {}
            earlier = any(n == name and i < index for n, i, _ in remaining)
            if earlier or not ready(args) or not ready(kwargs):
                remaining.append((name, index, node_data))
                continue
            outputs = layers[name](*unpack(args), **unpack(kwargs))
            node_outputs[(name, index)] = tree.flatten(outputs)
            progressed = True
        if not progressed:
            missing = sorted({name for name, _, _ in remaining})
            raise ValueError(f"Invalid functional model config: the inputs of layer(s) {missing} are never produced.")
        pending = remaining

    def tensor_for(history: Any) -> Any:
        layer_name, node_index, tensor_index = history
        if (layer_name, node_index) not in node_outputs:
            raise ValueError(f"Invalid functional model config: no layer output {history}.")
        return node_outputs[(layer_name, node_index)][tensor_index]

    def map_histories(structure: Any) -> Any:
        if _is_history(structure):
            return tensor_for(structure)
        if isinstance(structure, dict):
            return {k: map_histories(v) for k, v in structure.items()}
        if isinstance(structure, (list, tuple)):
            return [map_histories(v) for v in structure]
        raise ValueError(f"Invalid functional model config entry: {structure!r}")

    inputs = map_histories(config["input_layers"])
    outputs = map_histories(config["output_layers"])
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))
