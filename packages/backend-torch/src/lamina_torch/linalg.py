"""Linear algebra on PyTorch (`torch.linalg`, NumPy semantics)."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend.contract import LinalgOps
from lamina_torch.numpy import axis_arg, tensor_pair, to_float

Tensor = torch.Tensor


class TorchLinalgOps(LinalgOps):
    def norm(self, x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = to_float(x)
        if ord == "euclidean":
            ord = None
        elif ord == "inf":
            ord = float("inf")
        return torch.linalg.norm(x, ord=ord, dim=axis_arg(axis), keepdim=keepdims)

    def inv(self, x: Any) -> Tensor:
        return torch.linalg.inv(to_float(x))

    def solve(self, a: Any, b: Any) -> Tensor:
        a, b = tensor_pair(to_float(a), to_float(b))
        return torch.linalg.solve(a, b)

    def det(self, x: Any) -> Tensor:
        return torch.linalg.det(to_float(x))

    def cholesky(self, x: Any) -> Tensor:
        return torch.linalg.cholesky(to_float(x))
