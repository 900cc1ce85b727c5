"""Neural-network ops on PyTorch (`torch.nn.functional` where it matches Keras)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend import config
from lamina.backend.config import epsilon
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
    same_padding,
)
from lamina.backend.contract.nn_composites import adaptive_pool_sizes, masked_logit
from lamina_torch import aten_kernels
from lamina_torch.core import convert, floatx_dtype, lamina_dtype, to_torch_dtype
from lamina_torch.numpy import axis_arg, to_float

Tensor = torch.Tensor

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert(x)


def _all_axes(x: Tensor, axis: Any) -> tuple:
    return tuple(range(x.ndim)) if axis is None else tuple(axis)


_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE_POOL = {
    "average": {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d},
    "max": {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d},
}


def _to_channels_first(x: Tensor, data_format: str) -> Tensor:
    if data_format == "channels_first":
        return x
    return x.movedim(-1, 1)


def _from_channels_first(x: Tensor, data_format: str) -> Tensor:
    if data_format == "channels_first":
        return x
    return x.movedim(1, -1)


def _torch_kernel(kernel: Tensor) -> Tensor:
    """Keras layout `(*spatial, a, b)` to torch's `(b, a, *spatial)`."""
    rank = kernel.ndim - 2
    return kernel.permute(rank + 1, rank, *range(rank))


def _same_pads(x: Tensor, window: tuple, strides: tuple, dilation: tuple) -> list:
    """(before, after) per spatial axis of channels-first `x` for "same" padding."""
    return [same_padding(n, k, s, d) for n, k, s, d in zip(x.shape[2:], window, strides, dilation)]


def _pad_arg(pads: list) -> list:
    """`F.pad`'s flat argument (last axis first) for per-axis (before, after) pads."""
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return flat


def _symmetric(pads: list, window: tuple | None = None) -> bool:
    # Torch's built-in padding is symmetric; pooling also caps it at half the window.
    if any(before != after for before, after in pads):
        return False
    return window is None or all(before <= k // 2 for (before, _), k in zip(pads, window))


def _torch_padding(
    x: Tensor, window: tuple, strides: tuple, dilation: tuple, padding: str, pool: bool = False
) -> tuple:
    """`(torch_padding, pads)` for Keras's `padding` on channels-first `x`: torch's own
    per-axis `padding` argument, or None when "same" pads unevenly and `x` must be
    padded by `pads` first (each `(before, after)`)."""
    if padding != "same":
        return (0,) * len(window), None
    pads = _same_pads(x, window, strides, dilation)
    if _symmetric(pads, window if pool else None):
        return tuple(before for before, _ in pads), pads
    return None, pads


class TorchNNOps(NNOps):
    def relu(self, x: Any) -> Tensor:
        x = _tensor(x)
        if x.dtype is torch.bool:
            x = x.to(torch.int32)
        return torch.relu(x)

    def relu6(self, x: Any) -> Tensor:
        return F.relu6(to_float(x))

    def sigmoid(self, x: Any) -> Tensor:
        return torch.sigmoid(to_float(x))

    def softplus(self, x: Any) -> Tensor:
        return F.softplus(to_float(x))

    def softsign(self, x: Any) -> Tensor:
        return F.softsign(to_float(x))

    def silu(self, x: Any) -> Tensor:
        return F.silu(to_float(x))

    def swish(self, x: Any) -> Tensor:
        return F.silu(to_float(x))

    def log_sigmoid(self, x: Any) -> Tensor:
        return F.logsigmoid(to_float(x))

    def leaky_relu(self, x: Any, negative_slope: float = 0.2) -> Tensor:
        return F.leaky_relu(to_float(x), negative_slope=negative_slope)

    def hard_sigmoid(self, x: Any) -> Tensor:
        return F.hardsigmoid(to_float(x))

    def hard_silu(self, x: Any) -> Tensor:
        return F.hardswish(to_float(x))

    def elu(self, x: Any, alpha: float = 1.0) -> Tensor:
        return F.elu(to_float(x), alpha=alpha)

    def selu(self, x: Any) -> Tensor:
        return F.selu(to_float(x))

    def gelu(self, x: Any, approximate: bool = True) -> Tensor:
        return F.gelu(to_float(x), approximate="tanh" if approximate else "none")

    def softmax(self, x: Any, axis: Any = -1) -> Tensor:
        x = to_float(x)
        if isinstance(axis, int):
            return F.softmax(x, dim=axis)
        return torch.exp(x - torch.logsumexp(x, dim=_all_axes(x, axis), keepdim=True))

    def layer_normalization(
        self,
        x: Any,
        gamma: Any = None,
        beta: Any = None,
        axis: Any = -1,
        epsilon: float | None = None,
        **kwargs: Any,
    ) -> Tensor:
        """`F.layer_norm` (one fused kernel) when `axis` names the trailing axes."""
        x = _tensor(x)
        ndim = x.ndim
        axes = sorted(a % ndim for a in ([axis] if isinstance(axis, int) else axis)) if ndim else []
        if kwargs.get("rms_scaling") or not x.dtype.is_floating_point or axes != list(range(ndim - len(axes), ndim)):
            return super().layer_normalization(x, gamma, beta, axis, epsilon, **kwargs)
        original = x.dtype
        compute = torch.float32 if original in (torch.float16, torch.bfloat16) else original
        shape = tuple(x.shape[ndim - len(axes) :])
        weight = None if gamma is None else _tensor(gamma).to(compute).reshape(shape)
        bias = None if beta is None else _tensor(beta).to(compute).reshape(shape)
        eps = config.epsilon() if epsilon is None else epsilon
        output = F.layer_norm(x.to(compute), shape, weight, bias, eps)
        return output.to(original)

    def dot_product_attention(
        self,
        query: Any,
        key: Any,
        value: Any,
        bias: Any = None,
        mask: Any = None,
        scale: float | None = None,
        is_causal: bool = False,
        flash_attention: bool | None = None,
        attn_logits_soft_cap: float | None = None,
    ) -> Tensor:
        """`F.scaled_dot_product_attention` (fused kernels) on (batch, length, heads, dim)."""
        query, key, value = _tensor(query), _tensor(key), _tensor(value)
        fusable = self._attention_fusable(query, key, value, flash_attention, attn_logits_soft_cap) and not (
            is_causal and mask is not None
        )
        if not fusable:
            return super().dot_product_attention(
                query, key, value, bias, mask, scale, is_causal, flash_attention, attn_logits_soft_cap
            )
        additive = None
        if mask is not None:
            # Masked logits get the composed default's value (`masked_logit`, not -inf).
            keep = _tensor(mask).to(torch.bool)
            fill = masked_logit(lamina_dtype(query.dtype))
            additive = torch.zeros(keep.shape, dtype=query.dtype, device=query.device).masked_fill(~keep, fill)
        if bias is not None:
            bias = _tensor(bias).to(query.dtype)
            additive = bias if additive is None else additive + bias
        output = F.scaled_dot_product_attention(
            query.transpose(1, 2),
            key.transpose(1, 2),
            value.transpose(1, 2),
            attn_mask=additive,
            is_causal=is_causal,
            scale=scale,
        )
        return output.transpose(1, 2)

    def log_softmax(self, x: Any, axis: Any = -1) -> Tensor:
        x = to_float(x)
        if isinstance(axis, int):
            return F.log_softmax(x, dim=axis)
        return x - torch.logsumexp(x, dim=_all_axes(x, axis), keepdim=True)

    def one_hot(self, x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
        if sparse:
            raise ValueError("The torch backend has no sparse tensors; use one_hot(..., sparse=False).")
        x = _tensor(x)
        classes = torch.arange(num_classes, device=x.device)
        # Comparing with every class id gives zero rows for ids out of range.
        result = (x.unsqueeze(-1) == classes).to(to_torch_dtype(dtype))
        if axis != -1 and axis != result.ndim - 1:
            result = torch.movedim(result, -1, axis)
        return result

    def binary_crossentropy(self, target: Any, output: Any, from_logits: bool = False) -> Tensor:
        output = to_float(output)
        target = convert(target, output.dtype)
        if from_logits:
            if target.shape == output.shape:
                return F.binary_cross_entropy_with_logits(output, target, reduction="none")
            return torch.relu(output) - output * target + torch.log1p(torch.exp(-torch.abs(output)))
        eps = epsilon()
        output = torch.clamp(output, eps, 1.0 - eps)
        return -(target * torch.log(output) + (1.0 - target) * torch.log(1.0 - output))

    def categorical_crossentropy(self, target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
        output = to_float(output)
        target = convert(target, output.dtype)
        if target.shape != output.shape:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape. "
                f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
            )
        if from_logits:
            log_prob = F.log_softmax(output, dim=axis)
        else:
            eps = epsilon()
            output = output / torch.sum(output, dim=axis, keepdim=True)
            log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
        return -torch.sum(target * log_prob, dim=axis)

    def sparse_categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        target = _tensor(target)
        output = to_float(output)
        if target.ndim == output.ndim and target.shape[-1] == 1:
            target = target.squeeze(-1)
        if target.ndim != output.ndim - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
            )
        if target.is_floating_point():
            raise ValueError(
                f"Argument `target` must hold integer class ids. Received dtype {lamina_dtype(target.dtype)}"
            )
        if target.dtype is not torch.int64:
            target = target.long()
        axis = axis % output.ndim
        if from_logits:
            # Fused log_softmax + negative log likelihood; classes on dim 1.
            logits = output if output.ndim == 1 or axis == 1 else torch.movedim(output, axis, 1)
            return F.cross_entropy(logits, target, reduction="none")
        eps = epsilon()
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
        return -torch.gather(log_prob, axis, target.unsqueeze(axis)).squeeze(axis)

    def moments(self, x: Any, axes: Any, keepdims: bool = False) -> tuple:
        x = _tensor(x)
        dtype = x.dtype
        if dtype in (torch.float16, torch.bfloat16):
            x = x.to(torch.float32)  # accumulate low-precision inputs in float32
        elif not (x.is_floating_point() or x.is_complex()):
            x = x.to(floatx_dtype())
            dtype = x.dtype
        variance, mean = torch.var_mean(x, dim=axis_arg(axes), correction=0, keepdim=keepdims)
        if mean.dtype is not dtype:
            mean, variance = mean.to(dtype), variance.to(dtype)
        return mean, variance

    # -- convolution and pooling ---------------------------------------------------
    def _conv_channels_first(
        self,
        x: Tensor,
        weight: Tensor,
        strides: tuple,
        padding: str,
        dilation: tuple,
        groups: int,
    ) -> Tensor:
        rank = x.ndim - 2
        torch_padding, pads = _torch_padding(x, tuple(weight.shape[2:]), strides, dilation, padding)
        if torch_padding is None:
            x, torch_padding = F.pad(x, _pad_arg(pads)), 0
        return _CONV[rank](x, weight, None, strides, torch_padding, dilation, groups)

    def conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x = to_float(inputs)
        kernel = convert(kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            x.ndim, strides, padding, data_format, dilation_rate, op="conv"
        )
        if aten_kernels.use_for(x, data_format):
            window = tuple(kernel.shape[:-2])
            torch_padding, _ = _torch_padding(_to_channels_first(x, data_format), window, strides, dilation, padding)
            if torch_padding is not None:  # uneven "same" padding: the generic path, inside the graph
                groups = conv_groups(x.shape[-1], tuple(kernel.shape), len(strides), op="conv")
                return aten_kernels.conv2d_nhwc(x, _torch_kernel(kernel), strides, torch_padding, dilation, groups)
        x = _to_channels_first(x, data_format)
        groups = conv_groups(x.shape[1], tuple(kernel.shape), len(strides), op="conv")
        y = self._conv_channels_first(x, _torch_kernel(kernel), strides, padding, dilation, groups)
        return _from_channels_first(y, data_format)

    def depthwise_conv(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x = to_float(inputs)
        kernel = convert(kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            x.ndim, strides, padding, data_format, dilation_rate, op="depthwise_conv"
        )
        x = _to_channels_first(x, data_format)
        channels = x.shape[1]
        check_depthwise_kernel(channels, tuple(kernel.shape), len(strides))
        # (*k, C, M) -> (*k, 1, C * M): output channel c * M + m, groups of M per input channel.
        kernel = kernel.reshape(tuple(kernel.shape[:-2]) + (1, channels * kernel.shape[-1]))
        y = self._conv_channels_first(x, _torch_kernel(kernel), strides, padding, dilation, channels)
        return _from_channels_first(y, data_format)

    def separable_conv(
        self,
        inputs: Any,
        depthwise_kernel: Any,
        pointwise_kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        depthwise = self.depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
        return self.conv(depthwise, pointwise_kernel, 1, "valid", data_format)

    def conv_transpose(
        self,
        inputs: Any,
        kernel: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
    ) -> Tensor:
        x = to_float(inputs)
        kernel = convert(kernel, x.dtype)
        strides, padding, data_format, dilation = normalize_conv_arguments(
            x.ndim, strides, padding, data_format, dilation_rate, op="conv_transpose"
        )
        rank = len(strides)
        x = _to_channels_first(x, data_format)
        check_conv_transpose_kernel(x.shape[1], tuple(kernel.shape), rank)
        output_padding = normalize_output_padding(output_padding, rank) or (None,) * rank
        # Torch computes the full output, (size - 1) * stride + k per axis, then
        # crops symmetrically; Keras's crops can be asymmetric (or negative,
        # i.e. extra zeros), so crop (or pad) with F.pad afterwards.
        weight = kernel.permute(rank + 1, rank, *range(rank))  # (in, out, *k)
        y = _CONV_TRANSPOSE[rank](x, weight, None, strides, 0, 0, 1, dilation)
        crops = []
        for k, s, d, p in zip(kernel.shape[:rank], strides, dilation, output_padding):
            before, after = conv_transpose_padding(k, s, d, padding, p)
            extent = dilated_size(k, d)
            crops.append((before - (extent - 1), after - (extent - 1)))
        if any(before or after for before, after in crops):
            y = F.pad(y, _pad_arg(crops))
        return _from_channels_first(y, data_format)

    def max_pool(
        self, inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
    ) -> Tensor:
        x = _tensor(inputs)
        window, strides, padding, data_format = normalize_pool_arguments(
            x.ndim, pool_size, strides, padding, data_format, op="max_pool"
        )
        compiled = aten_kernels.use_for(x, data_format)
        x = _to_channels_first(x, data_format)
        torch_padding, pads = _torch_padding(x, window, strides, (1,) * len(window), padding, pool=True)
        if torch_padding is None:
            x, torch_padding = F.pad(x, _pad_arg(pads), value=float("-inf")), (0,) * len(window)
        if compiled:
            return aten_kernels.max_pool2d_nhwc(_from_channels_first(x, data_format), window, strides, torch_padding)
        y = _MAX_POOL[len(window)](x, window, strides, torch_padding)
        return _from_channels_first(y, data_format)

    def adaptive_average_pool(self, inputs: Any, output_size: Any, data_format: str | None = None) -> Tensor:
        return self._torch_adaptive_pool(inputs, output_size, data_format, "average")

    def adaptive_max_pool(self, inputs: Any, output_size: Any, data_format: str | None = None) -> Tensor:
        return self._torch_adaptive_pool(inputs, output_size, data_format, "max")

    def _torch_adaptive_pool(self, inputs: Any, output_size: Any, data_format: str | None, mode: str) -> Tensor:
        x = _tensor(inputs)
        if not x.is_floating_point():  # torch's adaptive pools take floats: the composed default
            return self._adaptive_pool(x, output_size, data_format, mode)
        sizes, data_format = adaptive_pool_sizes(tuple(x.shape), output_size, data_format)
        y = _ADAPTIVE_POOL[mode][len(sizes)](_to_channels_first(x, data_format), sizes)
        return _from_channels_first(y, data_format)

    def average_pool(
        self, inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str | None = None
    ) -> Tensor:
        x = to_float(inputs)
        window, strides, padding, data_format = normalize_pool_arguments(
            x.ndim, pool_size, strides, padding, data_format, op="average_pool"
        )
        x = _to_channels_first(x, data_format)
        pool = _AVG_POOL[len(window)]
        if padding == "valid":
            y = pool(x, window, strides)
        else:
            pads = _same_pads(x, window, strides, (1,) * len(window))
            if _symmetric(pads, window):
                padding_arg = tuple(before for before, _ in pads)
                y = pool(x, window, strides, padding_arg, count_include_pad=False)
            else:
                # Average of zero-padded windows, rescaled by the share of real elements.
                flat = _pad_arg(pads)
                ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
                y = pool(F.pad(x, flat), window, strides) / pool(F.pad(ones, flat), window, strides)
        return _from_channels_first(y, data_format)
