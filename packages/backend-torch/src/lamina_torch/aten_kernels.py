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

The ops are registered (`lamina_torch.custom_ops` imported) only when a step
is compiled (`register()`, from the trainer): registered at import, they made
processes of a multi-process gloo job abort at exit now and then
("terminate called without an active exception"), compiled or not.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import torch

Tensor = torch.Tensor
_ops: Any = None  # `lamina_torch.custom_ops` once registered


def register() -> None:
    """Registers the custom ops (once); before `torch.compile`, never while it traces."""
    global _ops
    if _ops is None:
        _ops = importlib.import_module("lamina_torch.custom_ops")


# -- entry points ----------------------------------------------------------------


def use_for(x: Tensor, data_format: str) -> bool:
    """Whether `x` (a 4-D image batch in `data_format`) takes these kernels:
    only channels-last floats, once `register()` ran, while `torch.compile`
    traces; not under `torch.export`, whose programs must hold standard ATen
    ops only."""
    return (
        data_format == "channels_last"
        and x.ndim == 4
        and x.is_floating_point()
        and _ops is not None
        and torch.compiler.is_compiling()
        and not torch.compiler.is_exporting()
    )


def conv2d_nhwc(
    x: Tensor, weight: Tensor, strides: Sequence[int], padding: Sequence[int], dilation: Sequence[int], groups: int
) -> Tensor:
    """`F.conv2d` on NHWC `x` (torch-layout `weight`, symmetric `padding`), NHWC out."""
    return _ops._conv2d(x.contiguous(), weight, list(strides), list(padding), list(dilation), groups)


def max_pool2d_nhwc(x: Tensor, window: Sequence[int], strides: Sequence[int], padding: Sequence[int]) -> Tensor:
    """`F.max_pool2d` on NHWC `x` (symmetric `padding`), NHWC out."""
    return _ops._max_pool2d(x.contiguous(), list(window), list(strides), list(padding))[0]
