"""`InputSpec`: what a layer accepts, checked on every call."""

from __future__ import annotations

from typing import Any

from lamina import tree


class InputSpec:
    """Describes the rank, dtype and shape a layer accepts.

    Args:
        dtype: expected dtype, or None.
        shape: expected shape (None entries match anything), or None.
        ndim: exact rank, or None.
        max_ndim: maximum rank, or None.
        min_ndim: minimum rank, or None.
        axes: dict mapping axes to the size they must have.
        allow_last_axis_squeeze: accept a trailing axis of size 1 missing.
        name: the input's name (for dict inputs).
        optional: whether the input may be None.

    Example:
        ```python
        self.input_spec = InputSpec(min_ndim=2, axes={-1: 16})
        ```
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: Any = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            highest = self.ndim if self.ndim is not None else self.max_ndim
            if max(self.axes) > highest - 1:
                raise ValueError(f"Axis {max(self.axes)} is greater than the maximum allowed value: {highest - 1}")

    def __repr__(self) -> str:
        parts = [f"{key}={value}" for key, value in vars(self).items() if value not in (None, {}, False)]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        return cls(**config)


def _mismatch(layer_name: str, index: int, detail: str, shape: tuple) -> ValueError:
    return ValueError(
        f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
        f"{detail}, but received input with shape {shape}"
    )


def assert_input_compatibility(input_spec: Any, inputs: Any, layer_name: str) -> None:
    """Raises a ValueError naming the layer, input index and both shapes on mismatch."""
    if not input_spec:
        return
    specs = tree.flatten(input_spec)
    flat_inputs = tree.flatten(inputs)
    if len(flat_inputs) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received {len(flat_inputs)} input tensors.'
        )
    for index, (x, spec) in enumerate(zip(flat_inputs, specs)):
        if spec is None:
            continue
        if x is None:
            if spec.optional:
                continue
            raise ValueError(f'Input {index} of layer "{layer_name}" is None, but the layer expects a tensor.')
        shape = getattr(x, "shape", None)
        if shape is None:
            continue
        shape = tuple(shape)
        rank = len(shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
            raise _mismatch(
                layer_name, index, f"expected ndim={spec.ndim}, found ndim={rank}. Full shape received: {shape}", shape
            )
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise _mismatch(layer_name, index, f"expected max_ndim={spec.max_ndim}, found ndim={rank}", shape)
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise _mismatch(layer_name, index, f"expected min_ndim={spec.min_ndim}, found ndim={rank}", shape)
        for axis, value in spec.axes.items():
            if value is None:
                continue
            if axis >= rank or axis < -rank:
                raise _mismatch(layer_name, index, f"expected axis {axis} of input shape to have value {value}", shape)
            if shape[axis] not in (value, None):
                raise _mismatch(layer_name, index, f"expected axis {axis} of input shape to have value {value}", shape)
        if spec.shape is not None:
            for expected, received in zip(spec.shape, shape):
                if expected is not None and received is not None and expected != received:
                    raise _mismatch(layer_name, index, f"expected shape={spec.shape}", shape)
