"""Neural-network ops every backend provides (`lamina.ops` nn namespace).

Defaults are written with the numpy namespace; backends override them with
fused framework kernels where those are faster or more precise.
"""

from __future__ import annotations

import math
from typing import Any

from lamina.backend.contract.base import OpNamespace, required

Tensor = Any


class NNOps(OpNamespace):
    namespace = "nn"

    @property
    def _np(self) -> Any:
        return self.backend.numpy

    @required
    def relu(self, x: Tensor) -> Tensor:
        """Rectified linear unit: `max(x, 0)`."""

    def relu6(self, x: Tensor) -> Tensor:
        """Rectified linear unit capped at 6."""
        return self._np.clip(x, 0.0, 6.0)

    @required
    def sigmoid(self, x: Tensor) -> Tensor:
        """Logistic sigmoid: `1 / (1 + exp(-x))`."""

    def softplus(self, x: Tensor) -> Tensor:
        """Softplus: `log(exp(x) + 1)`, computed stably."""
        return self._np.logaddexp(x, 0.0)

    def softsign(self, x: Tensor) -> Tensor:
        """Softsign: `x / (abs(x) + 1)`."""
        return self._np.divide(x, self._np.add(self._np.abs(x), 1.0))

    def silu(self, x: Tensor) -> Tensor:
        """Sigmoid linear unit (swish): `x * sigmoid(x)`."""
        return self._np.multiply(x, self.sigmoid(x))

    def swish(self, x: Tensor) -> Tensor:
        """Alias of `silu`."""
        return self.silu(x)

    def log_sigmoid(self, x: Tensor) -> Tensor:
        """Logarithm of the sigmoid: `-softplus(-x)`."""
        return self._np.negative(self.softplus(self._np.negative(x)))

    def leaky_relu(self, x: Tensor, negative_slope: float = 0.2) -> Tensor:
        """Leaky ReLU: `x` if `x >= 0`, else `negative_slope * x`."""
        return self._np.where(self._np.greater_equal(x, 0), x, self._np.multiply(x, negative_slope))

    def hard_sigmoid(self, x: Tensor) -> Tensor:
        """Piecewise-linear sigmoid: `relu6(x + 3) / 6`."""
        return self._np.divide(self.relu6(self._np.add(x, 3.0)), 6.0)

    def hard_silu(self, x: Tensor) -> Tensor:
        """Hard SiLU: `x * relu6(x + 3) / 6`."""
        return self._np.multiply(x, self.hard_sigmoid(x))

    def elu(self, x: Tensor, alpha: float = 1.0) -> Tensor:
        """Exponential linear unit."""
        negative = self._np.multiply(self._np.expm1(self._np.minimum(x, 0.0)), alpha)
        return self._np.where(self._np.greater(x, 0), x, negative)

    def selu(self, x: Tensor) -> Tensor:
        """Scaled exponential linear unit."""
        alpha = 1.6732632423543772848170429916717
        scale = 1.0507009873554804934193349852946
        return self._np.multiply(self.elu(x, alpha), scale)

    def gelu(self, x: Tensor, approximate: bool = True) -> Tensor:
        """Gaussian error linear unit (tanh approximation by default, as Keras)."""
        np_ = self._np
        if approximate:
            inner = np_.multiply(
                math.sqrt(2.0 / math.pi),
                np_.add(x, np_.multiply(0.044715, np_.power(x, 3))),
            )
            return np_.multiply(np_.multiply(0.5, x), np_.add(1.0, np_.tanh(inner)))
        erf = self.backend.math.erf(np_.divide(x, math.sqrt(2.0)))
        return np_.multiply(np_.multiply(0.5, x), np_.add(1.0, erf))

    @required
    def softmax(self, x: Tensor, axis: Any = -1) -> Tensor:
        """Softmax over `axis`."""

    @required
    def log_softmax(self, x: Tensor, axis: Any = -1) -> Tensor:
        """Log-softmax over `axis`."""

    @required
    def one_hot(self, x: Tensor, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
        """One-hot encodes integer `x` (`floatx()` by default; out-of-range ids give zeros)."""

    def binary_crossentropy(self, target: Tensor, output: Tensor, from_logits: bool = False) -> Tensor:
        """Element-wise binary cross-entropy between `target` and `output`.

        With `from_logits=False`, `output` holds probabilities and is clipped
        to `[epsilon, 1 - epsilon]`, as in Keras.
        """
        np_ = self._np
        target = self.backend.core.convert_to_tensor(target)
        output = self.backend.core.convert_to_tensor(output)
        if from_logits:
            # max(x, 0) - x * z + log(1 + exp(-abs(x)))
            return np_.add(
                np_.subtract(self.relu(output), np_.multiply(output, target)),
                np_.log1p(np_.exp(np_.negative(np_.abs(output)))),
            )
        from lamina.backend.config import epsilon

        output = np_.clip(output, epsilon(), 1.0 - epsilon())
        positive = np_.multiply(target, np_.log(output))
        negative = np_.multiply(np_.subtract(1.0, target), np_.log(np_.subtract(1.0, output)))
        return np_.negative(np_.add(positive, negative))

    def categorical_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """Cross-entropy between one-hot `target` and `output` along `axis`."""
        np_ = self._np
        target = self.backend.core.convert_to_tensor(target)
        output = self.backend.core.convert_to_tensor(output)
        if from_logits:
            log_prob = self.log_softmax(output, axis=axis)
        else:
            from lamina.backend.config import epsilon

            output = np_.divide(output, np_.sum(output, axis=axis, keepdims=True))
            log_prob = np_.log(np_.clip(output, epsilon(), 1.0 - epsilon()))
        return np_.negative(np_.sum(np_.multiply(target, log_prob), axis=axis))

    def sparse_categorical_crossentropy(
        self, target: Tensor, output: Tensor, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """Cross-entropy between integer class ids `target` and `output`."""
        core = self.backend.core
        target = core.convert_to_tensor(target)
        output = core.convert_to_tensor(output)
        target_shape = core.shape(target)
        if len(target_shape) == len(core.shape(output)) and target_shape[-1] == 1:
            target = self._np.squeeze(target, axis=-1)
        num_classes = core.shape(output)[axis]
        one_hot = self.one_hot(
            core.cast(target, "int32"), num_classes, axis=axis, dtype=self.backend.core.dtype(output)
        )
        return self.categorical_crossentropy(one_hot, output, from_logits=from_logits, axis=axis)

    def moments(self, x: Tensor, axes: Any, keepdims: bool = False) -> tuple:
        """Returns the mean and variance of `x` over `axes`."""
        mean = self._np.mean(x, axis=axes, keepdims=True)
        variance = self._np.mean(self._np.square(self._np.subtract(x, mean)), axis=axes, keepdims=True)
        if not keepdims:
            mean = self._np.squeeze(mean, axis=axes)
            variance = self._np.squeeze(variance, axis=axes)
        return mean, variance
