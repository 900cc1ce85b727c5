"""`InputLayer` and `Input`: the entry points of Functional models."""

from __future__ import annotations

from typing import Any

from lamina.backend import dtypes
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer
from lamina.ops.node import Node


class InputLayer(Layer):
    """The layer behind `Input`: produces a symbolic tensor.

    Args:
        shape: shape without the batch dimension, e.g. `(784,)`.
        batch_size: optional fixed batch size.
        dtype: dtype of the input (default `floatx()`).
        sparse: whether the input is sparse.
        batch_shape: full shape including the batch dimension (instead of
            `shape` and `batch_size`).
        input_tensor: an existing symbolic tensor to wrap.
        optional: whether the input may be None.
        name: name of the layer and tensor.
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: Any = None,
        input_tensor: Any = None,
        optional: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("ragged", None)
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same time. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if shape is None and batch_shape is None and input_tensor is None:
            raise ValueError("You must pass a `shape` argument, e.g. `Input(shape=(784,))`.")
        if isinstance(shape, int):
            shape = (shape,)
        if input_tensor is not None:
            if not isinstance(input_tensor, SymbolicTensor):
                raise ValueError(f"Argument `input_tensor` must be a symbolic tensor. Received: {input_tensor!r}")
            batch_shape = input_tensor.shape
        elif batch_shape is None:
            batch_shape = (batch_size,) + tuple(shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._dtype_name = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        tensor = SymbolicTensor(self._batch_shape, self._dtype_name, sparse=self.sparse, name=self.name)
        Node(self, outputs=tensor)
        self.output_tensor = tensor

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    def call(self) -> None:
        return None

    def get_config(self) -> dict:
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype_name,
            "sparse": self.sparse,
            "name": self.name,
            "optional": self.optional,
        }


def Input(  # noqa: N802 - Keras's name
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: Any = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
) -> SymbolicTensor:
    """Returns a symbolic tensor to start a Functional model from.

    Example:
        ```python
        inputs = lamina.Input(shape=(784,))
        outputs = lamina.layers.Dense(10)(inputs)
        model = lamina.Model(inputs, outputs)
        ```
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output_tensor
