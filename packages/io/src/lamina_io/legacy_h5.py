"""Legacy `.h5` files: Keras 2 (tf.keras) and Keras 3 "legacy" whole models and weights.

A whole-model file keeps the architecture as JSON in the `model_config`
attribute and the weights in `model_weights/<layer>/<weight name>`, listed
by `layer_names` and `weight_names` attributes. Weights-only files use the
same layout at the root. Loading is safe and all-or-nothing like every
Lamina format; writing produces files Keras 3 reads as legacy `.h5`.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from lamina.backend import state
from lamina.saving.serialization import SafeModeScope, deserialize_keras_object, serialize_keras_object
from lamina.version import __version__ as lamina_version
from lamina_io.atomic import atomic_path
from lamina_io.h5_store import WeightsFileError, apply_plan, check_safe, h5py_module
from lamina_io.legacy_config import upgrade_model_config, upgrade_training_config


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _names(attribute: Any) -> list[str]:
    return [_text(name) for name in np.asarray(attribute).reshape(-1)]


def _weighted_layers(model: Any) -> list:
    """Layers that own weights, in the order legacy files list them."""
    return [layer for layer in model._flatten_layers(include_self=False) if layer.weights and not layer._layers] or (
        [model] if model.weights else []
    )


class LegacyH5Format:
    """Reads and writes `.h5` model and weights files in the legacy Keras layout."""

    # -- reading ------------------------------------------------------------------
    def _open(self, filepath: str) -> Any:
        if not os.path.exists(filepath):
            raise FileNotFoundError(f"No file at {filepath}.")
        h5py = h5py_module()
        try:
            handle = h5py.File(filepath, "r")
        except OSError as error:
            raise WeightsFileError(f"{filepath} is not a readable HDF5 file ({error}).") from None
        check_safe(handle, filepath)
        return handle

    def load_model(
        self,
        filepath: str | os.PathLike,
        custom_objects: dict | None = None,
        compile: bool = True,
        safe_mode: bool = True,
    ) -> Any:  # noqa: A002
        source = os.fspath(filepath)
        with self._open(source) as handle:
            if "model_config" not in handle.attrs:
                raise ValueError(
                    f"{source} holds no model configuration (it is a weights-only .h5 file). Build the "
                    "model in code and call `model.load_weights(...)` instead."
                )
            try:
                config = json.loads(_text(handle.attrs["model_config"]))
            except ValueError as error:
                raise ValueError(f"{source}: the model_config attribute is not valid JSON ({error}).") from None
            training = handle.attrs.get("training_config")
            with SafeModeScope(safe_mode):
                model = deserialize_keras_object(
                    upgrade_model_config(config), custom_objects=custom_objects, safe_mode=safe_mode
                )
            plan = self._plan(handle["model_weights"] if "model_weights" in handle else handle, model, source, False)
        apply_plan(plan)
        if compile and training is not None:
            arguments = upgrade_training_config(json.loads(_text(training)))
            with state.backend_scope(model.backend):
                model.compile(
                    optimizer=deserialize_keras_object(arguments["optimizer"]),
                    loss=deserialize_keras_object(arguments["loss"]),
                    metrics=arguments["metrics"],
                    loss_weights=arguments["loss_weights"],
                    weighted_metrics=arguments["weighted_metrics"],
                )
        return model

    def load_weights(
        self, model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False, by_name: bool = False, **kwargs: Any
    ) -> None:
        source = os.fspath(filepath)
        with self._open(source) as handle:
            group = handle["model_weights"] if "model_weights" in handle else handle
            plan = self._plan(group, model, source, skip_mismatch, by_name=by_name)
        steps = getattr(model, "_step_functions", None)
        if steps is not None:
            steps.sync_to_variables()
        apply_plan(plan)

    def _plan(self, group: Any, model: Any, source: str, skip_mismatch: bool, by_name: bool = False) -> list:
        if "layer_names" not in group.attrs:
            raise WeightsFileError(f"{source} is not a Keras weights file: it has no `layer_names` attribute.")
        stored = [
            name for name in _names(group.attrs["layer_names"]) if _names(group[name].attrs.get("weight_names", []))
        ]
        layers = _weighted_layers(model)
        by_layer_name = {layer.name: layer for layer in layers}
        if by_name or all(name in by_layer_name for name in stored):
            pairs = [(name, by_layer_name.get(name)) for name in stored]
        else:
            if len(stored) != len(layers) and not skip_mismatch:
                raise WeightsFileError(
                    f"{source} holds weights for {len(stored)} layers, but the model has {len(layers)} layers "
                    "with weights. Was it saved from another architecture? Pass skip_mismatch=True to skip."
                )
            pairs = list(zip(stored, layers))
        plan = []
        for name, layer in pairs:
            if layer is None:
                if skip_mismatch:
                    continue
                raise WeightsFileError(f"{source} has weights for layer '{name}', which the model does not have.")
            layer_group = group[name]
            weight_names = _names(layer_group.attrs["weight_names"])
            variables = layer.weights
            if len(weight_names) != len(variables):
                if skip_mismatch:
                    continue
                raise WeightsFileError(
                    f"{source}: layer '{layer.name}' expects {len(variables)} weights, the file has {len(weight_names)} for '{name}'."
                )
            datasets = [layer_group[weight_name] for weight_name in weight_names]
            mismatched = [(v, d) for v, d in zip(variables, datasets) if tuple(d.shape) != tuple(v.shape)]
            if mismatched:
                if skip_mismatch:
                    continue
                variable, dataset = mismatched[0]
                raise WeightsFileError(
                    f"{source}: shape mismatch for layer '{layer.name}', variable '{variable.path}': the model has "
                    f"{tuple(variable.shape)}, the file has {tuple(dataset.shape)}."
                )
            plan.extend((variable, np.asarray(dataset[()])) for variable, dataset in zip(variables, datasets))
        return plan

    # -- writing ------------------------------------------------------------------
    def _write_weights(self, group: Any, model: Any) -> None:
        layers = _weighted_layers(model)
        group.attrs["layer_names"] = np.array([layer.name.encode() for layer in layers])
        group.attrs["backend"] = model.backend.name.encode()
        group.attrs["keras_version"] = f"lamina-{lamina_version}".encode()
        for layer in layers:
            layer_group = group.create_group(layer.name)
            names = [f"{layer.name}/{variable.name}" for variable in layer.weights]
            layer_group.attrs["weight_names"] = np.array([name.encode() for name in names])
            for name, variable in zip(names, layer.weights):
                layer_group.create_dataset(name, data=np.asarray(variable.numpy()))

    def save_model(self, model: Any, filepath: str | os.PathLike, overwrite: bool = True, **kwargs: Any) -> None:
        h5py = h5py_module()
        config = serialize_keras_object(model)
        compile_config = config.pop("compile_config", None)
        with atomic_path(filepath, overwrite=overwrite) as temporary:
            with h5py.File(temporary, "w") as handle:
                handle.attrs["model_config"] = json.dumps(config).encode()
                handle.attrs["backend"] = model.backend.name.encode()
                handle.attrs["keras_version"] = f"lamina-{lamina_version}".encode()
                if compile_config:
                    optimizer = compile_config.get("optimizer") or {}
                    # The layout Keras writes (optimizer as {"class_name", "config"} only).
                    training = {
                        "loss": compile_config.get("loss"),
                        "loss_weights": compile_config.get("loss_weights"),
                        "metrics": compile_config.get("metrics"),
                        "weighted_metrics": compile_config.get("weighted_metrics"),
                        "run_eagerly": compile_config.get("run_eagerly", False),
                        "steps_per_execution": compile_config.get("steps_per_execution", 1),
                        "jit_compile": compile_config.get("jit_compile", "auto"),
                        "optimizer_config": {
                            "class_name": optimizer.get("class_name"),
                            "config": optimizer.get("config"),
                        }
                        if isinstance(optimizer, dict)
                        else optimizer,
                    }
                    handle.attrs["training_config"] = json.dumps(training).encode()
                self._write_weights(handle.create_group("model_weights"), model)

    def save_weights(self, model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        h5py = h5py_module()
        with atomic_path(filepath, overwrite=overwrite) as temporary:
            with h5py.File(temporary, "w") as handle:
                self._write_weights(handle, model)
