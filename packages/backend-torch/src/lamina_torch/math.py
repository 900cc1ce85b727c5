"""Math ops on PyTorch."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend.contract import MathOps
from lamina_torch.core import convert
from lamina_torch.numpy import axis_arg, to_float

Tensor = torch.Tensor


class TorchMathOps(MathOps):
    def logsumexp(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = to_float(x)
        dims = tuple(range(x.ndim)) if axis is None else axis_arg(axis)
        if dims == ():
            return x  # no axis to reduce (a 0-d input or axis=())
        return torch.logsumexp(x, dim=dims, keepdim=keepdims)

    def top_k(self, x: Any, k: int, sorted: bool = True) -> tuple:
        values, indices = torch.topk(convert(x), k, dim=-1, largest=True, sorted=sorted)
        return values, indices.to(torch.int32)

    def rsqrt(self, x: Any) -> Tensor:
        return torch.rsqrt(to_float(x))

    def erf(self, x: Any) -> Tensor:
        return torch.erf(to_float(x))

    def erfinv(self, x: Any) -> Tensor:
        return torch.erfinv(to_float(x))
