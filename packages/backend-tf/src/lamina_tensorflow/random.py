"""Random ops on TensorFlow: the stateless `tf.random.stateless_*` family.

The seed is an int32 tensor of shape (2,) (see `SeedGenerator`), so the same
seed gives the same numbers, eagerly, in `tf.function` and under XLA.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend.contract import RandomOps
from lamina_tensorflow.core import (
    convert,
    float_tensor,
    ndim_of,
    normalize_axis,
    static_or_dynamic_shape,
    to_tf_dtype,
)

_NATIVE_INT_DTYPES = (tf.int32, tf.int64, tf.uint32, tf.uint64)


def _seed(seed: Any) -> tf.Tensor:
    if seed is None:
        raise ValueError("Random ops on the TensorFlow backend need a seed tensor; received seed=None.")
    seed = convert(seed)
    if seed.dtype not in (tf.int32, tf.int64):
        seed = tf.cast(seed, tf.int64)
    if seed.shape.rank == 0:
        seed = tf.stack([seed, tf.zeros_like(seed)])
    return seed


def _shape(shape: Any) -> Any:
    if isinstance(shape, int):
        return [shape]
    if tf.is_tensor(shape):
        return shape
    return list(shape)


def _float_dtype(dtype: Any) -> tf.DType:
    result = to_tf_dtype(dtype)
    if not result.is_floating:
        raise ValueError(f"Expected a floating-point dtype. Received: dtype={dtype!r}")
    return result


class TensorFlowRandomOps(RandomOps):
    seed_dtype = "int32"

    def normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> tf.Tensor:
        dtype = _float_dtype(dtype)
        return tf.random.stateless_normal(_shape(shape), seed=_seed(seed), mean=mean, stddev=stddev, dtype=dtype)

    def uniform(
        self, shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> tf.Tensor:
        dtype = _float_dtype(dtype)
        return tf.random.stateless_uniform(_shape(shape), seed=_seed(seed), minval=minval, maxval=maxval, dtype=dtype)

    def truncated_normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> tf.Tensor:
        dtype = _float_dtype(dtype)
        return tf.random.stateless_truncated_normal(
            _shape(shape), seed=_seed(seed), mean=mean, stddev=stddev, dtype=dtype
        )

    def randint(self, shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> tf.Tensor:
        target = to_tf_dtype(dtype)
        if not target.is_integer:
            raise ValueError(f"randint needs an integer dtype. Received: dtype={dtype!r}")
        draw = target if target in _NATIVE_INT_DTYPES else tf.int32
        result = tf.random.stateless_uniform(
            _shape(shape), seed=_seed(seed), minval=convert(minval, draw), maxval=convert(maxval, draw), dtype=draw
        )
        return result if draw == target else tf.cast(result, target)

    def dropout(self, inputs: Any, rate: float, noise_shape: Any = None, seed: Any = None) -> tf.Tensor:
        inputs = float_tensor(inputs)
        shape = static_or_dynamic_shape(inputs)
        if noise_shape is not None:
            shape = [shape[i] if dim is None else dim for i, dim in enumerate(noise_shape)]
        noise = tf.random.stateless_uniform(shape, seed=_seed(seed), dtype=inputs.dtype)
        keep = noise >= tf.cast(rate, inputs.dtype)
        scaled = inputs / tf.cast(1.0 - rate, inputs.dtype)
        return tf.where(keep, scaled, tf.zeros_like(inputs))

    def shuffle(self, x: Any, axis: int = 0, seed: Any = None) -> tf.Tensor:
        x = convert(x)
        axis = normalize_axis(axis, ndim_of(x))
        length = static_or_dynamic_shape(x)[axis]
        noise = tf.random.stateless_uniform([length], seed=_seed(seed))
        return tf.gather(x, tf.argsort(noise, stable=True), axis=axis)

    def categorical(self, logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> tf.Tensor:
        logits = float_tensor(logits)
        target = to_tf_dtype(dtype)
        rank = ndim_of(logits)
        if rank < 1:
            raise ValueError(f"`logits` must have rank >= 1. Received shape {logits.shape}.")
        shape = static_or_dynamic_shape(logits)
        flat = tf.reshape(logits, [-1, shape[-1]]) if rank != 2 else logits
        draw = tf.int64 if target == tf.int64 else tf.int32
        samples = tf.random.stateless_categorical(flat, num_samples, seed=_seed(seed), dtype=draw)
        if rank != 2:
            samples = tf.reshape(samples, shape[:-1] + [num_samples])
        return samples if draw == target else tf.cast(samples, target)
