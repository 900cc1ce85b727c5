"""`Lion`: sign-based updates from an interpolated momentum."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Lion (evolved sign momentum): every weight moves by exactly `learning_rate`.

    `w -= learning_rate * sign(beta_1 * m + (1 - beta_1) * g)`, then
    `m = beta_2 * m + (1 - beta_2) * g`. Updates are larger than Adam's for
    the same learning rate: a learning rate 3-10 times smaller is typical.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: interpolation factor of the update direction, in (0, 1] (default 0.9).
        beta_2: decay of the momentum (default 0.99).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Lion(1e-4), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the (0, 1] range; otherwise Lion degenerates to SignSGD. "
                f"Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        m = self._momentums[self._get_variable_index(variable)]
        direction = ops.add(ops.multiply(m, beta_1), ops.multiply(gradient, ops.subtract(1.0, beta_1)))
        variable.assign_sub(ops.multiply(lr, ops.sign(direction)))
        m.assign(ops.add(ops.multiply(m, beta_2), ops.multiply(gradient, ops.subtract(1.0, beta_2))))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
