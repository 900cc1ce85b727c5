"""Data parallelism on JAX: a device mesh, sharded batches, replicated state.

`DataParallel` builds a one-axis `jax.sharding.Mesh` over its devices. During
`fit`, `evaluate` and `predict` the training state (variables, optimizer
and metric state) is replicated over the mesh (`NamedSharding(mesh, P())`)
and every global batch is sharded along the mesh's "batch" axis
(`NamedSharding(mesh, P("batch"))`). The steps are the usual pure
functions, compiled by `jax.jit` with those input and output shardings:
they still compute the loss and metrics of the whole global batch, and
XLA's SPMD partitioner splits the work per device and inserts the
all-reduces. A batch whose size does not divide by the number of devices
runs replicated (same result, no parallelism).

With several processes (`lamina.distribution.initialize()` calls
`jax.distributed.initialize`), the mesh spans every process's devices, each
process reads the same global batches, and `jax.make_array_from_callback`
builds the global arrays from each process's local shards.

Between epochs the state goes back into the model's Variables as ordinary
single-device arrays, so callbacks, saving and single-device use see
plain values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from lamina import tree
from lamina_jax.trainer import JaxStepFunctions


def _device_name(device: Any) -> str:
    return f"{device.platform.lower()}:{device.id}"


def _devices_of(kind: str | None) -> list:
    if kind is None:
        return list(jax.devices())
    try:
        return list(jax.devices(kind))
    except RuntimeError:  # no such platform here
        return []


def list_devices(device_type: str | None = None) -> list[str]:
    """The global devices ("cpu:0", "gpu:3", ...); default: the default platform's."""
    return [_device_name(device) for device in _devices_of(device_type)]


_initialized = False


def initialize(job_addresses: str | None, num_processes: int | None, process_id: int | None) -> None:
    """`jax.distributed.initialize`, with CPU collectives over gloo (once per process)."""
    global _initialized
    if _initialized:
        if (num_processes is not None and num_processes != jax.process_count()) or (
            process_id is not None and process_id != jax.process_index()
        ):
            raise ValueError(
                f"JAX is already initialized as process {jax.process_index()} of {jax.process_count()}. "
                f"Received: num_processes={num_processes}, process_id={process_id}"
            )
        return
    if num_processes is not None and num_processes > 1:
        # Cross-process collectives between CPU devices.
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    coordinator = job_addresses.split(",")[0].strip() if job_addresses else None
    jax.distributed.initialize(coordinator_address=coordinator, num_processes=num_processes, process_id=process_id)
    _initialized = True


def process_info() -> tuple[int, int]:
    return jax.process_index(), jax.process_count()


class JaxMesh:
    """The engine of a JAX `DataParallel`: the mesh and the two shardings it uses."""

    def __init__(self, mesh: Mesh, axis: str) -> None:
        self.mesh = mesh
        self.axis = axis
        self.replicated = NamedSharding(mesh, PartitionSpec())
        self.batch = NamedSharding(mesh, PartitionSpec(axis))
        self.multi_process = len({device.process_index for device in mesh.devices.flat}) > 1

    @property
    def num_replicas(self) -> int:
        return int(self.mesh.devices.size)

    def put(self, value: Any, sharding: NamedSharding) -> jax.Array:
        """`value` as a global array laid out by `sharding` (every process passes the same value)."""
        if not self.multi_process:
            return jax.device_put(value, sharding)
        array = np.asarray(value)
        return jax.make_array_from_callback(array.shape, sharding, lambda index: array[index])


def setup(distribution: Any) -> JaxMesh:
    available: dict = {}
    for kind in ("cpu", "gpu", "tpu"):
        for device in _devices_of(kind):
            available[_device_name(device)] = device
    devices = distribution.devices
    unknown = [name for name in devices if name not in available]
    if unknown:
        raise ValueError(
            f"Unknown JAX device(s) {unknown}. Available: {sorted(available)} "
            "(see `lamina.distribution.list_devices()`)."
        )
    mesh = Mesh(np.array([available[name] for name in devices]), (distribution.batch_dim_name,))
    return JaxMesh(mesh, distribution.batch_dim_name)


def broadcast(value: np.ndarray) -> np.ndarray:
    if jax.process_count() == 1:
        return value
    return np.asarray(multihost_utils.broadcast_one_to_all(value))


def _local_copy(value: Any) -> Any:
    """A fully replicated global array's value as an array on one local device."""
    if isinstance(value, jax.Array) and len(value.sharding.device_set) > 1:
        return value.addressable_data(0)
    return value


class JaxDistributedStepFunctions(JaxStepFunctions):
    """The JAX steps (default or overridden), compiled for the distribution's mesh."""

    def __init__(self, model: Any, distribution: Any) -> None:
        super().__init__(model)
        self.distribution = distribution
        self.mesh: JaxMesh = distribution.engine
        self._compiled: dict = {}

    # -- state -------------------------------------------------------------------
    def _read_state(self) -> tuple:
        state = super()._read_state()
        return jax.tree_util.tree_map(lambda value: self.mesh.put(value, self.mesh.replicated), state)

    def begin_epoch(self) -> None:
        state = JaxStepFunctions._read_state(self)
        if self.mesh.multi_process:
            # Every process calls this at the same point, so it may broadcast:
            # the chief's state, which carries what its callbacks changed.
            # (`_read_state` may not: after a callback on the chief wrote the
            # state back mid-epoch, only the chief reads it again.)
            state = multihost_utils.broadcast_one_to_all(state)
        self._state = jax.tree_util.tree_map(lambda value: self.mesh.put(value, self.mesh.replicated), state)

    def sync_to_variables(self) -> None:
        if self._state is not None:
            self._state = jax.tree_util.tree_map(_local_copy, self._state)
        super().sync_to_variables()

    # -- data ----------------------------------------------------------------------
    def _distribute(self, batch: Any) -> tuple[Any, bool]:
        """The global batch as global arrays: sharded on the batch axis when it divides evenly."""
        leaves = [leaf for leaf in tree.flatten(batch) if leaf is not None and np.ndim(leaf)]
        rows = {int(np.shape(leaf)[0]) for leaf in leaves}
        sharded = len(rows) == 1 and next(iter(rows)) % self.mesh.num_replicas == 0
        sharding = self.mesh.batch if sharded else self.mesh.replicated

        def put(leaf: Any) -> Any:
            if leaf is None:
                return None
            if not isinstance(leaf, (np.ndarray, jax.Array)):
                leaf = np.asarray(leaf)
            return self.mesh.put(leaf, sharding)

        return tree.map_structure(put, batch), sharded

    def _function(self, kind: str, step: Callable, sharded: bool, donate: bool, replicated_outputs: bool) -> Callable:
        key = (kind, sharded)
        found = self._compiled.get(key)
        if found is None:
            model = self.model
            if model.run_eagerly or model.jit_compile is False:
                found = step  # runs op by op on the global arrays
            else:
                data = self.mesh.batch if sharded else self.mesh.replicated
                options: dict = {"in_shardings": (self.mesh.replicated, data)}
                if replicated_outputs:
                    options["out_shardings"] = self.mesh.replicated
                if donate:
                    options["donate_argnums"] = (0,)
                found = jax.jit(step, **options)
            self._compiled[key] = found
        return found

    # -- compiled functions --------------------------------------------------------
    def make_train_function(self) -> Callable[[Any], dict]:
        def run(batch: Any) -> dict:
            data, sharded = self._distribute(batch)
            function = self._function("train", self.model.train_step, sharded, donate=True, replicated_outputs=True)
            logs, self._state = function(self._ensure_state(), data)
            return logs

        return run

    def make_test_function(self) -> Callable[[Any], dict]:
        def run(batch: Any) -> dict:
            data, sharded = self._distribute(batch)
            function = self._function("test", self.model.test_step, sharded, donate=False, replicated_outputs=True)
            trainable, non_trainable, optimizer_values, metric_values = self._ensure_state()
            logs, (trainable, non_trainable, metric_values) = function((trainable, non_trainable, metric_values), data)
            self._state = (trainable, non_trainable, optimizer_values, metric_values)
            return logs

        return run

    def make_predict_function(self) -> Callable[[Any], Any]:
        def run(batch: Any) -> Any:
            data, sharded = self._distribute(batch)
            function = self._function(
                "predict", self.model.predict_step, sharded, donate=False, replicated_outputs=False
            )
            trainable, non_trainable, optimizer_values, metric_values = self._ensure_state()
            outputs, non_trainable = function((trainable, non_trainable), data)
            self._state = (trainable, non_trainable, optimizer_values, metric_values)
            if self.mesh.multi_process:
                outputs = jax.tree_util.tree_map(
                    lambda value: np.asarray(multihost_utils.process_allgather(value, tiled=True)), outputs
                )
            return outputs

        return run

    def reset(self) -> None:
        super().reset()
        self._compiled = {}


# The contract's name for the step functions' factory (`Backend.make_distributed_step_functions`).
make_step_functions = JaxDistributedStepFunctions
