"""The JAX implementation of `lamina.backend.Backend`."""

from __future__ import annotations

from typing import Any

import jax

from lamina.backend import Backend
from lamina_jax.core import JaxCoreOps
from lamina_jax.image import JaxImageOps
from lamina_jax.linalg import JaxLinalgOps
from lamina_jax.math import JaxMathOps
from lamina_jax.nn import JaxNNOps
from lamina_jax.numpy import JaxNumpyOps
from lamina_jax.random import JaxRandomOps
from lamina_jax.variables import JaxVariable


class JaxBackend(Backend):
    name = "jax"
    core_ops = JaxCoreOps
    numpy_ops = JaxNumpyOps
    nn_ops = JaxNNOps
    math_ops = JaxMathOps
    linalg_ops = JaxLinalgOps
    random_ops = JaxRandomOps
    image_ops = JaxImageOps
    variable_class = JaxVariable
    counter_dtype = "int32"  # JAX runs without x64 mode, as Keras does
    distribution_engine = "lamina_jax.distribution"  # a device mesh, sharded steps

    def make_step_functions(self, model: Any) -> Any:
        from lamina_jax.trainer import JaxStepFunctions

        return JaxStepFunctions(model)

    def versions(self) -> dict[str, str]:
        import jaxlib

        return {"jax": jax.__version__, "jaxlib": jaxlib.__version__}
