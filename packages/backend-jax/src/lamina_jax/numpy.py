"""NumPy-like ops on JAX: `jax.numpy` with Lamina's dtype rules."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from lamina.backend import dtypes
from lamina.backend.config import floatx
from lamina.backend.contract import NumpyOps
from lamina.backend.variables import Variable
from lamina_jax.core import convert, to_jax_dtype


def _binary(x1: Any, x2: Any) -> tuple:
    """Converts both operands to the dtype Lamina's promotion rules give."""
    if isinstance(x1, Variable):
        x1 = x1.value
    if isinstance(x2, Variable):
        x2 = x2.value
    if isinstance(x1, jax.Array) and isinstance(x2, jax.Array) and x1.dtype == x2.dtype:
        return x1, x2  # already one dtype: the common case of eager layer calls
    dtype = to_jax_dtype(dtypes.result_type(_node(x1), _node(x2)))
    return convert(x1, dtype), convert(x2, dtype)


def _node(x: Any) -> Any:
    if isinstance(x, (bool, int, float, complex)):
        return x
    return convert(x)


def _float(x: Any) -> jax.Array:
    """Converts integer and bool tensors to floatx(), as Keras's float ops do."""
    x = convert(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(to_jax_dtype(floatx()))
    return x


def _axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


class JaxNumpyOps(NumpyOps):
    # -- creation ---------------------------------------------------------
    def zeros(self, shape: Any, dtype: Any = None) -> jax.Array:
        return jnp.zeros(shape, dtype=to_jax_dtype(dtype))

    def ones(self, shape: Any, dtype: Any = None) -> jax.Array:
        return jnp.ones(shape, dtype=to_jax_dtype(dtype))

    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> jax.Array:
        if dtype is None:
            dtype = dtypes.result_type(_node(fill_value))
        return jnp.full(shape, convert(fill_value), dtype=to_jax_dtype(dtype))

    def zeros_like(self, x: Any, dtype: Any = None) -> jax.Array:
        x = convert(x)
        return jnp.zeros_like(x, dtype=to_jax_dtype(dtype) if dtype else None)

    def ones_like(self, x: Any, dtype: Any = None) -> jax.Array:
        x = convert(x)
        return jnp.ones_like(x, dtype=to_jax_dtype(dtype) if dtype else None)

    def full_like(self, x: Any, fill_value: Any, dtype: Any = None) -> jax.Array:
        x = convert(x)
        return jnp.full_like(x, convert(fill_value), dtype=to_jax_dtype(dtype) if dtype else None)

    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> jax.Array:
        if dtype is None:
            values = [v for v in (start, stop, step) if v is not None]
            dtype = dtypes.result_type(*values)
        return jnp.arange(start, stop, step, dtype=to_jax_dtype(dtype))

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
        dtype = to_jax_dtype(dtype) if dtype is not None else to_jax_dtype(floatx())
        return jnp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis)

    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> jax.Array:
        return jnp.eye(N, M, k=k, dtype=to_jax_dtype(dtype))

    def copy(self, x: Any) -> jax.Array:
        return jnp.array(convert(x), copy=True)

    # -- element-wise, binary ---------------------------------------------
    def add(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.add(*_binary(x1, x2))

    def subtract(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.subtract(*_binary(x1, x2))

    def multiply(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.multiply(*_binary(x1, x2))

    def divide(self, x1: Any, x2: Any) -> jax.Array:
        x1, x2 = _binary(x1, x2)
        if not jnp.issubdtype(x1.dtype, jnp.inexact):
            x1, x2 = _float(x1), _float(x2)
        return jnp.true_divide(x1, x2)

    def floor_divide(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.floor_divide(*_binary(x1, x2))

    def mod(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.mod(*_binary(x1, x2))

    def power(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.power(*_binary(x1, x2))

    def maximum(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.maximum(*_binary(x1, x2))

    def minimum(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.minimum(*_binary(x1, x2))

    def arctan2(self, x1: Any, x2: Any) -> jax.Array:
        x1, x2 = _binary(x1, x2)
        return jnp.arctan2(_float(x1), _float(x2))

    def logaddexp(self, x1: Any, x2: Any) -> jax.Array:
        x1, x2 = _binary(x1, x2)
        return jnp.logaddexp(_float(x1), _float(x2))

    def equal(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.equal(*_binary(x1, x2))

    def not_equal(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.not_equal(*_binary(x1, x2))

    def greater(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.greater(*_binary(x1, x2))

    def greater_equal(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.greater_equal(*_binary(x1, x2))

    def less(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.less(*_binary(x1, x2))

    def less_equal(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.less_equal(*_binary(x1, x2))

    def logical_and(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.logical_and(convert(x1), convert(x2))

    def logical_or(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.logical_or(convert(x1), convert(x2))

    def logical_xor(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.logical_xor(convert(x1), convert(x2))

    def where(self, condition: Any, x1: Any = None, x2: Any = None) -> Any:
        condition = convert(condition)
        if x1 is None and x2 is None:
            return jnp.nonzero(condition)
        if x1 is None or x2 is None:
            raise ValueError("`x1` and `x2` must both be given, or neither.")
        x1, x2 = _binary(x1, x2)
        return jnp.where(condition, x1, x2)

    # -- element-wise, unary ----------------------------------------------
    def negative(self, x: Any) -> jax.Array:
        return jnp.negative(convert(x))

    def abs(self, x: Any) -> jax.Array:
        return jnp.abs(convert(x))

    def sign(self, x: Any) -> jax.Array:
        return jnp.sign(convert(x))

    def sqrt(self, x: Any) -> jax.Array:
        return jnp.sqrt(_float(x))

    def square(self, x: Any) -> jax.Array:
        return jnp.square(convert(x))

    def reciprocal(self, x: Any) -> jax.Array:
        return jnp.reciprocal(_float(x))

    def exp(self, x: Any) -> jax.Array:
        return jnp.exp(_float(x))

    def expm1(self, x: Any) -> jax.Array:
        return jnp.expm1(_float(x))

    def log(self, x: Any) -> jax.Array:
        return jnp.log(_float(x))

    def log1p(self, x: Any) -> jax.Array:
        return jnp.log1p(_float(x))

    def log2(self, x: Any) -> jax.Array:
        return jnp.log2(_float(x))

    def log10(self, x: Any) -> jax.Array:
        return jnp.log10(_float(x))

    def sin(self, x: Any) -> jax.Array:
        return jnp.sin(_float(x))

    def cos(self, x: Any) -> jax.Array:
        return jnp.cos(_float(x))

    def tan(self, x: Any) -> jax.Array:
        return jnp.tan(_float(x))

    def arcsin(self, x: Any) -> jax.Array:
        return jnp.arcsin(_float(x))

    def arccos(self, x: Any) -> jax.Array:
        return jnp.arccos(_float(x))

    def arctan(self, x: Any) -> jax.Array:
        return jnp.arctan(_float(x))

    def sinh(self, x: Any) -> jax.Array:
        return jnp.sinh(_float(x))

    def cosh(self, x: Any) -> jax.Array:
        return jnp.cosh(_float(x))

    def tanh(self, x: Any) -> jax.Array:
        return jnp.tanh(_float(x))

    def arcsinh(self, x: Any) -> jax.Array:
        return jnp.arcsinh(_float(x))

    def arccosh(self, x: Any) -> jax.Array:
        return jnp.arccosh(_float(x))

    def arctanh(self, x: Any) -> jax.Array:
        return jnp.arctanh(_float(x))

    def floor(self, x: Any) -> jax.Array:
        return jnp.floor(_float(x))

    def ceil(self, x: Any) -> jax.Array:
        return jnp.ceil(_float(x))

    def round(self, x: Any, decimals: int = 0) -> jax.Array:
        return jnp.round(convert(x), decimals)

    def clip(self, x: Any, x_min: Any, x_max: Any) -> jax.Array:
        x = convert(x)
        if x.dtype == jnp.bool_:
            x = x.astype(jnp.int32)
        return jnp.clip(x, x_min, x_max)

    def isnan(self, x: Any) -> jax.Array:
        return jnp.isnan(convert(x))

    def isinf(self, x: Any) -> jax.Array:
        return jnp.isinf(convert(x))

    def isfinite(self, x: Any) -> jax.Array:
        return jnp.isfinite(convert(x))

    def logical_not(self, x: Any) -> jax.Array:
        return jnp.logical_not(convert(x))

    def nan_to_num(
        self, x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> jax.Array:
        return jnp.nan_to_num(convert(x), nan=nan, posinf=posinf, neginf=neginf)

    # -- reductions -------------------------------------------------------
    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        x = convert(x)
        if x.dtype == jnp.bool_:
            x = x.astype(jnp.int32)
        return jnp.sum(x, axis=_axis(axis), keepdims=keepdims)

    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jnp.mean(_float(x), axis=_axis(axis), keepdims=keepdims)

    def max(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> jax.Array:
        return jnp.max(convert(x), axis=_axis(axis), keepdims=keepdims, initial=initial)

    def min(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> jax.Array:
        return jnp.min(convert(x), axis=_axis(axis), keepdims=keepdims, initial=initial)

    def prod(self, x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> jax.Array:
        return jnp.prod(convert(x), axis=_axis(axis), keepdims=keepdims, dtype=to_jax_dtype(dtype) if dtype else None)

    def var(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jnp.var(_float(x), axis=_axis(axis), keepdims=keepdims)

    def std(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jnp.std(_float(x), axis=_axis(axis), keepdims=keepdims)

    def argmax(self, x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
        return jnp.argmax(convert(x), axis=axis, keepdims=keepdims).astype(jnp.int32)

    def argmin(self, x: Any, axis: int | None = None, keepdims: bool = False) -> jax.Array:
        return jnp.argmin(convert(x), axis=axis, keepdims=keepdims).astype(jnp.int32)

    def any(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jnp.any(convert(x), axis=_axis(axis), keepdims=keepdims)

    def all(self, x: Any, axis: Any = None, keepdims: bool = False) -> jax.Array:
        return jnp.all(convert(x), axis=_axis(axis), keepdims=keepdims)

    def cumsum(self, x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
        x = convert(x)
        if x.dtype == jnp.bool_ and dtype is None:
            dtype = "int32"
        return jnp.cumsum(x, axis=axis, dtype=to_jax_dtype(dtype) if dtype else None)

    def cumprod(self, x: Any, axis: int | None = None, dtype: Any = None) -> jax.Array:
        x = convert(x)
        if x.dtype == jnp.bool_ and dtype is None:
            dtype = "int32"
        return jnp.cumprod(x, axis=axis, dtype=to_jax_dtype(dtype) if dtype else None)

    def count_nonzero(self, x: Any, axis: Any = None) -> jax.Array:
        return jnp.count_nonzero(convert(x), axis=_axis(axis)).astype(jnp.int32)

    # -- products ---------------------------------------------------------
    def matmul(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.matmul(*_binary(x1, x2))

    def dot(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.dot(*_binary(x1, x2))

    def tensordot(self, x1: Any, x2: Any, axes: Any = 2) -> jax.Array:
        return jnp.tensordot(*_binary(x1, x2), axes=axes)

    def einsum(self, subscripts: str, *operands: Any) -> jax.Array:
        converted = [convert(o) for o in operands]
        dtype = to_jax_dtype(dtypes.result_type(*converted))
        return jnp.einsum(subscripts, *[o.astype(dtype) for o in converted])

    def outer(self, x1: Any, x2: Any) -> jax.Array:
        return jnp.outer(*_binary(x1, x2))

    def slogdet(self, x: Any) -> tuple:
        return tuple(jnp.linalg.slogdet(_float(x)))

    def diagonal(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> jax.Array:
        return jnp.diagonal(convert(x), offset=offset, axis1=axis1, axis2=axis2)

    def tril(self, x: Any, k: int = 0) -> jax.Array:
        return jnp.tril(convert(x), k=k)

    def triu(self, x: Any, k: int = 0) -> jax.Array:
        return jnp.triu(convert(x), k=k)

    # -- shapes and indexing ----------------------------------------------
    def reshape(self, x: Any, newshape: Any) -> jax.Array:
        newshape = (newshape,) if isinstance(newshape, int) else tuple(-1 if d is None else d for d in newshape)
        return jnp.reshape(convert(x), newshape)

    def transpose(self, x: Any, axes: Any = None) -> jax.Array:
        return jnp.transpose(convert(x), axes=axes)

    def expand_dims(self, x: Any, axis: Any) -> jax.Array:
        return jnp.expand_dims(convert(x), _axis(axis))

    def squeeze(self, x: Any, axis: Any = None) -> jax.Array:
        return jnp.squeeze(convert(x), axis=_axis(axis))

    def concatenate(self, xs: Any, axis: int | None = 0) -> jax.Array:
        converted = [convert(x) for x in xs]
        dtype = to_jax_dtype(dtypes.result_type(*converted))
        return jnp.concatenate([x.astype(dtype) for x in converted], axis=axis)

    def stack(self, x: Any, axis: int = 0) -> jax.Array:
        converted = [convert(v) for v in x]
        dtype = to_jax_dtype(dtypes.result_type(*converted))
        return jnp.stack([v.astype(dtype) for v in converted], axis=axis)

    def split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list:
        return list(jnp.split(convert(x), indices_or_sections, axis=axis))

    def tile(self, x: Any, repeats: Any) -> jax.Array:
        return jnp.tile(convert(x), repeats)

    def repeat(self, x: Any, repeats: Any, axis: int | None = None) -> jax.Array:
        return jnp.repeat(convert(x), repeats, axis=axis)

    def broadcast_to(self, x: Any, shape: Any) -> jax.Array:
        return jnp.broadcast_to(convert(x), tuple(shape))

    def flip(self, x: Any, axis: Any = None) -> jax.Array:
        return jnp.flip(convert(x), axis=_axis(axis))

    def roll(self, x: Any, shift: Any, axis: Any = None) -> jax.Array:
        return jnp.roll(convert(x), shift, axis=_axis(axis))

    def swapaxes(self, x: Any, axis1: int, axis2: int) -> jax.Array:
        return jnp.swapaxes(convert(x), axis1, axis2)

    def moveaxis(self, x: Any, source: Any, destination: Any) -> jax.Array:
        return jnp.moveaxis(convert(x), source, destination)

    def take(self, x: Any, indices: Any, axis: int | None = None) -> jax.Array:
        return jnp.take(convert(x), convert(indices), axis=axis)

    def take_along_axis(self, x: Any, indices: Any, axis: int | None = None) -> jax.Array:
        return jnp.take_along_axis(convert(x), convert(indices), axis=axis)

    def pad(self, x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> jax.Array:
        if mode not in ("constant", "reflect", "symmetric"):
            raise ValueError(f"Unsupported padding mode: {mode!r}. Expected 'constant', 'reflect' or 'symmetric'.")
        if mode == "constant":
            return jnp.pad(convert(x), pad_width, mode=mode, constant_values=constant_values or 0)
        if constant_values is not None:
            raise ValueError("`constant_values` can only be used with mode='constant'.")
        return jnp.pad(convert(x), pad_width, mode=mode)

    def sort(self, x: Any, axis: int = -1) -> jax.Array:
        return jnp.sort(convert(x), axis=axis)

    def argsort(self, x: Any, axis: int = -1) -> jax.Array:
        return jnp.argsort(convert(x), axis=axis).astype(jnp.int32)
