"""Math ops on TensorFlow."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend.contract import MathOps
from lamina_tensorflow.core import convert, float_tensor


class TensorFlowMathOps(MathOps):
    def logsumexp(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        axis = tuple(axis) if isinstance(axis, list) else axis
        return tf.math.reduce_logsumexp(float_tensor(x), axis=axis, keepdims=keepdims)

    def top_k(self, x: Any, k: int, sorted: bool = True) -> tuple:
        values, indices = tf.math.top_k(convert(x), k=k, sorted=sorted)
        return values, tf.cast(indices, tf.int32)

    def rsqrt(self, x: Any) -> tf.Tensor:
        return tf.math.rsqrt(float_tensor(x))

    def erf(self, x: Any) -> tf.Tensor:
        return tf.math.erf(float_tensor(x))

    def erfinv(self, x: Any) -> tf.Tensor:
        return tf.math.erfinv(float_tensor(x))
