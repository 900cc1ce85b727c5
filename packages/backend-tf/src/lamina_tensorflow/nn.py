"""Neural-network ops on TensorFlow (`tf.nn` fused kernels where they match Keras)."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend.config import epsilon, floatx
from lamina.backend.contract import NNOps
from lamina.backend.contract.conv_arithmetic import (
    check_conv_transpose_kernel,
    check_depthwise_kernel,
    conv_groups,
    conv_transpose_padding,
    dilated_size,
    normalize_conv_arguments,
    normalize_output_padding,
    normalize_pool_arguments,
)
from lamina_tensorflow.core import (
    convert,
    float_tensor,
    ndim_of,
    normalize_axis,
    static_or_dynamic_shape,
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


# -- convolution helpers. TensorFlow's CPU kernels only take channels-last
# inputs, so channels-first tensors are transposed around every op.
def _to_channels_last(x: tf.Tensor, data_format: str) -> tf.Tensor:
    if data_format == "channels_last":
        return x
    ndim = ndim_of(x)
    return tf.transpose(x, [0] + list(range(2, ndim)) + [1])


def _from_channels_last(x: tf.Tensor, data_format: str) -> tf.Tensor:
    if data_format == "channels_last":
        return x
    ndim = ndim_of(x)
    return tf.transpose(x, [0, ndim - 1] + list(range(1, ndim - 1)))


def _pad_same(x: tf.Tensor, window: tuple, strides: tuple, dilation: tuple) -> tf.Tensor:
    """Pads channels-last `x` explicitly as "same" padding would (works with unknown sizes)."""
    sizes = static_or_dynamic_shape(x)[1:-1]
    paddings = [[0, 0]]
    for size, k, s, d in zip(sizes, window, strides, dilation):
        out = -(-size // s)
        needed = (out - 1) * s + dilated_size(k, d) - size
        total = max(needed, 0) if isinstance(needed, int) else tf.maximum(needed, 0)
        paddings.append([total // 2, total - total // 2])
    paddings.append([0, 0])
    return tf.pad(x, paddings)


def _convolve(
    x: tf.Tensor,
    kernel: tf.Tensor,
    strides: tuple,
    padding: str,
    dilation: tuple,
    groups: int = 1,
    depthwise: bool = False,
) -> tf.Tensor:
    """Channels-last convolution (`depthwise`: kernel `(*k, C, M)`)."""
    rank = len(strides)
    if max(strides) > 1 and max(dilation) > 1:
        # TensorFlow rejects strides and dilations together: convolve at
        # stride 1 (explicitly padded) and keep every `stride`-th output.
        if padding == "same":
            x = _pad_same(x, tuple(kernel.shape[:rank]), strides, dilation)
        y = _convolve(x, kernel, (1,) * rank, "valid", dilation, groups, depthwise)
        return y[(slice(None),) + tuple(slice(None, None, s) for s in strides)]
    if depthwise and rank < 3:
        if rank == 1:
            x, kernel = tf.expand_dims(x, 1), tf.expand_dims(kernel, 0)
            strides, dilation = (1,) + strides, (1,) + dilation
        y = tf.nn.depthwise_conv2d(x, kernel, (1,) + strides + (1,), padding.upper(), dilations=dilation)
        return tf.squeeze(y, 1) if rank == 1 else y
    if depthwise:
        channels = kernel.shape[-2]
        kernel = tf.reshape(kernel, tuple(kernel.shape[:-2]) + (1, channels * kernel.shape[-1]))
        groups = channels
    if groups > 1 and rank == 3:
        # Grouped 3-D convolutions have no CPU kernel: one convolution per group.
        pieces = zip(tf.split(x, groups, axis=-1), tf.split(kernel, groups, axis=-1))
        outputs = [tf.nn.convolution(xg, kg, strides, padding.upper(), dilations=dilation) for xg, kg in pieces]
        return tf.concat(outputs, axis=-1)
    return tf.nn.convolution(x, kernel, strides, padding.upper(), dilations=dilation)


def _channels(x: tf.Tensor, data_format: str) -> Any:
    return x.shape[-1] if data_format == "channels_last" else x.shape[1]


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

    # -- convolution and pooling ---------------------------------------------------
    def conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> tf.Tensor:
        x = float_tensor(inputs)
        kernel = convert(kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            ndim_of(x), strides, padding, data_format, dilation_rate, op="conv"
        )
        groups = conv_groups(_channels(x, data_format), tuple(kernel.shape), len(strides), op="conv")
        y = _convolve(_to_channels_last(x, data_format), kernel, strides, padding, dilation, groups)
        return _from_channels_last(y, data_format)

    def depthwise_conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> tf.Tensor:
        x = float_tensor(inputs)
        kernel = convert(kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            ndim_of(x), strides, padding, data_format, dilation_rate, op="depthwise_conv"
        )
        check_depthwise_kernel(_channels(x, data_format), tuple(kernel.shape), len(strides))
        y = _convolve(_to_channels_last(x, data_format), kernel, strides, padding, dilation, depthwise=True)
        return _from_channels_last(y, data_format)

    def separable_conv(
        self,
        inputs: Any,
        depthwise_kernel: Any,
        pointwise_kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> tf.Tensor:
        x = float_tensor(inputs)
        depthwise_kernel = convert(depthwise_kernel, x.dtype)
        pointwise_kernel = convert(pointwise_kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            ndim_of(x), strides, padding, data_format, dilation_rate, op="separable_conv"
        )
        rank = len(strides)
        check_depthwise_kernel(_channels(x, data_format), tuple(depthwise_kernel.shape), rank, op="separable_conv")
        x = _to_channels_last(x, data_format)
        y = _convolve(x, depthwise_kernel, strides, padding, dilation, depthwise=True)
        conv_groups(y.shape[-1], tuple(pointwise_kernel.shape), rank, op="separable_conv")
        y = tf.nn.convolution(y, pointwise_kernel, 1, "VALID")
        return _from_channels_last(y, data_format)

    def conv_transpose(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> tf.Tensor:
        x = float_tensor(inputs)
        kernel = convert(kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            ndim_of(x), strides, padding, data_format, dilation_rate, op="conv_transpose"
        )
        rank = len(strides)
        check_conv_transpose_kernel(_channels(x, data_format), tuple(kernel.shape), rank)
        output_padding = normalize_output_padding(output_padding, rank) or (None,) * rank
        x = _to_channels_last(x, data_format)
        # The full output ("valid" without extra padding), then Keras's crops:
        # `extent - 1 - pad` per side, negative crops being zeros to add.
        shape = static_or_dynamic_shape(x)
        kernel_size = tuple(kernel.shape[:rank])
        full = [(n - 1) * s + dilated_size(k, d) for n, k, s, d in zip(shape[1:-1], kernel_size, strides, dilation)]
        output_shape = [shape[0]] + full + [kernel.shape[-2]]
        if not all(isinstance(dim, int) for dim in output_shape):
            output_shape = tf.stack(output_shape)
        y = tf.nn.conv_transpose(x, kernel, output_shape, strides, "VALID", dilations=dilation)
        crops, pads = [slice(None)], [[0, 0]]
        for k, s, d, p in zip(kernel_size, strides, dilation, output_padding):
            before, after = conv_transpose_padding(k, s, d, padding, p)
            crop_before = dilated_size(k, d) - 1 - before
            crop_after = dilated_size(k, d) - 1 - after
            crops.append(slice(max(crop_before, 0), -crop_after if crop_after > 0 else None))
            pads.append([max(-crop_before, 0), max(-crop_after, 0)])
        y = y[tuple(crops)]
        if any(before or after for before, after in pads):
            y = tf.pad(y, pads + [[0, 0]])
        return _from_channels_last(y, data_format)

    def max_pool(
        self, inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
    ) -> tf.Tensor:
        x = convert(inputs)
        window, strides, padding, data_format = normalize_pool_arguments(
            ndim_of(x), pool_size, strides, padding, data_format, op="max_pool"
        )
        y = tf.nn.max_pool(_to_channels_last(x, data_format), window, strides, padding.upper())
        return _from_channels_last(y, data_format)

    def average_pool(
        self, inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
    ) -> tf.Tensor:
        # TensorFlow's "SAME" average pooling excludes padded elements, as Keras does.
        x = float_tensor(inputs)
        window, strides, padding, data_format = normalize_pool_arguments(
            ndim_of(x), pool_size, strides, padding, data_format, op="average_pool"
        )
        y = tf.nn.avg_pool(_to_channels_last(x, data_format), window, strides, padding.upper())
        return _from_channels_last(y, data_format)
