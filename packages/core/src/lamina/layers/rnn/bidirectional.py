"""`Bidirectional`: runs a recurrent layer forwards and backwards and merges the results."""

from __future__ import annotations

import copy
from typing import Any

from lamina import ops
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed_copy(layer: Layer, prefix: str, go_backwards: bool | None = None) -> Layer:
    """A fresh layer from `layer`'s config, named `prefix_<name>` (no weights or state carried over)."""
    from lamina.saving import deserialize_keras_object, serialize_keras_object

    config = serialize_keras_object(layer)
    config.pop("build_config", None)
    name = layer.name.removeprefix(f"{prefix}_")
    config["config"]["name"] = f"{prefix}_{name}"
    if go_backwards is not None:
        config["config"]["go_backwards"] = go_backwards
    return deserialize_keras_object(config)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The wrapped layer runs over the sequence as given; a copy of it (or
    `backward_layer`) runs over the reversed sequence. Their outputs are
    merged according to `merge_mode`; with `return_sequences` the backward
    outputs are re-reversed first, so both are aligned in time.

    Args:
        layer: an `RNN` layer (e.g. `LSTM`, `GRU`) or any layer with
            `go_backwards`, `return_sequences`, `return_state` and `stateful`.
        merge_mode: "concat" (default), "sum", "mul", "ave", or None (return
            the two outputs in a list).
        weights: optional initial weights (forward ones, then backward ones).
        backward_layer: optional layer for the backward direction; by default
            a copy of `layer` with `go_backwards` flipped.

    Call arguments:
        sequences: a `(batch, time, features)` tensor.
        initial_state: optional list of initial states: the forward layer's,
            then the backward layer's.
        mask: optional boolean `(batch, time)` tensor.
        training: passed to both layers.

    Example:
        ```python
        model = lamina.Sequential([
            lamina.Input((5, 10)),
            lamina.layers.Bidirectional(lamina.layers.LSTM(10, return_sequences=True)),
            lamina.layers.Bidirectional(lamina.layers.LSTM(10)),
            lamina.layers.Dense(5, activation="softmax"),
        ])
        ```
    """

    def __init__(
        self,
        layer: Layer,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Layer | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Please initialize `Bidirectional` with a `lamina.layers.Layer` instance. Received: layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` must be a `lamina.layers.Layer` instance (or None). "
                f"Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                "Received an invalid value for argument `merge_mode`, expected one of "
                f"'concat', 'sum', 'mul', 'ave' or None. Received: merge_mode={merge_mode!r}"
            )
        super().__init__(weights=weights, **kwargs)
        self.forward_layer = _renamed_copy(layer, "forward")
        if backward_layer is None:
            self.backward_layer = _renamed_copy(layer, "backward", go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._check_directions()
        # Masked steps output zeros when sequences are returned, so that the
        # padding of the two directions does not leak into the merged output.
        for direction in (self.forward_layer, self.backward_layer):
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _check_directions(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "The forward and backward layers of `Bidirectional` must have different `go_backwards` values. "
                f"Received: forward_layer.go_backwards={forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            forward_value, backward_value = getattr(forward, attribute), getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    f"The forward and backward layers of `Bidirectional` must have the same `{attribute}`. "
                    f"Received: {forward_value} for the forward layer and {backward_value} for the backward layer."
                )

    # -- states ----------------------------------------------------------------
    @property
    def states(self) -> Any:
        forward, backward = self.forward_layer.states, self.backward_layer.states
        if forward and backward:
            return tuple(forward) + tuple(backward)
        return None

    def reset_state(self) -> None:
        if not self.stateful:
            raise AttributeError(f"Layer '{self.name}' is not stateful: there is no state to reset.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self) -> None:
        """Alias of `reset_state`."""
        self.reset_state()

    # -- building and shapes -----------------------------------------------------
    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes: tuple = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = tuple(output_shape[:-1]) + (output_shape[-1] * 2,)
        outputs = (tuple(output_shape), tuple(output_shape)) if self.merge_mode is None else (tuple(output_shape),)
        if self.return_state:
            return outputs + state_shapes + state_shapes
        return outputs if self.merge_mode is None else outputs[0]

    def compute_output_spec(
        self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None
    ) -> Any:
        shapes = self.compute_output_shape(tuple(sequences.shape))

        def spec(shape: Any) -> Any:
            if isinstance(shape, list):
                return [spec(s) for s in shape]
            return SymbolicTensor(shape, self.compute_dtype)

        if self.return_state or self.merge_mode is None:
            return tuple(spec(s) for s in shapes)
        return spec(shapes)

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = (mask, mask) if not self.merge_mode else mask
        else:
            output_mask = (None, None) if not self.merge_mode else None
        if self.return_state and self.states is not None:
            state_masks = tuple(None for _ in self.states)
            if isinstance(output_mask, tuple):
                return output_mask + state_masks
            return (output_mask,) + state_masks
        return output_mask

    # -- calling -----------------------------------------------------------------
    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        kwargs: dict = {}
        if self.forward_layer._call_has_training:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_reversed = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states: tuple = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_reversed[1:])
            y, y_reversed = y[0], y_reversed[0]
        y = ops.cast(y, self.compute_dtype)
        y_reversed = ops.cast(y_reversed, self.compute_dtype)
        if self.return_sequences:
            y_reversed = ops.flip(y_reversed, axis=1)
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_reversed], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_reversed
        elif self.merge_mode == "ave":
            output = (y + y_reversed) / 2
        elif self.merge_mode == "mul":
            output = y * y_reversed
        else:
            output = (y, y_reversed)
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return (output,) + states
        return output

    # -- configuration -------------------------------------------------------------
    def get_config(self) -> dict:
        from lamina.saving import serialize_keras_object

        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        config["layer"] = serialize_keras_object(self.forward_layer)
        config["backward_layer"] = serialize_keras_object(self.backward_layer)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Bidirectional:
        from lamina.saving import deserialize_keras_object

        config = copy.deepcopy(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_keras_object(backward, custom_objects=custom_objects)
        return cls(**config)
