"""NumPy-like ops on NumPy, with Lamina's dtype rules.

NumPy already has every op; the work here is dtypes. Binary ops promote
with `lamina.backend.dtypes.result_type` (Python scalars are weak), float
functions of integers give `floatx()`, sums of small integers widen to
int32 and index results are int32, as on every Lamina backend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lamina.backend import dtypes
from lamina.backend.contract import NumpyOps
from lamina_numpy.tensor import (
    _PY_SCALARS,
    NumpyTensor,
    array,
    floatx_dtype,
    np_dtype,
    operands,
    wrap,
)

_INT32 = np.dtype("int32")
_BOOL = np.dtype("bool")
# Integer dtypes whose sums and products widen to int32 (as in Keras).
_WIDEN_TO_INT32 = frozenset(np.dtype(d) for d in ("bool", "uint8", "int8", "int16"))


def to_float(x: Any) -> np.ndarray:
    """`x` as an array; integer and bool arrays become `floatx()`."""
    a = array(x)
    return a if a.dtype.kind in "fc" else a.astype(floatx_dtype())


def float_operands(*values: Any) -> list:
    """Operands promoted together with a weak float (`int / int` is `floatx()`)."""
    items = [v if type(v) in _PY_SCALARS else array(v) for v in values]
    wanted = np_dtype(dtypes.result_type(*items, float))
    return [array(v, wanted) for v in items]


def shape_tuple(shape: Any) -> tuple:
    """A shape argument (int, sequence or tensor) as a tuple of ints."""
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, (np.ndarray, NumpyTensor)):
        return tuple(int(d) for d in array(shape).reshape(-1))
    return tuple(int(array(d)) if not isinstance(d, (int, np.integer)) else int(d) for d in shape)


def axis_arg(axis: Any) -> Any:
    """`axis` as NumPy wants it: None, an int or a tuple of ints."""
    if axis is None or type(axis) is int:
        return axis
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(array(axis))


def _scalar(value: Any) -> Any:
    """A Python number from a 0-d tensor, array or number."""
    if isinstance(value, (np.ndarray, np.generic, NumpyTensor)):
        return array(value).item()
    return value


def _unary(fn: Callable) -> Callable:
    def op(self: NumpyOps, x: Any) -> NumpyTensor:
        return wrap(fn(array(x)))

    op.__name__ = fn.__name__
    return op


def _unary_float(fn: Callable) -> Callable:
    def op(self: NumpyOps, x: Any) -> NumpyTensor:
        return wrap(fn(to_float(x)))

    op.__name__ = fn.__name__
    return op


def _binary(fn: Callable) -> Callable:
    def op(self: NumpyOps, x1: Any, x2: Any) -> NumpyTensor:
        a, b = operands(x1, x2)
        return wrap(fn(a, b))

    op.__name__ = fn.__name__
    return op


def _binary_float(fn: Callable) -> Callable:
    def op(self: NumpyOps, x1: Any, x2: Any) -> NumpyTensor:
        a, b = float_operands(x1, x2)
        return wrap(fn(a, b))

    op.__name__ = fn.__name__
    return op


def _logical(fn: Callable) -> Callable:
    def op(self: NumpyOps, x1: Any, x2: Any) -> NumpyTensor:
        return wrap(fn(array(x1), array(x2)))

    op.__name__ = fn.__name__
    return op


class NumpyNumpyOps(NumpyOps):
    """The NumPy-like ops, computed by NumPy with Lamina's dtype rules."""

    # -- creation ---------------------------------------------------------
    def zeros(self, shape: Any, dtype: Any = None) -> NumpyTensor:
        return wrap(np.zeros(shape_tuple(shape), dtype=np_dtype(dtype)))

    def ones(self, shape: Any, dtype: Any = None) -> NumpyTensor:
        return wrap(np.ones(shape_tuple(shape), dtype=np_dtype(dtype)))

    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> NumpyTensor:
        if type(fill_value) in _PY_SCALARS:
            wanted = np_dtype(dtypes.result_type(fill_value) if dtype is None else dtype)
            return wrap(np.full(shape_tuple(shape), fill_value, dtype=wanted))
        fill = array(fill_value, dtype)
        return wrap(np.array(np.broadcast_to(fill, shape_tuple(shape))))

    def zeros_like(self, x: Any, dtype: Any = None) -> NumpyTensor:
        a = array(x)
        return wrap(np.zeros(a.shape, dtype=a.dtype if dtype is None else np_dtype(dtype)))

    def ones_like(self, x: Any, dtype: Any = None) -> NumpyTensor:
        a = array(x)
        return wrap(np.ones(a.shape, dtype=a.dtype if dtype is None else np_dtype(dtype)))

    def full_like(self, x: Any, fill_value: Any, dtype: Any = None) -> NumpyTensor:
        a = array(x)
        wanted = a.dtype if dtype is None else np_dtype(dtype)
        fill = fill_value if type(fill_value) in _PY_SCALARS else array(fill_value, wanted)
        return wrap(np.full(a.shape, fill, dtype=wanted))

    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> NumpyTensor:
        start, stop, step = _scalar(start), _scalar(stop), _scalar(step)
        if dtype is None:
            dtype = dtypes.result_type(*(v for v in (start, stop, step) if v is not None))
        if stop is None:
            start, stop = 0, start
        return wrap(np.arange(start, stop, step, dtype=np_dtype(dtype)))

    def linspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        retstep: bool = False,
        dtype: Any = None,
        axis: int = 0,
    ) -> Any:
        items = [v if type(v) in _PY_SCALARS else array(v) for v in (start, stop)]
        wanted = np_dtype(dtypes.result_type(*items, float) if dtype is None else dtype)
        result = np.linspace(
            *(np.asarray(v, dtype="float64") for v in items),
            num=int(num),
            endpoint=endpoint,
            retstep=retstep,
            axis=axis,
        )
        if retstep:
            samples, step = result
            return wrap(samples.astype(wanted)), wrap(np.asarray(step).astype(wanted))
        return wrap(result.astype(wanted))

    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> NumpyTensor:  # noqa: N803
        return wrap(np.eye(int(N), None if M is None else int(M), int(k), dtype=np_dtype(dtype)))

    def identity(self, n: int, dtype: Any = None) -> NumpyTensor:
        return wrap(np.identity(int(n), dtype=np_dtype(dtype)))

    def copy(self, x: Any) -> NumpyTensor:
        return wrap(np.array(array(x)))

    # -- element-wise, binary ---------------------------------------------
    add = _binary(np.add)
    subtract = _binary(np.subtract)
    multiply = _binary(np.multiply)
    divide = _binary_float(np.true_divide)
    true_divide = _binary_float(np.true_divide)
    floor_divide = _binary(np.floor_divide)
    mod = _binary(np.mod)
    power = _binary(np.power)
    maximum = _binary(np.maximum)
    minimum = _binary(np.minimum)
    arctan2 = _binary_float(np.arctan2)
    logaddexp = _binary_float(np.logaddexp)
    equal = _binary(np.equal)
    not_equal = _binary(np.not_equal)
    greater = _binary(np.greater)
    greater_equal = _binary(np.greater_equal)
    less = _binary(np.less)
    less_equal = _binary(np.less_equal)
    logical_and = _logical(np.logical_and)
    logical_or = _logical(np.logical_or)
    logical_xor = _logical(np.logical_xor)

    def where(self, condition: Any, x1: Any = None, x2: Any = None) -> Any:
        condition = array(condition)
        if x1 is None and x2 is None:
            return tuple(wrap(i.astype(_INT32)) for i in np.nonzero(condition))
        if x1 is None or x2 is None:
            raise ValueError("`where` needs both `x1` and `x2`, or neither (then it returns the indices).")
        a, b = operands(x1, x2)
        return wrap(np.where(condition.astype(bool, copy=False), a, b))

    # -- element-wise, unary ----------------------------------------------
    negative = _unary(np.negative)
    sign = _unary(np.sign)
    isnan = _unary(np.isnan)
    isinf = _unary(np.isinf)
    isfinite = _unary(np.isfinite)
    logical_not = _unary(np.logical_not)
    sqrt = _unary_float(np.sqrt)
    reciprocal = _unary_float(np.reciprocal)
    exp = _unary_float(np.exp)
    expm1 = _unary_float(np.expm1)
    log = _unary_float(np.log)
    log1p = _unary_float(np.log1p)
    log2 = _unary_float(np.log2)
    log10 = _unary_float(np.log10)
    sin = _unary_float(np.sin)
    cos = _unary_float(np.cos)
    tan = _unary_float(np.tan)
    arcsin = _unary_float(np.arcsin)
    arccos = _unary_float(np.arccos)
    arctan = _unary_float(np.arctan)
    sinh = _unary_float(np.sinh)
    cosh = _unary_float(np.cosh)
    tanh = _unary_float(np.tanh)
    arcsinh = _unary_float(np.arcsinh)
    arccosh = _unary_float(np.arccosh)
    arctanh = _unary_float(np.arctanh)
    floor = _unary_float(np.floor)
    ceil = _unary_float(np.ceil)

    def abs(self, x: Any) -> NumpyTensor:
        a = array(x)
        return wrap(a if a.dtype == _BOOL else np.abs(a))

    def square(self, x: Any) -> NumpyTensor:
        a = array(x)
        if a.dtype == _BOOL:
            a = a.astype(_INT32)
        return wrap(np.square(a))

    def round(self, x: Any, decimals: int = 0) -> NumpyTensor:
        a = array(x)
        if a.dtype.kind in "fc":
            return wrap(np.round(a, decimals))
        if decimals >= 0 or a.dtype == _BOOL:
            return wrap(a)
        # Integers to tens, hundreds, ...: round half to even in float64.
        return wrap(np.round(a.astype("float64"), decimals).astype(a.dtype))

    def clip(self, x: Any, x_min: Any, x_max: Any) -> NumpyTensor:
        a = array(x)
        if a.dtype == _BOOL:
            a = a.astype(_INT32)
        low = x_min if type(x_min) in _PY_SCALARS or x_min is None else array(x_min)
        high = x_max if type(x_max) in _PY_SCALARS or x_max is None else array(x_max)
        return wrap(np.clip(a, low, high).astype(a.dtype, copy=False))

    def nan_to_num(
        self, x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> NumpyTensor:
        a = array(x)
        if a.dtype.kind not in "fc":
            return wrap(a)
        return wrap(np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf))

    # -- reductions -------------------------------------------------------
    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        a = array(x)
        dtype = _INT32 if a.dtype in _WIDEN_TO_INT32 else a.dtype
        return wrap(np.sum(a, axis=axis_arg(axis), dtype=dtype, keepdims=keepdims))

    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        a = to_float(x)
        return wrap(np.mean(a, axis=axis_arg(axis), keepdims=keepdims).astype(a.dtype, copy=False))

    def max(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> NumpyTensor:
        extra = {} if initial is None else {"initial": _scalar(initial)}
        return wrap(np.max(array(x), axis=axis_arg(axis), keepdims=keepdims, **extra))

    def min(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> NumpyTensor:
        extra = {} if initial is None else {"initial": _scalar(initial)}
        return wrap(np.min(array(x), axis=axis_arg(axis), keepdims=keepdims, **extra))

    def prod(self, x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> NumpyTensor:
        a = array(x)
        if dtype is None:
            wanted = _INT32 if a.dtype in _WIDEN_TO_INT32 else a.dtype
        else:
            wanted = np_dtype(dtype)
        return wrap(np.prod(a, axis=axis_arg(axis), dtype=wanted, keepdims=keepdims))

    def var(self, x: Any, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        a = to_float(x)
        return wrap(np.var(a, axis=axis_arg(axis), keepdims=keepdims).astype(a.dtype, copy=False))

    def std(self, x: Any, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        a = to_float(x)
        return wrap(np.std(a, axis=axis_arg(axis), keepdims=keepdims).astype(a.dtype, copy=False))

    def argmax(self, x: Any, axis: int | None = None, keepdims: bool = False) -> NumpyTensor:
        return wrap(np.argmax(array(x), axis=axis, keepdims=keepdims).astype(_INT32))

    def argmin(self, x: Any, axis: int | None = None, keepdims: bool = False) -> NumpyTensor:
        return wrap(np.argmin(array(x), axis=axis, keepdims=keepdims).astype(_INT32))

    def any(self, x: Any, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        return wrap(np.any(array(x), axis=axis_arg(axis), keepdims=keepdims))

    def all(self, x: Any, axis: Any = None, keepdims: bool = False) -> NumpyTensor:
        return wrap(np.all(array(x), axis=axis_arg(axis), keepdims=keepdims))

    def cumsum(self, x: Any, axis: int | None = None, dtype: Any = None) -> NumpyTensor:
        a = array(x)
        wanted = (_INT32 if a.dtype == _BOOL else a.dtype) if dtype is None else np_dtype(dtype)
        return wrap(np.cumsum(a, axis=axis, dtype=wanted))

    def cumprod(self, x: Any, axis: int | None = None, dtype: Any = None) -> NumpyTensor:
        a = array(x)
        wanted = (_INT32 if a.dtype == _BOOL else a.dtype) if dtype is None else np_dtype(dtype)
        return wrap(np.cumprod(a, axis=axis, dtype=wanted))

    def count_nonzero(self, x: Any, axis: Any = None) -> NumpyTensor:
        return wrap(np.asarray(np.count_nonzero(array(x), axis=axis_arg(axis))).astype(_INT32))

    # -- products ---------------------------------------------------------
    matmul = _binary(np.matmul)
    dot = _binary(np.dot)

    def tensordot(self, x1: Any, x2: Any, axes: Any = 2) -> NumpyTensor:
        a, b = operands(x1, x2)
        return wrap(np.tensordot(a, b, axes=axes))

    def einsum(self, subscripts: str, *operands_: Any) -> NumpyTensor:
        arrays = operands(*operands_)
        return wrap(np.einsum(subscripts, *arrays, optimize=len(arrays) > 1))

    def diagonal(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> NumpyTensor:
        return wrap(np.diagonal(array(x), offset=offset, axis1=axis1, axis2=axis2))

    def tril(self, x: Any, k: int = 0) -> NumpyTensor:
        return wrap(np.tril(array(x), k=int(k)))

    def triu(self, x: Any, k: int = 0) -> NumpyTensor:
        return wrap(np.triu(array(x), k=int(k)))

    # -- shapes and indexing ----------------------------------------------
    def reshape(self, x: Any, newshape: Any) -> NumpyTensor:
        return wrap(np.reshape(array(x), shape_tuple(newshape)))

    def transpose(self, x: Any, axes: Any = None) -> NumpyTensor:
        return wrap(np.transpose(array(x), None if axes is None else axis_arg(tuple(axes))))

    def expand_dims(self, x: Any, axis: Any) -> NumpyTensor:
        return wrap(np.expand_dims(array(x), axis_arg(axis)))

    def squeeze(self, x: Any, axis: Any = None) -> NumpyTensor:
        return wrap(np.squeeze(array(x), axis=axis_arg(axis)))

    def concatenate(self, xs: Any, axis: int | None = 0) -> NumpyTensor:
        return wrap(np.concatenate(operands(*xs), axis=axis))

    def stack(self, x: Any, axis: int = 0) -> NumpyTensor:
        return wrap(np.stack(operands(*x), axis=axis))

    def split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list:
        if not isinstance(indices_or_sections, (int, np.integer)):
            indices_or_sections = [int(array(i)) for i in indices_or_sections]
        return [wrap(part) for part in np.split(array(x), indices_or_sections, axis=axis)]

    def tile(self, x: Any, repeats: Any) -> NumpyTensor:
        return wrap(np.tile(array(x), shape_tuple(repeats)))

    def repeat(self, x: Any, repeats: Any, axis: int | None = None) -> NumpyTensor:
        if not isinstance(repeats, (int, np.integer)):
            repeats = array(repeats)
        return wrap(np.repeat(array(x), repeats, axis=axis))

    def broadcast_to(self, x: Any, shape: Any) -> NumpyTensor:
        return wrap(np.broadcast_to(array(x), shape_tuple(shape)))

    def flip(self, x: Any, axis: Any = None) -> NumpyTensor:
        return wrap(np.flip(array(x), axis=axis_arg(axis)))

    def roll(self, x: Any, shift: Any, axis: Any = None) -> NumpyTensor:
        shift = shift if isinstance(shift, (int, tuple, list)) else int(array(shift))
        return wrap(np.roll(array(x), shift, axis=axis_arg(axis)))

    def moveaxis(self, x: Any, source: Any, destination: Any) -> NumpyTensor:
        return wrap(np.moveaxis(array(x), source, destination))

    def swapaxes(self, x: Any, axis1: int, axis2: int) -> NumpyTensor:
        return wrap(np.swapaxes(array(x), axis1, axis2))

    def take(self, x: Any, indices: Any, axis: int | None = None) -> NumpyTensor:
        indices = array(indices)
        if indices.dtype.kind not in "iu":
            indices = indices.astype("int64")
        return wrap(np.take(array(x), indices, axis=axis))

    def take_along_axis(self, x: Any, indices: Any, axis: int | None = None) -> NumpyTensor:
        indices = array(indices)
        if indices.dtype.kind not in "iu":
            indices = indices.astype("int64")
        return wrap(np.take_along_axis(array(x), indices, axis=axis))

    def pad(self, x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> NumpyTensor:
        a = array(x)
        widths = np.asarray(array(pad_width) if not isinstance(pad_width, (list, tuple)) else pad_width)
        widths = np.broadcast_to(widths.astype("int64"), (a.ndim, 2))
        if mode == "constant":
            value = 0 if constant_values is None else _scalar(constant_values)
            return wrap(np.pad(a, widths, mode="constant", constant_values=value))
        if mode not in ("reflect", "symmetric"):
            raise ValueError(f'`pad` supports mode "constant", "reflect" or "symmetric". Received: mode={mode!r}')
        if constant_values is not None:
            raise ValueError(
                f"`constant_values` only applies to mode='constant'. Received: mode={mode!r}, "
                f"constant_values={constant_values!r}"
            )
        return wrap(np.pad(a, widths, mode=mode))

    def sort(self, x: Any, axis: int = -1) -> NumpyTensor:
        return wrap(np.sort(array(x), axis=axis))

    def argsort(self, x: Any, axis: int = -1) -> NumpyTensor:
        return wrap(np.argsort(array(x), axis=axis, kind="stable").astype(_INT32))

    def ravel(self, x: Any) -> NumpyTensor:
        return wrap(np.ravel(array(x)))
