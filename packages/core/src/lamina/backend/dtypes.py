"""Dtype names and the promotion rules every backend follows.

Lamina names dtypes with strings ("float32", "int32", "bool", ...). Native
dtypes (`torch.float32`, `tf.float32`, `numpy.dtype("float32")`) are accepted
anywhere a dtype is expected and turned into these names by
`standardize_dtype`. Binary ops promote with `result_type`, the same lattice
on every backend, so that `ops.add(int32, 1.5)` is float32 everywhere.
"""

from __future__ import annotations

import functools
from typing import Any

from lamina.backend import config

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("int8", "int16", "int32", "int64")
UINT_TYPES = ("uint8", "uint16", "uint32", "uint64")
COMPLEX_TYPES = ("complex64", "complex128")
ALLOWED_DTYPES = ("bool",) + INT_TYPES + UINT_TYPES + FLOAT_TYPES + COMPLEX_TYPES + ("string",)

_PYTHON_TYPES = {bool: "bool", int: "int32", float: "float32", complex: "complex64"}
_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int32",
    "long": "int64",
    "str": "string",
    "object": "string",
}

# Promotion lattice: each node lists the nodes directly above it. "int" and
# "float" are the weak types of Python scalars: they adopt the dtype of the
# tensor they meet instead of widening it.
_LATTICE = {
    "bool": ("int",),
    "int": ("uint8", "int8"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _upper_bounds() -> dict[str, frozenset]:
    bounds = {}
    for node in _LATTICE:
        seen = {node}
        frontier = [node]
        while frontier:
            for parent in _LATTICE[frontier.pop()]:
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        bounds[node] = frozenset(seen)
    return bounds


_UPPER = _upper_bounds()


# Names already worked out, keyed by the dtype object itself (native dtypes are
# hashable and few): eager ops ask for the same handful of dtypes on every call.
_NAMES: dict[Any, str] = {}


def standardize_dtype(dtype: Any = None) -> str:
    """Returns the Lamina name of `dtype` (None means `floatx()`).

    Raises:
        ValueError: for a dtype Lamina does not know.
    """
    if dtype is None:
        return config.floatx()
    try:
        return _NAMES[dtype]
    except (KeyError, TypeError):  # TypeError: an unhashable value
        pass
    name = _standardize(dtype)
    try:
        if len(_NAMES) < 256:
            _NAMES[dtype] = name
    except TypeError:
        pass
    return name


def _standardize(dtype: Any) -> str:
    if isinstance(dtype, str):
        name = dtype
    elif dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    elif hasattr(dtype, "kind") and getattr(dtype, "kind", None) in ("U", "S", "O"):
        return "string"  # NumPy str, bytes and object arrays (of strings)
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):
        name = dtype.name  # numpy and tensorflow dtypes
    elif hasattr(dtype, "dtype") and hasattr(dtype.dtype, "name"):
        name = dtype.dtype.name  # numpy scalar types such as np.float32
    else:
        name = str(dtype)
    if name.startswith("torch."):
        name = name[len("torch.") :]
    name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {', '.join(ALLOWED_DTYPES)}.")
    return name


def is_float(dtype: Any) -> bool:
    """Returns True for floating-point dtypes."""
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int(dtype: Any) -> bool:
    """Returns True for signed or unsigned integer dtypes."""
    name = standardize_dtype(dtype)
    return name in INT_TYPES or name in UINT_TYPES


def _dtype_of(value: Any) -> str:
    """Lattice node of a value: weak for Python scalars, else its dtype."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex64"
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return standardize_dtype(value)
    return standardize_dtype(dtype)


@functools.lru_cache(maxsize=512)
def _join(nodes: tuple) -> str:
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    # The least upper bound is the one common bound below all the others.
    for candidate in common:
        if all(other in _UPPER[candidate] for other in common):
            return candidate
    raise ValueError(f"Cannot promote dtypes {nodes}.")


def result_type(*values: Any) -> str:
    """Returns the dtype that binary ops on `values` produce.

    Accepts dtypes, tensors and Python scalars. A lone weak type becomes the
    default: Python ints give "int32", Python floats `floatx()`.

    Example:
        >>> result_type("int32", 1.5)
        'float32'
    """
    if not values:
        return config.floatx()
    nodes = []
    for value in values:
        if isinstance(value, (bool, int, float, complex)):
            nodes.append(_dtype_of(value))
        elif hasattr(value, "dtype"):
            nodes.append(_dtype_of(value))
        else:
            nodes.append(standardize_dtype(value))
    if "string" in nodes:
        if all(n == "string" for n in nodes):
            return "string"
        raise ValueError(f"Cannot mix strings with numbers: {nodes}.")
    result = _join(tuple(sorted(set(nodes))))
    if result == "int":
        return "int32"
    if result == "float":
        return config.floatx()
    return result
