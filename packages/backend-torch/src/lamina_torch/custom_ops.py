"""The custom ops behind `lamina_torch.aten_kernels`, registered with
`torch.library` when this module is imported (`aten_kernels.register()`).

Each op takes and returns contiguous NHWC tensors and runs ATen's kernels,
forward and backward; fake implementations give Dynamo and Inductor the
output shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

Tensor = torch.Tensor
aten = torch.ops.aten


def _cf(x: Tensor) -> Tensor:
    """NHWC -> an NCHW view (channels-last strides)."""
    return x.movedim(-1, 1)


def _nhwc(y: Tensor) -> Tensor:
    """An NCHW result -> contiguous NHWC (free when ATen produced it channels-last)."""
    return y.movedim(1, -1).contiguous()


def _out_size(size: int, window: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (window - 1) - 1) // stride + 1


# -- convolution -----------------------------------------------------------------


@torch.library.custom_op("lamina::conv2d_nhwc", mutates_args=())
def _conv2d(
    x: Tensor, weight: Tensor, strides: Sequence[int], padding: Sequence[int], dilation: Sequence[int], groups: int
) -> Tensor:
    return _nhwc(aten.convolution.default(_cf(x), weight, None, strides, padding, dilation, False, [0, 0], groups))


@_conv2d.register_fake
def _(
    x: Tensor, weight: Tensor, strides: Sequence[int], padding: Sequence[int], dilation: Sequence[int], groups: int
) -> Tensor:
    height, width = (
        _out_size(x.shape[1 + i], weight.shape[2 + i], strides[i], padding[i], dilation[i]) for i in range(2)
    )
    return x.new_empty((x.shape[0], height, width, weight.shape[0]))


@torch.library.custom_op("lamina::conv2d_nhwc_backward", mutates_args=())
def _conv2d_backward(
    grad: Tensor,
    x: Tensor,
    weight: Tensor,
    strides: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    groups: int,
    input_grad: bool,
) -> tuple[Tensor, Tensor]:
    grad_x, grad_w, _ = aten.convolution_backward.default(
        _cf(grad), _cf(x), weight, None, strides, padding, dilation, False, [0, 0], groups, [input_grad, True, False]
    )
    return (_nhwc(grad_x) if input_grad else x.new_empty((0,))), grad_w.contiguous()


@_conv2d_backward.register_fake
def _(grad: Tensor, x: Tensor, weight: Tensor, *arguments: Any) -> tuple[Tensor, Tensor]:
    input_grad = arguments[-1]
    return (x.new_empty(x.shape) if input_grad else x.new_empty((0,))), weight.new_empty(weight.shape)


def _conv2d_setup(ctx: Any, inputs: tuple, output: Tensor) -> None:
    x, weight, *ctx.arguments = inputs
    ctx.save_for_backward(x, weight)


def _conv2d_grad(ctx: Any, grad: Tensor) -> tuple:
    x, weight = ctx.saved_tensors
    input_grad = bool(ctx.needs_input_grad[0])
    grad_x, grad_w = _conv2d_backward(grad.contiguous(), x, weight, *ctx.arguments, input_grad)
    return (grad_x if input_grad else None), grad_w, None, None, None, None


_conv2d.register_autograd(_conv2d_grad, setup_context=_conv2d_setup)


# -- max pooling -----------------------------------------------------------------


@torch.library.custom_op("lamina::max_pool2d_nhwc", mutates_args=())
def _max_pool2d(
    x: Tensor, window: Sequence[int], strides: Sequence[int], padding: Sequence[int]
) -> tuple[Tensor, Tensor]:
    y, indices = aten.max_pool2d_with_indices.default(_cf(x), window, strides, padding)
    return _nhwc(y), _nhwc(indices)


@_max_pool2d.register_fake
def _(x: Tensor, window: Sequence[int], strides: Sequence[int], padding: Sequence[int]) -> tuple[Tensor, Tensor]:
    height, width = (_out_size(x.shape[1 + i], window[i], strides[i], padding[i], 1) for i in range(2))
    shape = (x.shape[0], height, width, x.shape[3])
    return x.new_empty(shape), x.new_empty(shape, dtype=torch.int64)


@torch.library.custom_op("lamina::max_pool2d_nhwc_backward", mutates_args=())
def _max_pool2d_backward(
    grad: Tensor, x: Tensor, indices: Tensor, window: Sequence[int], strides: Sequence[int], padding: Sequence[int]
) -> Tensor:
    return _nhwc(
        aten.max_pool2d_with_indices_backward.default(
            _cf(grad), _cf(x), window, strides, padding, [1, 1], False, _cf(indices)
        )
    )


@_max_pool2d_backward.register_fake
def _(grad: Tensor, x: Tensor, *arguments: Any) -> Tensor:
    return x.new_empty(x.shape)


def _max_pool2d_setup(ctx: Any, inputs: tuple, output: tuple) -> None:
    x, *ctx.arguments = inputs
    ctx.save_for_backward(x, output[1])
    ctx.mark_non_differentiable(output[1])


def _max_pool2d_grad(ctx: Any, grad: Tensor, _grad_indices: Any) -> tuple:
    x, indices = ctx.saved_tensors
    return _max_pool2d_backward(grad.contiguous(), x, indices, *ctx.arguments), None, None, None


_max_pool2d.register_autograd(_max_pool2d_grad, setup_context=_max_pool2d_setup)
