"""Composed NumPy-like ops (`lamina.ops` numpy namespace): creation, shapes, element-wise math.

`NumpyCompositeOps` is a mixin of `NumpyOps`: every op here is a default
written with the contract's required ops (reached through `self`), so any
backend, third-party ones included, gets it. A backend may override any of
them in its `NumpyOps` subclass with a native kernel.
"""

from __future__ import annotations

import math
from typing import Any

from lamina.backend.contract.base import OpNamespace

Tensor = Any
Axis = Any  # int, tuple of ints, or None


class NumpyCompositeOps(OpNamespace):
    """Creation, shape, element-wise and product ops composed from the required numpy ops."""

    # -- creation, shapes and products ------------------------------------
    def array(self, x: Any, dtype: Any = None) -> Tensor:
        """Converts `x` to a tensor (alias of `convert_to_tensor`)."""
        return self.backend.core.convert_to_tensor(x, dtype=dtype)

    def get_item(self, x: Tensor, key: Any) -> Tensor:
        """Returns `x[key]` (alias of `getitem`)."""
        return self.backend.core.getitem(x, key)

    def empty(self, shape: Any, dtype: Any = None) -> Tensor:
        """Returns a tensor of `shape`; its values are unspecified (zeros here)."""
        return self.zeros(shape, dtype=dtype)

    def empty_like(self, x: Tensor, dtype: Any = None) -> Tensor:
        """Returns a tensor shaped like `x`; its values are unspecified (zeros here)."""
        return self.zeros_like(x, dtype=dtype)

    def tri(self, N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:
        """Returns an `N` x `M` tensor with ones at and below the `k`-th diagonal."""
        return self.tril(self.ones((N, N if M is None else M), dtype=dtype), k=k)

    def logspace(
        self,
        start: Any,
        stop: Any,
        num: int = 50,
        endpoint: bool = True,
        base: float = 10,
        dtype: Any = None,
        axis: int = 0,
    ) -> Tensor:
        """Returns `base ** linspace(start, stop, num)`."""
        exponents = self.linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
        result = self.power(self._as_float(base), exponents)
        return result if dtype is None else self.backend.core.cast(result, dtype)

    def meshgrid(self, *x: Tensor, indexing: str = "xy") -> list:
        """Coordinate grids from 1-D tensors (`indexing` is "xy" or "ij")."""
        if indexing not in ("xy", "ij"):
            raise ValueError(f"`indexing` must be 'xy' or 'ij'. Received: indexing={indexing!r}")
        vectors = [self.ravel(self.backend.core.convert_to_tensor(v)) for v in x]
        sizes = [self.backend.core.shape(v)[0] for v in vectors]
        if indexing == "xy" and len(vectors) >= 2:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        grids = []
        for i, v in enumerate(vectors):
            position = i
            if indexing == "xy" and len(vectors) >= 2 and i < 2:
                position = 1 - i
            view = [1] * len(vectors)
            view[position] = -1
            grids.append(self.broadcast_to(self.reshape(v, view), sizes))
        return grids

    def append(self, x1: Tensor, x2: Tensor, axis: int | None = None) -> Tensor:
        """Appends `x2` to `x1` along `axis` (both flattened when None)."""
        if axis is None:
            return self.concatenate([self.ravel(x1), self.ravel(x2)], axis=0)
        return self.concatenate([x1, x2], axis=axis)

    def hstack(self, xs: Any) -> Tensor:
        """Stacks tensors column-wise (along axis 1; axis 0 for 1-D tensors)."""
        xs = [self.backend.core.convert_to_tensor(x) for x in xs]
        return self.concatenate(xs, axis=0 if self.ndim(xs[0]) == 1 else 1)

    def vstack(self, xs: Any) -> Tensor:
        """Stacks tensors row-wise (1-D tensors become rows)."""
        return self.concatenate([self._at_least(x, 2) for x in xs], axis=0)

    def dstack(self, xs: Any) -> Tensor:
        """Stacks tensors depth-wise (along axis 2)."""
        return self.concatenate([self._at_least(x, 3) for x in xs], axis=2)

    def array_split(self, x: Tensor, indices_or_sections: Any, axis: int = 0) -> list:
        """Like `split`, but `indices_or_sections` need not divide the axis evenly."""
        if not isinstance(indices_or_sections, int):
            return self.split(x, indices_or_sections, axis=axis)
        total = self.backend.core.shape(x)[axis]
        sections = indices_or_sections
        if sections <= 0:
            raise ValueError(f"`indices_or_sections` must be a positive integer. Received: {sections}")
        size, extra = divmod(total, sections)
        boundaries, position = [], 0
        for i in range(sections - 1):
            position += size + (1 if i < extra else 0)
            boundaries.append(position)
        return self.split(x, boundaries, axis=axis)

    def hsplit(self, x: Tensor, indices_or_sections: Any) -> list:
        """Splits along axis 1 (axis 0 for 1-D tensors)."""
        return self.split(x, indices_or_sections, axis=0 if self.ndim(x) == 1 else 1)

    def vsplit(self, x: Tensor, indices_or_sections: Any) -> list:
        """Splits along axis 0."""
        return self.split(x, indices_or_sections, axis=0)

    def dsplit(self, x: Tensor, indices_or_sections: Any) -> list:
        """Splits along axis 2."""
        return self.split(x, indices_or_sections, axis=2)

    def fliplr(self, x: Tensor) -> Tensor:
        """Reverses the order of columns (axis 1)."""
        return self.flip(x, axis=1)

    def flipud(self, x: Tensor) -> Tensor:
        """Reverses the order of rows (axis 0)."""
        return self.flip(x, axis=0)

    def rot90(self, array: Tensor, k: int = 1, axes: tuple = (0, 1)) -> Tensor:
        """Rotates by 90 degrees `k` times in the plane of `axes` (from the first towards the second)."""
        if len(axes) != 2 or axes[0] % self.ndim(array) == axes[1] % self.ndim(array):
            raise ValueError(f"`axes` must name two different axes. Received: axes={axes}")
        k %= 4
        if k == 0:
            return array
        if k == 2:
            return self.flip(self.flip(array, axis=axes[0]), axis=axes[1])
        if k == 1:
            return self.swapaxes(self.flip(array, axis=axes[1]), axes[0], axes[1])
        return self.flip(self.swapaxes(array, axes[0], axes[1]), axis=axes[1])

    def diag(self, x: Tensor, k: int = 0) -> Tensor:
        """Builds a diagonal matrix from 1-D `x`, or extracts the `k`-th diagonal of 2-D `x`."""
        x = self.backend.core.convert_to_tensor(x)
        if self.ndim(x) == 2:
            return self.diagonal(x, offset=k)
        if self.ndim(x) != 1:
            raise ValueError(f"`diag` expects a 1-D or 2-D tensor. Received shape {self.backend.core.shape(x)}")
        n = self.backend.core.shape(x)[0] + abs(k)
        padded = self.pad(x, [(0, abs(k))])
        values = self.reshape(padded, (n, 1) if k >= 0 else (1, n))
        mask = self._cast_bool(self.eye(n, k=k, dtype="int32"))
        return self.where(mask, values, self.zeros((), dtype=self.backend.core.dtype(x)))

    def diagflat(self, x: Tensor, k: int = 0) -> Tensor:
        """Builds a diagonal matrix from the flattened `x`."""
        return self.diag(self.ravel(x), k=k)

    def diff(self, a: Tensor, n: int = 1, axis: int = -1) -> Tensor:
        """The `n`-th discrete difference along `axis`."""
        a = self.backend.core.convert_to_tensor(a)
        axis = axis % self.ndim(a)
        head = tuple([slice(None)] * axis + [slice(1, None)])
        tail = tuple([slice(None)] * axis + [slice(None, -1)])
        for _ in range(n):
            a = self.subtract(self.backend.core.getitem(a, head), self.backend.core.getitem(a, tail))
        return a

    def trapezoid(self, y: Tensor, x: Tensor | None = None, dx: float = 1.0, axis: int = -1) -> Tensor:
        """Integrates `y` along `axis` with the trapezoidal rule."""
        y = self._as_float(y)
        axis = axis % self.ndim(y)
        head = tuple([slice(None)] * axis + [slice(1, None)])
        tail = tuple([slice(None)] * axis + [slice(None, -1)])
        getitem = self.backend.core.getitem
        pairs = self.multiply(self.add(getitem(y, head), getitem(y, tail)), 0.5)
        if x is None:
            return self.multiply(self.sum(pairs, axis=axis), dx)
        steps = self.diff(self._as_float(x), axis=-1 if self.ndim(x) == 1 else axis)
        if self.ndim(x) == 1 and self.ndim(y) > 1:
            shape = [1] * self.ndim(y)
            shape[axis] = -1
            steps = self.reshape(steps, shape)
        return self.sum(self.multiply(pairs, steps), axis=axis)

    def kron(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Kronecker product of `x1` and `x2`."""
        x1 = self.backend.core.convert_to_tensor(x1)
        x2 = self.backend.core.convert_to_tensor(x2)
        ndim = max(self.ndim(x1), self.ndim(x2))
        shape1 = (1,) * (ndim - self.ndim(x1)) + tuple(self.backend.core.shape(x1))
        shape2 = (1,) * (ndim - self.ndim(x2)) + tuple(self.backend.core.shape(x2))
        a = self.reshape(x1, [d for s in shape1 for d in (s, 1)])
        b = self.reshape(x2, [d for s in shape2 for d in (1, s)])
        return self.reshape(self.multiply(a, b), [s1 * s2 for s1, s2 in zip(shape1, shape2)])

    def inner(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Inner product over the last axes (a product when either is a scalar)."""
        x1 = self.backend.core.convert_to_tensor(x1)
        x2 = self.backend.core.convert_to_tensor(x2)
        if self.ndim(x1) == 0 or self.ndim(x2) == 0:
            return self.multiply(x1, x2)
        return self.tensordot(x1, x2, axes=[[self.ndim(x1) - 1], [self.ndim(x2) - 1]])

    def vdot(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Dot product of the flattened tensors."""
        return self.dot(self.ravel(x1), self.ravel(x2))

    # -- element-wise math, comparisons, search, windows -------------------
    def cbrt(self, x: Tensor) -> Tensor:
        """Cube root, element-wise (ints give floats)."""
        x = self._as_float(x)
        return self.multiply(self.sign(x), self.power(self.abs(x), 1.0 / 3.0))

    def exp2(self, x: Tensor) -> Tensor:
        """Returns `2 ** x` element-wise (ints give floats)."""
        return self.power(2.0, self._as_float(x))

    def fabs(self, x: Tensor) -> Tensor:
        """Absolute value as floats."""
        return self.abs(self._as_float(x))

    def deg2rad(self, x: Tensor) -> Tensor:
        """Converts angles from degrees to radians."""
        return self.multiply(self._as_float(x), math.pi / 180.0)

    def rad2deg(self, x: Tensor) -> Tensor:
        """Converts angles from radians to degrees."""
        return self.multiply(self._as_float(x), 180.0 / math.pi)

    def sinc(self, x: Tensor) -> Tensor:
        """Normalized sinc: `sin(pi x) / (pi x)`, and 1 at 0."""
        x = self._as_float(x)
        zero = self.equal(x, 0.0)
        scaled = self.multiply(self.where(zero, 1.0, x), math.pi)
        return self.where(zero, 1.0, self.divide(self.sin(scaled), scaled))

    def trunc(self, x: Tensor) -> Tensor:
        """Rounds towards zero (integer tensors are returned unchanged)."""
        if not self._is_float(x):
            return x
        return self.where(self.less(x, 0.0), self.ceil(x), self.floor(x))

    def signbit(self, x: Tensor) -> Tensor:
        """True where the sign bit is set (negative numbers and -0.0)."""
        x = self.backend.core.convert_to_tensor(x)
        if not self._is_float(x):
            return self.less(x, 0)
        negative_zero = self.logical_and(self.equal(x, 0.0), self.less(self.divide(1.0, x), 0.0))
        return self.logical_or(self.less(x, 0.0), negative_zero)

    def isneginf(self, x: Tensor) -> Tensor:
        """True where `x` is negative infinity."""
        return self.logical_and(self.isinf(x), self.less(x, 0))

    def isposinf(self, x: Tensor) -> Tensor:
        """True where `x` is positive infinity."""
        return self.logical_and(self.isinf(x), self.greater(x, 0))

    def fmod(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Remainder of division with the sign of `x1` (C `fmod`)."""
        remainder = self.mod(x1, x2)
        zero = self.zeros((), dtype=self.backend.core.dtype(remainder))
        wrong_sign = self.logical_and(
            self.not_equal(remainder, zero), self.not_equal(self.less(remainder, zero), self.less(x1, zero))
        )
        return self.where(wrong_sign, self.subtract(remainder, x2), remainder)

    def hypot(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `sqrt(x1**2 + x2**2)` element-wise (ints give floats)."""
        x1, x2 = self._as_float(x1), self._as_float(x2)
        return self.sqrt(self.add(self.square(x1), self.square(x2)))

    def ldexp(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `x1 * 2 ** x2` (`x2` integer)."""
        x1 = self._as_float(x1)
        return self.multiply(x1, self.power(self.backend.core.cast(2.0, self.backend.core.dtype(x1)), x2))

    def logaddexp2(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Returns `log2(2**x1 + 2**x2)`, computed stably."""
        ln2 = math.log(2.0)
        x1, x2 = self._as_float(x1), self._as_float(x2)
        return self.divide(self.logaddexp(self.multiply(x1, ln2), self.multiply(x2, ln2)), ln2)

    def fmax(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise maximum that ignores NaN (NaN only where both are NaN)."""
        result = self.maximum(x1, x2)
        result = self.where(self.isnan(x1), x2, result)
        return self.where(self.isnan(x2), x1, result)

    def fmin(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Element-wise minimum that ignores NaN (NaN only where both are NaN)."""
        result = self.minimum(x1, x2)
        result = self.where(self.isnan(x1), x2, result)
        return self.where(self.isnan(x2), x1, result)

    def heaviside(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Heaviside step: 0 where `x1 < 0`, `x2` where `x1 == 0`, 1 where `x1 > 0`."""
        x1 = self._as_float(x1)
        x2 = self.backend.core.cast(x2, self.backend.core.dtype(x1))
        step = self.where(self.greater(x1, 0.0), 1.0, 0.0)
        return self.where(self.equal(x1, 0.0), x2, self.backend.core.cast(step, self.backend.core.dtype(x1)))

    def divide_no_nan(self, x1: Tensor, x2: Tensor) -> Tensor:
        """Divides `x1` by `x2`, giving 0 where `x2` is 0."""
        zero = self.equal(x2, 0)
        quotient = self.divide(x1, self.where(zero, self.ones_like(x2), x2))
        return self.where(zero, self.zeros_like(quotient), quotient)

    def isclose(
        self, x1: Tensor, x2: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> Tensor:
        """True where `abs(x1 - x2) <= atol + rtol * abs(x2)` (infinities must match)."""
        x1 = self.backend.core.convert_to_tensor(x1)
        x2 = self.backend.core.convert_to_tensor(x2)
        if not (self._is_float(x1) or self._is_float(x2)):
            return self.equal(x1, x2)
        x1, x2 = self._as_float(x1), self._as_float(x2)
        close = self.less_equal(self.abs(self.subtract(x1, x2)), self.add(atol, self.multiply(rtol, self.abs(x2))))
        finite = self.logical_and(self.isfinite(x1), self.isfinite(x2))
        result = self.where(finite, close, self.equal(x1, x2))
        if equal_nan:
            result = self.logical_or(result, self.logical_and(self.isnan(x1), self.isnan(x2)))
        return result

    def allclose(
        self, x1: Tensor, x2: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> Tensor:
        """True if `isclose` holds everywhere."""
        return self.all(self.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isin(self, x1: Tensor, x2: Tensor, assume_unique: bool = False, invert: bool = False) -> Tensor:
        """True where an element of `x1` occurs in `x2`."""
        x1 = self.backend.core.convert_to_tensor(x1)
        x2 = self.ravel(self.backend.core.convert_to_tensor(x2))
        found = self.any(self.equal(self.expand_dims(x1, -1), x2), axis=-1)
        return self.logical_not(found) if invert else found

    def digitize(self, x: Tensor, bins: Tensor) -> Tensor:
        """Index (int32) of the bin of each value (`bins` increasing; `bins[i-1] <= x < bins[i]`)."""
        bins = self.ravel(self.backend.core.convert_to_tensor(bins))
        above = self.greater_equal(self.expand_dims(x, -1), bins)
        return self.sum(self.backend.core.cast(above, "int32"), axis=-1)

    def searchsorted(self, sorted_sequence: Tensor, values: Tensor, side: str = "left") -> Tensor:
        """Indices (int32) where `values` would be inserted to keep the 1-D `sorted_sequence` sorted."""
        if side not in ("left", "right"):
            raise ValueError(f"`side` must be 'left' or 'right'. Received: side={side!r}")
        sorted_sequence = self.backend.core.convert_to_tensor(sorted_sequence)
        if self.ndim(sorted_sequence) != 1:
            raise ValueError(
                "`searchsorted` expects a 1-D `sorted_sequence`. "
                f"Received shape {self.backend.core.shape(sorted_sequence)}"
            )
        expanded = self.expand_dims(values, -1)
        before = self.less(sorted_sequence, expanded) if side == "left" else self.less_equal(sorted_sequence, expanded)
        return self.sum(self.backend.core.cast(before, "int32"), axis=-1)

    def unravel_index(self, indices: Tensor, shape: Any) -> tuple:
        """Converts flat indices into a tuple of coordinate tensors for `shape`."""
        indices = self.backend.core.convert_to_tensor(indices)
        coordinates = []
        for size in reversed(tuple(shape)):
            coordinates.append(self.mod(indices, size))
            indices = self.floor_divide(indices, size)
        return tuple(reversed(coordinates))

    def select(self, condlist: Any, choicelist: Any, default: Any = 0) -> Tensor:
        """Picks from `choicelist` by the first true condition in `condlist` (else `default`)."""
        if len(condlist) != len(choicelist):
            raise ValueError(
                "`condlist` and `choicelist` must have the same length. "
                f"Received: {len(condlist)} conditions and {len(choicelist)} choices"
            )
        if not condlist:
            raise ValueError("`select` needs at least one condition and choice.")
        choices = [self.backend.core.convert_to_tensor(c) for c in choicelist]
        dtype = self.backend.core.dtype(choices[0])
        result = self.backend.core.cast(default, dtype)
        for condition, choice in reversed(list(zip(condlist, choices))):
            result = self.where(condition, choice, result)
        return result

    def vander(self, x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
        """Vandermonde matrix: columns are powers of the 1-D `x`."""
        x = self.backend.core.convert_to_tensor(x)
        columns = self.backend.core.shape(x)[0] if N is None else N
        powers = self.arange(columns, dtype="int32")
        powers = powers if increasing else self.flip(powers, axis=0)
        return self.power(self.expand_dims(x, -1), self.backend.core.cast(powers, self.backend.core.dtype(x)))

    def bartlett(self, x: int) -> Tensor:
        """Bartlett (triangular) window of `x` points."""
        return self._window(
            x, lambda n, m: self.subtract(1.0, self.abs(self.subtract(self.divide(n, (m - 1) / 2.0), 1.0)))
        )

    def hanning(self, x: int) -> Tensor:
        """Hann window of `x` points."""
        return self._window(x, lambda n, m: self._cosine_window(n, m, (0.5, 0.5)))

    def hamming(self, x: int) -> Tensor:
        """Hamming window of `x` points."""
        return self._window(x, lambda n, m: self._cosine_window(n, m, (0.54, 0.46)))

    def blackman(self, x: int) -> Tensor:
        """Blackman window of `x` points."""
        return self._window(x, lambda n, m: self._cosine_window(n, m, (0.42, 0.5, 0.08)))

    # -- determinants -----------------------------------------------------
    def slogdet(self, x: Tensor) -> tuple:
        """Sign and natural log of the absolute determinant (`(sign, logabsdet)`)."""
        det = self.backend.linalg.det(x)
        return self.sign(det), self.log(self.abs(det))

    # -- helpers ---------------------------------------------------------
    def _at_least(self, x: Tensor, ndim: int) -> Tensor:
        """`x` with leading (and, for 3-D, trailing) length-1 axes, as NumPy's `atleast_2d/3d`."""
        x = self.backend.core.convert_to_tensor(x)
        shape = tuple(self.backend.core.shape(x))
        if len(shape) >= ndim:
            return x
        if ndim == 2:
            return self.reshape(x, (1,) * (2 - len(shape)) + shape)
        return self.reshape(x, {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}[len(shape)])

    def _window(self, size: int, formula: Any) -> Tensor:
        from lamina.backend.config import floatx

        if size < 1:
            return self.zeros((0,), dtype=floatx())
        if size == 1:
            return self.ones((1,), dtype=floatx())
        return self.backend.core.cast(formula(self.arange(size, dtype=floatx()), size), floatx())

    def _cosine_window(self, n: Tensor, size: int, coefficients: tuple) -> Tensor:
        result = None
        for order, coefficient in enumerate(coefficients):
            term = self.multiply(coefficient, self.cos(self.multiply(n, 2.0 * math.pi * order / (size - 1))))
            if order % 2:
                term = self.negative(term)
            result = term if result is None else self.add(result, term)
        return result
