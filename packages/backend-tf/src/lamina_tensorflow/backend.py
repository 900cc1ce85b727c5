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
    distribution_engine = "lamina_tensorflow.distribution"  # tf.distribute strategies

    def make_step_functions(self, model: Any) -> Any:
        from lamina_tensorflow.trainer import TensorFlowStepFunctions

        if not tf.distribute.has_strategy():
            # Variables that a distribution mirrored go back to plain ones.
            from lamina_tensorflow import distribution

            distribution.release_variables(_model_state(model))
        return TensorFlowStepFunctions(model)

    def fused_optimizer_update(self, optimizer: Any, grads: list, variables: list, learning_rate: Any) -> bool:
        if any(isinstance(getattr(v, "_value", None), tf.distribute.DistributedValues) for v in variables):
            # Mirrored variables are updated by the generic rule (once, for all copies).
            return False
        return optimizers.fused_optimizer_update(optimizer, grads, variables, learning_rate)

    def fused_lstm(
        self, sequences: Any, h: Any, c: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
    ) -> tuple | None:
        from lamina_tensorflow import rnn

        return rnn.fused_lstm(sequences, h, c, kernel, recurrent_kernel, bias, go_backwards)

    def versions(self) -> dict[str, str]:
        return {"tensorflow": tf.__version__}


def _model_state(model: Any) -> list:
    """The variables a model's steps touch: its own, its optimizer's and its metrics'."""
    found = list(model.trainable_variables) + list(model.non_trainable_variables) + list(model.metrics_variables)
    if model.optimizer is not None and getattr(model.optimizer, "built", False):
        found += list(model.optimizer.variables)
    return found
