"""Masks attached to tensors, so that they follow the data from layer to layer.

`Embedding(mask_zero=True)` or `Masking` attach a boolean mask to their
output; the next layers that accept `mask` receive it. Native tensors that
allow attributes carry it as `_keras_mask`; others (JAX arrays, tracers) are
looked up in a table keyed by identity and cleaned when the tensor dies.
"""

from __future__ import annotations

import weakref
from typing import Any

_ATTRIBUTE = "_keras_mask"
_TABLE: dict[int, Any] = {}
# Stays False until the first mask is attached, so layer calls skip the
# lookups entirely in models without masking.
IN_USE = [False]


def _forget(key: int) -> None:
    _TABLE.pop(key, None)


def set_mask(tensor: Any, mask: Any) -> None:
    """Attaches `mask` to `tensor` (None removes it)."""
    if tensor is None:
        return
    if mask is not None:
        IN_USE[0] = True
    try:
        setattr(tensor, _ATTRIBUTE, mask)
        return
    except (AttributeError, TypeError):
        pass
    key = id(tensor)
    if mask is None:
        _TABLE.pop(key, None)
        return
    try:
        weakref.finalize(tensor, _forget, key)
    except TypeError:
        return  # neither attributes nor weak references: the mask cannot follow
    _TABLE[key] = mask


def get_mask(tensor: Any) -> Any:
    """The mask attached to `tensor`, or None."""
    if not IN_USE[0] or tensor is None:
        return None
    mask = getattr(tensor, _ATTRIBUTE, None)
    if mask is not None:
        return mask
    return _TABLE.get(id(tensor))
