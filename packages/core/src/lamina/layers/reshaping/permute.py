"""`Permute`: reorders the non-batch axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Permute(Layer):
    """Permutes the axes of the input according to `dims` (the batch axis stays first).

    Args:
        dims: tuple of ints, a permutation of `1..rank-1`: `dims[i]` is the
            input axis that becomes output axis `i + 1`.

    Example:
        ```python
        lamina.layers.Permute((2, 1))(lamina.Input((10, 64))).shape   # (None, 64, 10)
        ```
    """

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(dims, (list, tuple)) or not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
            raise TypeError(
                f"Invalid argument `dims` for Permute layer: expected a tuple of ints. Received: dims={dims!r}"
            )
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute layer. The set of indices in `dims` must be "
                f"consecutive and start from 1 (the batch axis 0 is never permuted). Received: dims={dims}"
            )
        self.dims = tuple(dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return ops.transpose(inputs, axes=(0,) + self.dims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), inputs.dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = self.dims
        return config
