"""`Adamax`: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """Adamax: Adam's first moment over a decaying maximum of `|g|`.

    `m = beta_1 * m + (1 - beta_1) * g`, `u = max(beta_2 * u, |g|)`, then
    `w -= learning_rate * m / ((1 - beta_1**t) * (u + epsilon))`.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment (default 0.9).
        beta_2: decay of the infinity norm (default 0.999).
        epsilon: numerical stability constant (default 1e-7).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Adamax(0.002), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        index = self._get_variable_index(variable)
        m = self._m[index]
        u = self._u[index]
        m.assign_add(ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        u.assign(ops.maximum(ops.multiply(self.beta_2, u), ops.abs(gradient)))
        variable.assign_sub(
            ops.divide(ops.multiply(lr, m), ops.multiply(ops.subtract(1, beta_1_power), ops.add(u, self.epsilon)))
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
