"""`Softmax`: the softmax activation layer, with mask support."""

from __future__ import annotations

from typing import Any

from lamina import activations, ops
from lamina.layers.layer import Layer


def _large_negative(dtype: str) -> float:
    """A logit whose probability vanishes, representable in `dtype`."""
    return -3e4 if dtype == "float16" else -1e9


class Softmax(Layer):
    """Softmax activation over `axis`, honoring masks.

    Masked positions (mask False) get a large negative logit before the
    softmax and a probability of exactly 0 after it.

    Args:
        axis: int or list of ints, the axis (or axes) the softmax is
            normalized over (default -1).

    Call arguments:
        inputs: the logits.
        mask: optional boolean (or 0/1) tensor broadcastable to `inputs`.

    Example:
        ```python
        layer = lamina.layers.Softmax()
        layer(np.array([[1.0, 2.0, 3.0]]), mask=np.array([[True, True, False]]))
        # [[0.269, 0.731, 0.]]
        ```
    """

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        valid = isinstance(axis, int) and not isinstance(axis, bool)
        if isinstance(axis, (list, tuple)):
            valid = bool(axis) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis)
            axis = list(axis)
        if not valid:
            raise TypeError(
                f"Received an invalid value for `axis` of Softmax, expected an int or a list of ints. Received: axis={axis!r}"
            )
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            input_shape, mask_shape = tuple(ops.shape(inputs)), tuple(ops.shape(mask))
            compatible = len(mask_shape) <= len(input_shape) and all(
                m in (1, i) or m is None or i is None for m, i in zip(mask_shape[::-1], input_shape[::-1])
            )
            if not compatible:
                raise ValueError(
                    f"The `mask` of Softmax layer '{self.name}' must be broadcastable to its inputs: each mask "
                    f"dimension must be 1 or match the input's. Received: inputs.shape={input_shape}, "
                    f"mask.shape={mask_shape}"
                )
            if ops.dtype(mask) != "bool":
                mask = ops.greater(mask, 0.5)
            inputs = ops.where(mask, inputs, _large_negative(ops.dtype(inputs)))
        if isinstance(self.axis, list) and len(self.axis) > 1:
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=self.axis, keepdims=True)))
        else:
            axis = self.axis[0] if isinstance(self.axis, list) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
