"""`DeviceMesh`: the devices of a distribution, arranged along named axes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class DeviceMesh:
    """An n-dimensional grid of devices with one name per axis.

    Data parallelism uses a 1-D mesh whose single axis (named "batch") splits
    every batch. The devices are strings as `lamina.distribution.list_devices`
    returns them ("cpu:0", "gpu:1", ...).

    Args:
        shape: the number of devices along each axis.
        axis_names: one name per axis.
        devices: the devices (any nesting, `prod(shape)` of them); default
            `list_devices()`.

    Example:
        ```python
        mesh = lamina.distribution.DeviceMesh(shape=(2,), axis_names=["batch"], devices=["cpu:0", "cpu:1"])
        distribution = lamina.distribution.DataParallel(device_mesh=mesh)
        ```
    """

    def __init__(self, shape: Any, axis_names: Any, devices: Any = None) -> None:
        shape = tuple(int(size) for size in shape)
        axis_names = [str(name) for name in axis_names]
        if not shape or any(size <= 0 for size in shape):
            raise ValueError(f"`shape` must be a non-empty tuple of positive sizes. Received: shape={shape}")
        if len(axis_names) != len(shape):
            raise ValueError(
                f"`shape` and `axis_names` must have the same length. Received: shape={shape}, axis_names={axis_names}"
            )
        if devices is None:
            from lamina.distribution.devices import list_devices

            devices = list_devices()
        devices = np.array(devices, dtype=object)
        if devices.size != math.prod(shape):
            raise ValueError(
                f"A mesh of shape {shape} needs {math.prod(shape)} devices. Received {devices.size}: "
                f"{devices.flatten().tolist()}"
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(shape)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def axis_names(self) -> list[str]:
        return list(self._axis_names)

    @property
    def devices(self) -> np.ndarray:
        """The devices, as an object array of `shape`."""
        return self._devices

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self._shape}, axis_names={self._axis_names}, devices={self._devices.flatten().tolist()}>"
