"""`Model`: a layer that trains, saves and summarizes itself.

`Model(inputs, outputs)` builds a Functional model; subclassing `Model` and
implementing `call` gives a subclassed model. `Sequential` is a model too.
All three share `compile/fit/evaluate/predict` (from `Trainer`).
"""

from __future__ import annotations

import json
import os
from typing import Any

from lamina import tree
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer
from lamina.trainers.trainer import Trainer


def _is_functional_call(args: tuple, kwargs: dict) -> bool:
    if "inputs" in kwargs and "outputs" in kwargs:
        return True
    if len(args) == 2:
        return True
    return len(args) == 1 and "outputs" in kwargs


_FUNCTIONAL_VARIANTS: dict[type, type] = {}


def _functional_variant(cls: type) -> type:
    """`cls` with Functional mixed in (cached), so `__init__(inputs, outputs)` builds a graph."""
    variant = _FUNCTIONAL_VARIANTS.get(cls)
    if variant is None:
        from lamina.models.functional import Functional

        variant = type(
            cls.__name__, (cls, Functional), {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        )
        variant.__lamina_functional_of__ = cls
        _FUNCTIONAL_VARIANTS[cls] = variant
    return variant


class Model(Trainer, Layer):
    """A model: groups layers and adds training, saving and summaries.

    Two ways to make one:

    Functional: `model = Model(inputs, outputs)` from `lamina.Input` tensors.

    Subclassing:
        ```python
        class MLP(lamina.Model):
            def __init__(self):
                super().__init__()
                self.hidden = lamina.layers.Dense(64, activation="relu")
                self.out = lamina.layers.Dense(10)

            def call(self, inputs, training=False):
                return self.out(self.hidden(inputs))
        ```
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if _is_functional_call(args, kwargs):
            from lamina.models.functional import Functional

            if cls is Model:
                return Functional.__new__(Functional, *args, **kwargs)
            if not issubclass(cls, Functional):
                # `class CustomModel(Model)` called as `CustomModel(inputs, outputs)`:
                # a functional model that keeps the subclass's methods (train_step...).
                functional_cls = _functional_variant(cls)
                return Functional.__new__(functional_cls, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            raise TypeError(
                f"Unrecognized arguments passed to Model: {args or ''} {kwargs or ''}. A "
                "functional model takes `Model(inputs, outputs, name=None)`; a subclassed "
                "model passes only `name`, `trainable` and `dtype` to `super().__init__()`."
            )
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype)
        self._init_trainer()
        self._call_input_spec: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._call_input_spec is None and args:
            self._record_input_spec(args[0])
        return super().__call__(*args, **kwargs)

    def _record_input_spec(self, inputs: Any) -> None:
        def spec(x: Any) -> Any:
            if hasattr(x, "shape") and hasattr(x, "dtype"):
                from lamina.backend import dtypes

                try:
                    return SymbolicTensor((None,) + tuple(x.shape)[1:], dtypes.standardize_dtype(x.dtype))
                except ValueError:
                    return None
            return None

        try:
            self._call_input_spec = tree.map_structure(spec, inputs)
        except Exception:  # noqa: BLE001 - only a convenience for clone_model
            self._call_input_spec = None

    def build(self, input_shape: Any = None) -> None:
        """Builds a subclassed model by calling it on symbolic inputs of `input_shape`."""
        if input_shape is None:
            raise ValueError(
                f"You must provide an `input_shape` argument to build model '{self.name}', "
                "e.g. `model.build((None, 784))`."
            )
        if type(self).call is Model.call:
            self.built = True
            return

        def to_spec(shape: Any) -> Any:
            return SymbolicTensor(tuple(shape))

        if isinstance(input_shape, dict):
            inputs: Any = {k: to_spec(v) for k, v in input_shape.items()}
        elif isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            inputs = [to_spec(s) for s in input_shape]
        else:
            inputs = to_spec(input_shape)
        try:
            self(inputs, training=False)
        except Exception as error:
            raise ValueError(
                f"You cannot build model '{self.name}' from input_shape={input_shape}: calling it on "
                f"symbolic inputs failed ({type(error).__name__}: {error}). Call the model on a "
                "batch of real data instead, e.g. `model(x[:1])`."
            ) from error

    build.__lamina_default_build__ = True  # type: ignore[attr-defined]

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"Model {type(self).__name__} does not have a `call()` method implemented. "
            "Subclasses of Model must implement `call(self, inputs, training=None)`."
        )

    @property
    def layers(self) -> list[Layer]:
        """The model's direct sub-layers."""
        return self._layers

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Returns a layer by name or by index."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index, not both.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has {len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}.")

    @property
    def output_names(self) -> list[str]:
        return ["output_0"] if not getattr(self, "_output_names", None) else list(self._output_names)

    # -- inspection ------------------------------------------------------------
    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Any = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Prints a table of the layers, their output shapes and parameter counts."""
        from lamina.utils.summary_utils import print_summary

        print_summary(
            self, line_length=line_length, print_fn=print_fn, expand_nested=expand_nested, show_trainable=show_trainable
        )

    # -- saving ------------------------------------------------------------------
    def to_json(self, **kwargs: Any) -> str:
        """The model's architecture (and compile settings) as a JSON string."""
        from lamina.saving.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def to_yaml(self, **kwargs: Any) -> str:
        """The model's architecture as YAML text (needs `lamina[io]`; safe dumper only)."""
        from lamina.saving.format_registry import FORMATS
        from lamina.saving.serialization import serialize_keras_object

        return FORMATS.get("yaml").load()().dumps(serialize_keras_object(self), **kwargs)

    def save(self, filepath: str | os.PathLike, overwrite: bool = True, **kwargs: Any) -> None:
        """Saves the whole model (architecture, weights, optimizer state) to `filepath`.

        The format follows the file ending (".keras"); formats come from the
        `lamina-io` plugin (`pip install "lamina[io]"`).
        """
        from lamina.saving.format_registry import format_for_path

        entry = format_for_path(filepath, "save the model to")
        entry.load()().save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """Saves the weights to `filepath` (".weights.h5"), keyed by layer path."""
        from lamina.saving.format_registry import format_for_path

        entry = format_for_path(filepath, "save the weights to")
        entry.load()().save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str | os.PathLike, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Loads weights saved by `save_weights` (from any backend)."""
        from lamina.saving.format_registry import format_for_path

        entry = format_for_path(filepath, "load weights from")
        entry.load()().load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def export(
        self,
        filepath: str | os.PathLike,
        format: str = "tf_saved_model",  # noqa: A002 - Keras's argument name
        verbose: bool | None = None,
        input_signature: Any = None,
        **kwargs: Any,
    ) -> None:
        """Exports the inference call (`training=False`) to a deployable artifact.

        Formats: "tf_saved_model" (tensorflow, jax), "torch" (torch), "jax"
        (jax), "onnx" (torch, tensorflow); see `lamina.export.export_model`.

        Example:
            ```python
            model.export("model.onnx", format="onnx")
            ```
        """
        from lamina.export import export_model

        export_model(self, filepath, format=format, verbose=verbose, input_signature=input_signature, **kwargs)

    def get_config(self) -> dict:
        config = Layer.get_config(self)
        if self._auto_config is None and type(self).__init__ is not Model.__init__:
            raise NotImplementedError(
                f"Model {type(self).__name__} takes constructor arguments Lamina cannot record. "
                "Implement `get_config()` (and `from_config()` if needed) to save it."
            )
        return config

    get_config.__lamina_base_config__ = True  # type: ignore[attr-defined]
