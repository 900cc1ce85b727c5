"""`Distribution`: the base of data-parallel strategies, and the current one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from lamina.backend import state
from lamina.distribution.device_mesh import DeviceMesh

_current: Distribution | None = None


class Distribution:
    """How `fit`, `evaluate` and `predict` spread work over devices and processes.

    A distribution belongs to the backend active when it is created; the
    backend builds its engine for it then (`Backend.distribution_setup`):
    a `jax.sharding.Mesh`, a `tf.distribute.Strategy`, or a
    `torch.distributed` process group. Make it current with
    `set_distribution(distribution)` or `with distribution.scope():`.

    Args:
        device_mesh: the devices, as a `DeviceMesh`.
        batch_dim_name: the mesh axis that splits batches.

    Example:
        ```python
        distribution = lamina.distribution.DataParallel()  # a Distribution
        if distribution.is_chief:
            print(f"{distribution.num_replicas} replicas in {distribution.num_processes} process(es)")
        ```
    """

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str | None = None) -> None:
        from lamina.distribution.devices import ensure_initialized

        self._backend = state.current()
        ensure_initialized(self._backend)
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._process_id, self._num_processes = self._backend.distribution_process_info()
        self._engine = self._backend.distribution_setup(self)

    @property
    def backend(self) -> Any:
        """The Backend this distribution runs on."""
        return self._backend

    @property
    def engine(self) -> Any:
        """The framework's object behind this distribution (backend-specific)."""
        return self._engine

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str | None:
        return self._batch_dim_name

    @property
    def num_processes(self) -> int:
        """The number of processes in the job."""
        return self._num_processes

    @property
    def process_id(self) -> int:
        """This process's index in the job (0 is the chief)."""
        return self._process_id

    @property
    def is_chief(self) -> bool:
        """Whether this process is the chief (process 0): it runs callbacks and writes files."""
        return self._process_id == 0

    @property
    def num_replicas(self) -> int:
        """The number of model replicas (each gets a shard of every batch)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `num_replicas`.")

    def shard_slices(self, batch_size: int) -> list[slice]:
        """The rows of a global batch of `batch_size` that each replica gets.

        Contiguous, in replica order, as even as possible (the first
        `batch_size % num_replicas` shards get one more row), so that a batch
        that divides evenly gives every replica the same number of rows.
        """
        replicas = self.num_replicas
        base, extra = divmod(int(batch_size), replicas)
        slices, start = [], 0
        for replica in range(replicas):
            stop = start + base + (1 if replica < extra else 0)
            slices.append(slice(start, stop))
            start = stop
        return slices

    @contextlib.contextmanager
    def scope(self) -> Iterator[Distribution]:
        """Makes this distribution current inside the block (see `set_distribution`).

        Example:
            ```python
            with lamina.distribution.DataParallel().scope():
                model = make_model()
                model.compile(optimizer="sgd", loss="mse")
                model.fit(x, y, batch_size=64)
            ```
        """
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} backend={self._backend.name!r} replicas={self.num_replicas} "
            f"processes={self._num_processes}>"
        )


def distribution() -> Distribution | None:
    """The current distribution (None: train on one device).

    Example:
        ```python
        if lamina.distribution.distribution() is None:
            lamina.distribution.set_distribution(lamina.distribution.DataParallel())
        ```
    """
    return _current


def set_distribution(value: Distribution | None) -> None:
    """Makes `value` the distribution that `fit`, `evaluate` and `predict` use.

    On TensorFlow, its `tf.distribute.Strategy` becomes current too, so that
    variables created from now on are mirrored across its devices. Pass None
    to train on one device again.

    Example:
        ```python
        lamina.distribution.set_distribution(lamina.distribution.DataParallel())
        ```
    """
    global _current
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(
            "`set_distribution` expects a `lamina.distribution.Distribution` (e.g. `DataParallel()`) "
            f"or None. Received: {value!r} of type {type(value).__name__}"
        )
    previous = _current
    if previous is value:
        return
    if previous is not None and (value is None or previous.backend is not value.backend):
        previous.backend.distribution_activate(None)
    _current = value
    if value is not None:
        value.backend.distribution_activate(value)
