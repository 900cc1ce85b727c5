"""Utilities for nested structures of tensors (lists, tuples, dicts).

Mirrors `keras.tree`: dictionaries flatten in sorted key order, `None` is a
leaf, and named tuples keep their type when packed again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "flatten",
    "is_nested",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "assert_same_structure",
    "traverse",
]


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(structure: Any) -> bool:
    """Returns True if `structure` is a list, tuple or dict."""
    return isinstance(structure, (list, tuple, Mapping))


def _children(structure: Any) -> list:
    if isinstance(structure, Mapping):
        return [structure[k] for k in _sorted_keys(structure)]
    return list(structure)


def _sorted_keys(mapping: Mapping) -> list:
    try:
        return sorted(mapping)
    except TypeError:
        return list(mapping)


def flatten(structure: Any) -> list:
    """Returns the leaves of `structure` in a deterministic order.

    Example:
        >>> flatten({"b": [1, 2], "a": 3})
        [3, 1, 2]
    """
    if not is_nested(structure):
        return [structure]
    leaves: list = []
    stack = [structure]
    # Iterative depth-first traversal keeps deep structures off the C stack.
    while stack:
        item = stack.pop()
        if is_nested(item):
            stack.extend(reversed(_children(item)))
        else:
            leaves.append(item)
    return leaves


def _rebuild(template: Any, values: list) -> Any:
    if isinstance(template, Mapping):
        keys = _sorted_keys(template)
        rebuilt = dict(zip(keys, values))
        # Keep the caller's key order and mapping type where possible.
        ordered = {k: rebuilt[k] for k in template}
        try:
            return type(template)(ordered)
        except TypeError:
            return ordered
    if _is_namedtuple(template):
        return type(template)(*values)
    if isinstance(template, tuple):
        return tuple(values)
    return list(values)


def pack_sequence_as(structure: Any, flat_sequence: list) -> Any:
    """Packs `flat_sequence` into the shape of `structure`.

    Raises:
        ValueError: if the number of leaves differs.
    """
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if expected != len(flat_sequence):
        raise ValueError(
            f"Cannot pack {len(flat_sequence)} values into a structure with "
            f"{expected} leaves. Received structure: {structure!r}"
        )
    position = 0

    def build(node: Any) -> Any:
        nonlocal position
        if not is_nested(node):
            value = flat_sequence[position]
            position += 1
            return value
        return _rebuild(node, [build(child) for child in _children(node)])

    return build(structure)


def map_structure(func: Callable, *structures: Any) -> Any:
    """Applies `func` to the leaves of `structures`, keeping their shape."""
    if not structures:
        raise ValueError("map_structure needs at least one structure.")
    first = structures[0]
    for other in structures[1:]:
        assert_same_structure(first, other)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(first, [func(*leaves) for leaves in zip(*flats)])


def map_structure_up_to(shallow: Any, func: Callable, *structures: Any) -> Any:
    """Applies `func` to the sub-structures at the leaves of `shallow`."""

    def visit(node: Any, *subs: Any) -> Any:
        if not is_nested(node):
            return func(*subs)
        if isinstance(node, Mapping):
            keys = _sorted_keys(node)
            return _rebuild(node, [visit(node[k], *(s[k] for s in subs)) for k in keys])
        return _rebuild(node, [visit(c, *(s[i] for s in subs)) for i, c in enumerate(node)])

    return visit(shallow, *structures)


def assert_same_structure(a: Any, b: Any) -> None:
    """Raises ValueError if `a` and `b` do not have the same nesting."""
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures don't have the same nested structure. Received: {a!r} and {b!r}")
    if not is_nested(a):
        return
    if isinstance(a, Mapping) != isinstance(b, Mapping) or len(a) != len(b):
        raise ValueError(f"The two structures don't have the same nested structure. Received: {a!r} and {b!r}")
    if isinstance(a, Mapping):
        if set(a) != set(b):
            raise ValueError(
                f"The two dictionaries don't have the same keys. "
                f"Received keys: {sorted(map(str, a))} and {sorted(map(str, b))}"
            )
    for x, y in zip(_children(a), _children(b)):
        assert_same_structure(x, y)


def traverse(func: Callable, structure: Any) -> None:
    """Calls `func` on every node of `structure`, parents before children."""
    func(structure)
    if is_nested(structure):
        for child in _children(structure):
            traverse(func, child)
