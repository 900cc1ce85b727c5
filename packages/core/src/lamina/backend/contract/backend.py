"""The `Backend` class: everything a backend plugin provides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from lamina.backend.contract.core_ops import CoreOps
from lamina.backend.contract.image_ops import ImageOps
from lamina.backend.contract.linalg_ops import LinalgOps
from lamina.backend.contract.math_ops import MathOps
from lamina.backend.contract.nn_ops import NNOps
from lamina.backend.contract.numpy_ops import NumpyOps
from lamina.backend.contract.random_ops import RandomOps
from lamina.backend.contract.trainer import EagerStepFunctions, StepFunctions

if TYPE_CHECKING:
    from lamina.backend.variables import Variable
    from lamina.models.model import Model

NAMESPACES = ("core", "numpy", "nn", "math", "linalg", "random", "image")


class Backend:
    """A Lamina backend: op namespaces, a Variable type and step compilation.

    A backend plugin subclasses each op namespace class (`NumpyOps`, ...),
    names its subclasses in the class attributes below, and registers the
    Backend subclass through the `register_backends` hook. The core never
    imports a framework: it reaches torch, jax or tensorflow only through
    these objects.

    Example:
        ```python
        class MyBackend(Backend):
            name = "mine"
            core_ops = MyCoreOps
            numpy_ops = MyNumpyOps
            ...
            variable_class = MyVariable
        ```
    """

    name: ClassVar[str] = ""
    core_ops: ClassVar[type[CoreOps]] = CoreOps
    numpy_ops: ClassVar[type[NumpyOps]] = NumpyOps
    nn_ops: ClassVar[type[NNOps]] = NNOps
    math_ops: ClassVar[type[MathOps]] = MathOps
    linalg_ops: ClassVar[type[LinalgOps]] = LinalgOps
    random_ops: ClassVar[type[RandomOps]] = RandomOps
    image_ops: ClassVar[type[ImageOps]] = ImageOps
    variable_class: ClassVar[type[Variable]]
    #: Whether this backend can train (compute gradients); inference-only
    #: backends set False and skip the training part of the conformance suite.
    supports_training: ClassVar[bool] = True
    #: Widest integer dtype the backend computes in by default (JAX without
    #: x64 mode has no int64); used for counters such as `optimizer.iterations`.
    counter_dtype: ClassVar[str] = "int64"

    def __init__(self) -> None:
        if not self.name:
            raise TypeError(f"{type(self).__name__} must set the class attribute `name`.")
        self.core = self.core_ops(self)
        self.numpy = self.numpy_ops(self)
        self.nn = self.nn_ops(self)
        self.math = self.math_ops(self)
        self.linalg = self.linalg_ops(self)
        self.random = self.random_ops(self)
        self.image = self.image_ops(self)
        variable_class = getattr(type(self), "variable_class", None)
        if variable_class is not None:
            variable_class._backend = self

    @property
    def Variable(self) -> type[Variable]:  # noqa: N802 - mirrors keras.Variable
        """The Variable class of this backend."""
        return self.variable_class

    def make_step_functions(self, model: Model) -> StepFunctions:
        """Returns the step functions for `model` (see `StepFunctions`).

        The default runs uncompiled steps written with the contract
        (`EagerStepFunctions`); backends override it to compile steps on
        their own engine.
        """
        return EagerStepFunctions(model)

    def fused_optimizer_update(self, optimizer: Any, grads: list, variables: list, learning_rate: Any) -> bool:
        """Optionally applies `optimizer`'s update to all `variables` at once.

        A backend may implement the update rules of built-in optimizers with
        fused framework kernels (e.g. torch's `_foreach_*` ops). It must give
        the same result as `optimizer.update_step` run per variable, and
        return True; returning False (the default) runs the generic rule.
        """
        return False

    def zero_grad(self, variables: list, set_to_none: bool = True) -> None:
        """Clears gradients accumulated on `variables` by the framework's own
        autograd (torch's `.grad`); a no-op for functional frameworks."""

    def versions(self) -> dict[str, str]:
        """Framework versions to show in `lamina info` (e.g. {"torch": "2.13.0"})."""
        return {}

    def missing_ops(self) -> dict[str, list[str]]:
        """Required ops this backend leaves unimplemented, by namespace."""
        report = {}
        for namespace in NAMESPACES:
            missing = type(getattr(self, namespace)).missing_ops()
            if missing:
                report[namespace] = missing
        return report

    def __repr__(self) -> str:
        return f"<lamina backend {self.name!r}>"

    def __reduce__(self) -> Any:
        # Backends are process-wide singletons; pickling refers to them by name.
        from lamina.backend.registry import get_backend

        return (get_backend, (self.name,))
