"""`DataParallel`: every replica holds the whole model and gets a shard of each batch."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.distribution.base import Distribution
from lamina.distribution.device_mesh import DeviceMesh

DEFAULT_BATCH_DIM_NAME = "batch"


class DataParallel(Distribution):
    """Data parallelism on the backend's own engine.

    Variables are replicated; each global batch is split across the
    replicas; gradients are averaged across replicas by the framework's
    collectives, so training matches one device fed the same global batches.
    Losses and metrics are reduced across replicas, so `fit` and `evaluate`
    report the values of the global batch.

    - JAX: a `jax.sharding.Mesh` over the devices; batches sharded along its
      "batch" axis, state replicated, steps compiled with those shardings (XLA
      inserts the all-reduce). Several processes after `initialize()`.
    - TensorFlow: a `tf.distribute.MirroredStrategy` over the devices (a
      `MultiWorkerMirroredStrategy` after `initialize()` with several
      processes); each replica runs the step with `strategy.run`.
    - torch: one process per device (`python -m lamina.distribution.launch
      --nproc N script.py`, or `torchrun`), joined by `torch.distributed`
      (gloo on CPU, NCCL on GPU); gradients all-reduced in buckets as DDP
      does. Callbacks, checkpoints and the progress bar run on the chief only.

    Args:
        device_mesh: a 1-D `DeviceMesh` (its first axis splits batches).
        devices: the devices, e.g. `["cpu:0", "cpu:1"]`, instead of a mesh.
            Default: `list_devices()`.
        auto_shard_dataset: each process reads the same global batches and
            keeps its shard (True, the only mode supported).

    Example:
        ```python
        distribution = lamina.distribution.DataParallel(devices=lamina.distribution.list_devices())
        with distribution.scope():
            model = lamina.Sequential([lamina.Input((8,)), lamina.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=64)  # each of N replicas gets 64 / N rows per step
        ```
    """

    def __init__(
        self, device_mesh: DeviceMesh | None = None, devices: Any = None, auto_shard_dataset: bool = True
    ) -> None:
        from lamina.backend import state
        from lamina.distribution.devices import ensure_initialized

        # A process the launcher started joins its job first, so that the
        # default devices are the job's.
        ensure_initialized(state.current())
        if device_mesh is not None and devices is not None:
            raise ValueError("Pass either `device_mesh` or `devices` to DataParallel, not both.")
        if not auto_shard_dataset:
            raise ValueError(
                "DataParallel(auto_shard_dataset=False) is not supported: every process must read the same "
                "global batches (each keeps its own shard). Remove the argument."
            )
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "`device_mesh` must be a `lamina.distribution.DeviceMesh`. "
                    f"Received: device_mesh={device_mesh!r} of type {type(device_mesh).__name__}"
                )
            if len(device_mesh.shape) != 1:
                raise ValueError(
                    f"DataParallel needs a 1-D device mesh. Received a mesh of shape {device_mesh.shape}; "
                    "flatten its devices: `DataParallel(devices=mesh.devices.flatten().tolist())`."
                )
        else:
            if devices is None:
                from lamina.distribution.devices import list_devices

                devices = list_devices()
            devices = [str(device) for device in np.array(devices, dtype=object).flatten()]
            if not devices:
                raise ValueError("DataParallel needs at least one device. Received: devices=[]")
            if len(set(devices)) != len(devices):
                raise ValueError(f"Each device may appear once. Received: devices={devices}")
            device_mesh = DeviceMesh((len(devices),), [DEFAULT_BATCH_DIM_NAME], devices)
        super().__init__(device_mesh, device_mesh.axis_names[0])

    @property
    def devices(self) -> list[str]:
        """The devices, one per replica, in replica order."""
        return [str(device) for device in self.device_mesh.devices.flatten()]

    @property
    def num_replicas(self) -> int:
        # The engine knows best where replicas are not one per listed device
        # (a multi-worker TensorFlow strategy).
        return int(getattr(self.engine, "num_replicas", len(self.devices)))
