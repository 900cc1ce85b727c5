"""`Sequential`: a plain stack of layers, one input and one output."""

from __future__ import annotations

from typing import Any

from lamina.backend.symbolic import SymbolicTensor
from lamina.dtype_policies import serialize as serialize_dtype_policy
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model


class Sequential(Model):
    """A stack of layers where each layer has one input and one output.

    Args:
        layers: optional list of layers (an `Input` may come first).
        trainable: whether the model's variables are trained.
        name: the model's name.

    Example:
        ```python
        model = lamina.Sequential([
            lamina.Input(shape=(16,)),
            lamina.layers.Dense(8, activation="relu"),
        ])
        model.add(lamina.layers.Dense(1))
        ```
    """

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None) -> None:
        super().__init__(trainable=trainable, name=name)
        self._stack: list[Layer] = []
        self._inputs_list: list[SymbolicTensor] = []
        self._outputs_list: list[SymbolicTensor] = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Adds a layer on top of the stack."""
        if (
            isinstance(layer, SymbolicTensor)
            and layer._history is not None
            and isinstance(layer._history[0], InputLayer)
        ):
            layer = layer._history[0]
        if not isinstance(layer, Layer):
            raise ValueError(
                "Only instances of `lamina.layers.Layer` can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer) and self._stack:
            raise ValueError(
                f"Sequential model '{self.name}' has already been configured to use input shape "
                f"{self._stack[0]._batch_shape if isinstance(self._stack[0], InputLayer) else 'from its first layer'}. "
                f"You cannot add a different Input layer to it."
            )
        names = {existing.name for existing in self._stack}
        if layer.name in names:
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name "
                f"'{layer.name}' is already the name of a layer in this model."
            )
        self._stack.append(layer)
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Removes and returns the top layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self._inputs_list = []
        self._outputs_list = []
        if not self._stack:
            return
        first = self._stack[0]
        if isinstance(first, InputLayer):
            if len(self._stack) > 1:
                self.build(first.batch_shape)
        elif getattr(first, "_input_shape_arg", None) is not None:
            self.build(first._input_shape_arg)

    @property
    def layers(self) -> list[Layer]:
        """The layers of the stack (the Input layer excluded, as in Keras)."""
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    @property
    def _layers(self) -> list[Layer]:
        return list(self._stack)

    def build(self, input_shape: Any = None) -> None:
        first = self._stack[0] if self._stack else None
        if isinstance(first, InputLayer):
            inputs = first.output_tensor
        else:
            if input_shape is None:
                raise ValueError(
                    f"Sequential model '{self.name}' cannot be built: it has no Input. Start it "
                    "with `lamina.Input(shape=...)` or call `build((None, ...))`."
                )
            if isinstance(input_shape, dict) or (
                isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple))
            ):
                raise ValueError(f"Sequential models take one input. Received input_shape={input_shape}")
            # The batch size of the first data seen is not part of the model.
            input_layer = InputLayer(batch_shape=(None,) + tuple(input_shape)[1:])
            self._stack.insert(0, input_layer)
            inputs = input_layer.output_tensor
        x = inputs
        # `build` already runs inside this model's name scope (Layer wraps it),
        # so sub-layer variables get paths like "sequential/dense/kernel".
        for layer in self.layers:
            try:
                x = layer(x)
            except Exception as error:
                if isinstance(first, InputLayer) or getattr(first, "_input_shape_arg", None) is not None:
                    raise
                # Deferred build from data: undo the Input we added and re-raise.
                self._stack.pop(0)
                raise error
        self._inputs_list = [inputs]
        self._outputs_list = [x]
        self._output_names = [self.layers[-1].name] if self.layers else ["output"]
        self._build_shapes = {"input_shape": list(inputs.shape)}
        self.built = True

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        x = inputs
        for layer in self.layers:
            kwargs = {}
            if mask is not None and layer._call_has_mask:
                kwargs["mask"] = mask
            outputs = layer(x, **kwargs)
            mask = (
                layer.compute_mask(x, mask)
                if mask is not None or type(layer).compute_mask is not Layer.compute_mask
                else None
            )
            x = outputs
        return x

    def compute_output_spec(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        x = inputs
        for layer in self.layers:
            x = layer.compute_output_spec(x)
        return x

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return list(self._inputs_list)

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return list(self._outputs_list)

    @property
    def input(self) -> Any:
        if not self._inputs_list:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input yet: it is not built.")
        return self._inputs_list[0]

    @property
    def output(self) -> Any:
        if not self._outputs_list:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output yet: it is not built.")
        return self._outputs_list[0]

    @property
    def input_shape(self) -> tuple:
        return self.input.shape

    @property
    def output_shape(self) -> tuple:
        return self.output.shape

    @property
    def output_names(self) -> list[str]:
        if self.layers:
            return [self.layers[-1].name]
        return ["output"]

    def get_config(self) -> dict:
        from lamina.saving.serialization import serialize_keras_object

        layers = [serialize_keras_object(layer) for layer in self._stack]
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_dtype_policy(self.dtype_policy),
            "layers": layers,
        }
        if self.built and self._inputs_list:
            config["build_input_shape"] = list(self._inputs_list[0].shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        from lamina.saving.serialization import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        model._maybe_rebuild()
        shape = config.get("build_input_shape")
        if not model.built and shape:
            model.build(tuple(shape))
        return model

    def get_build_config(self) -> dict | None:
        if not self.built or not self._inputs_list:
            return None
        return {"input_shape": list(self._inputs_list[0].shape)}

    def build_from_config(self, config: dict) -> None:
        if not self.built and config and config.get("input_shape"):
            self.build(tuple(config["input_shape"]))
