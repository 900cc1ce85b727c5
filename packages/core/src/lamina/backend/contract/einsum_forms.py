"""Einsum equations that are matmuls in disguise, for backends that run those faster.

`"abc,cde->abde"` (the projections of multi-head attention, `EinsumDense`)
contracts the trailing axes of the first operand with the leading axes of
the second, keeping the rest in order: one 2-D-kernel matmul between
reshapes. Eager torch dispatches `torch.matmul` ~20 µs faster than
`torch.einsum`, and TensorFlow differentiates a MatMul faster than an Einsum
on CPU; XLA sees through either form (JAX keeps `jnp.einsum`, measured
faster there). Pure Python; the reshapes and matmul are the backend's own ops.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

_FORM = re.compile(r"(0?)([a-zA-Z]+),([a-zA-Z]+)->(0?)([a-zA-Z]+)")


@functools.lru_cache(maxsize=256)
def matmul_form(equation: str) -> tuple[int, int] | None:
    """`(contracted, kept)` axis counts when `equation` is a reshaped matmul, else None.

    That is: first operand = P + C, second = C + R, output = P + R (letters
    in that order, an optional leading "..." in P and the output).

    Example:
        >>> matmul_form("abc,cde->abde")
        (1, 2)
    """
    match = _FORM.fullmatch(equation.replace(" ", "").replace("...", "0"))
    if match is None or match.group(1) != match.group(4):
        return None
    inputs, kernel, outputs = match.group(2), match.group(3), match.group(5)
    if any(len(set(spec)) != len(spec) for spec in (inputs, kernel, outputs)):
        return None
    contracted = "".join(c for c in inputs if c not in outputs)
    count = len(contracted)
    if count == 0 or not inputs.endswith(contracted) or not kernel.startswith(contracted):
        return None
    prefix, rest = inputs[:-count], kernel[count:]
    if not rest or outputs != prefix + rest or any(c in inputs for c in rest):
        return None
    return count, len(rest)


def einsum_as_matmul(backend: Any, x: Any, y: Any, form: tuple[int, int]) -> Any | None:
    """`einsum(equation, x, y)` for an equation of `matmul_form` `form`, as one matmul; None
    when `y`'s shape is not fully known (the caller then runs its einsum)."""
    contracted, kept = form
    np_, shape = backend.numpy, backend.core.shape
    y_shape = tuple(shape(y))
    if not all(isinstance(d, int) for d in y_shape) or len(tuple(shape(x))) < contracted:
        return None
    size, rest = math.prod(y_shape[:contracted]), y_shape[contracted:]
    lead = tuple(shape(x))[: len(shape(x)) - contracted]
    if contracted > 1:
        x = np_.reshape(x, (*lead, size))
    if contracted > 1 or kept > 1:
        y = np_.reshape(y, (size, math.prod(rest)))
    out = np_.matmul(x, y)
    return out if kept == 1 else np_.reshape(out, (*lead, *rest))
