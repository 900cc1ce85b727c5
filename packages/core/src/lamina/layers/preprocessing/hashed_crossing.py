"""`HashedCrossing`: hashes the combination (cross) of categorical features into bins."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.layers.preprocessing.category_encoding import (
    check_not_sparse,
    check_output_mode,
    encode_categorical_numpy,
)
from lamina.layers.preprocessing.host_layer import HostLayer, int_dtype
from lamina.layers.preprocessing.string_hashes import fingerprint64

_MASK = (1 << 64) - 1
_MUL = 0xC6A4A7935BD1E995
# The key `tf.sparse.cross_hashed` starts from when it is given none.
_DEFAULT_HASH_KEY = 0xDECAFCAFFE


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def fingerprint_cat64(first: int, second: int) -> int:
    """Combines two 64-bit fingerprints (TensorFlow's `FingerprintCat64`)."""
    result = first ^ _MUL
    result ^= (_shift_mix((second * _MUL) & _MASK) * _MUL) & _MASK
    result = (result * _MUL) & _MASK
    result = (_shift_mix(result) * _MUL) & _MASK
    return _shift_mix(result)


def _feature_hash(value: Any) -> int:
    """A feature's 64-bit hash: strings are fingerprinted, integers used as they are."""
    if isinstance(value, str):
        return fingerprint64(value.encode("utf-8"))
    if isinstance(value, bytes):
        return fingerprint64(value)
    return int(value) & _MASK


def cross_hash(values: tuple, num_bins: int) -> int:
    """The bin of one crossed feature tuple, as `tf.sparse.cross_hashed`."""
    result = _DEFAULT_HASH_KEY
    for value in values:
        result = fingerprint_cat64(result, _feature_hash(value))
    return result % num_bins


class HashedCrossing(HostLayer):
    """Crosses categorical features and hashes each combination into a bin.

    Given two or more features of equal shape (`()`, `(batch,)` or
    `(batch, 1)`), integers or strings, each row's tuple of values is hashed
    into one of `num_bins` bins, exactly as Keras (`tf.sparse.cross_hashed`)
    does, so Lamina and Keras put each combination in the same bin.

    Like `Hashing` it computes on the host with NumPy: apply it to data
    (NumPy arrays, lists or eager tensors), not inside a compiled step (see
    `lamina.layers.preprocessing.host_layer`).

    Args:
        num_bins: the number of bins, a positive integer.
        output_mode: "int" (default: bin ids) or "one_hot".
        sparse: must be False (Lamina returns dense tensors).

    Example:
        ```python
        layer = lamina.layers.HashedCrossing(num_bins=5)
        layer((np.array([1, 2, 3]), np.array(["A", "B", "C"])))  # 3 bin ids in [0, 5)
        ```
    """

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False, **kwargs: Any) -> None:
        if output_mode == "int" and kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64"
        super().__init__(**kwargs)
        if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError(
                f"Received an invalid value for `num_bins` of HashedCrossing, expected a positive integer. "
                f"Received: num_bins={num_bins!r}"
            )
        check_output_mode(output_mode, ("int", "one_hot"), "HashedCrossing")
        check_not_sparse(sparse, "HashedCrossing")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse

    def _check_inputs(self, inputs: Any) -> list:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "`HashedCrossing` should be called on a list or tuple of inputs (one per feature). "
                f"Received: inputs of type {type(inputs).__name__}"
            )
        if len(inputs) < 2:
            raise ValueError(
                f"`HashedCrossing` should be called on at least two inputs. Received: {len(inputs)} input(s)"
            )
        arrays = [self._host(x) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`. "
                f"Received: shapes {[a.shape for a in arrays]}"
            )
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError(
                f"All `HashedCrossing` inputs should have equal shape. Received: shapes {[a.shape for a in arrays]}"
            )
        for array in arrays:
            if array.dtype.kind not in ("i", "u", "U", "S", "O"):
                raise ValueError(
                    "All `HashedCrossing` inputs should have an integer or string dtype. "
                    f"Received: dtypes {[str(a.dtype) for a in arrays]}"
                )
        return arrays

    def call(self, inputs: Any) -> Any:
        arrays = self._check_inputs(inputs)
        shape = arrays[0].shape
        columns = [a.reshape(-1).tolist() for a in arrays]
        bins = np.array([cross_hash(row, self.num_bins) for row in zip(*columns)], dtype="int64").reshape(shape)
        if self.output_mode == "int":
            return self._output(bins, self._output_dtype())
        return self._output(encode_categorical_numpy(bins, "one_hot", self.num_bins), self.compute_dtype)

    def _output_dtype(self) -> str:
        if self.output_mode != "int":
            return self.compute_dtype
        return int_dtype(self._backend) if self.dtype == "int64" else self.dtype

    def compute_output_shape(self, input_shape: Any) -> tuple:
        if len(input_shape) < 2 or not all(isinstance(s, (tuple, list)) for s in input_shape):
            raise ValueError(f"Expected as input a list/tuple of 2 or more shapes. Received: input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] == 1:
            first = first[:-1]
        return first + (self.num_bins,)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        from lamina.backend.symbolic import SymbolicTensor

        shapes = [tuple(x.shape) for x in inputs]
        return SymbolicTensor(self.compute_output_shape(shapes), self._output_dtype())

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse})
        return config
