"""`CategoryEncoding`: integer category ids to one-hot, multi-hot or count vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.layers.layer import Layer

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def encode_categorical(inputs: Any, output_mode: str, depth: int, dtype: str, count_weights: Any = None) -> Any:
    """Encodes integer ids in `[0, depth)` as Keras's preprocessing layers do.

    "one_hot" encodes every id (a trailing axis of size 1 is replaced by the
    encoding); "multi_hot" and "count" encode each sample, the ids of rank-1
    inputs or of axis 1 of higher-rank inputs. Ids outside the range
    encode to zeros.
    """
    if output_mode == "int":
        return ops.cast(inputs, dtype)
    shape = ops.shape(inputs)
    if len(shape) == 0:
        inputs = ops.expand_dims(inputs, -1)
        shape = (1,)
    if output_mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            inputs = ops.squeeze(inputs, -1)
        return ops.one_hot(inputs, depth, dtype=dtype)
    reduction_axis = 1 if len(shape) > 1 else 0
    encoded = ops.one_hot(inputs, depth, dtype=dtype if count_weights is None else ops.dtype(count_weights))
    if output_mode == "multi_hot":
        return ops.max(encoded, axis=reduction_axis)
    if count_weights is not None:
        encoded = encoded * ops.expand_dims(count_weights, -1)
    return ops.sum(encoded, axis=reduction_axis)


def encoded_shape(input_shape: Any, output_mode: str, depth: int | None) -> tuple:
    """The output shape of `encode_categorical` for `input_shape`."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if len(input_shape) == 0:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)


def check_output_mode(output_mode: str, allowed: tuple, layer: str) -> None:
    if output_mode not in allowed:
        raise ValueError(
            f"Invalid value for argument `output_mode` of {layer}. Expected one of {allowed}. "
            f"Received: output_mode={output_mode!r}"
        )


def check_not_sparse(sparse: bool, layer: str) -> None:
    if sparse:
        raise ValueError(
            f"{layer}(sparse=True) is not supported: Lamina's preprocessing layers return dense tensors. "
            "Remove `sparse=True`."
        )


class CategoryEncoding(Layer):
    """Encodes integer features as one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of categories; inputs are ids in `[0, num_tokens)`.
        output_mode: "multi_hot" (default: 1 for each id present in a
            sample), "one_hot" (one vector per id) or "count" (how many
            times each id occurs in a sample).
        sparse: must be False (Lamina returns dense tensors).

    Call arguments:
        inputs: integer ids, rank 0, 1 or 2.
        count_weights: with "count", weights of the ids (same shape as inputs).

    Example:
        ```python
        layer = lamina.layers.CategoryEncoding(num_tokens=4, output_mode="count")
        layer(np.array([[0, 1, 1], [3, 3, 2]]))  # [[1, 2, 0, 0], [0, 0, 1, 2]]
        ```
    """

    def __init__(
        self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        check_output_mode(output_mode, OUTPUT_MODES, "CategoryEncoding")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not known beforehand, "
                "use the IntegerLookup layer instead."
            )
        if not isinstance(num_tokens, int) or isinstance(num_tokens, bool) or num_tokens < 1:
            raise ValueError(f"`num_tokens` must be an integer >= 1. Received: num_tokens={num_tokens}.")
        check_not_sparse(sparse, "CategoryEncoding")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def _convert_inputs(self, args: tuple) -> tuple:
        return args  # ids stay integers; `call` converts them

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not 'count'. "
                    f"Received `count_weights={count_weights}`."
                )
            count_weights = ops.convert_to_tensor(count_weights, dtype=self.compute_dtype)
        inputs = ops.convert_to_tensor(inputs)
        return encode_categorical(inputs, self.output_mode, self.num_tokens, self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config


def encode_categorical_numpy(ids: np.ndarray, output_mode: str, depth: int) -> np.ndarray:
    """`encode_categorical` on the host: float64 encodings of int ids (ids outside `[0, depth)` are dropped)."""
    ids = np.asarray(ids)
    if ids.ndim == 0:
        ids = ids[np.newaxis]
    if output_mode == "one_hot" and ids.ndim > 1 and ids.shape[-1] == 1:
        ids = ids[..., 0]
    valid = (ids >= 0) & (ids < depth)
    one_hot = (ids[..., np.newaxis] == np.arange(depth)) & valid[..., np.newaxis]
    if output_mode == "one_hot":
        return one_hot.astype("float64")
    axis = 1 if ids.ndim > 1 else 0
    if output_mode == "multi_hot":
        return np.any(one_hot, axis=axis).astype("float64")
    return np.sum(one_hot, axis=axis).astype("float64")
