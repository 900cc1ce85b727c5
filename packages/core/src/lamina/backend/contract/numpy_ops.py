"""The NumPy-like ops every backend provides (`lamina.ops` numpy namespace).

Semantics follow `keras.ops`, which follows NumPy: broadcasting, `axis`
arguments accepting ints, tuples or None, negative axes. Binary ops promote
dtypes with `lamina.backend.dtypes.result_type`; reductions of integer
tensors with `mean`, `std` or `var` return `floatx()`.

Methods marked `@required` have no default. The others have defaults written
in terms of required ones, which a backend may override for speed. The
composed ops Keras 3 adds beyond these live in two mixins that `NumpyOps`
inherits: `numpy_composites.NumpyCompositeOps` (creation, shapes,
element-wise math) and `numpy_statistics.NumpyStatisticsOps` (quantiles,
NaN-ignoring reductions).
"""

from __future__ import annotations

from typing import Any

from lamina.backend.contract.base import required
from lamina.backend.contract.numpy_composites import NumpyCompositeOps
from lamina.backend.contract.numpy_statistics import NumpyStatisticsOps

Tensor = Any
Axis = Any  # int, tuple of ints, or None


class NumpyOps(NumpyCompositeOps, NumpyStatisticsOps):
    namespace = "numpy"

    # -- creation ---------------------------------------------------------
    @required
    def zeros(self, shape: Any, dtype: Any = None) -> Tensor:
        """Returns a tensor of `shape` filled with zeros (`floatx()` by default)."""

    @required
    def ones(self, shape: Any, dtype: Any = None) -> Tensor:
        """Returns a tensor of `shape` filled with ones (`floatx()` by default)."""

    @required
    def full(self, shape: Any, fill_value: Any, dtype: Any = None) -> Tensor:
        """Returns a tensor of `shape` filled with `fill_value`."""

    def zeros_like(self, x: Tensor, dtype: Any = None) -> Tensor:
        """Returns a tensor of zeros with the shape (and dtype) of `x`."""
        return self.full_like(x, 0, dtype=dtype)

    def ones_like(self, x: Tensor, dtype: Any = None) -> Tensor:
        """Returns a tensor of ones with the shape (and dtype) of `x`."""
        return self.full_like(x, 1, dtype=dtype)

    @required
    def full_like(self, x: Tensor, fill_value: Any, dtype: Any = None) -> Tensor:
        """Returns a tensor filled with `fill_value`, shaped like `x`."""

    @required
    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Tensor:
        """Returns evenly spaced values in `[start, stop)`, like `numpy.arange`."""

    @required
    def linspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        retstep: bool = False,
        dtype: Any = None,
        axis: int = 0,
    ) -> Tensor:
        """Returns `num` evenly spaced samples over `[start, stop]`."""

    @required
    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:
        """Returns a 2-D tensor with ones on the `k`-th diagonal."""

    def identity(self, n: int, dtype: Any = None) -> Tensor:
        """Returns the `n` x `n` identity matrix."""
        return self.eye(n, dtype=dtype)

    @required
    def copy(self, x: Tensor) -> Tensor:
        """Returns a copy of `x`."""

    # -- element-wise, binary ---------------------------------------------
    @required
    def add(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Adds `x1` and `x2` element-wise."""

    @required
    def subtract(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Subtracts `x2` from `x1` element-wise."""

    @required
    def multiply(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Multiplies `x1` and `x2` element-wise."""

    @required
    def divide(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Divides `x1` by `x2` element-wise (true division; ints give floats)."""

    def true_divide(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Alias of `divide`."""
        return self.divide(x1, x2)

    @required
    def floor_divide(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns the largest integer not greater than `x1 / x2`."""

    @required
    def mod(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns the remainder of division, with the sign of `x2` (NumPy `mod`)."""

    @required
    def power(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Raises `x1` to the power `x2` element-wise."""

    @required
    def maximum(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise maximum."""

    @required
    def minimum(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise minimum."""

    @required
    def arctan2(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise arc tangent of `x1 / x2`, choosing the quadrant."""

    def logaddexp(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `log(exp(x1) + exp(x2))`, computed stably."""
        hi = self.maximum(x1, x2)
        lo = self.minimum(x1, x2)
        result = self.add(hi, self.log1p(self.exp(self.subtract(lo, hi))))
        # Both -inf (or hi = +inf): the formula gives NaN; the answer is hi.
        return self.where(self.isinf(hi), hi, result)

    @required
    def equal(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 == x2` element-wise (bool)."""

    @required
    def not_equal(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 != x2` element-wise (bool)."""

    @required
    def greater(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 > x2` element-wise (bool)."""

    @required
    def greater_equal(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 >= x2` element-wise (bool)."""

    @required
    def less(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 < x2` element-wise (bool)."""

    @required
    def less_equal(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 <= x2` element-wise (bool)."""

    @required
    def logical_and(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise logical AND (bool)."""

    @required
    def logical_or(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise logical OR (bool)."""

    def logical_xor(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise logical XOR (bool)."""
        return self.not_equal(self._cast_bool(x1), self._cast_bool(x2))

    @required
    def where(self, condition: Tensor, x1: Tensor = None, x2: Tensor = None) -> Tensor:
        """Picks `x1` where `condition` is true and `x2` elsewhere."""

    # -- element-wise, unary ----------------------------------------------
    @required
    def negative(self, x: Tensor) -> Tensor:
        """Numerical negative, element-wise."""

    @required
    def abs(self, x: Tensor) -> Tensor:
        """Absolute value, element-wise."""

    def absolute(self, x: Tensor) -> Tensor:
        """Alias of `abs`."""
        return self.abs(x)

    @required
    def sign(self, x: Tensor) -> Tensor:
        """Returns -1, 0 or 1 depending on the sign of each element."""

    @required
    def sqrt(self, x: Tensor) -> Tensor:
        """Square root, element-wise (ints give floats)."""

    def square(self, x: Tensor) -> Tensor:
        """Square, element-wise."""
        return self.multiply(x, x)

    def reciprocal(self, x: Tensor) -> Tensor:
        """Returns `1 / x` element-wise."""
        return self.divide(1.0, x)

    @required
    def exp(self, x: Tensor) -> Tensor:
        """Exponential, element-wise."""

    @required
    def expm1(self, x: Tensor) -> Tensor:
        """Returns `exp(x) - 1`, accurate for small `x`."""

    @required
    def log(self, x: Tensor) -> Tensor:
        """Natural logarithm, element-wise."""

    @required
    def log1p(self, x: Tensor) -> Tensor:
        """Returns `log(1 + x)`, accurate for small `x`."""

    @required
    def log2(self, x: Tensor) -> Tensor:
        """Base-2 logarithm, element-wise."""

    @required
    def log10(self, x: Tensor) -> Tensor:
        """Base-10 logarithm, element-wise."""

    @required
    def sin(self, x: Tensor) -> Tensor:
        """Sine, element-wise."""

    @required
    def cos(self, x: Tensor) -> Tensor:
        """Cosine, element-wise."""

    @required
    def tan(self, x: Tensor) -> Tensor:
        """Tangent, element-wise."""

    @required
    def arcsin(self, x: Tensor) -> Tensor:
        """Inverse sine, element-wise."""

    @required
    def arccos(self, x: Tensor) -> Tensor:
        """Inverse cosine, element-wise."""

    @required
    def arctan(self, x: Tensor) -> Tensor:
        """Inverse tangent, element-wise."""

    @required
    def sinh(self, x: Tensor) -> Tensor:
        """Hyperbolic sine, element-wise."""

    @required
    def cosh(self, x: Tensor) -> Tensor:
        """Hyperbolic cosine, element-wise."""

    @required
    def tanh(self, x: Tensor) -> Tensor:
        """Hyperbolic tangent, element-wise."""

    @required
    def arcsinh(self, x: Tensor) -> Tensor:
        """Inverse hyperbolic sine, element-wise."""

    @required
    def arccosh(self, x: Tensor) -> Tensor:
        """Inverse hyperbolic cosine, element-wise."""

    @required
    def arctanh(self, x: Tensor) -> Tensor:
        """Inverse hyperbolic tangent, element-wise."""

    @required
    def floor(self, x: Tensor) -> Tensor:
        """Floor, element-wise."""

    @required
    def ceil(self, x: Tensor) -> Tensor:
        """Ceiling, element-wise."""

    @required
    def round(self, x: Tensor, decimals: int = 0) -> Tensor:
        """Rounds half to even, to `decimals` decimal places."""

    @required
    def clip(self, x: Tensor, x_min: Any, x_max: Any) -> Tensor:
        """Limits the values of `x` to `[x_min, x_max]`."""

    @required
    def isnan(self, x: Tensor) -> Tensor:
        """Returns True where `x` is NaN."""

    @required
    def isinf(self, x: Tensor) -> Tensor:
        """Returns True where `x` is positive or negative infinity."""

    @required
    def isfinite(self, x: Tensor) -> Tensor:
        """Returns True where `x` is neither NaN nor infinite."""

    @required
    def logical_not(self, x: Tensor) -> Tensor:
        """Element-wise logical NOT (bool)."""

    def nan_to_num(
        self, x: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        """Replaces NaN and infinities with finite numbers (defaults: 0 and the dtype's extremes)."""
        import numpy as np

        dtype = self.backend.core.dtype(x)
        if dtype not in ("float16", "bfloat16", "float32", "float64"):
            return x
        info = np.finfo("float32" if dtype == "bfloat16" else dtype)
        posinf = float(info.max) if posinf is None else posinf
        neginf = float(info.min) if neginf is None else neginf
        x = self.where(self.isnan(x), nan, x)
        x = self.where(self.logical_and(self.isinf(x), self.greater(x, 0)), posinf, x)
        return self.where(self.logical_and(self.isinf(x), self.less(x, 0)), neginf, x)

    # -- reductions -------------------------------------------------------
    @required
    def sum(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Sum over `axis` (all axes when None)."""

    @required
    def mean(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Arithmetic mean over `axis` (integer input gives `floatx()`)."""

    @required
    def max(self, x: Tensor, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        """Maximum over `axis`."""

    @required
    def min(self, x: Tensor, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
        """Minimum over `axis`."""

    def amax(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Alias of `max`."""
        return self.max(x, axis=axis, keepdims=keepdims)

    def amin(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Alias of `min`."""
        return self.min(x, axis=axis, keepdims=keepdims)

    @required
    def prod(self, x: Tensor, axis: Axis = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
        """Product over `axis`."""

    @required
    def var(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Population variance over `axis`."""

    def std(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Population standard deviation over `axis`."""
        return self.sqrt(self.var(x, axis=axis, keepdims=keepdims))

    @required
    def argmax(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Indices (int32) of the maxima along `axis` (of the flattened tensor when None)."""

    @required
    def argmin(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Indices (int32) of the minima along `axis` (of the flattened tensor when None)."""

    @required
    def any(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """True where any element along `axis` is true."""

    @required
    def all(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """True where all elements along `axis` are true."""

    @required
    def cumsum(self, x: Tensor, axis: int | None = None, dtype: Any = None) -> Tensor:
        """Cumulative sum along `axis` (of the flattened tensor when None)."""

    @required
    def cumprod(self, x: Tensor, axis: int | None = None, dtype: Any = None) -> Tensor:
        """Cumulative product along `axis` (of the flattened tensor when None)."""

    def count_nonzero(self, x: Tensor, axis: Axis = None) -> Tensor:
        """Counts the non-zero elements along `axis` (int32)."""
        nonzero = self.backend.core.cast(self.not_equal(x, 0), "int32")
        return self.sum(nonzero, axis=axis)

    # -- products ---------------------------------------------------------
    @required
    def matmul(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Matrix product with NumPy `matmul` broadcasting rules."""

    @required
    def dot(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Dot product with NumPy `dot` semantics."""

    @required
    def tensordot(self, x1: Tensor, x2: Tensor, axes: Any = 2) -> Tensor:
        """Tensor contraction over `axes`, like `numpy.tensordot`."""

    @required
    def einsum(self, subscripts: str, *operands: Tensor) -> Tensor:
        """Einstein summation, like `numpy.einsum`."""

    def outer(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Outer product of two tensors (flattened first)."""
        return self.multiply(self.reshape(x1, (-1, 1)), self.reshape(x2, (1, -1)))

    @required
    def diagonal(self, x: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Returns the given diagonal of `x`."""

    @required
    def tril(self, x: Tensor, k: int = 0) -> Tensor:
        """Zeros the elements above the `k`-th diagonal."""

    @required
    def triu(self, x: Tensor, k: int = 0) -> Tensor:
        """Zeros the elements below the `k`-th diagonal."""

    def trace(self, x: Tensor, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Sum along the given diagonal."""
        return self.sum(self.diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)

    # -- shapes and indexing ----------------------------------------------
    @required
    def reshape(self, x: Tensor, newshape: Any) -> Tensor:
        """Gives `x` the shape `newshape` (one entry may be -1)."""

    @required
    def transpose(self, x: Tensor, axes: Any = None) -> Tensor:
        """Permutes the axes (reverses them when `axes` is None)."""

    @required
    def expand_dims(self, x: Tensor, axis: Axis) -> Tensor:
        """Inserts a length-1 axis at `axis`."""

    @required
    def squeeze(self, x: Tensor, axis: Axis = None) -> Tensor:
        """Removes length-1 axes (only `axis` when given)."""

    @required
    def concatenate(self, xs: Any, axis: int | None = 0) -> Tensor:
        """Joins a sequence of tensors along an existing axis."""

    @required
    def stack(self, x: Any, axis: int = 0) -> Tensor:
        """Joins a sequence of tensors along a new axis."""

    @required
    def split(self, x: Tensor, indices_or_sections: Any, axis: int = 0) -> list:
        """Splits `x` into equal sections or at the given indices."""

    @required
    def tile(self, x: Tensor, repeats: Any) -> Tensor:
        """Repeats `x` the number of times given by `repeats` along each axis."""

    @required
    def repeat(self, x: Tensor, repeats: Any, axis: int | None = None) -> Tensor:
        """Repeats each element of `x` (of the flattened tensor when `axis` is None)."""

    @required
    def broadcast_to(self, x: Tensor, shape: Any) -> Tensor:
        """Broadcasts `x` to `shape`."""

    @required
    def flip(self, x: Tensor, axis: Axis = None) -> Tensor:
        """Reverses the order of elements along `axis` (all axes when None)."""

    @required
    def roll(self, x: Tensor, shift: Any, axis: Axis = None) -> Tensor:
        """Rolls elements along `axis` (of the flattened tensor when None)."""

    def swapaxes(self, x: Tensor, axis1: int, axis2: int) -> Tensor:
        """Interchanges two axes."""
        ndim = len(self.backend.core.shape(x))
        axes = list(range(ndim))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return self.transpose(x, axes)

    def moveaxis(self, x: Tensor, source: Any, destination: Any) -> Tensor:
        """Moves axes to new positions; other axes keep their order."""
        ndim = len(self.backend.core.shape(x))
        source = [source] if isinstance(source, int) else list(source)
        destination = [destination] if isinstance(destination, int) else list(destination)
        source = [s % ndim for s in source]
        destination = [d % ndim for d in destination]
        order = [a for a in range(ndim) if a not in source]
        for dest, src in sorted(zip(destination, source)):
            order.insert(dest, src)
        return self.transpose(x, order)

    def ravel(self, x: Tensor) -> Tensor:
        """Returns `x` flattened to one dimension."""
        return self.reshape(x, (-1,))

    @required
    def take(self, x: Tensor, indices: Tensor, axis: int | None = None) -> Tensor:
        """Takes elements along `axis` (of the flattened tensor when None)."""

    @required
    def take_along_axis(self, x: Tensor, indices: Tensor, axis: int | None = None) -> Tensor:
        """Picks values from `x` by matching 1-D index slices along `axis`."""

    @required
    def pad(self, x: Tensor, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Tensor:
        """Pads `x`; `mode` is "constant", "reflect" or "symmetric"."""

    @required
    def sort(self, x: Tensor, axis: int = -1) -> Tensor:
        """Sorts along `axis` in ascending order."""

    @required
    def argsort(self, x: Tensor, axis: int = -1) -> Tensor:
        """Indices (int32) that would sort `x` along `axis`."""

    def ndim(self, x: Tensor) -> int:
        """Number of dimensions of `x`."""
        return len(self.backend.core.shape(x))

    def size(self, x: Tensor) -> int:
        """Number of elements of `x`."""
        total = 1
        for dim in self.backend.core.shape(x):
            total *= dim
        return total

    # -- helpers for defaults ---------------------------------------------
    def _cast_bool(self, x: Tensor) -> Tensor:
        """Casts `x` to bool (used by default implementations)."""
        return self.backend.core.cast(x, "bool")

    def _is_float(self, x: Tensor) -> bool:
        from lamina.backend.dtypes import is_float

        return is_float(self.backend.core.dtype(self.backend.core.convert_to_tensor(x)))

    def _as_float(self, x: Tensor) -> Tensor:
        """`x` as a tensor, cast to `floatx()` unless it already is floating point."""
        from lamina.backend.config import floatx

        x = self.backend.core.convert_to_tensor(x)
        return x if self._is_float(x) else self.backend.core.cast(x, floatx())
