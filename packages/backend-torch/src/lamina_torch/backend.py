"""The PyTorch implementation of `lamina.backend.Backend`."""

from __future__ import annotations

from typing import Any

import torch

from lamina.backend import Backend
from lamina_torch.core import TorchCoreOps, convert
from lamina_torch.image import TorchImageOps
from lamina_torch.linalg import TorchLinalgOps
from lamina_torch.math import TorchMathOps
from lamina_torch.nn import TorchNNOps
from lamina_torch.numpy import TorchNumpyOps
from lamina_torch.random import TorchRandomOps
from lamina_torch.variables import TorchVariable

_fused_update: Any = None


class TorchBackend(Backend):
    name = "torch"
    core_ops = TorchCoreOps
    numpy_ops = TorchNumpyOps
    nn_ops = TorchNNOps
    math_ops = TorchMathOps
    linalg_ops = TorchLinalgOps
    random_ops = TorchRandomOps
    image_ops = TorchImageOps
    variable_class = TorchVariable
    distribution_engine = "lamina_torch.distribution"  # DDP, one process per device

    def make_step_functions(self, model: Any) -> Any:
        from lamina_torch.trainer import TorchStepFunctions

        return TorchStepFunctions(model)

    def zero_grad(self, variables: list, set_to_none: bool = True) -> None:
        from lamina_torch.trainer import zero_grad

        zero_grad(variables, set_to_none=set_to_none)

    def fused_optimizer_update(self, optimizer: Any, grads: list, variables: list, learning_rate: Any) -> bool:
        # Imported on first use: `lamina_torch.optimizers` imports `lamina.optimizers`.
        global _fused_update
        if _fused_update is None:
            from lamina_torch.optimizers import fused_update as _fused_update
        return _fused_update(optimizer, grads, variables, learning_rate)

    def fused_dense(self, inputs: Any, kernel: Any, bias: Any) -> Any | None:
        # One addmm: the bias is added inside the GEMM, forward and backward.
        kernel, bias = convert(kernel), convert(bias)
        if not isinstance(inputs, torch.Tensor) or inputs.layout != torch.strided:
            return None
        dtype = kernel.dtype
        if not dtype.is_floating_point or inputs.dtype != dtype or bias.dtype != dtype:
            return None  # mixed dtypes: ops.matmul / ops.add apply Lamina's promotion
        if inputs.dim() == 2:
            return torch.addmm(bias, inputs, kernel)
        return torch.nn.functional.linear(inputs, kernel.t(), bias) if inputs.dim() > 2 else None

    def fused_lstm(
        self, sequences: Any, h: Any, c: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
    ) -> tuple | None:
        from lamina_torch import rnn

        return rnn.fused_lstm(sequences, h, c, kernel, recurrent_kernel, bias, go_backwards)

    def fused_gru(
        self, sequences: Any, h: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
    ) -> tuple | None:
        from lamina_torch import rnn

        return rnn.fused_gru(sequences, h, kernel, recurrent_kernel, bias, go_backwards)

    def versions(self) -> dict[str, str]:
        return {"torch": torch.__version__}
