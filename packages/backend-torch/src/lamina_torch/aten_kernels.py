"""Channels-last 2-D convolution and max pooling kept as ATen kernels inside
`torch.compile` graphs (`jit_compile=True`).

Keras layers hold images as NHWC; torch's kernels take NCHW views of them.
Eagerly those views cost nothing: oneDNN runs the convolution and the pool
channels-last and no data moves. Under `torch.compile`, Inductor lowers the
pool (forward and backward) to its own C++ loops and picks its own layouts
around the convolutions, transposing activations and masks between them; on
a CPU (torch 2.13) that made a compiled Conv-Pool-Conv-Pool step 4x slower
than the eager one (a pool over 64x26x26x32: 11.8 ms forward and 14.8 ms
backward in Inductor, 0.24 + 0.44 ms in ATen).

So under compilation these ops go through opaque custom ops that take and
return contiguous NHWC tensors and run the ATen kernels, forward and
backward: the graph stays whole (no graph break), Inductor fuses the
element-wise work between them (bias, activation) over plain contiguous
buffers, and nothing is transposed. Eager code does not come here: there a
custom op's dispatch costs more than it saves.
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


# -- entry points ----------------------------------------------------------------


def use_for(x: Tensor, data_format: str) -> bool:
    """Whether `x` (a 4-D image batch in `data_format`) takes these kernels:
    only channels-last floats, and only while `torch.compile` traces; not
    under `torch.export`, whose programs must hold standard ATen ops only."""
    return (
        data_format == "channels_last"
        and x.ndim == 4
        and x.is_floating_point()
        and torch.compiler.is_compiling()
        and not torch.compiler.is_exporting()
    )


def conv2d_nhwc(
    x: Tensor, weight: Tensor, strides: Sequence[int], padding: Sequence[int], dilation: Sequence[int], groups: int
) -> Tensor:
    """`F.conv2d` on NHWC `x` (torch-layout `weight`, symmetric `padding`), NHWC out."""
    return _conv2d(x.contiguous(), weight, list(strides), list(padding), list(dilation), groups)


def max_pool2d_nhwc(x: Tensor, window: Sequence[int], strides: Sequence[int], padding: Sequence[int]) -> Tensor:
    """`F.max_pool2d` on NHWC `x` (symmetric `padding`), NHWC out."""
    return _max_pool2d(x.contiguous(), list(window), list(strides), list(padding))[0]
