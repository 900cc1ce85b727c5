"""Axis handling shared by the normalization layers."""

from __future__ import annotations

from typing import Any


def standardize_axis_argument(axis: Any, layer: str) -> int | list[int]:
    """Checks an `axis` argument (an int or a list/tuple of ints); lists become lists."""
    if isinstance(axis, (list, tuple)):
        if not axis or not all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            raise TypeError(
                f"Expected an int or a non-empty list/tuple of ints for the argument `axis` of {layer}. "
                f"Received: axis={axis!r}"
            )
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(
        f"Expected an int or a list/tuple of ints for the argument `axis` of {layer}. Received: axis={axis!r}"
    )


def check_axes_in_bounds(axis: int | list[int], input_shape: Any, layer_name: str) -> list[int]:
    """Returns `axis` as sorted non-negative ints, raising if one is outside `input_shape`."""
    rank = len(input_shape)
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in axes:
        if a >= rank or a < -rank:
            raise ValueError(
                f"Axis {a} is out of bounds for input shape {tuple(input_shape)} in layer '{layer_name}'. "
                f"Received: axis={axis}"
            )
    return sorted(a % rank for a in axes)


def broadcast_shape(input_shape: Any, axes: list[int]) -> list[int]:
    """A shape of ones except on `axes`, where it keeps the input's sizes."""
    shape = [1] * len(input_shape)
    for a in axes:
        shape[a] = input_shape[a]
    return shape
