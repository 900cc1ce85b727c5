"""Neural-network ops on PyTorch (`torch.nn.functional` where it matches Keras)."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from lamina.backend.config import epsilon
from lamina.backend.contract import NNOps
from lamina_torch.core import convert, floatx_dtype, lamina_dtype, to_torch_dtype
from lamina_torch.numpy import axis_arg, to_float

Tensor = torch.Tensor

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert(x)


def _all_axes(x: Tensor, axis: Any) -> tuple:
    return tuple(range(x.ndim)) if axis is None else tuple(axis)


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
