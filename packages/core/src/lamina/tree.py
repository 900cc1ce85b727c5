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
    "MAP_TO_NONE",
    "assert_same_paths",
    "flatten_with_path",
    "lists_to_tuples",
    "map_shape_structure",
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


class MAP_TO_NONE:  # noqa: N801 - Keras's public name
    """Return this from a `traverse` function to replace a sub-tree with `None`."""


def traverse(func: Callable, structure: Any, top_down: bool = True) -> Any:
    """Calls `func` on every node of `structure` and returns the rebuilt structure.

    Top-down (parents first): where `func(node)` returns None the traversal
    goes into `node`; any other value replaces the node (return `MAP_TO_NONE`
    to replace it with `None`). Bottom-up: children are rebuilt first, then a
    non-None `func(node)` replaces the node.

    Example:
        >>> traverse(lambda x: x * 2 if isinstance(x, int) else None, [1, (2, 3)])
        [2, (4, 6)]
    """
    if not callable(func):
        raise TypeError(f"`func` must be callable. Received: func={func!r}")

    def finish(value: Any) -> Any:
        return None if value is MAP_TO_NONE else value

    def visit(node: Any) -> Any:
        if top_down:
            replaced = func(node)
            if replaced is not None:
                return finish(replaced)
            if not is_nested(node):
                return node
            return _rebuild(node, [visit(child) for child in _children(node)])
        rebuilt = _rebuild(node, [visit(child) for child in _children(node)]) if is_nested(node) else node
        replaced = func(rebuilt)
        return rebuilt if replaced is None else finish(replaced)

    return visit(structure)


def _paths(structure: Any, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    if not is_nested(structure):
        return [(prefix, structure)]
    keys = _sorted_keys(structure) if isinstance(structure, Mapping) else range(len(structure))
    found: list = []
    for key in keys:
        found.extend(_paths(structure[key], prefix + (key,)))
    return found


def flatten_with_path(structure: Any) -> list[tuple[tuple, Any]]:
    """Returns `(path, leaf)` pairs in `flatten` order; a path is a tuple of keys/indices.

    Example:
        >>> flatten_with_path({"b": [1, 2], "a": 3})
        [(('a',), 3), (('b', 0), 1), (('b', 1), 2)]
    """
    return _paths(structure)


def assert_same_paths(a: Any, b: Any) -> None:
    """Raises ValueError unless `a` and `b` have the same set of leaf paths (container types may differ)."""
    a_paths = {path for path, _ in _paths(a)}
    b_paths = {path for path, _ in _paths(b)}
    if a_paths != b_paths:
        message = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            message += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            message += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(message)


def lists_to_tuples(structure: Any) -> Any:
    """Returns `structure` with every list (at any depth) turned into a tuple."""
    return traverse(lambda node: tuple(node) if isinstance(node, list) else None, structure, top_down=False)


def _is_shape_tuple(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in value)


def map_shape_structure(func: Callable, structure: Any) -> Any:
    """Like `map_structure`, but shape tuples (lists/tuples of ints and None) are leaves.

    Example:
        >>> map_shape_structure(lambda s: s[1:], {"x": (8, 3), "y": [(8, 4, 4)]})
        {'x': (3,), 'y': [(4, 4)]}
    """

    def visit(node: Any) -> Any:
        if _is_shape_tuple(node) or not is_nested(node):
            return func(node)
        return _rebuild(node, [visit(child) for child in _children(node)])

    return visit(structure)
