"""Neural-network ops every backend provides (`lamina.ops` nn namespace).

Defaults are written with the numpy namespace; backends override them with
fused framework kernels where those are faster or more precise.

Convolutions and pooling follow `keras.ops`: inputs are
`(batch, *spatial, channels)` ("channels_last", the default of
`lamina.config.image_data_format()`) or `(batch, channels, *spatial)`
("channels_first"), with 1, 2 or 3 spatial axes; kernels are laid out
`(*kernel_size, in_channels, out_channels)`. "same" padding pads as
TensorFlow does (the extra element of an odd total goes at the end). The
arithmetic behind this lives once in `conv_arithmetic`, for the defaults
here and for backends.

The composed ops Keras 3 adds (activations such as `sparsemax`,
normalizations, `depth_to_space`, `dot_product_attention`) live in the
`nn_composites.NNCompositeOps` mixin that `NNOps` inherits.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from lamina.backend.contract.base import required
from lamina.backend.contract.conv_arithmetic import (
    check_conv_transpose_kernel,
    check_depthwise_kernel,
    conv_groups,
    conv_output_size,
    conv_transpose_padding,
    normalize_conv_arguments,
    normalize_output_padding,
    normalize_pool_arguments,
    pool_window_counts,
    same_padding,
)
from lamina.backend.contract.nn_composites import NNCompositeOps, _float_tensor

Tensor = Any


class NNOps(NNCompositeOps):
    namespace = "nn"

    @required
    def relu(self, x: Tensor) -> Tensor:
        """Rectified linear unit: `max(x, 0)`."""

    def relu6(self, x: Tensor) -> Tensor:
        """Rectified linear unit capped at 6."""
        return self._np.clip(x, 0.0, 6.0)

    @required
    def sigmoid(self, x: Tensor) -> Tensor:
        """Logistic sigmoid: `1 / (1 + exp(-x))`."""

    def softplus(self, x: Tensor) -> Tensor:
        """Softplus: `log(exp(x) + 1)`, computed stably."""
        return self._np.logaddexp(x, 0.0)

    def softsign(self, x: Tensor) -> Tensor:
        """Softsign: `x / (abs(x) + 1)`."""
        return self._np.divide(x, self._np.add(self._np.abs(x), 1.0))

    def silu(self, x: Tensor) -> Tensor:
        """Sigmoid linear unit (swish): `x * sigmoid(x)`."""
        return self._np.multiply(x, self.sigmoid(x))

    def swish(self, x: Tensor) -> Tensor:
        """Alias of `silu`."""
        return self.silu(x)

    def log_sigmoid(self, x: Tensor) -> Tensor:
        """Logarithm of the sigmoid: `-softplus(-x)`."""
        return self._np.negative(self.softplus(self._np.negative(x)))

    def leaky_relu(self, x: Tensor, negative_slope: float = 0.2) -> Tensor:
        """Leaky ReLU: `x` if `x >= 0`, else `negative_slope * x`."""
        return self._np.where(self._np.greater_equal(x, 0), x, self._np.multiply(x, negative_slope))

    def hard_sigmoid(self, x: Tensor) -> Tensor:
        """Piecewise-linear sigmoid: `relu6(x + 3) / 6`."""
        return self._np.divide(self.relu6(self._np.add(x, 3.0)), 6.0)

    def hard_silu(self, x: Tensor) -> Tensor:
        """Hard SiLU: `x * relu6(x + 3) / 6`."""
        return self._np.multiply(x, self.hard_sigmoid(x))

    def elu(self, x: Tensor, alpha: float = 1.0) -> Tensor:
        """Exponential linear unit."""
        negative = self._np.multiply(self._np.expm1(self._np.minimum(x, 0.0)), alpha)
        return self._np.where(self._np.greater(x, 0), x, negative)

    def selu(self, x: Tensor) -> Tensor:
        """Scaled exponential linear unit."""
        alpha = 1.6732632423543772848170429916717
        scale = 1.0507009873554804934193349852946
        return self._np.multiply(self.elu(x, alpha), scale)

    def gelu(self, x: Tensor, approximate: bool = True) -> Tensor:
        """Gaussian error linear unit (tanh approximation by default, as Keras)."""
        np_ = self._np
        if approximate:
            inner = np_.multiply(
                math.sqrt(2.0 / math.pi),
                np_.add(x, np_.multiply(0.044715, np_.power(x, 3))),
            )
            return np_.multiply(np_.multiply(0.5, x), np_.add(1.0, np_.tanh(inner)))
        erf = self.backend.math.erf(np_.divide(x, math.sqrt(2.0)))
        return np_.multiply(np_.multiply(0.5, x), np_.add(1.0, erf))

    @required
    def softmax(self, x: Tensor, axis: Any = -1) -> Tensor:
        """Softmax over `axis`."""

    @required
    def log_softmax(self, x: Tensor, axis: Any = -1) -> Tensor:
        """Log-softmax over `axis`."""

    @required
    def one_hot(self, x: Tensor, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
        """One-hot encodes integer `x` (`floatx()` by default; out-of-range ids give zeros)."""

    def binary_crossentropy(self, target: Tensor, output: Tensor, from_logits: bool = False) -> Tensor:
        """Element-wise binary cross-entropy between `target` and `output`.

        With `from_logits=False`, `output` holds probabilities and is clipped
        to `[epsilon, 1 - epsilon]`, as in Keras.
        """
        np_ = self._np
        target = self.backend.core.convert_to_tensor(target)
        output = self.backend.core.convert_to_tensor(output)
        if from_logits:
            # max(x, 0) - x * z + log(1 + exp(-abs(x)))
            return np_.add(
                np_.subtract(self.relu(output), np_.multiply(output, target)),
                np_.log1p(np_.exp(np_.negative(np_.abs(output)))),
            )
        from lamina.backend.config import epsilon

        output = np_.clip(output, epsilon(), 1.0 - epsilon())
        positive = np_.multiply(target, np_.log(output))
        negative = np_.multiply(np_.subtract(1.0, target), np_.log(np_.subtract(1.0, output)))
        return np_.negative(np_.add(positive, negative))

    def categorical_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """Cross-entropy between one-hot `target` and `output` along `axis`."""
        np_ = self._np
        target = self.backend.core.convert_to_tensor(target)
        output = self.backend.core.convert_to_tensor(output)
        if from_logits:
            log_prob = self.log_softmax(output, axis=axis)
        else:
            from lamina.backend.config import epsilon

            output = np_.divide(output, np_.sum(output, axis=axis, keepdims=True))
            log_prob = np_.log(np_.clip(output, epsilon(), 1.0 - epsilon()))
        return np_.negative(np_.sum(np_.multiply(target, log_prob), axis=axis))

    def sparse_categorical_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """Cross-entropy between integer class ids `target` and `output`."""
        core = self.backend.core
        target = core.convert_to_tensor(target)
        output = core.convert_to_tensor(output)
        target_shape = core.shape(target)
        if len(target_shape) == len(core.shape(output)) and target_shape[-1] == 1:
            target = self._np.squeeze(target, axis=-1)
        num_classes = core.shape(output)[axis]
        one_hot = self.one_hot(
            core.cast(target, "int32"), num_classes, axis=axis, dtype=self.backend.core.dtype(output)
        )
        return self.categorical_crossentropy(one_hot, output, from_logits=from_logits, axis=axis)

    def moments(self, x: Tensor, axes: Any, keepdims: bool = False) -> tuple:
        """Returns the mean and variance of `x` over `axes`."""
        mean = self._np.mean(x, axis=axes, keepdims=True)
        variance = self._np.mean(self._np.square(self._np.subtract(x, mean)), axis=axes, keepdims=True)
        if not keepdims:
            mean = self._np.squeeze(mean, axis=axes)
            variance = self._np.squeeze(variance, axis=axes)
        return mean, variance

    # -- convolution and pooling ------------------------------------------
    def conv(
        self,
        inputs: Tensor,
        kernel: Tensor,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """N-D convolution (cross-correlation) of `inputs` with `kernel`.

        Args:
            inputs: `(batch, *spatial, channels)` or `(batch, channels, *spatial)`,
                with 1, 2 or 3 spatial axes.
            kernel: `(*kernel_size, in_channels // groups, out_channels)`. When
                the kernel has fewer input channels than `inputs`, the
                convolution is grouped: `groups = channels // kernel.shape[-2]`.
            strides: int or tuple of ints, one per spatial axis.
            padding: "valid" (no padding) or "same" (output size
                `ceil(size / stride)`; extra padding at the end).
            data_format: "channels_last" or "channels_first" (default:
                `lamina.config.image_data_format()`).
            dilation_rate: int or tuple of ints, one per spatial axis.

        Returns:
            `(batch, *out_spatial, out_channels)` (or channels first).
        """
        core = self.backend.core
        x = _float_tensor(self, inputs)
        kernel = core.cast(core.convert_to_tensor(kernel), core.dtype(x))
        strides, padding, data_format, dilation = normalize_conv_arguments(
            len(core.shape(x)), strides, padding, data_format, dilation_rate, op="conv"
        )
        x = self._channels_last(x, data_format)
        groups = conv_groups(core.shape(x)[-1], core.shape(kernel), len(strides), op="conv")
        y = self._conv_channels_last(x, kernel, strides, padding, dilation, groups)
        return self._restore_format(y, data_format)

    def depthwise_conv(
        self,
        inputs: Tensor,
        kernel: Tensor,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """Depthwise convolution: each input channel convolved with its own filters.

        `kernel` is `(*kernel_size, channels, depth_multiplier)`; output
        channel `c * depth_multiplier + m` is input channel `c` convolved
        with `kernel[..., c, m]`. Other arguments as in `conv`.
        """
        core = self.backend.core
        x = _float_tensor(self, inputs)
        kernel = core.cast(core.convert_to_tensor(kernel), core.dtype(x))
        strides, padding, data_format, dilation = normalize_conv_arguments(
            len(core.shape(x)), strides, padding, data_format, dilation_rate, op="depthwise_conv"
        )
        x = self._channels_last(x, data_format)
        channels = core.shape(x)[-1]
        kernel_shape = core.shape(kernel)
        check_depthwise_kernel(channels, kernel_shape, len(strides), op="depthwise_conv")
        kernel = self._np.reshape(kernel, tuple(kernel_shape[:-2]) + (1, channels * kernel_shape[-1]))
        y = self._conv_channels_last(x, kernel, strides, padding, dilation, channels)
        return self._restore_format(y, data_format)

    def separable_conv(
        self,
        inputs: Tensor,
        depthwise_kernel: Tensor,
        pointwise_kernel: Tensor,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """Depthwise convolution followed by a pointwise (1x1) convolution.

        `depthwise_kernel` is `(*kernel_size, channels, depth_multiplier)` and
        `pointwise_kernel` is `(*ones, channels * depth_multiplier,
        out_channels)`. Other arguments as in `conv`.
        """
        depthwise = self.depthwise_conv(
            inputs,
            depthwise_kernel,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
        )
        return self.conv(depthwise, pointwise_kernel, strides=1, padding="valid", data_format=data_format)

    def conv_transpose(
        self,
        inputs: Tensor,
        kernel: Tensor,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        """Transposed convolution (the gradient of `conv` with respect to its input).

        Args:
            inputs: `(batch, *spatial, channels)` or channels first.
            kernel: `(*kernel_size, out_channels, in_channels)`.
            strides, dilation_rate: int or tuple of ints.
            padding: "valid" or "same". Each spatial size becomes
                `(size - 1) * stride + max(k, stride)` ("valid") or
                `size * stride` ("same"), where `k` is the dilated kernel size.
            output_padding: None, or int or tuple of ints: the output then has
                `(size - 1) * stride + k + output_padding` ("valid") or
                `(size - 1) * stride + k % 2 + output_padding` ("same") elements.
            data_format: "channels_last" or "channels_first".
        """
        core = self.backend.core
        np_ = self._np
        x = _float_tensor(self, inputs)
        kernel = core.cast(core.convert_to_tensor(kernel), core.dtype(x))
        strides, padding, data_format, dilation = normalize_conv_arguments(
            len(core.shape(x)), strides, padding, data_format, dilation_rate, op="conv_transpose"
        )
        rank = len(strides)
        output_padding = normalize_output_padding(output_padding, rank)
        x = self._channels_last(x, data_format)
        kernel_shape = core.shape(kernel)
        check_conv_transpose_kernel(core.shape(x)[-1], kernel_shape, rank)
        # Dilate the input by the strides (zeros between elements), pad, and
        # convolve with the flipped kernel whose channel axes are swapped.
        for axis, stride in enumerate(strides, start=1):
            if stride > 1:
                x = self._insert_zeros(x, axis, stride)
        pads = [
            conv_transpose_padding(k, s, d, padding, None if output_padding is None else p)
            for k, s, d, p in zip(kernel_shape[:rank], strides, dilation, output_padding or (0,) * rank)
        ]
        x = np_.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)])
        flipped = np_.swapaxes(np_.flip(kernel, axis=tuple(range(rank))), -1, -2)
        y = self._conv_channels_last(x, flipped, (1,) * rank, "valid", dilation, 1)
        return self._restore_format(y, data_format)

    def max_pool(
        self,
        inputs: Tensor,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor:
        """Maximum over sliding windows of `pool_size` (strides default to `pool_size`).

        Padded positions ("same") never win the maximum.
        """
        return self._pool(inputs, pool_size, strides, padding, data_format, "max")

    def average_pool(
        self,
        inputs: Tensor,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
    ) -> Tensor:
        """Mean over sliding windows of `pool_size` (strides default to `pool_size`).

        With "same" padding, each window averages only the input elements
        it covers (padded positions are not counted), as in Keras.
        """
        return self._pool(inputs, pool_size, strides, padding, data_format, "average")

    # -- building blocks of the default convolutions ------------------------
    def _channels_last(self, x: Tensor, data_format: str) -> Tensor:
        if data_format == "channels_last":
            return x
        ndim = len(self.backend.core.shape(x))
        return self._np.transpose(x, (0,) + tuple(range(2, ndim)) + (1,))

    def _restore_format(self, x: Tensor, data_format: str) -> Tensor:
        if data_format == "channels_last":
            return x
        ndim = len(self.backend.core.shape(x))
        return self._np.transpose(x, (0, ndim - 1) + tuple(range(1, ndim - 1)))

    def _pad_same(self, x: Tensor, window: tuple, strides: tuple, dilation: tuple, value: float = 0.0) -> Tensor:
        spatial = self.backend.core.shape(x)[1:-1]
        pads = [same_padding(n, k, s, d) for n, k, s, d in zip(spatial, window, strides, dilation)]
        if not any(before or after for before, after in pads):
            return x
        return self._np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=value)

    def _windows(self, x: Tensor, window: tuple, strides: tuple, dilation: tuple) -> Any:
        """Yields `(offset, patch)`: the input under each kernel position, for every output."""
        core = self.backend.core
        spatial = core.shape(x)[1:-1]
        out = [conv_output_size(n, k, s, "valid", d) for n, k, s, d in zip(spatial, window, strides, dilation)]
        for offset in itertools.product(*(range(k) for k in window)):
            key = tuple(slice(o * d, o * d + (m - 1) * s + 1, s) for o, d, m, s in zip(offset, dilation, out, strides))
            yield offset, core.getitem(x, (slice(None),) + key + (slice(None),))

    def _conv_channels_last(
        self, x: Tensor, kernel: Tensor, strides: tuple, padding: str, dilation: tuple, groups: int
    ) -> Tensor:
        np_ = self._np
        core = self.backend.core
        window = tuple(core.shape(kernel)[:-2])
        if padding == "same":
            x = self._pad_same(x, window, strides, dilation)
        if groups > 1:
            pieces = zip(np_.split(x, groups, axis=-1), np_.split(kernel, groups, axis=-1))
            outputs = [self._conv_channels_last(xg, kg, strides, "valid", dilation, 1) for xg, kg in pieces]
            return np_.concatenate(outputs, axis=-1)
        result = None
        for offset, patch in self._windows(x, window, strides, dilation):
            term = np_.matmul(patch, core.getitem(kernel, offset))
            result = term if result is None else np_.add(result, term)
        return result

    def _insert_zeros(self, x: Tensor, axis: int, stride: int) -> Tensor:
        """Puts `stride - 1` zeros between consecutive elements along `axis`."""
        np_ = self._np
        shape = tuple(self.backend.core.shape(x))
        expanded = np_.expand_dims(x, axis + 1)
        zeros = np_.zeros(shape[: axis + 1] + (stride - 1,) + shape[axis + 1 :], dtype=self.backend.core.dtype(x))
        merged = np_.reshape(
            np_.concatenate([expanded, zeros], axis=axis + 1),
            shape[:axis] + (shape[axis] * stride,) + shape[axis + 1 :],
        )
        key = (slice(None),) * axis + (slice(0, (shape[axis] - 1) * stride + 1),)
        return self.backend.core.getitem(merged, key)

    def _pool(self, inputs: Tensor, pool_size: Any, strides: Any, padding: str, data_format: Any, mode: str) -> Tensor:
        import numpy as np

        np_ = self._np
        core = self.backend.core
        x = core.convert_to_tensor(inputs)
        if mode == "average":
            x = _float_tensor(self, x)
        ndim = len(core.shape(x))
        op = "max_pool" if mode == "max" else "average_pool"
        window, strides, padding, data_format = normalize_pool_arguments(
            ndim, pool_size, strides, padding, data_format, op=op
        )
        x = self._channels_last(x, data_format)
        ones = (1,) * len(window)
        spatial = core.shape(x)[1:-1]
        if padding == "same":
            fill = -np.inf if mode == "max" else 0.0
            x = self._pad_same(x, window, strides, ones, value=fill)
        result = None
        for _, patch in self._windows(x, window, strides, ones):
            if result is None:
                result = patch
            else:
                result = np_.maximum(result, patch) if mode == "max" else np_.add(result, patch)
        if mode == "average":
            if padding == "same":
                counts = pool_window_counts(spatial, window, strides)
                result = np_.divide(
                    result, core.convert_to_tensor(np.expand_dims(counts, -1), dtype=core.dtype(result))
                )
            else:
                result = np_.divide(result, float(math.prod(window)))
        return self._restore_format(result, data_format)
