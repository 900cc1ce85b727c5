"""Upgrading Keras 2 model configurations to the Keras 3 format Lamina reads.

Keras 2 (tf.keras) configs differ in a few places: layers carry no
"module", functional nodes are nested lists `[[layer, node, tensor, kwargs]]`,
single inputs and outputs are one-element lists, and compile configs name
optimizer options Keras 3 dropped. Only the shape of the config changes here;
classes still resolve through Lamina's registry.
"""

from __future__ import annotations

import copy
from typing import Any

# Optimizer options of Keras 2 that Keras 3 (and Lamina) do not take.
_LEGACY_OPTIMIZER_KEYS = ("decay", "jit_compile", "is_legacy_optimizer")


def _history_to_tensor(entry: list) -> dict:
    layer_name, node_index, tensor_index = entry[0], entry[1], entry[2]
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [layer_name, node_index, tensor_index]}}


def _upgrade_node(node: Any) -> Any:
    if isinstance(node, dict):  # already Keras 3: {"args": [...], "kwargs": {...}}
        return node
    entries = [entry for entry in node if isinstance(entry, (list, tuple)) and entry and isinstance(entry[0], str)]
    kwargs = {}
    for entry in entries:
        if len(entry) > 3 and isinstance(entry[3], dict):
            kwargs.update(entry[3])
    tensors = [_history_to_tensor(entry) for entry in entries]
    args = [tensors[0]] if len(tensors) == 1 else [tensors]
    return {"args": args, "kwargs": kwargs}


def _unwrap_single(structure: Any) -> Any:
    if (
        isinstance(structure, list)
        and len(structure) == 1
        and isinstance(structure[0], list)
        and structure[0]
        and isinstance(structure[0][0], str)
    ):
        return structure[0]
    return structure


def upgrade_model_config(config: dict) -> dict:
    """Returns a Keras 3-style copy of a Keras 2 (or Keras 3 legacy-h5) model config."""
    config = copy.deepcopy(config)
    class_name = config.get("class_name")
    inner = config.get("config", {})
    if class_name in ("Model", "Functional") and isinstance(inner, dict) and "input_layers" in inner:
        config["class_name"] = "Functional"
        config.setdefault("module", "keras.src.models.functional")
        for layer in inner.get("layers", []):
            layer["inbound_nodes"] = [_upgrade_node(node) for node in layer.get("inbound_nodes", [])]
            if isinstance(layer.get("config"), dict) and layer.get("class_name") == "InputLayer":
                _upgrade_input_layer(layer["config"])
        inner["input_layers"] = _unwrap_single(inner["input_layers"])
        inner["output_layers"] = _unwrap_single(inner["output_layers"])
    elif class_name == "Sequential":
        for layer in inner.get("layers", []) if isinstance(inner, dict) else inner:
            if layer.get("class_name") == "InputLayer" and isinstance(layer.get("config"), dict):
                _upgrade_input_layer(layer["config"])
    return config


def _upgrade_input_layer(config: dict) -> None:
    if "batch_input_shape" in config and "batch_shape" not in config:
        config["batch_shape"] = config.pop("batch_input_shape")


def upgrade_training_config(config: dict) -> dict:
    """Turns a Keras 2 `training_config` into arguments of `Model.compile`."""
    config = copy.deepcopy(config)
    optimizer = config.get("optimizer_config")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        for key in _LEGACY_OPTIMIZER_KEYS:
            optimizer["config"].pop(key, None)
        # tf.keras 2.11+ registers its built-in optimizers as "Custom>Adam".
        class_name = optimizer.get("class_name", "")
        if isinstance(class_name, str) and class_name.startswith("Custom>"):
            optimizer["class_name"] = class_name.split(">", 1)[1]
            optimizer.setdefault("module", "keras.optimizers")
    return {
        "optimizer": optimizer or "rmsprop",
        "loss": config.get("loss"),
        "metrics": _flat_metrics(config.get("metrics")),
        "loss_weights": config.get("loss_weights"),
        "weighted_metrics": _flat_metrics(config.get("weighted_metrics")),
    }


def _flat_metrics(metrics: Any) -> Any:
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list):
        return metrics[0]
    return metrics
