"""torch's fused LSTM and GRU kernels (`Backend.fused_lstm` / `fused_gru`).

One `torch.lstm` / `torch.gru` call runs the whole sequence (cuDNN on a GPU,
a fused C++ loop on the CPU) instead of a Python-level step per time step.
Keras keeps LSTM gates as (i, f, c, o), the order torch uses too; GRU gates
are (z, r, h) in Keras and (r, z, n) in torch, so GRU weights are reordered.
Kernels are transposed to torch's (gates, features) layout inside autograd,
so gradients reach Lamina's variables.

Under `torch.compile` (`jit_compile=True`) the kernels run outside the
compiled graph (`torch.compiler.disable`, a graph break): tracing
`torch.lstm` on a CPU fails in its oneDNN kernel ("expected Tensor() for op
aten.mkldnn_rnn_layer", torch 2.13), and compiling the generic loop instead
unrolls the sequence into a graph ~40x slower than the kernel.
"""

from __future__ import annotations

from typing import Any

import torch


def _ready(*tensors: Any) -> bool:
    """Only concrete tensors of one floating dtype take the fused path."""
    if not all(isinstance(t, torch.Tensor) for t in tensors):
        return False
    dtype = tensors[0].dtype
    return dtype.is_floating_point and all(t.dtype == dtype for t in tensors)


@torch.compiler.disable
def fused_lstm(
    sequences: Any, h: Any, c: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
) -> tuple | None:
    if not _ready(sequences, h, c, kernel, recurrent_kernel, *([] if bias is None else [bias])):
        return None
    if go_backwards:
        sequences = torch.flip(sequences, dims=(1,))
    input_bias = bias if bias is not None else sequences.new_zeros(kernel.shape[1])
    weights = [kernel.t().contiguous(), recurrent_kernel.t().contiguous(), input_bias, torch.zeros_like(input_bias)]
    outputs, h_n, c_n = torch.lstm(
        sequences, (h.unsqueeze(0), c.unsqueeze(0)), weights, True, 1, 0.0, torch.is_grad_enabled(), False, True
    )
    return outputs[:, -1], outputs, [h_n[0], c_n[0]]


def _zr_to_rz(matrix: Any) -> Any:
    """Keras's (z, r, h) gate blocks along the last axis -> torch's (r, z, n)."""
    z, r, n = torch.chunk(matrix, 3, dim=-1)
    return torch.cat([r, z, n], dim=-1)


@torch.compiler.disable
def fused_gru(
    sequences: Any, h: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
) -> tuple | None:
    if not _ready(sequences, h, kernel, recurrent_kernel, *([] if bias is None else [bias])):
        return None
    if go_backwards:
        sequences = torch.flip(sequences, dims=(1,))
    if bias is None:
        input_bias = recurrent_bias = sequences.new_zeros(kernel.shape[1])
    else:
        input_bias, recurrent_bias = _zr_to_rz(bias[0]), _zr_to_rz(bias[1])
    weights = [
        _zr_to_rz(kernel).t().contiguous(),
        _zr_to_rz(recurrent_kernel).t().contiguous(),
        input_bias,
        recurrent_bias,
    ]
    outputs, h_n = torch.gru(sequences, h.unsqueeze(0), weights, True, 1, 0.0, torch.is_grad_enabled(), False, True)
    return outputs[:, -1], outputs, [h_n[0]]
