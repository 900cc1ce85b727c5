"""The backend contract: what every Lamina backend provides.

A backend plugin implements `Backend` and the op namespaces below. The
`lamina.testing` conformance suite checks an implementation against it.
"""

from lamina.backend.contract.backend import Backend as Backend
from lamina.backend.contract.base import OpNamespace as OpNamespace
from lamina.backend.contract.base import required as required
from lamina.backend.contract.core_ops import CoreOps as CoreOps
from lamina.backend.contract.image_ops import ImageOps as ImageOps
from lamina.backend.contract.linalg_ops import LinalgOps as LinalgOps
from lamina.backend.contract.math_ops import MathOps as MathOps
from lamina.backend.contract.nn_ops import NNOps as NNOps
from lamina.backend.contract.numpy_ops import NumpyOps as NumpyOps
from lamina.backend.contract.random_ops import RandomOps as RandomOps
from lamina.backend.contract.trainer import EagerStepFunctions as EagerStepFunctions
from lamina.backend.contract.trainer import StepFunctions as StepFunctions
