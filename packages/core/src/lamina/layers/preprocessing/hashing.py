"""`Hashing`: hashes values (strings or numbers) into a fixed number of bins."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.config import floatx
from lamina.layers.preprocessing.category_encoding import (
    check_not_sparse,
    check_output_mode,
    encode_categorical_numpy,
    encoded_shape,
)
from lamina.layers.preprocessing.host_layer import HostLayer, int_dtype
from lamina.layers.preprocessing.string_hashes import fingerprint64, siphash24


def value_bytes(value: Any, encoding: str = "utf-8") -> bytes:
    """The bytes TensorFlow hashes for `value` (`tf.as_string` of numbers, floats truncated to ints)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    if isinstance(value, (bool, np.bool_)):
        return b"true" if value else b"false"
    if isinstance(value, (float, np.floating)):
        return str(int(value)).encode()
    return str(int(value)).encode()


def hash_bucket(data: bytes, num_bins: int, salt: Any = None) -> int:
    """`tf.strings.to_hash_bucket_fast` (no salt) or `_strong` (salt = two ints)."""
    value = fingerprint64(data) if salt is None else siphash24(tuple(salt), data)
    return value % num_bins


def standardize_salt(salt: Any, layer: str) -> list | None:
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
        return list(salt)
    if isinstance(salt, int) and not isinstance(salt, bool):
        return [salt, salt]
    raise ValueError(
        f"The `salt` argument for `{layer}` can only be a tuple of size 2 integers, or a single integer. "
        f"Received: salt={salt}."
    )


class Hashing(HostLayer):
    """Hashes each value into one of `num_bins` bins.

    Strings are hashed with FarmHash's 64-bit fingerprint, exactly as
    `tf.strings.to_hash_bucket_fast` (so Lamina and Keras put every value in
    the same bin), or with keyed SipHash-2-4 when a `salt` is given
    (`to_hash_bucket_strong`). Numbers are hashed as their decimal strings
    (floats truncated to integers first). With `mask_value`, bin 0 is
    reserved for it and the other values go to bins 1 to `num_bins - 1`.

    Like the lookup layers it computes on the host with NumPy: apply it to
    data (NumPy arrays, lists or eager tensors), not inside a compiled
    step (see `lamina.layers.preprocessing.host_layer`).

    Args:
        num_bins: the number of bins, including the mask bin.
        mask_value: a value that always goes to bin 0 (optional).
        salt: an int or a pair of ints: use the keyed hash.
        output_mode: "int" (default: bin ids), "one_hot", "multi_hot" or "count".
        sparse: must be False.

    Example:
        ```python
        layer = lamina.layers.Hashing(num_bins=3)
        layer(np.array([["A"], ["B"], ["C"], ["D"], ["E"]]))  # [[1], [0], [1], [1], [2]]
        ```
    """

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else floatx()
        super().__init__(**kwargs)
        if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError(
                f"The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: num_bins={num_bins}."
            )
        check_output_mode(output_mode, ("int", "one_hot", "multi_hot", "count"), "Hashing")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode='int'`, `dtype` should be an integer type, 'int32' or 'int64'. "
                f"Received: dtype={kwargs['dtype']}"
            )
        check_not_sparse(sparse, "Hashing")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.salt = standardize_salt(salt, "Hashing")
        self.output_mode = output_mode
        self.sparse = sparse

    def hash_values(self, values: np.ndarray) -> np.ndarray:
        """The bin of every value of `values` (any shape), as int64."""
        values = np.asarray(values)
        bins = self.num_bins
        if self.mask_value is not None and bins > 1:
            bins -= 1
        flat = values.reshape(-1)
        uniques, inverse = np.unique(flat, return_inverse=True) if flat.size else (flat, flat.astype(int))
        hashed = np.array([hash_bucket(value_bytes(v), bins, self.salt) for v in uniques.tolist()], dtype="int64")
        result = hashed[inverse].reshape(values.shape) if flat.size else np.zeros(values.shape, "int64")
        if self.mask_value is not None and self.num_bins > 1:
            result = np.where(_equal(values, self.mask_value), 0, result + 1)
        return result

    def call(self, inputs: Any) -> Any:
        bins = self.hash_values(self._host(inputs))
        if self.output_mode == "int":
            return self._output(bins, self._output_dtype())
        return self._output(encode_categorical_numpy(bins, self.output_mode, self.num_bins), self.compute_dtype)

    def _output_dtype(self) -> str:
        if self.output_mode != "int":
            return self.compute_dtype
        return int_dtype(self._backend) if self.dtype == "int64" else self.dtype

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "num_bins": self.num_bins,
                "salt": self.salt,
                "mask_value": self.mask_value,
                "output_mode": self.output_mode,
                "sparse": self.sparse,
            }
        )
        return config


def _equal(values: np.ndarray, target: Any) -> np.ndarray:
    """Element-wise `values == target`, comparing strings with bytes by their text."""
    if values.dtype.kind in ("U", "S", "O"):
        target_text = target.decode() if isinstance(target, bytes) else str(target)
        flat = [v.decode() if isinstance(v, bytes) else str(v) for v in values.reshape(-1).tolist()]
        return np.array([v == target_text for v in flat], dtype=bool).reshape(values.shape)
    return values == target
