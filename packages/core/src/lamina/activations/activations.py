"""Activation functions, as `keras.activations` (same names, arguments, defaults)."""

from __future__ import annotations

from typing import Any

from lamina import ops


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Rectified linear unit, with optional leak, cap and threshold.

    Example:
        >>> lamina.activations.relu([-1.0, 0.5, 3.0], max_value=2.0)
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    x = ops.convert_to_tensor(x)
    negative = ops.multiply(ops.subtract(x, threshold), negative_slope)
    result = ops.where(ops.greater(x, threshold), x, negative if negative_slope else ops.zeros_like(x))
    if max_value is not None:
        result = ops.minimum(result, max_value)
    return result


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """Leaky ReLU: `x` if `x > 0` else `negative_slope * x`."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x: Any) -> Any:
    """ReLU capped at 6."""
    return ops.relu6(x)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """Exponential linear unit."""
    return ops.elu(x, alpha=alpha)


def selu(x: Any) -> Any:
    """Scaled exponential linear unit."""
    return ops.selu(x)


def softplus(x: Any) -> Any:
    """Softplus: `log(exp(x) + 1)`."""
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    """Softsign: `x / (abs(x) + 1)`."""
    return ops.softsign(x)


def silu(x: Any) -> Any:
    """Swish / SiLU: `x * sigmoid(x)`."""
    return ops.silu(x)


swish = silu


def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit (exact by default, as `keras.activations.gelu`)."""
    return ops.gelu(x, approximate=approximate)


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return ops.tanh(x)


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid."""
    return ops.sigmoid(x)


def exponential(x: Any) -> Any:
    """Exponential: `exp(x)`."""
    return ops.exp(x)


def hard_sigmoid(x: Any) -> Any:
    """Piecewise-linear sigmoid: `relu6(x + 3) / 6`."""
    return ops.hard_sigmoid(x)


def hard_silu(x: Any) -> Any:
    """Hard SiLU: `x * hard_sigmoid(x)`."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x: Any) -> Any:
    """Identity: returns `x` unchanged."""
    return x


def mish(x: Any) -> Any:
    """Mish: `x * tanh(softplus(x))`."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_sigmoid(x: Any) -> Any:
    """Logarithm of the sigmoid."""
    return ops.log_sigmoid(x)


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax over `axis`."""
    return ops.softmax(x, axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """Log-softmax over `axis`."""
    return ops.log_softmax(x, axis=axis)


def celu(x: Any, alpha: float = 1.0) -> Any:
    """Continuously differentiable ELU: `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`."""
    return ops.celu(x, alpha=alpha)


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: `a * sigmoid(b)` for the two halves of `axis`."""
    return ops.glu(x, axis=axis)


def hard_tanh(x: Any) -> Any:
    """Hard tanh: `x` clipped to `[-1, 1]`."""
    return ops.hard_tanh(x)


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """`x` where `abs(x) > threshold`, else 0."""
    return ops.hard_shrink(x, threshold=threshold)


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """Shrinks `x` towards 0 by `threshold`."""
    return ops.soft_shrink(x, threshold=threshold)


def tanh_shrink(x: Any) -> Any:
    """`x - tanh(x)`."""
    return ops.tanh_shrink(x)


def sparse_plus(x: Any) -> Any:
    """SparsePlus: 0, `(x + 1)**2 / 4` or `x` for `x <= -1`, `-1 < x < 1`, `x >= 1`."""
    return ops.sparse_plus(x)


def sparse_sigmoid(x: Any) -> Any:
    """Sparse sigmoid: `(x + 1) / 2` clipped to `[0, 1]`."""
    return ops.sparse_sigmoid(x)


def sparsemax(x: Any, axis: int = -1) -> Any:
    """Sparsemax: a softmax-like projection onto the simplex that gives exact zeros."""
    return ops.sparsemax(x, axis=axis)


def squareplus(x: Any, b: float = 4) -> Any:
    """Squareplus: `(x + sqrt(x**2 + b)) / 2`."""
    return ops.squareplus(x, b=b)


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """`x` where `x > threshold`, else `default_value`."""
    return ops.threshold(x, threshold, default_value)
