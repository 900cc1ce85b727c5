"""Functional forms of the merging layers: `add([a, b])` is `Add()([a, b])`.

Each helper builds the matching merging layer with `**kwargs` (e.g. `name`)
and calls it on `inputs` at once, as `keras.layers.add` and friends do.
"""

from __future__ import annotations

from typing import Any

from lamina.layers.merging.concatenate import Concatenate
from lamina.layers.merging.dot import Dot
from lamina.layers.merging.elementwise import Add, Average, Maximum, Minimum, Multiply, Subtract

__all__ = ["add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]


def add(inputs: list, **kwargs: Any) -> Any:
    """Sums a list of same-shape tensors (functional form of `Add`).

    Example:
        >>> y = lamina.layers.add([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 3))])
    """
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """Returns `inputs[0] - inputs[1]` (functional form of `Subtract`)."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """Element-wise product of a list of tensors (functional form of `Multiply`)."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """Element-wise mean of a list of tensors (functional form of `Average`)."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """Element-wise maximum of a list of tensors (functional form of `Maximum`)."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """Element-wise minimum of a list of tensors (functional form of `Minimum`)."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """Joins a list of tensors along `axis` (functional form of `Concatenate`)."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: list, axes: Any = -1, **kwargs: Any) -> Any:
    """Dot product of two tensors along `axes` (functional form of `Dot`).

    `normalize=True` (passed through `kwargs`) L2-normalises both inputs
    along the dot axes first, giving cosine similarity.
    """
    return Dot(axes=axes, **kwargs)(inputs)
