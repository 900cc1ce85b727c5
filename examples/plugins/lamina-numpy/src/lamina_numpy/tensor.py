"""The native tensor of the NumPy backend, and conversion to and from it.

A backend's tensors must be told apart from the plain NumPy arrays users pass
in (`ops.is_tensor(np.ones(2))` is False on every backend, and the core hands
plain arrays through untouched), so this backend computes on plain arrays
and hands out `NumpyTensor`, a small wrapper around one. Its
operators go through `lamina.ops` and so follow Lamina's dtype rules
(`int32 + 1.5` is float32, not NumPy's float64); `np.asarray(tensor)` and any
NumPy function read it through `__array__`.

The helpers below are shared by every op namespace:

- `array(x, dtype)`: anything (tensor, Variable, list, scalar) to a plain
  `np.ndarray` with Lamina's default dtypes;
- `wrap(a)`: a plain result back to a `NumpyTensor` (no copy);
- `np_dtype(name)` / `lamina_dtype(np_dtype)`: dtype names both ways.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from lamina import tree
from lamina.backend import config, dtypes
from lamina.backend.operators import TensorOperators
from lamina.backend.symbolic import SymbolicTensor
from lamina.backend.variables import Variable


class NumpyTensor(TensorOperators):
    """A tensor of Lamina's "numpy" backend: a wrapper of an `np.ndarray`.

    Operators (`+`, `@`, `<`, `==`, indexing) dispatch to `lamina.ops`, so they
    follow Lamina's dtype promotion like tensors of the other backends.
    `np.asarray(tensor)` (or `tensor.numpy()`) gives the array.

    Example:
        ```python
        import numpy as np

        import lamina

        lamina.config.set_backend("numpy")
        x = lamina.ops.ones((2, 3))  # a NumpyTensor
        y = x * 2 + 1  # lamina.ops.add(lamina.ops.multiply(x, 2), 1)
        np.asarray(y)  # array([[3., 3., 3.], [3., 3., 3.]], dtype=float32)
        ```
    """

    __slots__ = ("_array",)

    def __init__(self, value: np.ndarray) -> None:
        self._array = value

    @property
    def shape(self) -> tuple:
        return self._array.shape

    @property
    def dtype(self) -> np.dtype:
        return self._array.dtype

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def size(self) -> int:
        return self._array.size

    def numpy(self) -> np.ndarray:
        """A copy of the values as a NumPy array."""
        return np.array(self._array)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self._array if dtype is None else self._array.astype(dtype, copy=False)
        return np.array(array) if copy else array

    def __len__(self) -> int:
        return len(self._array)

    def __iter__(self) -> Iterator[NumpyTensor]:
        return (wrap(row) for row in self._array)

    def __bool__(self) -> bool:
        return bool(self._array)

    def __float__(self) -> float:
        return float(self._array)

    def __int__(self) -> int:
        return int(self._array)

    def __index__(self) -> int:
        return self._array.__index__()

    def __complex__(self) -> complex:
        return complex(self._array)

    def __format__(self, spec: str) -> str:
        return format(self._array.item() if self._array.ndim == 0 else self._array, spec)

    def __repr__(self) -> str:
        values = np.array2string(self._array, separator=", ", prefix="NumpyTensor(")
        return f"NumpyTensor({values}, dtype={self._array.dtype})"

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        import lamina.ops

        return lamina.ops.equal(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        import lamina.ops

        return lamina.ops.not_equal(self, other)

    __hash__ = object.__hash__


_PY_SCALARS = (bool, int, float, complex)
_NP_DTYPES: dict[str, np.dtype] = {
    name: np.dtype(name)
    for name in (
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    )
}


def np_dtype(dtype: Any) -> np.dtype:
    """The NumPy dtype for a Lamina dtype name or any dtype spelling (None: `floatx()`)."""
    name = dtypes.standardize_dtype(dtype)
    found = _NP_DTYPES.get(name)
    if found is not None:
        return found
    if name == "bfloat16":
        try:
            import ml_dtypes
        except ImportError:
            raise ValueError(
                "The numpy backend needs the `ml_dtypes` package for bfloat16 "
                "(received dtype='bfloat16'). Install it with: pip install ml_dtypes"
            ) from None
        return np.dtype(ml_dtypes.bfloat16)
    raise ValueError(
        f"The numpy backend has no dtype {name!r} (received dtype={dtype!r}). Expected one of {', '.join(_NP_DTYPES)}."
    )


def lamina_dtype(dtype: Any) -> str:
    """The Lamina name of a NumPy dtype."""
    return dtypes.standardize_dtype(np.dtype(dtype).name)


def floatx_dtype() -> np.dtype:
    return np_dtype(config.floatx())


def wrap(value: Any) -> NumpyTensor:
    """`value` (an array or NumPy scalar) as a `NumpyTensor`; no copy."""
    if type(value) is NumpyTensor:
        return value
    if type(value) is not np.ndarray:
        value = np.asarray(value)
    return NumpyTensor(value)


def _scalar_dtype(value: Any) -> np.dtype:
    if type(value) is bool:
        return _NP_DTYPES["bool"]
    if type(value) is int:
        return _NP_DTYPES["int32"]
    if type(value) is float:
        return floatx_dtype()
    return _NP_DTYPES["complex64"]


def array(x: Any, dtype: Any = None) -> np.ndarray:
    """`x` as a plain `np.ndarray` (cast to `dtype` when given).

    Tensors and arrays keep their dtype; Variables give their value; Python
    floats become `floatx()`, ints int32, bools bool; nested lists of Python
    numbers take the dtype Lamina's promotion gives them.
    """
    kind = type(x)
    if kind is NumpyTensor:
        x = x._array
    elif kind is np.ndarray:
        pass
    elif isinstance(x, Variable):
        return array(x.value, dtype)
    elif kind in _PY_SCALARS:
        x = np.asarray(x, dtype=_scalar_dtype(x) if dtype is None else np_dtype(dtype))
    elif isinstance(x, (list, tuple)):
        x = _sequence(x, dtype)
    elif isinstance(x, SymbolicTensor):
        raise ValueError(
            f"Cannot convert a symbolic tensor ({x!r}) to a NumPy array: it has no "
            "values. Call the model or layer on real data instead."
        )
    elif isinstance(x, str):
        raise ValueError(f"The numpy backend cannot convert strings to tensors. Received: {x!r}")
    else:
        # NumPy scalars and subclasses, other frameworks' arrays (`__array__`).
        x = np.asarray(x)
        if x.dtype.kind in "USO":
            raise ValueError(
                f"The numpy backend holds numeric and bool arrays only. Received an array of dtype {x.dtype}."
            )
    if dtype is not None:
        wanted = np_dtype(dtype)
        if x.dtype != wanted:
            x = x.astype(wanted)
    return x


def _sequence(x: list | tuple, dtype: Any) -> np.ndarray:
    leaves = tree.flatten(x)
    if all(type(v) in _PY_SCALARS for v in leaves):
        wanted = np_dtype(dtypes.result_type(*leaves) if dtype is None else dtype)
        return np.array(x, dtype=wanted)
    if any(isinstance(v, (NumpyTensor, Variable)) for v in leaves):
        items = [v if type(v) in _PY_SCALARS else array(v) for v in x]
        wanted = np_dtype(dtypes.result_type(*items) if dtype is None else dtype)
        return np.stack([array(v, wanted) for v in items])
    return np.asarray(x)


def tensor(x: Any, dtype: Any = None) -> NumpyTensor:
    """`array(x, dtype)` as a `NumpyTensor`."""
    return wrap(array(x, dtype))


def unwrap(x: Any) -> Any:
    """Replaces tensors and Variables by plain arrays in `x` (nested lists, tuples, dicts)."""
    if type(x) is NumpyTensor:
        return x._array
    if isinstance(x, Variable):
        return array(x.value)
    if isinstance(x, (list, tuple)):
        items = [unwrap(v) for v in x]
        return type(x)(*items) if hasattr(type(x), "_fields") else type(x)(items)
    if isinstance(x, dict):
        return {k: unwrap(v) for k, v in x.items()}
    return x


def operands(*values: Any) -> list:
    """Arrays for a binary (or n-ary) op, all of the promoted dtype.

    Python scalars are weak (`int32_tensor + 1.5` is float32), as on every
    Lamina backend.
    """
    items = [v if type(v) in _PY_SCALARS else array(v) for v in values]
    if all(type(v) is np.ndarray for v in items):
        first = items[0].dtype
        if all(v.dtype == first for v in items):
            return items
    wanted = np_dtype(dtypes.result_type(*items))
    return [array(v, wanted) for v in items]


class _Tracing(threading.local):
    def __init__(self) -> None:
        self.depth = 0


_tracing = _Tracing()


def is_tracing() -> bool:
    """True while `eval_shape` runs a function on stand-in zeros."""
    return _tracing.depth > 0


@contextmanager
def tracing() -> Iterator[None]:
    """Marks the enclosed code as shape inference (see `is_tracing`)."""
    _tracing.depth += 1
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        _tracing.depth -= 1
