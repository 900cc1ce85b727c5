"""The NumPy implementation of `lamina.backend.Backend`: inference only.

Each op namespace subclasses the contract's class and fills in what the
contract marks `@required`; everything else (convolutions, pooling, image
ops, scans, the losses) comes from the contract's defaults, written with
the numpy namespace. Prediction and evaluation use the contract's
`EagerStepFunctions`; `supports_training = False` tells Lamina (and the
conformance suite) that `fit` is not available here.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import Backend
from lamina_numpy.core import NumpyCoreOps
from lamina_numpy.linalg import NumpyLinalgOps
from lamina_numpy.math_ops import NumpyMathOps
from lamina_numpy.nn import NumpyNNOps
from lamina_numpy.numpy_ops import NumpyNumpyOps
from lamina_numpy.random import NumpyRandomOps
from lamina_numpy.variables import NumpyVariable


class NumpyBackend(Backend):
    """Lamina's inference-only NumPy backend.

    Example:
        ```python
        import os

        os.environ["LAMINA_BACKEND"] = "numpy"
        import lamina

        model = lamina.models.load_model("trained_on_torch.keras")
        model.predict(x)
        ```
    """

    name = "numpy"
    core_ops = NumpyCoreOps
    numpy_ops = NumpyNumpyOps
    nn_ops = NumpyNNOps
    math_ops = NumpyMathOps
    linalg_ops = NumpyLinalgOps
    random_ops = NumpyRandomOps
    variable_class = NumpyVariable
    supports_training = False

    def versions(self) -> dict[str, str]:
        return {"numpy": np.__version__}
