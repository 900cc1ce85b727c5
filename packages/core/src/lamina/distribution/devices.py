"""Devices and processes: `list_devices`, `get_device_count`, `initialize`."""

from __future__ import annotations

import os
from typing import Any

from lamina.backend import state

#: Environment variables `initialize()` reads when an argument is not given
#: (set by `python -m lamina.distribution.launch`); Keras's names work too.
ENV_JOB_ADDRESSES = "LAMINA_DISTRIBUTION_JOB_ADDRESSES"
ENV_NUM_PROCESSES = "LAMINA_DISTRIBUTION_NUM_PROCESSES"
ENV_PROCESS_ID = "LAMINA_DISTRIBUTION_PROCESS_ID"
_KERAS_ENV = {
    ENV_JOB_ADDRESSES: "KERAS_DISTRIBUTION_JOB_ADDRESSES",
    ENV_NUM_PROCESSES: "KERAS_DISTRIBUTION_NUM_PROCESSES",
    ENV_PROCESS_ID: "KERAS_DISTRIBUTION_PROCESS_ID",
}

_initialized_backends: set[str] = set()


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices of the active backend that a distribution can use.

    In a multi-process job these are the global devices of all processes.

    Args:
        device_type: "cpu", "gpu" or "tpu"; None picks the accelerators if
            there are any, else the CPUs (never a mix).

    Returns:
        Strings "type:id", e.g. `["cpu:0", "cpu:1"]`.

    Example:
        ```python
        devices = lamina.distribution.list_devices("cpu")
        distribution = lamina.distribution.DataParallel(devices=devices)
        ```
    """
    if device_type is not None:
        device_type = str(device_type).lower()
        if device_type not in ("cpu", "gpu", "tpu"):
            raise ValueError(
                f"`device_type` must be 'cpu', 'gpu', 'tpu' or None. Received: device_type={device_type!r}"
            )
    return list(state.current().distribution_list_devices(device_type))


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices `list_devices(device_type)` returns.

    Example:
        ```python
        replicas = lamina.distribution.get_device_count("cpu")
        ```
    """
    return len(list_devices(device_type))


def _from_env(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        value = os.environ.get(_KERAS_ENV[name])
    return value or None


def _int_from_env(name: str) -> int | None:
    value = _from_env(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"The environment variable {name} must be an integer. Received: {value!r}") from None


def initialize(
    job_addresses: str | None = None, num_processes: int | None = None, process_id: int | None = None
) -> None:
    """Joins a multi-process job: call once per process, before building models.

    Each argument not given is read from the environment
    (`LAMINA_DISTRIBUTION_JOB_ADDRESSES`, `..._NUM_PROCESSES`,
    `..._PROCESS_ID`, or Keras's `KERAS_DISTRIBUTION_*`), which
    `python -m lamina.distribution.launch` sets; on the torch backend,
    `torchrun`'s variables (`MASTER_ADDR`, `WORLD_SIZE`, `RANK`) work too.

    Per backend: torch joins a `torch.distributed` process group (gloo on
    CPU, NCCL on GPU); JAX calls `jax.distributed.initialize`; TensorFlow
    writes `TF_CONFIG` so that `DataParallel` uses a
    `MultiWorkerMirroredStrategy`.

    Args:
        job_addresses: comma-separated "host:port" of all processes, the
            chief (process 0, the coordinator) first. JAX and torch only
            need the chief's.
        num_processes: the number of processes in the job.
        process_id: this process's index, from 0 (the chief) to
            `num_processes - 1`.

    Example:
        ```python
        # On each of two machines (process_id 0 and 1):
        lamina.distribution.initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=2, process_id=0)
        ```
    """
    if job_addresses is None:
        job_addresses = _from_env(ENV_JOB_ADDRESSES)
    if num_processes is None:
        num_processes = _int_from_env(ENV_NUM_PROCESSES)
    if process_id is None:
        process_id = _int_from_env(ENV_PROCESS_ID)
    if num_processes is not None and num_processes < 1:
        raise ValueError(f"`num_processes` must be a positive integer. Received: num_processes={num_processes}")
    if process_id is not None and (process_id < 0 or (num_processes is not None and process_id >= num_processes)):
        raise ValueError(
            f"`process_id` must be between 0 and num_processes - 1 = {(num_processes or 1) - 1}. "
            f"Received: process_id={process_id}"
        )
    _initialize(state.current(), job_addresses, num_processes, process_id)


def _initialize(backend: Any, job_addresses: str | None, num_processes: int | None, process_id: int | None) -> None:
    backend.distribution_initialize(job_addresses, num_processes, process_id)
    _initialized_backends.add(backend.name)


def _launched_job() -> bool:
    """Whether the environment describes a multi-process job (`lamina.distribution.launch`, Keras's variables)."""
    size = _from_env(ENV_NUM_PROCESSES)
    return size is not None and size.isdigit() and int(size) > 1


def ensure_initialized(backend: Any) -> None:
    """Calls `initialize()` for a job the launcher started, if the script did not.

    (Backends also join jobs their framework's own launcher started, such as
    `torchrun`, when asked for the process information.)
    """
    if backend.name not in _initialized_backends and _launched_job() and backend.distribution_process_info()[1] == 1:
        _initialize(
            backend, _from_env(ENV_JOB_ADDRESSES), _int_from_env(ENV_NUM_PROCESSES), _int_from_env(ENV_PROCESS_ID)
        )
