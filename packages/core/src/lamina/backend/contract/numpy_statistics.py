"""Composed statistics (`lamina.ops` numpy namespace): averages, quantiles, NaN-ignoring reductions.

`NumpyStatisticsOps` is a mixin of `NumpyOps`: every op here is a default
written with the contract's required ops (reached through `self`); a backend
may override any of them in its `NumpyOps` subclass.
"""

from __future__ import annotations

from typing import Any

from lamina.backend.contract.base import OpNamespace

Tensor = Any
Axis = Any  # int, tuple of ints, or None


class NumpyStatisticsOps(OpNamespace):
    """Averages, spreads, quantiles and NaN-ignoring reductions composed from the required numpy ops."""

    # -- averages, spreads and quantiles ----------------------------------
    def average(self, x: Tensor, axis: int | None = None, weights: Tensor | None = None) -> Tensor:
        """Weighted mean along `axis` (1-D `weights` apply along `axis`)."""
        x = self._as_float(x)
        if weights is None:
            return self.mean(x, axis=axis)
        weights = self.backend.core.cast(weights, self.backend.core.dtype(x))
        if axis is not None and self.ndim(weights) == 1 and self.ndim(x) > 1:
            shape = [1] * self.ndim(x)
            shape[axis] = -1
            weights = self.reshape(weights, shape)
        weights = self.broadcast_to(weights, self.backend.core.shape(x))
        return self.divide(self.sum(self.multiply(x, weights), axis=axis), self.sum(weights, axis=axis))

    def ptp(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Range (maximum minus minimum) along `axis`."""
        return self.subtract(self.max(x, axis=axis, keepdims=keepdims), self.min(x, axis=axis, keepdims=keepdims))

    def quantile(self, x: Tensor, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> Tensor:
        """The `q`-th quantiles (`0 <= q <= 1`) along `axis`.

        `method` is "linear", "lower", "higher", "midpoint" or "nearest", as in NumPy.
        """
        methods = ("linear", "lower", "higher", "midpoint", "nearest")
        if method not in methods:
            raise ValueError(f"`method` must be one of {methods}. Received: method={method!r}")
        core = self.backend.core
        x = self._as_float(x)
        ndim = self.ndim(x)
        axes = tuple(range(ndim)) if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        axes = tuple(a % ndim for a in axes)
        kept = [a for a in range(ndim) if a not in axes]
        shape = core.shape(x)
        moved = self.transpose(x, kept + list(axes))
        count = 1
        for a in axes:
            count *= shape[a]
        values = self.sort(self.reshape(moved, [shape[a] for a in kept] + [count]), axis=-1)
        q = core.cast(core.convert_to_tensor(q), core.dtype(x))
        position = self.multiply(q, float(count - 1))
        low = self.floor(position)
        high = self.ceil(position)
        if method == "lower":
            result = self.take(values, core.cast(low, "int32"), axis=-1)
        elif method == "higher":
            result = self.take(values, core.cast(high, "int32"), axis=-1)
        elif method == "nearest":
            result = self.take(values, core.cast(self.round(position), "int32"), axis=-1)
        else:
            below = self.take(values, core.cast(low, "int32"), axis=-1)
            above = self.take(values, core.cast(high, "int32"), axis=-1)
            fraction = 0.5 if method == "midpoint" else self.subtract(position, low)
            result = self.add(below, self.multiply(self.subtract(above, below), fraction))
        # result: (*kept, *q.shape) -> (*q.shape, *kept)
        q_ndim = self.ndim(q)
        result = self.moveaxis(result, list(range(len(kept), len(kept) + q_ndim)), list(range(q_ndim)))
        if keepdims:
            for a in sorted(axes):
                result = self.expand_dims(result, q_ndim + a)
        return result

    def percentile(
        self, x: Tensor, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        """The `q`-th percentiles (`0 <= q <= 100`) along `axis`."""
        q = self.divide(self.backend.core.convert_to_tensor(q), 100.0)
        return self.quantile(x, q, axis=axis, method=method, keepdims=keepdims)

    def median(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Median along `axis`."""
        return self.quantile(x, 0.5, axis=axis, keepdims=keepdims)

    # -- NaN-ignoring reductions ------------------------------------------
    def nansum(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Sum treating NaN as zero."""
        return self.sum(self._fill_nan(x, 0.0), axis=axis, keepdims=keepdims)

    def nanprod(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Product treating NaN as one."""
        return self.prod(self._fill_nan(x, 1.0), axis=axis, keepdims=keepdims)

    def nanmean(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Mean of the non-NaN values (NaN where there are none)."""
        x = self._as_float(x)
        count = self.sum(
            self.backend.core.cast(self.logical_not(self.isnan(x)), self.backend.core.dtype(x)),
            axis=axis,
            keepdims=keepdims,
        )
        return self.divide(self.nansum(x, axis=axis, keepdims=keepdims), count)

    def nanvar(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Population variance of the non-NaN values."""
        x = self._as_float(x)
        centered = self.subtract(x, self.nanmean(x, axis=axis, keepdims=True))
        return self.nanmean(self.square(centered), axis=axis, keepdims=keepdims)

    def nanstd(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Population standard deviation of the non-NaN values."""
        return self.sqrt(self.nanvar(x, axis=axis, keepdims=keepdims))

    def nanmax(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Maximum ignoring NaN (NaN where all values are NaN)."""
        if not self._is_float(x):
            return self.max(x, axis=axis, keepdims=keepdims)
        result = self.max(self._fill_nan(x, float("-inf")), axis=axis, keepdims=keepdims)
        return self.where(self.all(self.isnan(x), axis=axis, keepdims=keepdims), float("nan"), result)

    def nanmin(self, x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Minimum ignoring NaN (NaN where all values are NaN)."""
        if not self._is_float(x):
            return self.min(x, axis=axis, keepdims=keepdims)
        result = self.min(self._fill_nan(x, float("inf")), axis=axis, keepdims=keepdims)
        return self.where(self.all(self.isnan(x), axis=axis, keepdims=keepdims), float("nan"), result)

    def nanargmax(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index (int32) of the maximum ignoring NaN."""
        return self.argmax(self._fill_nan(x, float("-inf")), axis=axis, keepdims=keepdims)

    def nanargmin(self, x: Tensor, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index (int32) of the minimum ignoring NaN."""
        return self.argmin(self._fill_nan(x, float("inf")), axis=axis, keepdims=keepdims)

    def nancumsum(self, x: Tensor, axis: int | None = None, dtype: Any = None) -> Tensor:
        """Cumulative sum treating NaN as zero."""
        return self.cumsum(self._fill_nan(x, 0.0), axis=axis, dtype=dtype)

    def nancumprod(self, x: Tensor, axis: int | None = None, dtype: Any = None) -> Tensor:
        """Cumulative product treating NaN as one."""
        return self.cumprod(self._fill_nan(x, 1.0), axis=axis, dtype=dtype)

    # -- helpers ---------------------------------------------------------
    def _fill_nan(self, x: Tensor, value: float) -> Tensor:
        x = self.backend.core.convert_to_tensor(x)
        if not self._is_float(x):
            return x
        return self.where(self.isnan(x), value, x)
