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

    def svd(self, x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
        x = to_float(x)
        if not compute_uv:
            return torch.linalg.svdvals(x)
        return tuple(torch.linalg.svd(x, full_matrices=full_matrices))

    def eigh(self, x: Any) -> tuple:
        return tuple(torch.linalg.eigh(to_float(x)))

    def qr(self, x: Any, mode: str = "reduced") -> tuple:
        if mode not in ("reduced", "complete"):
            raise ValueError(f"`mode` must be 'reduced' or 'complete'. Received: mode={mode!r}")
        return tuple(torch.linalg.qr(to_float(x), mode=mode))

    def solve_triangular(self, a: Any, b: Any, lower: bool = False) -> Tensor:
        a, b = tensor_pair(to_float(a), to_float(b))
        vector = b.ndim == a.ndim - 1
        if vector:
            b = b.unsqueeze(-1)
        result = torch.linalg.solve_triangular(a, b, upper=not lower)
        return result.squeeze(-1) if vector else result
