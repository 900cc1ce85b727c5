"""Mathematical ops beyond NumPy (`lamina.ops` math namespace)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.contract.base import OpNamespace, required

Tensor = Any


class MathOps(OpNamespace):
    namespace = "math"

    def logsumexp(self, x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Returns `log(sum(exp(x)))` over `axis`, computed stably."""
        np_ = self.backend.numpy
        core = self.backend.core
        peak = core.stop_gradient(np_.max(x, axis=axis, keepdims=True))
        peak = np_.where(np_.isfinite(peak), peak, 0.0)
        total = np_.sum(np_.exp(np_.subtract(x, peak)), axis=axis, keepdims=True)
        result = np_.add(np_.log(total), peak)
        if not keepdims:
            result = np_.squeeze(result, axis=axis) if axis is not None else np_.reshape(result, ())
        return result

    @required
    def top_k(self, x: Tensor, k: int, sorted: bool = True) -> tuple:
        """Returns the `k` largest values of the last axis and their int32 indices."""

    def in_top_k(self, targets: Tensor, predictions: Tensor, k: int) -> Tensor:
        """True where the target class is among the `k` largest predictions."""
        np_ = self.backend.numpy
        core = self.backend.core
        targets = core.cast(targets, "int32")
        target_scores = np_.take_along_axis(predictions, np_.expand_dims(targets, -1), axis=-1)
        larger = np_.sum(core.cast(np_.greater(predictions, target_scores), "int32"), axis=-1)
        return np_.less(larger, k)

    def rsqrt(self, x: Tensor) -> Tensor:
        """Returns `1 / sqrt(x)` element-wise."""
        return self.backend.numpy.divide(1.0, self.backend.numpy.sqrt(x))

    @required
    def erf(self, x: Tensor) -> Tensor:
        """Gauss error function, element-wise."""

    @required
    def erfinv(self, x: Tensor) -> Tensor:
        """Inverse of the Gauss error function, element-wise."""

    def erfc(self, x: Tensor) -> Tensor:
        """Complementary error function: `1 - erf(x)`."""
        return self.backend.numpy.subtract(1.0, self.erf(x))

    def logdet(self, x: Tensor) -> Tensor:
        """Natural log of the absolute determinant of the matrices in `x` (`slogdet(x)[1]`)."""
        return self.backend.numpy.slogdet(x)[1]

    def segment_sum(
        self, data: Tensor, segment_ids: Tensor, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Sums the rows of `data` that share a segment id (ids outside `[0, num_segments)` are dropped)."""
        membership, flat, shape = self._segments(data, segment_ids, num_segments)
        np_ = self.backend.numpy
        total = np_.matmul(np_.transpose(membership), flat)
        return np_.reshape(total, (-1, *shape[1:]))

    def segment_max(
        self, data: Tensor, segment_ids: Tensor, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Maximum of the rows of `data` that share a segment id (empty segments give the dtype's lowest value)."""
        membership, flat, shape = self._segments(data, segment_ids, num_segments)
        np_ = self.backend.numpy
        core = self.backend.core
        dtype = core.dtype(flat)
        lowest = float("-inf") if "float" in dtype else int(np.iinfo(dtype).min)
        member = core.cast(np_.expand_dims(membership, -1), "bool")  # (n, segments, 1)
        candidates = np_.where(member, np_.expand_dims(flat, 1), core.cast(lowest, dtype))
        return np_.reshape(np_.max(candidates, axis=0), (-1, *shape[1:]))

    def _segments(self, data: Tensor, segment_ids: Tensor, num_segments: int | None) -> tuple:
        np_ = self.backend.numpy
        core = self.backend.core
        data = core.convert_to_tensor(data)
        segment_ids = core.cast(segment_ids, "int32")
        if num_segments is None:
            # Needs concrete ids: pass `num_segments` inside compiled functions.
            num_segments = int(np.max(core.convert_to_numpy(segment_ids))) + 1 if core.shape(segment_ids)[0] else 0
        shape = tuple(core.shape(data))
        flat = np_.reshape(data, (shape[0], -1))
        membership = self.backend.nn.one_hot(segment_ids, num_segments, dtype=core.dtype(data))
        return membership, flat, shape
