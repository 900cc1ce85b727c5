"""Weight regularizers: penalties added to the loss, as `keras.regularizers`."""

from __future__ import annotations

from typing import Any

from lamina import ops


def _validate(name: str, value: Any) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid value for argument {name}: expected a float. Received: {name}={value!r}") from None
    if value < 0 or value != value:
        raise ValueError(f"Value for argument {name} must be a non-negative float. Received: {name}={value}")
    return value


class Regularizer:
    """Base class: `regularizer(weight)` returns a scalar penalty.

    Example:
        ```python
        class Sparsity(lamina.regularizers.Regularizer):
            def __call__(self, x):
                return 1e-3 * lamina.ops.sum(lamina.ops.abs(x))
        ```
    """

    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


class L1(Regularizer):
    """`l1 * sum(abs(x))`."""

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _validate("l1", l1)

    def __call__(self, x: Any) -> Any:
        return ops.multiply(self.l1, ops.sum(ops.abs(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """`l2 * sum(square(x))`."""

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _validate("l2", l2)

    def __call__(self, x: Any) -> Any:
        return ops.multiply(self.l2, ops.sum(ops.square(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """`l1 * sum(abs(x)) + l2 * sum(square(x))`."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _validate("l1", l1)
        self.l2 = _validate("l2", l2)

    def __call__(self, x: Any) -> Any:
        total = ops.multiply(self.l1, ops.sum(ops.abs(x))) if self.l1 else 0.0
        if self.l2:
            total = ops.add(total, ops.multiply(self.l2, ops.sum(ops.square(x))))
        return ops.convert_to_tensor(total) if isinstance(total, float) else total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthonormality.

    Args:
        factor: strength of the penalty.
        mode: "rows" or "columns".
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _validate("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"Invalid value for argument `mode`. Expected 'rows' or 'columns'. Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, x: Any) -> Any:
        if len(ops.shape(x)) != 2:
            raise ValueError(f"OrthogonalRegularizer needs a 2-D input. Received shape: {ops.shape(x)}")
        if self.mode == "columns":
            x = ops.transpose(x)
        normalized = ops.divide(x, ops.maximum(ops.norm(x, axis=1, keepdims=True), 1e-7))
        product = ops.matmul(normalized, ops.transpose(normalized))
        size = ops.shape(product)[0]
        off_diagonal = ops.subtract(product, ops.eye(size))
        return ops.multiply(
            self.factor, ops.divide(ops.sum(ops.abs(off_diagonal)), size * (size - 1) if size > 1 else 1)
        )

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    """An `L1L2` regularizer with both penalties at 0.01 by default."""
    return L1L2(l1=l1, l2=l2)
