"""Neural-network ops on TensorFlow (`tf.nn` fused kernels where they match Keras)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend.config import epsilon, floatx
from lamina.backend.contract import NNOps
from lamina_tensorflow.core import (
    convert,
    float_tensor,
    ndim_of,
    normalize_axis,
    to_tf_dtype,
)


def _same_shape(target: tf.Tensor, output: tf.Tensor) -> None:
    if (
        target.shape.rank is not None
        and output.shape.rank is not None
        and not target.shape.is_compatible_with(output.shape)
    ):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )


def _move_axis_last(x: tf.Tensor, axis: int) -> tf.Tensor:
    ndim = ndim_of(x)
    axis = normalize_axis(axis, ndim)
    if axis == ndim - 1:
        return x
    return tf.transpose(x, [d for d in range(ndim) if d != axis] + [axis])


class TensorFlowNNOps(NNOps):
    def relu(self, x: Any) -> tf.Tensor:
        return tf.nn.relu(convert(x))

    def relu6(self, x: Any) -> tf.Tensor:
        return tf.nn.relu6(convert(x))

    def sigmoid(self, x: Any) -> tf.Tensor:
        return tf.nn.sigmoid(float_tensor(x))

    def softplus(self, x: Any) -> tf.Tensor:
        return tf.nn.softplus(float_tensor(x))

    def softsign(self, x: Any) -> tf.Tensor:
        return tf.nn.softsign(float_tensor(x))

    def silu(self, x: Any) -> tf.Tensor:
        return tf.nn.silu(float_tensor(x))

    def log_sigmoid(self, x: Any) -> tf.Tensor:
        return tf.math.log_sigmoid(float_tensor(x))

    def leaky_relu(self, x: Any, negative_slope: float = 0.2) -> tf.Tensor:
        return tf.nn.leaky_relu(float_tensor(x), alpha=negative_slope)

    def hard_sigmoid(self, x: Any) -> tf.Tensor:
        x = float_tensor(x)
        return tf.nn.relu6(x + tf.cast(3.0, x.dtype)) / tf.cast(6.0, x.dtype)

    def hard_silu(self, x: Any) -> tf.Tensor:
        x = float_tensor(x)
        return x * self.hard_sigmoid(x)

    def elu(self, x: Any, alpha: float = 1.0) -> tf.Tensor:
        x = float_tensor(x)
        result = tf.nn.elu(x)
        if alpha == 1:
            return result
        return tf.where(x > 0, result, tf.cast(alpha, x.dtype) * result)

    def selu(self, x: Any) -> tf.Tensor:
        return tf.nn.selu(float_tensor(x))

    def gelu(self, x: Any, approximate: bool = True) -> tf.Tensor:
        return tf.nn.gelu(float_tensor(x), approximate=approximate)

    def softmax(self, x: Any, axis: Any = -1) -> tf.Tensor:
        x = float_tensor(x)
        if isinstance(axis, int):
            return tf.nn.softmax(x, axis=axis)
        axes = tuple(axis) if axis is not None else None
        shifted = x - tf.stop_gradient(tf.reduce_max(x, axis=axes, keepdims=True))
        exp = tf.exp(shifted)
        return exp / tf.reduce_sum(exp, axis=axes, keepdims=True)

    def log_softmax(self, x: Any, axis: Any = -1) -> tf.Tensor:
        x = float_tensor(x)
        if isinstance(axis, int):
            return tf.nn.log_softmax(x, axis=axis)
        axes = tuple(axis) if axis is not None else None
        shifted = x - tf.stop_gradient(tf.reduce_max(x, axis=axes, keepdims=True))
        return shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=axes, keepdims=True))

    def one_hot(self, x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Any:
        x = convert(x)
        if not x.dtype.is_integer:
            x = tf.cast(x, tf.int32)
        elif x.dtype not in (tf.uint8, tf.int32, tf.int64):
            x = tf.cast(x, tf.int64)
        result = tf.one_hot(x, num_classes, axis=axis, dtype=to_tf_dtype(dtype if dtype is not None else floatx()))
        if sparse:
            return tf.sparse.from_dense(result)
        return result

    def binary_crossentropy(self, target: Any, output: Any, from_logits: bool = False) -> tf.Tensor:
        output = float_tensor(output)
        target = convert(target, output.dtype)
        _same_shape(target, output)
        if from_logits:
            return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
        eps = tf.cast(epsilon(), output.dtype)
        output = tf.clip_by_value(output, eps, 1.0 - eps)
        positive = target * tf.math.log(output)
        negative = (1.0 - target) * tf.math.log(1.0 - output)
        return -(positive + negative)

    def categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> tf.Tensor:
        output = float_tensor(output)
        target = convert(target, output.dtype)
        _same_shape(target, output)
        if ndim_of(output) < 1:
            raise ValueError(f"Argument `output` must be at least rank 1. Received: output.shape={output.shape}")
        if from_logits:
            return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
        output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
        eps = tf.cast(epsilon(), output.dtype)
        log_prob = tf.math.log(tf.clip_by_value(output, eps, 1.0 - eps))
        return -tf.reduce_sum(target * log_prob, axis=axis)

    def sparse_categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> tf.Tensor:
        output = float_tensor(output)
        target = convert(target)
        out_rank = ndim_of(output)
        if ndim_of(target) == out_rank and target.shape[-1] == 1:
            target = tf.squeeze(target, axis=-1)
        if ndim_of(target) != out_rank - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={target.shape}, output.shape={output.shape}"
            )
        if not target.dtype.is_integer:
            target = tf.cast(target, tf.int32)
        elif target.dtype not in (tf.int32, tf.int64):
            target = tf.cast(target, tf.int64)
        output = _move_axis_last(output, axis)
        if from_logits:
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
        output = output / tf.reduce_sum(output, axis=-1, keepdims=True)
        eps = tf.cast(epsilon(), output.dtype)
        log_prob = tf.math.log(tf.clip_by_value(output, eps, 1.0 - eps))
        num_classes = output.shape[-1] if output.shape[-1] is not None else tf.shape(output)[-1]
        one_hot = tf.one_hot(target, num_classes, dtype=output.dtype)
        return -tf.reduce_sum(one_hot * log_prob, axis=-1)

    def moments(self, x: Any, axes: Any, keepdims: bool = False) -> tuple:
        x = float_tensor(x)
        original = None
        if x.dtype in (tf.float16, tf.bfloat16):
            original, x = x.dtype, tf.cast(x, tf.float32)
        axes = [axes] if isinstance(axes, int) else list(axes)
        mean, variance = tf.nn.moments(x, axes=axes, keepdims=keepdims)
        if original is not None:
            mean, variance = tf.cast(mean, original), tf.cast(variance, original)
        return mean, variance
