"""NumPy-like ops on TensorFlow with Lamina's dtype rules.

TensorFlow does not promote dtypes by itself (and `tf.experimental.numpy`
promotes differently from Lamina), so binary ops first convert both operands
to `lamina.backend.dtypes.result_type` of the inputs.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import tensorflow as tf

from lamina.backend import dtypes
from lamina.backend.config import floatx
from lamina.backend.contract import NumpyOps
from lamina.backend.contract.einsum_forms import einsum_as_matmul, matmul_form
from lamina_tensorflow.core import (
    convert,
    float_tensor,
    is_float_dtype,
    is_python_scalar,
    ndim_of,
    normalize_axis,
    promote,
    static_or_dynamic_shape,
    to_tf_dtype,
)


def _axis(axis: Any) -> Any:
    """Reduction axes in a form tf.reduce_* accepts (lists become tuples)."""
    return tuple(axis) if isinstance(axis, list) else axis


def _axes_tuple(axis: Any, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        return (normalize_axis(axis, ndim),)
    return tuple(normalize_axis(a, ndim) for a in axis)


def _reduction_input(x: Any) -> tf.Tensor:
    """Widens bool and small ints as Keras's sum/prod do (int32 / uint32)."""
    x = convert(x)
    if x.dtype in (tf.bool, tf.int8, tf.int16):
        return tf.cast(x, tf.int32)
    if x.dtype in (tf.uint8, tf.uint16):
        return tf.cast(x, tf.uint32)
    return x


def _half_to_float32(x: tf.Tensor) -> tuple:
    """Computes float16/bfloat16 statistics in float32; returns (x, result dtype)."""
    if x.dtype in (tf.float16, tf.bfloat16):
        return tf.cast(x, tf.float32), x.dtype
    return x, None


def _restore(x: tf.Tensor, dtype: Any) -> tf.Tensor:
    return x if dtype is None else tf.cast(x, dtype)


def _flatten(x: tf.Tensor) -> tf.Tensor:
    return tf.reshape(x, [-1])


def _dim(x: tf.Tensor, axis: int) -> Any:
    static = x.shape[axis]
    return static if static is not None else tf.shape(x)[axis]


def _is_bias(x: tf.Tensor, bias: tf.Tensor) -> bool:
    """True when `x + bias` is a bias add: `bias` is 1-D and matches `x`'s static last axis."""
    rank = x.shape.rank
    return (
        bias.shape.rank == 1
        and rank is not None
        and rank >= 2
        and x.shape[-1] is not None
        and (x.shape[-1] == bias.shape[0])
    )


class TensorFlowNumpyOps(NumpyOps):
    # -- creation ---------------------------------------------------------
    def zeros(self, shape: Any, dtype: Any = None) -> tf.Tensor:
        return tf.zeros(_shape_arg(shape), dtype=to_tf_dtype(dtype))

    def ones(self, shape: Any, dtype: Any = None) -> tf.Tensor:
        return tf.ones(_shape_arg(shape), dtype=to_tf_dtype(dtype))

    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> tf.Tensor:
        if dtype is None:
            dtype = dtypes.result_type(fill_value if is_python_scalar(fill_value) else convert(fill_value))
        value = convert(fill_value, dtype)
        return tf.broadcast_to(value, _shape_arg(shape))

    def zeros_like(self, x: Any, dtype: Any = None) -> tf.Tensor:
        x = convert(x)
        return tf.zeros_like(x, dtype=to_tf_dtype(dtype) if dtype is not None else x.dtype)

    def ones_like(self, x: Any, dtype: Any = None) -> tf.Tensor:
        x = convert(x)
        return tf.ones_like(x, dtype=to_tf_dtype(dtype) if dtype is not None else x.dtype)

    def full_like(self, x: Any, fill_value: Any, dtype: Any = None) -> tf.Tensor:
        x = convert(x)
        target = to_tf_dtype(dtype) if dtype is not None else x.dtype
        return tf.broadcast_to(convert(fill_value, target), static_or_dynamic_shape(x))

    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> tf.Tensor:
        if stop is None:
            start, stop = 0, start
        if dtype is None:
            values = [v if is_python_scalar(v) else convert(v) for v in (start, stop, step) if v is not None]
            dtype = dtypes.result_type(*values)
        target = to_tf_dtype(dtype)
        compute = tf.float32 if target in (tf.float16, tf.bfloat16) else target
        result = tf.range(convert(start, compute), convert(stop, compute), convert(step, compute))
        return _restore(result, target if compute != target else None)

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
        if dtype is None:
            nodes = [v if is_python_scalar(v) else convert(v) for v in (start, stop)]
            dtype = dtypes.result_type(*nodes, 0.0)
        target = to_tf_dtype(dtype)
        compute = target if target.is_floating else to_tf_dtype(floatx())
        if compute in (tf.float16, tf.bfloat16):
            compute = tf.float32
        start_t = convert(start, compute)
        stop_t = convert(stop, compute)
        if endpoint:
            values = tf.linspace(start_t, stop_t, num, axis=axis)
            step = (stop_t - start_t) / max(num - 1, 1)
        else:
            values = tf.linspace(start_t, stop_t, num + 1, axis=axis)
            length = static_or_dynamic_shape(values)[axis]
            values = tf.gather(values, tf.range(length - 1), axis=axis)
            step = (stop_t - start_t) / max(num, 1)
        if target.is_integer:
            values = tf.floor(values)
        values = tf.cast(values, target)
        if retstep:
            return values, tf.cast(step, target)
        return values

    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> tf.Tensor:
        columns = N if M is None else M
        rows = tf.range(N)[:, None]
        cols = tf.range(columns)[None, :]
        return tf.cast(tf.equal(cols - rows, k), to_tf_dtype(dtype))

    def copy(self, x: Any) -> tf.Tensor:
        return tf.identity(convert(x))

    # -- element-wise, binary ---------------------------------------------
    def add(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_or(x1, x2)
        if x1.dtype.is_floating:
            if _is_bias(x1, x2):  # a layer's bias: BiasAdd's gradient is one kernel, AddV2's a Sum and reshapes
                return tf.raw_ops.BiasAdd(value=x1, bias=x2)
            if _is_bias(x2, x1):
                return tf.raw_ops.BiasAdd(value=x2, bias=x1)
        if x1.dtype != tf.string:
            return tf.raw_ops.AddV2(x=x1, y=x2)  # tf.add's Python dispatch costs more than the op
        return tf.add(x1, x2)

    def subtract(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            raise TypeError("Subtracting bool tensors is not supported; use ops.logical_xor.")
        return tf.subtract(x1, x2)

    def multiply(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_and(x1, x2)
        return tf.multiply(x1, x2)

    def divide(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if not is_float_dtype(x1.dtype):
            x1, x2 = float_tensor(x1), float_tensor(x2)
        return tf.math.truediv(x1, x2)

    def floor_divide(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            x1, x2 = tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
        return tf.math.floordiv(x1, x2)

    def mod(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            x1, x2 = tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
        return tf.math.floormod(x1, x2)

    def power(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_or(x1, tf.logical_not(x2))
        return tf.pow(x1, x2)

    def maximum(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_or(x1, x2)
        return tf.maximum(x1, x2)

    def minimum(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_and(x1, x2)
        return tf.minimum(x1, x2)

    def arctan2(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        return tf.math.atan2(float_tensor(x1), float_tensor(x2))

    def logaddexp(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        x1, x2 = float_tensor(x1), float_tensor(x2)
        peak = tf.maximum(x1, x2)
        result = peak + tf.math.log1p(tf.exp(-tf.abs(x1 - x2)))
        # Equal arguments (including equal infinities) give x + log(2) exactly.
        return tf.where(tf.equal(x1, x2), x1 + tf.cast(math.log(2.0), x1.dtype), result)

    def equal(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.equal(*promote(x1, x2))

    def not_equal(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.not_equal(*promote(x1, x2))

    def greater(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.greater(*_comparable(*promote(x1, x2)))

    def greater_equal(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.greater_equal(*_comparable(*promote(x1, x2)))

    def less(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.less(*_comparable(*promote(x1, x2)))

    def less_equal(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.less_equal(*_comparable(*promote(x1, x2)))

    def logical_and(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.logical_and(convert(x1, "bool"), convert(x2, "bool"))

    def logical_or(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.logical_or(convert(x1, "bool"), convert(x2, "bool"))

    def logical_xor(self, x1: Any, x2: Any) -> tf.Tensor:
        return tf.math.logical_xor(convert(x1, "bool"), convert(x2, "bool"))

    def where(self, condition: Any, x1: Any = None, x2: Any = None) -> Any:
        condition = convert(condition, "bool")
        if x1 is None and x2 is None:
            positions = tf.where(condition)
            return tuple(tf.cast(positions[:, i], tf.int32) for i in range(ndim_of(condition)))
        if x1 is None or x2 is None:
            raise ValueError("`x1` and `x2` must both be given, or neither.")
        x1, x2 = promote(x1, x2)
        return tf.where(condition, x1, x2)

    # -- element-wise, unary ----------------------------------------------
    def negative(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if x.dtype == tf.bool:
            raise TypeError("The negative of a bool tensor is not supported; use ops.logical_not.")
        return tf.negative(x)

    def abs(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if x.dtype.is_unsigned or x.dtype == tf.bool:
            return x
        return tf.abs(x)

    def sign(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if x.dtype.is_unsigned or x.dtype == tf.bool:
            return tf.cast(tf.not_equal(x, tf.zeros_like(x)), x.dtype)
        return tf.sign(x)

    def sqrt(self, x: Any) -> tf.Tensor:
        return tf.sqrt(float_tensor(x))

    def square(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if x.dtype == tf.bool:
            x = tf.cast(x, tf.int32)
        return tf.square(x)

    def reciprocal(self, x: Any) -> tf.Tensor:
        return tf.math.reciprocal(float_tensor(x))

    def exp(self, x: Any) -> tf.Tensor:
        return tf.exp(float_tensor(x))

    def expm1(self, x: Any) -> tf.Tensor:
        return tf.math.expm1(float_tensor(x))

    def log(self, x: Any) -> tf.Tensor:
        return tf.math.log(float_tensor(x))

    def log1p(self, x: Any) -> tf.Tensor:
        return tf.math.log1p(float_tensor(x))

    def log2(self, x: Any) -> tf.Tensor:
        x = float_tensor(x)
        return tf.math.log(x) / tf.cast(math.log(2.0), x.dtype)

    def log10(self, x: Any) -> tf.Tensor:
        x = float_tensor(x)
        return tf.math.log(x) / tf.cast(math.log(10.0), x.dtype)

    def sin(self, x: Any) -> tf.Tensor:
        return tf.sin(float_tensor(x))

    def cos(self, x: Any) -> tf.Tensor:
        return tf.cos(float_tensor(x))

    def tan(self, x: Any) -> tf.Tensor:
        return tf.tan(float_tensor(x))

    def arcsin(self, x: Any) -> tf.Tensor:
        return tf.asin(float_tensor(x))

    def arccos(self, x: Any) -> tf.Tensor:
        return tf.acos(float_tensor(x))

    def arctan(self, x: Any) -> tf.Tensor:
        return tf.atan(float_tensor(x))

    def sinh(self, x: Any) -> tf.Tensor:
        return tf.sinh(float_tensor(x))

    def cosh(self, x: Any) -> tf.Tensor:
        return tf.cosh(float_tensor(x))

    def tanh(self, x: Any) -> tf.Tensor:
        return tf.tanh(float_tensor(x))

    def arcsinh(self, x: Any) -> tf.Tensor:
        return tf.asinh(float_tensor(x))

    def arccosh(self, x: Any) -> tf.Tensor:
        return tf.acosh(float_tensor(x))

    def arctanh(self, x: Any) -> tf.Tensor:
        return tf.atanh(float_tensor(x))

    def floor(self, x: Any) -> tf.Tensor:
        return tf.floor(float_tensor(x))

    def ceil(self, x: Any) -> tf.Tensor:
        return tf.math.ceil(float_tensor(x))

    def round(self, x: Any, decimals: int = 0) -> tf.Tensor:
        x = convert(x)
        if not is_float_dtype(x.dtype):
            if decimals >= 0 or x.dtype == tf.bool:
                return x
            factor = tf.cast(10.0 ** (-decimals), tf.float64)
            rounded = tf.round(tf.cast(x, tf.float64) / factor) * factor
            return tf.cast(rounded, x.dtype)
        if decimals == 0:
            return tf.round(x)
        factor = tf.cast(10.0**decimals, x.dtype)
        return tf.round(x * factor) / factor

    def clip(self, x: Any, x_min: Any, x_max: Any) -> tf.Tensor:
        x = convert(x)
        if x.dtype == tf.bool:
            x = tf.cast(x, tf.int32)
        if x_min is None and x_max is None:
            raise ValueError("One of `x_min` and `x_max` must be given to clip.")
        if x_min is None:
            return tf.minimum(x, convert(x_max, x.dtype))
        if x_max is None:
            return tf.maximum(x, convert(x_min, x.dtype))
        return tf.clip_by_value(x, convert(x_min, x.dtype), convert(x_max, x.dtype))

    def isnan(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if not is_float_dtype(x.dtype):
            return tf.zeros_like(x, dtype=tf.bool)
        return tf.math.is_nan(x)

    def isinf(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if not is_float_dtype(x.dtype):
            return tf.zeros_like(x, dtype=tf.bool)
        return tf.math.is_inf(x)

    def isfinite(self, x: Any) -> tf.Tensor:
        x = convert(x)
        if not is_float_dtype(x.dtype):
            return tf.ones_like(x, dtype=tf.bool)
        return tf.math.is_finite(x)

    def logical_not(self, x: Any) -> tf.Tensor:
        return tf.logical_not(convert(x, "bool"))

    def nan_to_num(
        self, x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> tf.Tensor:
        x = convert(x)
        if not x.dtype.is_floating:
            return x
        limits = x.dtype
        posinf = limits.max if posinf is None else posinf
        neginf = limits.min if neginf is None else neginf
        x = tf.where(tf.math.is_nan(x), tf.cast(nan, x.dtype), x)
        x = tf.where(tf.logical_and(tf.math.is_inf(x), x > 0), tf.cast(posinf, x.dtype), x)
        return tf.where(tf.logical_and(tf.math.is_inf(x), x < 0), tf.cast(neginf, x.dtype), x)

    # -- reductions -------------------------------------------------------
    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        return tf.reduce_sum(_reduction_input(x), axis=_axis(axis), keepdims=keepdims)

    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        x, result_dtype = _half_to_float32(float_tensor(x))
        return _restore(tf.reduce_mean(x, axis=_axis(axis), keepdims=keepdims), result_dtype)

    def max(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> tf.Tensor:
        x = convert(x)
        if x.dtype == tf.bool:
            result = tf.reduce_any(x, axis=_axis(axis), keepdims=keepdims)
        else:
            result = tf.reduce_max(x, axis=_axis(axis), keepdims=keepdims)
        if initial is not None:
            result = self.maximum(result, convert(initial, x.dtype))
        return result

    def min(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> tf.Tensor:
        x = convert(x)
        if x.dtype == tf.bool:
            result = tf.reduce_all(x, axis=_axis(axis), keepdims=keepdims)
        else:
            result = tf.reduce_min(x, axis=_axis(axis), keepdims=keepdims)
        if initial is not None:
            result = self.minimum(result, convert(initial, x.dtype))
        return result

    def prod(self, x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> tf.Tensor:
        x = convert(x, dtype) if dtype is not None else _reduction_input(x)
        if x.dtype == tf.bool:
            return tf.reduce_all(x, axis=_axis(axis), keepdims=keepdims)
        return tf.reduce_prod(x, axis=_axis(axis), keepdims=keepdims)

    def var(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        x, result_dtype = _half_to_float32(float_tensor(x))
        return _restore(tf.math.reduce_variance(x, axis=_axis(axis), keepdims=keepdims), result_dtype)

    def std(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        x, result_dtype = _half_to_float32(float_tensor(x))
        return _restore(tf.math.reduce_std(x, axis=_axis(axis), keepdims=keepdims), result_dtype)

    def argmax(self, x: Any, axis: int | None = None, keepdims: bool = False) -> tf.Tensor:
        return _arg_reduce(tf.argmax, x, axis, keepdims)

    def argmin(self, x: Any, axis: int | None = None, keepdims: bool = False) -> tf.Tensor:
        return _arg_reduce(tf.argmin, x, axis, keepdims)

    def any(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        return tf.reduce_any(convert(x, "bool"), axis=_axis(axis), keepdims=keepdims)

    def all(self, x: Any, axis: Any = None, keepdims: bool = False) -> tf.Tensor:
        return tf.reduce_all(convert(x, "bool"), axis=_axis(axis), keepdims=keepdims)

    def cumsum(self, x: Any, axis: int | None = None, dtype: Any = None) -> tf.Tensor:
        x = _cumulative_input(x, axis, dtype)
        return tf.math.cumsum(x, axis=0 if axis is None else axis)

    def cumprod(self, x: Any, axis: int | None = None, dtype: Any = None) -> tf.Tensor:
        x = _cumulative_input(x, axis, dtype)
        return tf.math.cumprod(x, axis=0 if axis is None else axis)

    def count_nonzero(self, x: Any, axis: Any = None) -> tf.Tensor:
        nonzero = tf.cast(convert(x, "bool"), tf.int32)
        return tf.reduce_sum(nonzero, axis=_axis(axis))

    # -- products ---------------------------------------------------------
    def matmul(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if x1.dtype == tf.bool:
            x1, x2 = tf.cast(x1, tf.int32), tf.cast(x2, tf.int32)
            return tf.cast(self.matmul(x1, x2), tf.bool)
        rank1, rank2 = ndim_of(x1), ndim_of(x2)
        if rank2 == 2 and rank1 >= 2 and x1.dtype not in (tf.int8, tf.uint8, tf.int16):
            if rank1 == 2:
                return tf.raw_ops.MatMul(a=x1, b=x2)  # what tf.linalg.matmul runs, without its Python checks
            # (..., k) @ (k, n) as one 2-D MatMul on the flattened rows: BatchMatMulV2
            # with a broadcast kernel needs a Sum over the batch in its gradient.
            lead = static_or_dynamic_shape(x1)[:-1]
            flat = tf.raw_ops.MatMul(a=tf.reshape(x1, (-1, static_or_dynamic_shape(x1)[-1])), b=x2)
            return tf.reshape(flat, [*lead, static_or_dynamic_shape(x2)[-1]])
        if rank1 == 0 or rank2 == 0:
            raise ValueError(
                "matmul does not accept scalars; use ops.multiply. Received tensors of "
                f"shapes {x1.shape} and {x2.shape}."
            )
        if rank1 == 1:
            x1 = x1[None, :]
        if rank2 == 1:
            x2 = x2[:, None]
        result = tf.linalg.matmul(x1, x2)
        if rank2 == 1:
            result = tf.squeeze(result, axis=-1)
        if rank1 == 1:
            result = tf.squeeze(result, axis=-2 if rank2 != 1 else -1)
        return result

    def dot(self, x1: Any, x2: Any) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        rank1, rank2 = ndim_of(x1), ndim_of(x2)
        if rank1 == 0 or rank2 == 0:
            return self.multiply(x1, x2)
        if rank2 == 1:
            return tf.tensordot(x1, x2, axes=[[rank1 - 1], [0]])
        return tf.tensordot(x1, x2, axes=[[rank1 - 1], [rank2 - 2]])

    def tensordot(self, x1: Any, x2: Any, axes: Any = 2) -> tf.Tensor:
        x1, x2 = promote(x1, x2)
        if not isinstance(axes, int) and not tf.is_tensor(axes):
            axes = [list(a) if isinstance(a, (list, tuple)) else [a] for a in axes]
        return tf.tensordot(x1, x2, axes=axes)

    def einsum(self, subscripts: str, *operands: Any) -> tf.Tensor:
        converted = promote(*operands) if len(operands) > 1 else [convert(operands[0])]
        if converted and converted[0].dtype == tf.bool:
            converted = [tf.cast(o, tf.int32) for o in converted]
        form = matmul_form(subscripts) if len(converted) == 2 and converted[0].dtype.is_floating else None
        if form is not None:  # one MatMul: its gradient is faster than Einsum's on CPU
            result = einsum_as_matmul(self.backend, converted[0], converted[1], form)
            if result is not None:
                return result
        return tf.einsum(subscripts, *converted)

    def slogdet(self, x: Any) -> tuple:
        return tuple(tf.linalg.slogdet(float_tensor(x)))

    def diagonal(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> tf.Tensor:
        x = convert(x)
        ndim = ndim_of(x)
        axis1, axis2 = normalize_axis(axis1, ndim), normalize_axis(axis2, ndim)
        if axis1 == axis2:
            raise ValueError(f"axis1 and axis2 cannot be the same. Received: axis1={axis1}, axis2={axis2}")
        perm = [i for i in range(ndim) if i not in (axis1, axis2)] + [axis1, axis2]
        if perm != list(range(ndim)):
            x = tf.transpose(x, perm)
        return tf.linalg.diag_part(x, k=offset)

    def tril(self, x: Any, k: int = 0) -> tf.Tensor:
        x = convert(x)
        return tf.where(_diagonal_offsets(x) <= k, x, tf.zeros_like(x))

    def triu(self, x: Any, k: int = 0) -> tf.Tensor:
        x = convert(x)
        return tf.where(_diagonal_offsets(x) >= k, x, tf.zeros_like(x))

    # -- shapes and indexing ----------------------------------------------
    def reshape(self, x: Any, newshape: Any) -> tf.Tensor:
        if isinstance(newshape, int):
            newshape = (newshape,)
        elif isinstance(newshape, (list, tuple)):
            newshape = [-1 if d is None else d for d in newshape]
        return tf.reshape(convert(x), newshape)

    def transpose(self, x: Any, axes: Any = None) -> tf.Tensor:
        x = convert(x)
        if axes is None:
            return tf.transpose(x)
        ndim = ndim_of(x)
        return tf.transpose(x, [normalize_axis(a, ndim) for a in axes])

    def expand_dims(self, x: Any, axis: Any) -> tf.Tensor:
        x = convert(x)
        if isinstance(axis, int):
            return tf.expand_dims(x, axis)
        out_ndim = ndim_of(x) + len(axis)
        for position in sorted(normalize_axis(a, out_ndim) for a in axis):
            x = tf.expand_dims(x, position)
        return x

    def squeeze(self, x: Any, axis: Any = None) -> tf.Tensor:
        x = convert(x)
        if axis is None:
            return tf.squeeze(x)
        axes = [axis] if isinstance(axis, int) else list(axis)
        return tf.squeeze(x, axis=axes)

    def concatenate(self, xs: Any, axis: int | None = 0) -> tf.Tensor:
        converted = promote(*xs) if len(xs) > 1 else [convert(xs[0])]
        if axis is None:
            converted = [_flatten(x) for x in converted]
            axis = 0
        return tf.concat(converted, axis=axis)

    def stack(self, x: Any, axis: int = 0) -> tf.Tensor:
        converted = promote(*x) if len(x) > 1 else [convert(x[0])]
        return tf.stack(converted, axis=axis)

    def split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list:
        x = convert(x)
        if isinstance(indices_or_sections, (int, np.integer)):
            return tf.split(x, int(indices_or_sections), axis=axis)
        indices = [int(i) for i in indices_or_sections]
        length = x.shape[axis]
        if length is None:
            sizes = [indices[0]] + [b - a for a, b in itertools.pairwise(indices)] + [-1]
            return tf.split(x, sizes, axis=axis)
        bounds = [0] + [min(max(i + length if i < 0 else i, 0), length) for i in indices] + [length]
        sizes = [max(b - a, 0) for a, b in itertools.pairwise(bounds)]
        return tf.split(x, sizes, axis=axis)

    def tile(self, x: Any, repeats: Any) -> tf.Tensor:
        x = convert(x)
        if isinstance(repeats, (int, np.integer)):
            repeats = [int(repeats)]
        if tf.is_tensor(repeats):
            return tf.tile(x, repeats)
        repeats = list(repeats)
        ndim = ndim_of(x)
        if len(repeats) < ndim:
            repeats = [1] * (ndim - len(repeats)) + repeats
        elif len(repeats) > ndim:
            x = tf.reshape(x, [1] * (len(repeats) - ndim) + static_or_dynamic_shape(x))
        return tf.tile(x, repeats)

    def repeat(self, x: Any, repeats: Any, axis: int | None = None) -> tf.Tensor:
        return tf.repeat(convert(x), repeats, axis=axis)

    def broadcast_to(self, x: Any, shape: Any) -> tf.Tensor:
        return tf.broadcast_to(convert(x), _shape_arg(shape))

    def flip(self, x: Any, axis: Any = None) -> tf.Tensor:
        x = convert(x)
        axes = _axes_tuple(axis, ndim_of(x))
        return tf.reverse(x, axis=list(axes)) if axes else x

    def roll(self, x: Any, shift: Any, axis: Any = None) -> tf.Tensor:
        x = convert(x)
        if axis is None:
            return tf.reshape(tf.roll(_flatten(x), shift, axis=0), static_or_dynamic_shape(x))
        return tf.roll(x, shift, axis=axis)

    def swapaxes(self, x: Any, axis1: int, axis2: int) -> tf.Tensor:
        x = convert(x)
        ndim = ndim_of(x)
        perm = list(range(ndim))
        a, b = normalize_axis(axis1, ndim), normalize_axis(axis2, ndim)
        perm[a], perm[b] = perm[b], perm[a]
        return tf.transpose(x, perm)

    def take(self, x: Any, indices: Any, axis: int | None = None) -> tf.Tensor:
        x = convert(x)
        indices = convert(indices)
        if not indices.dtype.is_integer:
            raise TypeError(f"`indices` must be integers. Received dtype {indices.dtype.name}.")
        if axis is None:
            x = _flatten(x)
            axis = 0
        axis = normalize_axis(axis, ndim_of(x))
        size = tf.cast(_dim(x, axis), indices.dtype)
        indices = tf.where(indices < 0, indices + size, indices)
        return tf.gather(x, indices, axis=axis)

    def take_along_axis(self, x: Any, indices: Any, axis: int | None = None) -> tf.Tensor:
        x = convert(x)
        indices = convert(indices)
        if axis is None:
            if ndim_of(indices) != 1:
                raise ValueError(f"With axis=None, `indices` must be 1-D. Received indices of shape {indices.shape}.")
            x, axis = _flatten(x), 0
        ndim = ndim_of(x)
        if ndim_of(indices) != ndim:
            raise ValueError(
                f"`x` and `indices` must have the same rank. Received shapes {x.shape} and {indices.shape}."
            )
        axis = normalize_axis(axis, ndim)
        size = tf.cast(_dim(x, axis), indices.dtype)
        indices = tf.where(indices < 0, indices + size, indices)
        # Broadcast all axes but `axis` against each other.
        x_shape = static_or_dynamic_shape(x)
        i_shape = static_or_dynamic_shape(indices)
        x_other = [1 if d == axis else x_shape[d] for d in range(ndim)]
        i_other = [1 if d == axis else i_shape[d] for d in range(ndim)]
        common = _broadcast_shapes(x_other, i_other)
        x = tf.broadcast_to(x, [x_shape[axis] if d == axis else common[d] for d in range(ndim)])
        indices = tf.broadcast_to(indices, [i_shape[axis] if d == axis else common[d] for d in range(ndim)])
        # Move `axis` last and gather with every other axis as a batch axis.
        perm = [d for d in range(ndim) if d != axis] + [axis]
        inverse = list(np.argsort(perm))
        x_moved = tf.transpose(x, perm)
        i_moved = tf.transpose(indices, perm)
        gathered = tf.gather(x_moved, i_moved, axis=ndim - 1, batch_dims=ndim - 1)
        return tf.transpose(gathered, inverse)

    def pad(self, x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> tf.Tensor:
        x = convert(x)
        modes = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}
        if mode not in modes:
            raise ValueError(f"Unsupported padding mode: {mode!r}. Expected 'constant', 'reflect' or 'symmetric'.")
        if tf.is_tensor(pad_width):
            paddings = pad_width
        else:
            paddings = np.broadcast_to(np.asarray(pad_width, dtype="int64"), (ndim_of(x), 2)).tolist()
        if mode == "constant":
            value = 0 if constant_values is None else constant_values
            return tf.pad(x, paddings, mode="CONSTANT", constant_values=convert(value, x.dtype))
        if constant_values is not None:
            raise ValueError("`constant_values` can only be used with mode='constant'.")
        return tf.pad(x, paddings, mode=modes[mode])

    def sort(self, x: Any, axis: int = -1) -> tf.Tensor:
        x = convert(x)
        if axis is None:
            x, axis = _flatten(x), 0
        if x.dtype == tf.bool:
            return tf.cast(tf.sort(tf.cast(x, tf.int32), axis=axis), tf.bool)
        return tf.sort(x, axis=axis)

    def argsort(self, x: Any, axis: int = -1) -> tf.Tensor:
        x = convert(x)
        if axis is None:
            x, axis = _flatten(x), 0
        if x.dtype == tf.bool:
            x = tf.cast(x, tf.int32)
        return tf.argsort(x, axis=axis, stable=True)

    def ndim(self, x: Any) -> int:
        return ndim_of(convert(x))


def _shape_arg(shape: Any) -> Any:
    """A shape for tf.zeros/tf.broadcast_to: ints, or a list mixing ints and scalar tensors."""
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    if tf.is_tensor(shape):
        return shape
    return [int(d) if isinstance(d, (int, np.integer)) else d for d in shape]


def _comparable(x1: tf.Tensor, x2: tf.Tensor) -> tuple:
    """Ordering comparisons are not defined on bool tensors in TF: compare as ints."""
    if x1.dtype == tf.bool:
        return tf.cast(x1, tf.int8), tf.cast(x2, tf.int8)
    return x1, x2


def _arg_reduce(fn: Any, x: Any, axis: int | None, keepdims: bool) -> tf.Tensor:
    x = convert(x)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int32)
    if axis is None:
        result = fn(_flatten(x), axis=0, output_type=tf.int32)
        if keepdims:
            result = tf.reshape(result, [1] * ndim_of(x))
        return result
    result = fn(x, axis=axis, output_type=tf.int32)
    if keepdims:
        result = tf.expand_dims(result, axis)
    return result


def _cumulative_input(x: Any, axis: int | None, dtype: Any) -> tf.Tensor:
    x = convert(x)
    if dtype is not None:
        x = convert(x, dtype)
    elif x.dtype in (tf.bool, tf.int8, tf.int16):
        x = tf.cast(x, tf.int32)
    elif x.dtype in (tf.uint8, tf.uint16):
        x = tf.cast(x, tf.uint32)
    if axis is None:
        x = _flatten(x)
    return x


def _diagonal_offsets(x: tf.Tensor) -> tf.Tensor:
    """`col - row` for the last two axes of `x` (broadcastable against `x`)."""
    shape = static_or_dynamic_shape(x)
    if len(shape) < 2:
        raise ValueError(f"tril and triu need a tensor of rank >= 2. Received shape {x.shape}.")
    rows = tf.range(shape[-2])[:, None]
    cols = tf.range(shape[-1])[None, :]
    return cols - rows


def _broadcast_shapes(a: list, b: list) -> list:
    if all(isinstance(d, int) for d in a + b):
        return list(np.broadcast_shapes(tuple(a), tuple(b)))
    dynamic = tf.broadcast_dynamic_shape(
        tf.stack([tf.cast(d, tf.int32) for d in a]), tf.stack([tf.cast(d, tf.int32) for d in b])
    )
    return [dynamic[i] for i in range(len(a))]
