"""The TensorFlow implementation of `lamina.backend.Backend`."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from lamina.backend import Backend
from lamina_tensorflow import optimizers
from lamina_tensorflow.core import TensorFlowCoreOps
from lamina_tensorflow.image import TensorFlowImageOps
from lamina_tensorflow.linalg import TensorFlowLinalgOps
from lamina_tensorflow.math import TensorFlowMathOps
from lamina_tensorflow.nn import TensorFlowNNOps
from lamina_tensorflow.numpy import TensorFlowNumpyOps
from lamina_tensorflow.random import TensorFlowRandomOps
from lamina_tensorflow.variables import TensorFlowVariable


class TensorFlowBackend(Backend):
    name = "tensorflow"
    core_ops = TensorFlowCoreOps
    numpy_ops = TensorFlowNumpyOps
    nn_ops = TensorFlowNNOps
    math_ops = TensorFlowMathOps
    linalg_ops = TensorFlowLinalgOps
    random_ops = TensorFlowRandomOps
    image_ops = TensorFlowImageOps
    variable_class = TensorFlowVariable

    def make_step_functions(self, model: Any) -> Any:
        from lamina_tensorflow.trainer import TensorFlowStepFunctions

        return TensorFlowStepFunctions(model)

    def fused_optimizer_update(self, optimizer: Any, grads: list, variables: list, learning_rate: Any) -> bool:
        return optimizers.fused_optimizer_update(optimizer, grads, variables, learning_rate)

    def versions(self) -> dict[str, str]:
        return {"tensorflow": tf.__version__}
