"""NumPy-like ops on PyTorch, with Lamina's dtype rules.

Binary ops take a fast path when both operands are tensors of one dtype and
call torch directly. Otherwise operands are promoted with
`lamina.backend.dtypes.result_type`; Python scalars stay Python scalars (torch
treats them as weak too) once the tensor has the promoted dtype.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from lamina.backend import dtypes
from lamina.backend.contract import NumpyOps
from lamina.backend.contract.einsum_forms import einsum_as_matmul, matmul_form
from lamina.backend.variables import Variable
from lamina_torch.core import (
    _PY_SCALAR_TYPES,
    _state,
    convert,
    floatx_dtype,
    lamina_dtype,
    promote,
    promote_all,
    to_torch_dtype,
)

Tensor = torch.Tensor

# Integer dtypes whose sums and products widen to int32 (as in Keras).
_WIDEN_TO_INT32 = frozenset({torch.bool, torch.uint8, torch.int8, torch.int16})


def weak_pair(x1: Any, x2: Any) -> tuple:
    """Operands of a binary op, with the promoted dtype.

    At most one of the results is a Python scalar (kept weak); the other is a
    tensor already of the result dtype, so torch keeps that dtype.
    """
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            if x1.dtype is x2.dtype:
                return x1, x2
            dtype = promote(x1.dtype, x2.dtype)
            return x1.to(dtype), x2.to(dtype)
        if type(x2) in _PY_SCALAR_TYPES:
            dtype = promote(x1.dtype, type(x2))
            if type(x2) is bool and dtype is not torch.bool:
                x2 = int(x2)  # torch refuses bool scalars in arithmetic
            return (x1 if x1.dtype is dtype else x1.to(dtype)), x2
        return weak_pair(x1, x2.value if isinstance(x2, Variable) else convert(x2))
    if type(x1) in _PY_SCALAR_TYPES:
        if isinstance(x2, Tensor):
            dtype = promote(x2.dtype, type(x1))
            if type(x1) is bool and dtype is not torch.bool:
                x1 = int(x1)
            return x1, (x2 if x2.dtype is dtype else x2.to(dtype))
        if type(x2) in _PY_SCALAR_TYPES:
            dtype = to_torch_dtype(dtypes.result_type(x1, x2))
            return convert(x1, dtype), x2
        return weak_pair(x1, convert(x2))
    return weak_pair(x1.value if isinstance(x1, Variable) else convert(x1), x2)


def tensor_pair(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Like `weak_pair`, but both results are tensors (for torch functions
    that take no Python scalars)."""
    x1, x2 = weak_pair(x1, x2)
    if not isinstance(x1, Tensor):
        x1 = torch.tensor(x1, dtype=x2.dtype, device=x2.device)
    elif not isinstance(x2, Tensor):
        x2 = torch.tensor(x2, dtype=x1.dtype, device=x1.device)
    return x1, x2


def to_float(x: Any) -> Tensor:
    """Converts `x` to a tensor; integer and bool tensors become floatx()."""
    if not isinstance(x, Tensor):
        x = convert(x)
    if x.is_floating_point() or x.is_complex():
        return x
    return x.to(floatx_dtype())


def _int_pair(x1: Any, x2: Any) -> tuple:
    """`weak_pair`, with bool results widened to int32 (for arithmetic torch
    has no bool kernels for, as JAX does)."""
    x1, x2 = weak_pair(x1, x2)
    if (x1.dtype if isinstance(x1, Tensor) else x2.dtype) is torch.bool:
        x1 = x1.to(torch.int32) if isinstance(x1, Tensor) else int(x1)
        x2 = x2.to(torch.int32) if isinstance(x2, Tensor) else int(x2)
    return x1, x2


def _float_pair(x1: Any, x2: Any) -> tuple:
    x1, x2 = weak_pair(x1, x2)
    tensor = x1 if isinstance(x1, Tensor) else x2
    if tensor.is_floating_point() or tensor.is_complex():
        return x1, x2
    dtype = floatx_dtype()
    return (x1.to(dtype) if isinstance(x1, Tensor) else x1), (x2.to(dtype) if isinstance(x2, Tensor) else x2)


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else convert(x)


def axis_arg(axis: Any) -> Any:
    """`axis` as torch wants it: None, an int or a tuple."""
    if axis is None or type(axis) is int:
        return axis
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def _is_empty_axis(axis: Any) -> bool:
    return isinstance(axis, (tuple, list)) and len(axis) == 0


def _shape(shape: Any) -> tuple:
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    if isinstance(shape, Tensor):
        return tuple(shape.tolist())
    # Symbolic sizes (torch.export's dynamic batch) must stay symbolic.
    return tuple(d if isinstance(d, torch.SymInt) else int(d) for d in shape)


def _scalar(value: Any) -> Any:
    """A Python number from a 0-d tensor, array or number."""
    if isinstance(value, np.generic) or (isinstance(value, (Tensor, np.ndarray)) and value.ndim == 0):
        return value.item()
    return value


def _widened(x: Tensor) -> torch.dtype:
    """Accumulator dtype for sums and products (small ints widen to int32)."""
    return torch.int32 if x.dtype in _WIDEN_TO_INT32 else x.dtype


def _accumulator(x: Tensor) -> torch.dtype:
    """Dtype of cumulative sums and products: bool counts in int32, others keep theirs."""
    return torch.int32 if x.dtype is torch.bool else x.dtype


def _reduce_multi(fn: Any, x: Tensor, axis: Any, keepdims: bool, **kwargs: Any) -> Tensor:
    """Applies a single-axis torch reduction over several axes."""
    if axis is None:
        result = fn(x.reshape(-1), 0, **kwargs)
        return result.reshape((1,) * x.ndim) if keepdims else result
    axes = (axis,) if isinstance(axis, int) else axis
    for a in sorted((a % x.ndim for a in axes), reverse=True):
        x = fn(x, a, keepdim=keepdims, **kwargs)
    return x


class TorchNumpyOps(NumpyOps):
    # -- creation ---------------------------------------------------------
    def zeros(self, shape: Any, dtype: Any = None) -> Tensor:
        return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype), device=_state.device)

    def ones(self, shape: Any, dtype: Any = None) -> Tensor:
        return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype), device=_state.device)

    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        shape = _shape(shape)
        if type(fill_value) in _PY_SCALAR_TYPES:
            if dtype is None:
                dtype = dtypes.result_type(fill_value)
            return torch.full(shape, fill_value, dtype=to_torch_dtype(dtype), device=_state.device)
        fill = convert(fill_value, dtype)
        return torch.broadcast_to(fill, shape).clone()

    def zeros_like(self, x: Any, dtype: Any = None) -> Tensor:
        return torch.zeros_like(_tensor(x), dtype=None if dtype is None else to_torch_dtype(dtype))

    def ones_like(self, x: Any, dtype: Any = None) -> Tensor:
        return torch.ones_like(_tensor(x), dtype=None if dtype is None else to_torch_dtype(dtype))

    def full_like(self, x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        x = _tensor(x)
        dtype = x.dtype if dtype is None else to_torch_dtype(dtype)
        if type(fill_value) in _PY_SCALAR_TYPES:
            return torch.full_like(x, fill_value, dtype=dtype)
        return torch.broadcast_to(convert(fill_value, dtype), x.shape).clone()

    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
        start, stop, step = _scalar(start), _scalar(stop), _scalar(step)
        if dtype is None:
            dtype = dtypes.result_type(*(v for v in (start, stop, step) if v is not None))
        if stop is None:
            start, stop = 0, start
        return torch.arange(start, stop, step, dtype=to_torch_dtype(dtype), device=_state.device)

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
        dtype = to_torch_dtype(dtype)
        compute = dtype if dtype.is_floating_point else torch.float64
        divisor = (num - 1) if endpoint else num
        start, stop = _scalar(start), _scalar(stop)
        if type(start) in _PY_SCALAR_TYPES and type(stop) in _PY_SCALAR_TYPES:
            if endpoint:
                result = torch.linspace(start, stop, num, dtype=compute, device=_state.device)
            else:
                result = torch.linspace(start, stop, num + 1, dtype=compute, device=_state.device)[:-1]
            step = (stop - start) / divisor if divisor > 0 else float("nan")
        else:
            start_t, stop_t = convert(start, compute), convert(stop, compute)
            delta = stop_t - start_t
            index = torch.arange(num, dtype=compute, device=delta.device)
            index = index.reshape((num,) + (1,) * delta.ndim)
            result = start_t + index * (delta / builtins.max(divisor, 1))
            if endpoint and num > 1:
                result = torch.cat([result[:-1], stop_t.unsqueeze(0).expand_as(result[-1:])])
            if axis != 0:
                result = torch.movedim(result, 0, axis)
            step = delta / divisor if divisor > 0 else float("nan")
        if not dtype.is_floating_point:
            result = torch.floor(result)
        result = result.to(dtype)
        return (result, step) if retstep else result

    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803 - NumPy's names
        columns = N if M is None else M
        dtype = to_torch_dtype(dtype)
        device = _state.device
        if not k:
            return torch.eye(N, columns, dtype=dtype, device=device)
        rows = torch.arange(N, device=device).unsqueeze(1)
        cols = torch.arange(columns, device=device).unsqueeze(0)
        return (cols - rows == k).to(dtype)

    def identity(self, n: int, dtype: Any = None) -> Tensor:
        return torch.eye(n, dtype=to_torch_dtype(dtype), device=_state.device)

    def copy(self, x: Any) -> Tensor:
        return _tensor(x).clone()

    # -- element-wise, binary ---------------------------------------------
    def add(self, x1: Any, x2: Any) -> Tensor:
        if isinstance(x1, Tensor) and isinstance(x2, Tensor) and x1.dtype is x2.dtype:
            return torch.add(x1, x2)
        x1, x2 = weak_pair(x1, x2)
        return x1 + x2

    def subtract(self, x1: Any, x2: Any) -> Tensor:
        if isinstance(x1, Tensor) and isinstance(x2, Tensor) and x1.dtype is x2.dtype:
            return torch.sub(x1, x2)
        x1, x2 = weak_pair(x1, x2)
        return x1 - x2

    def multiply(self, x1: Any, x2: Any) -> Tensor:
        if isinstance(x1, Tensor) and isinstance(x2, Tensor) and x1.dtype is x2.dtype:
            return torch.mul(x1, x2)
        x1, x2 = weak_pair(x1, x2)
        return x1 * x2

    def divide(self, x1: Any, x2: Any) -> Tensor:
        if isinstance(x1, Tensor) and isinstance(x2, Tensor) and x1.dtype is x2.dtype and x1.is_floating_point():
            return torch.div(x1, x2)
        x1, x2 = _float_pair(x1, x2)
        return x1 / x2

    def true_divide(self, x1: Any, x2: Any) -> Tensor:
        return self.divide(x1, x2)

    def floor_divide(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = _int_pair(x1, x2)
        return x1 // x2

    def mod(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = _int_pair(x1, x2)
        return x1 % x2

    def power(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = _int_pair(x1, x2)
        return x1**x2

    def maximum(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        if type(x1) is bool or type(x2) is bool:
            return torch.logical_or(_tensor(x1), _tensor(x2))
        if not isinstance(x2, Tensor):
            return torch.clamp_min(x1, x2)
        if not isinstance(x1, Tensor):
            return torch.clamp_min(x2, x1)
        return torch.maximum(x1, x2)

    def minimum(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        if type(x1) is bool or type(x2) is bool:
            return torch.logical_and(_tensor(x1), _tensor(x2))
        if not isinstance(x2, Tensor):
            return torch.clamp_max(x1, x2)
        if not isinstance(x1, Tensor):
            return torch.clamp_max(x2, x1)
        return torch.minimum(x1, x2)

    def arctan2(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = tensor_pair(x1, x2)
        return torch.atan2(to_float(x1), to_float(x2))

    def logaddexp(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = tensor_pair(x1, x2)
        return torch.logaddexp(to_float(x1), to_float(x2))

    def equal(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        return x1 == x2

    def not_equal(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        return x1 != x2

    def greater(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        return x1 > x2

    def greater_equal(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        return x1 >= x2

    def less(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        return x1 < x2

    def less_equal(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = weak_pair(x1, x2)
        return x1 <= x2

    def logical_and(self, x1: Any, x2: Any) -> Tensor:
        return torch.logical_and(_tensor(x1), _tensor(x2))

    def logical_or(self, x1: Any, x2: Any) -> Tensor:
        return torch.logical_or(_tensor(x1), _tensor(x2))

    def logical_xor(self, x1: Any, x2: Any) -> Tensor:
        return torch.logical_xor(_tensor(x1), _tensor(x2))

    def where(self, condition: Any, x1: Any = None, x2: Any = None) -> Any:
        condition = _tensor(condition)
        if condition.dtype is not torch.bool:
            condition = condition.to(torch.bool)
        if x1 is None and x2 is None:
            return tuple(i.to(torch.int32) for i in torch.nonzero(condition, as_tuple=True))
        if x1 is None or x2 is None:
            raise ValueError("`x1` and `x2` must both be given, or neither.")
        x1, x2 = weak_pair(x1, x2)
        return torch.where(condition, x1, x2)

    # -- element-wise, unary ----------------------------------------------
    def negative(self, x: Any) -> Tensor:
        return torch.neg(_tensor(x))

    def abs(self, x: Any) -> Tensor:
        x = _tensor(x)
        return x if x.dtype is torch.bool else torch.abs(x)

    def absolute(self, x: Any) -> Tensor:
        return self.abs(x)

    def sign(self, x: Any) -> Tensor:
        return torch.sign(_tensor(x))

    def sqrt(self, x: Any) -> Tensor:
        return torch.sqrt(to_float(x))

    def square(self, x: Any) -> Tensor:
        x = _tensor(x)
        if x.dtype is torch.bool:
            x = x.to(torch.int32)
        return torch.square(x)

    def reciprocal(self, x: Any) -> Tensor:
        return torch.reciprocal(to_float(x))

    def exp(self, x: Any) -> Tensor:
        return torch.exp(to_float(x))

    def expm1(self, x: Any) -> Tensor:
        return torch.expm1(to_float(x))

    def log(self, x: Any) -> Tensor:
        return torch.log(to_float(x))

    def log1p(self, x: Any) -> Tensor:
        return torch.log1p(to_float(x))

    def log2(self, x: Any) -> Tensor:
        return torch.log2(to_float(x))

    def log10(self, x: Any) -> Tensor:
        return torch.log10(to_float(x))

    def sin(self, x: Any) -> Tensor:
        return torch.sin(to_float(x))

    def cos(self, x: Any) -> Tensor:
        return torch.cos(to_float(x))

    def tan(self, x: Any) -> Tensor:
        return torch.tan(to_float(x))

    def arcsin(self, x: Any) -> Tensor:
        return torch.asin(to_float(x))

    def arccos(self, x: Any) -> Tensor:
        return torch.acos(to_float(x))

    def arctan(self, x: Any) -> Tensor:
        return torch.atan(to_float(x))

    def sinh(self, x: Any) -> Tensor:
        return torch.sinh(to_float(x))

    def cosh(self, x: Any) -> Tensor:
        return torch.cosh(to_float(x))

    def tanh(self, x: Any) -> Tensor:
        return torch.tanh(to_float(x))

    def arcsinh(self, x: Any) -> Tensor:
        return torch.asinh(to_float(x))

    def arccosh(self, x: Any) -> Tensor:
        return torch.acosh(to_float(x))

    def arctanh(self, x: Any) -> Tensor:
        return torch.atanh(to_float(x))

    def floor(self, x: Any) -> Tensor:
        return torch.floor(to_float(x))

    def ceil(self, x: Any) -> Tensor:
        return torch.ceil(to_float(x))

    def round(self, x: Any, decimals: int = 0) -> Tensor:
        x = _tensor(x)
        if x.is_floating_point():
            return torch.round(x, decimals=decimals) if decimals else torch.round(x)
        if decimals >= 0 or x.dtype is torch.bool:
            return x
        # Integers to tens, hundreds, ...: round half to even in float64.
        return torch.round(x.to(torch.float64), decimals=decimals).to(x.dtype)

    def clip(self, x: Any, x_min: Any, x_max: Any) -> Tensor:
        x = _tensor(x)
        if x.dtype is torch.bool:
            x = x.to(torch.int32)
        if isinstance(x_min, np.generic):
            x_min = x_min.item()
        if isinstance(x_max, np.generic):
            x_max = x_max.item()
        return torch.clamp(x, x_min, x_max)

    def isnan(self, x: Any) -> Tensor:
        return torch.isnan(_tensor(x))

    def isinf(self, x: Any) -> Tensor:
        return torch.isinf(_tensor(x))

    def isfinite(self, x: Any) -> Tensor:
        return torch.isfinite(_tensor(x))

    def logical_not(self, x: Any) -> Tensor:
        return torch.logical_not(_tensor(x))

    def nan_to_num(self, x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
        x = _tensor(x)
        if not (x.is_floating_point() or x.is_complex()):
            return x
        return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    # -- reductions -------------------------------------------------------
    def sum(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = _tensor(x)
        dtype = _widened(x)
        if _is_empty_axis(axis):
            return x.to(dtype)
        if dtype is x.dtype and x.is_floating_point():
            return torch.sum(x, dim=axis_arg(axis), keepdim=keepdims)
        return torch.sum(x, dim=axis_arg(axis), keepdim=keepdims, dtype=dtype)

    def mean(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = to_float(x)
        if _is_empty_axis(axis):
            return x
        return torch.mean(x, dim=axis_arg(axis), keepdim=keepdims)

    def max(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        x = _tensor(x)
        if _is_empty_axis(axis):
            result = x
        else:
            result = torch.amax(x, dim=() if axis is None else axis_arg(axis), keepdim=keepdims)
        if initial is not None:
            result = self.maximum(result, initial)
        return result

    def min(self, x: Any, axis: Any = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        x = _tensor(x)
        if _is_empty_axis(axis):
            result = x
        else:
            result = torch.amin(x, dim=() if axis is None else axis_arg(axis), keepdim=keepdims)
        if initial is not None:
            result = self.minimum(result, initial)
        return result

    def amax(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        return self.max(x, axis=axis, keepdims=keepdims)

    def amin(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        return self.min(x, axis=axis, keepdims=keepdims)

    def prod(self, x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
        x = _tensor(x)
        dtype = _widened(x) if dtype is None else to_torch_dtype(dtype)
        if _is_empty_axis(axis):
            return x.to(dtype)
        if axis is None and not keepdims:
            return torch.prod(x, dtype=dtype)
        return _reduce_multi(torch.prod, x, axis_arg(axis), keepdims, dtype=dtype)

    def var(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = to_float(x)
        if _is_empty_axis(axis):
            return torch.zeros_like(x)
        return torch.var(x, dim=axis_arg(axis), correction=0, keepdim=keepdims)

    def std(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = to_float(x)
        if _is_empty_axis(axis):
            return torch.zeros_like(x)
        return torch.std(x, dim=axis_arg(axis), correction=0, keepdim=keepdims)

    def argmax(self, x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
        x = _tensor(x)
        if x.dtype is torch.bool:
            x = x.to(torch.uint8)
        return torch.argmax(x, dim=axis, keepdim=keepdims).to(torch.int32)

    def argmin(self, x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
        x = _tensor(x)
        if x.dtype is torch.bool:
            x = x.to(torch.uint8)
        return torch.argmin(x, dim=axis, keepdim=keepdims).to(torch.int32)

    def any(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = _tensor(x)
        if _is_empty_axis(axis):
            return x.to(torch.bool)
        if x.dtype is torch.uint8:  # torch keeps uint8 here; NumPy gives bool
            x = x.to(torch.bool)
        return torch.any(x, dim=axis_arg(axis), keepdim=keepdims)

    def all(self, x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
        x = _tensor(x)
        if _is_empty_axis(axis):
            return x.to(torch.bool)
        if x.dtype is torch.uint8:  # torch keeps uint8 here; NumPy gives bool
            x = x.to(torch.bool)
        return torch.all(x, dim=axis_arg(axis), keepdim=keepdims)

    def cumsum(self, x: Any, axis: int | None = None, dtype: Any = None) -> Tensor:
        x = _tensor(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        return torch.cumsum(x, dim=axis, dtype=_accumulator(x) if dtype is None else to_torch_dtype(dtype))

    def cumprod(self, x: Any, axis: int | None = None, dtype: Any = None) -> Tensor:
        x = _tensor(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        return torch.cumprod(x, dim=axis, dtype=_accumulator(x) if dtype is None else to_torch_dtype(dtype))

    def count_nonzero(self, x: Any, axis: Any = None) -> Tensor:
        x = _tensor(x)
        if _is_empty_axis(axis):
            return (x != 0).to(torch.int32)
        return torch.count_nonzero(x, dim=axis_arg(axis)).to(torch.int32)

    # -- products ---------------------------------------------------------
    def matmul(self, x1: Any, x2: Any) -> Tensor:
        if not isinstance(x1, Tensor):
            x1 = convert(x1)
        if not isinstance(x2, Tensor):
            x2 = convert(x2)
        if x1.dtype is x2.dtype and x1.is_floating_point():
            return torch.matmul(x1, x2)
        x1, x2 = tensor_pair(x1, x2)
        return _int_safe_matmul(torch.matmul, x1, x2)

    def dot(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = tensor_pair(x1, x2)
        if x1.ndim == 0 or x2.ndim == 0:
            return x1 * x2
        if x2.ndim <= 2:
            return _int_safe_matmul(torch.matmul, x1, x2)
        return _int_safe_matmul(lambda a, b: torch.tensordot(a, b, dims=([-1], [-2])), x1, x2)

    def tensordot(self, x1: Any, x2: Any, axes: Any = 2) -> Tensor:
        x1, x2 = tensor_pair(x1, x2)
        if not isinstance(axes, int):
            first, second = axes
            axes = (
                [first] if isinstance(first, int) else list(first),
                [second] if isinstance(second, int) else list(second),
            )
        return _int_safe_matmul(lambda a, b: torch.tensordot(a, b, dims=axes), x1, x2)

    def einsum(self, subscripts: str, *operands: Any) -> Tensor:
        tensors = [_tensor(o) for o in operands]
        dtype = tensors[0].dtype
        if any(t.dtype is not dtype for t in tensors):
            dtype = promote_all(tensors)
            tensors = [t.to(dtype) for t in tensors]
        form = matmul_form(subscripts) if len(tensors) == 2 and dtype.is_floating_point else None
        if form is not None:  # one matmul: torch.einsum's Python-side parsing costs ~20 µs a call
            result = einsum_as_matmul(self.backend, tensors[0], tensors[1], form)
            if result is not None:
                return result
        return torch.einsum(subscripts, *tensors)

    def outer(self, x1: Any, x2: Any) -> Tensor:
        x1, x2 = tensor_pair(x1, x2)
        return torch.outer(x1.reshape(-1), x2.reshape(-1))

    def slogdet(self, x: Any) -> tuple:
        return tuple(torch.linalg.slogdet(to_float(x)))

    def diagonal(self, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        return torch.diagonal(_tensor(x), offset=offset, dim1=axis1, dim2=axis2)

    def tril(self, x: Any, k: int = 0) -> Tensor:
        return torch.tril(_tensor(x), diagonal=k)

    def triu(self, x: Any, k: int = 0) -> Tensor:
        return torch.triu(_tensor(x), diagonal=k)

    # -- shapes and indexing ----------------------------------------------
    def reshape(self, x: Any, newshape: Any) -> Tensor:
        x = _tensor(x)
        if isinstance(newshape, int):
            return x.reshape(newshape)
        return x.reshape(tuple(-1 if d is None else d for d in newshape))

    def transpose(self, x: Any, axes: Any = None) -> Tensor:
        x = _tensor(x)
        if axes is None:
            return x.permute(tuple(range(x.ndim - 1, -1, -1)))
        return x.permute(tuple(axes))

    def expand_dims(self, x: Any, axis: Any) -> Tensor:
        x = _tensor(x)
        if isinstance(axis, int):
            return x.unsqueeze(axis)
        ndim = x.ndim + len(axis)
        for a in sorted(a % ndim for a in axis):
            x = x.unsqueeze(a)
        return x

    def squeeze(self, x: Any, axis: Any = None) -> Tensor:
        x = _tensor(x)
        if axis is None:
            return x.squeeze()
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"Cannot squeeze axis {a} of a tensor of shape {tuple(x.shape)}: its size is not 1.")
        return torch.squeeze(x, dim=axes)

    def concatenate(self, xs: Any, axis: int | None = 0) -> Tensor:
        tensors = _same_dtype([_tensor(x) for x in xs])
        if axis is None:
            return torch.cat([t.reshape(-1) for t in tensors])
        return torch.cat(tensors, dim=axis)

    def stack(self, x: Any, axis: int = 0) -> Tensor:
        return torch.stack(_same_dtype([_tensor(v) for v in x]), dim=axis)

    def split(self, x: Any, indices_or_sections: Any, axis: int = 0) -> list:
        x = _tensor(x)
        if isinstance(indices_or_sections, (int, np.integer)):
            sections = int(indices_or_sections)
            if x.shape[axis] % sections:
                raise ValueError(
                    f"Cannot split an axis of size {x.shape[axis]} into {sections} "
                    "equal sections. Pass split indices instead."
                )
            return list(torch.tensor_split(x, sections, dim=axis))
        indices = indices_or_sections
        if isinstance(indices, Tensor):
            indices = indices.tolist()
        return list(torch.tensor_split(x, [int(i) for i in indices], dim=axis))

    def tile(self, x: Any, repeats: Any) -> Tensor:
        x = _tensor(x)
        repeats = (int(repeats),) if isinstance(repeats, (int, np.integer)) else tuple(int(r) for r in repeats)
        return torch.tile(x, repeats)

    def repeat(self, x: Any, repeats: Any, axis: int | None = None) -> Tensor:
        x = _tensor(x)
        if not isinstance(repeats, (int, Tensor)):
            repeats = torch.as_tensor(np.asarray(repeats), device=x.device)
        return torch.repeat_interleave(x, repeats, dim=axis)

    def broadcast_to(self, x: Any, shape: Any) -> Tensor:
        return torch.broadcast_to(_tensor(x), _shape(shape))

    def flip(self, x: Any, axis: Any = None) -> Tensor:
        x = _tensor(x)
        if axis is None:
            return torch.flip(x, tuple(range(x.ndim)))
        return torch.flip(x, (axis,) if isinstance(axis, int) else tuple(axis))

    def roll(self, x: Any, shift: Any, axis: Any = None) -> Tensor:
        x = _tensor(x)
        if axis is None:
            return torch.roll(x.reshape(-1), shift).reshape(x.shape)
        return torch.roll(x, shift, dims=axis)

    def swapaxes(self, x: Any, axis1: int, axis2: int) -> Tensor:
        return torch.swapaxes(_tensor(x), axis1, axis2)

    def moveaxis(self, x: Any, source: Any, destination: Any) -> Tensor:
        source = source if isinstance(source, int) else tuple(source)
        destination = destination if isinstance(destination, int) else tuple(destination)
        return torch.movedim(_tensor(x), source, destination)

    def ravel(self, x: Any) -> Tensor:
        return _tensor(x).reshape(-1)

    def take(self, x: Any, indices: Any, axis: int | None = None) -> Tensor:
        x = _tensor(x)
        indices = _index_tensor(indices, x.device)
        if axis is None:
            return x.reshape(-1)[indices]
        axis = axis % x.ndim
        return x[(slice(None),) * axis + (indices,)]

    def take_along_axis(self, x: Any, indices: Any, axis: int | None = None) -> Tensor:
        x = _tensor(x)
        indices = _index_tensor(indices, x.device)
        if axis is None:
            x, axis = x.reshape(-1), 0
        size = x.shape[axis]
        indices = torch.where(indices < 0, indices + size, indices)
        return torch.take_along_dim(x, indices, dim=axis)

    def pad(self, x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Tensor:
        x = _tensor(x)
        widths = np.broadcast_to(np.asarray(pad_width, dtype="int64"), (x.ndim, 2)).tolist()
        if mode == "constant":
            flat = [w for pair in reversed(widths) for w in pair]
            value = 0 if constant_values is None else _scalar(constant_values)
            return F.pad(x, flat, mode="constant", value=value)
        if mode not in ("reflect", "symmetric"):
            raise ValueError(f"Unsupported padding mode: {mode!r}. Expected 'constant', 'reflect' or 'symmetric'.")
        if constant_values is not None:
            raise ValueError("`constant_values` can only be used with mode='constant'.")
        shift = 1 if mode == "reflect" else 0
        for axis, (before, after) in enumerate(widths):
            size = x.shape[axis]
            if before + shift > size or after + shift > size:
                raise ValueError(
                    f"Padding of ({before}, {after}) in mode {mode!r} is too large for an axis of size {size}."
                )
            parts = []
            if before:
                parts.append(torch.flip(x.narrow(axis, shift, before), (axis,)))
            parts.append(x)
            if after:
                parts.append(torch.flip(x.narrow(axis, size - shift - after, after), (axis,)))
            if len(parts) > 1:
                x = torch.cat(parts, dim=axis)
        return x

    def sort(self, x: Any, axis: int = -1) -> Tensor:
        x = _tensor(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        return torch.sort(x, dim=axis).values

    def argsort(self, x: Any, axis: int = -1) -> Tensor:
        x = _tensor(x)
        if axis is None:
            x, axis = x.reshape(-1), 0
        return torch.argsort(x, dim=axis, stable=True).to(torch.int32)

    def ndim(self, x: Any) -> int:
        return _tensor(x).ndim

    def size(self, x: Any) -> int:
        return _tensor(x).numel()


def _same_dtype(tensors: list) -> list:
    dtype = tensors[0].dtype
    if all(t.dtype is dtype for t in tensors):
        return tensors
    dtype = promote_all(tensors)
    return [t.to(dtype) for t in tensors]


def _index_tensor(indices: Any, device: torch.device) -> Tensor:
    indices = indices if isinstance(indices, Tensor) else convert(indices)
    if indices.is_floating_point():
        raise ValueError(f"Indices must be integers. Received a tensor of dtype {lamina_dtype(indices.dtype)}.")
    if indices.dtype is not torch.int64:
        indices = indices.long()
    return indices


def _int_safe_matmul(fn: Any, x1: Tensor, x2: Tensor) -> Tensor:
    """Runs a matrix product; integer and bool products go through float64 on
    devices (CUDA) or dtypes that lack integer kernels."""
    if x1.is_floating_point() or x1.is_complex():
        return fn(x1, x2)
    if x1.device.type == "cpu" and x1.dtype is not torch.bool:
        return fn(x1, x2)
    result = fn(x1.to(torch.float64), x2.to(torch.float64))
    return result.to(x1.dtype)
