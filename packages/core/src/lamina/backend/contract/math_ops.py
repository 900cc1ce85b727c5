"""Mathematical ops beyond NumPy (`lamina.ops` math namespace)."""

from __future__ import annotations

from typing import Any

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
