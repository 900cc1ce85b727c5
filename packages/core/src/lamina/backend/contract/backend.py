"""The `Backend` class: everything a backend plugin provides."""

from __future__ import annotations

import importlib
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
    import numpy as np

    from lamina.backend.variables import Variable
    from lamina.distribution import Distribution
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

    # -- fused dense ------------------------------------------------------------
    def fused_dense(self, inputs: Any, kernel: Any, bias: Any) -> Any | None:
        """`inputs @ kernel + bias` in one kernel (a GEMM with bias), or None.

        `Dense` asks first and otherwise runs `ops.matmul` then `ops.add`.
        `kernel` (features, units) and `bias` (units,) may be Lamina Variables.
        Worth it where eager dispatch pays for the separate add (torch: one
        `addmm` saves a pass over the output forward and backward, ~3 % of an
        MLP step); compilers (XLA, TF graphs) fuse the add themselves.
        """
        return None

    # -- fused recurrent kernels ------------------------------------------------
    # `LSTM` and `GRU` ask the backend for a fused whole-sequence kernel (cuDNN,
    # oneDNN, ...) or another faster whole-sequence form (TensorFlow unrolls
    # short sequences in its graphs) when their cell is the standard one
    # (tanh/sigmoid, GRU with `reset_after=True`), with no mask, no dropout in
    # this call and no unrolling. A backend answers None to let the layer run
    # its generic loop.

    def fused_lstm(
        self, sequences: Any, h: Any, c: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
    ) -> tuple | None:
        """An LSTM over `sequences` (batch, time, features) in one kernel, or None.

        `kernel` (features, 4 * units), `recurrent_kernel` (units, 4 * units) and
        `bias` (4 * units, or None) hold the gates in Keras's order (i, f, c, o).
        Returns `(last_output, outputs, [h, c])` as the generic loop does
        (with `go_backwards`, the outputs are in reversed time order).
        """
        return None

    def fused_gru(
        self, sequences: Any, h: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
    ) -> tuple | None:
        """A GRU (`reset_after=True`) over `sequences` in one kernel, or None.

        `kernel` (features, 3 * units) and `recurrent_kernel` (units, 3 * units)
        hold the gates in Keras's order (z, r, h); `bias` is (2, 3 * units)
        (input and recurrent biases) or None. Returns `(last_output, outputs, [h])`.
        """
        return None

    # -- distribution (`lamina.distribution`) ----------------------------------
    # Data-parallel training runs on the framework's own engine, in a module of
    # the backend's package named by `distribution_engine` (imported on first
    # use). The hooks below call its functions of the same name: list_devices,
    # initialize, process_info, setup, activate, make_step_functions, broadcast,
    # launch. A backend without the module keeps the defaults, which say it does
    # not support distribution; a backend may also override the hooks directly.

    distribution_engine: str | None = None

    def _optional_engine_function(self, name: str) -> Any:
        """The function `name` of the `distribution_engine` module, or None."""
        if self.distribution_engine is None:
            return None
        return getattr(importlib.import_module(self.distribution_engine), name, None)

    def _engine_function(self, name: str, hook: str) -> Any:
        """Like `_optional_engine_function`, but a missing function is an error naming `hook`."""
        function = self._optional_engine_function(name)
        if function is None:
            raise NotImplementedError(
                f"The {self.name!r} backend does not support distribution (`lamina.distribution`): "
                f"it does not implement `Backend.{hook}`. Train on one device, or use the jax, "
                "torch or tensorflow backend for data-parallel training."
            )
        return function

    def distribution_list_devices(self, device_type: str | None = None) -> list[str]:
        """The devices data-parallel training can use, as "type:id" strings.

        In a multi-process job these are the global devices of all processes.
        `device_type` is "cpu", "gpu" or "tpu"; None means the accelerators
        if there are any, else the CPUs.
        """
        return self._engine_function("list_devices", "distribution_list_devices")(device_type)

    def distribution_initialize(
        self, job_addresses: str | None, num_processes: int | None, process_id: int | None
    ) -> None:
        """Joins a multi-process job (`lamina.distribution.initialize`).

        `job_addresses` is a comma-separated list of "host:port" (the first is
        the coordinator); the arguments were already read from the
        environment where not given, and may still be None where the
        framework finds them itself (e.g. under `torchrun`).
        """
        self._engine_function("initialize", "distribution_initialize")(job_addresses, num_processes, process_id)

    def distribution_process_info(self) -> tuple[int, int]:
        """`(process_id, num_processes)` of this process in the job (default: `(0, 1)`)."""
        process_info = self._optional_engine_function("process_info")
        return (0, 1) if process_info is None else process_info()

    def distribution_setup(self, distribution: Distribution) -> Any:
        """Builds the framework's engine for `distribution` (a device mesh, a
        `tf.distribute.Strategy`, a process group) and returns it.

        Called once, when the `Distribution` is created; raise here for
        devices the framework cannot use. The result is available to the
        backend as `distribution.engine`; its `num_replicas` attribute, if
        it has one, is the number of replicas each batch is split across.
        """
        return self._engine_function("setup", "distribution_setup")(distribution)

    def distribution_activate(self, distribution: Distribution | None) -> None:
        """Called by `set_distribution` (and `Distribution.scope()`) with the
        distribution that becomes current, or None when it ends."""
        activate = self._optional_engine_function("activate")
        if activate is not None:
            activate(distribution)

    def make_distributed_step_functions(self, model: Model, distribution: Distribution) -> StepFunctions:
        """Step functions that run `model`'s steps data-parallel under `distribution`.

        Like `make_step_functions`, for batches of the global batch size: the
        steps split each batch across replicas, reduce gradients, losses and
        metrics across them with the framework's collectives, and return
        global results (identical on every process).
        """
        return self._engine_function("make_step_functions", "make_distributed_step_functions")(model, distribution)

    def distribution_broadcast(self, value: np.ndarray) -> np.ndarray:
        """The chief's (process 0's) `value` on every process of the job.

        The training loop uses it to share the decisions of callbacks, which
        run on the chief only. Single-process jobs return `value` itself.
        """
        if self.distribution_process_info()[1] == 1:
            return value
        return self._engine_function("broadcast", "distribution_broadcast")(value)

    def distribution_launch(self, num_processes: int, argv: list[str]) -> int | None:
        """Runs `argv` (a script and its arguments) as `num_processes` local processes.

        Returns the exit status, or None to let `lamina.distribution.launch`
        start the processes itself (each then calls `initialize()`, which
        reads the `LAMINA_DISTRIBUTION_*` variables it sets).
        """
        launch = self._optional_engine_function("launch")
        return None if launch is None else launch(num_processes, argv)

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
