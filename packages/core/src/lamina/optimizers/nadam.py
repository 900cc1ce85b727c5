"""`Nadam`: Adam with Nesterov momentum."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import config as backend_config
from lamina.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam: Adam whose first moment looks one step ahead (Nesterov).

    The momentum coefficient follows Dozat's schedule
    `u_t = beta_1 * (1 - 0.5 * 0.96**t)`; the optimizer keeps the running
    product of the `u_t` as one extra state variable.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment (default 0.9).
        beta_2: decay of the second moment (default 0.999).
        epsilon: numerical stability constant (default 1e-7).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Nadam(0.002), loss="mse")
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
        dtype = var_list[0].dtype if var_list else backend_config.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        self._u_product = self.add_variable(shape=(), initializer="ones", dtype=dtype, name="u_product")

    def update_all(self, grads: list, variables: list, learning_rate: Any) -> None:
        # Once per step, before the per-variable rule: u_product *= u_t.
        dtype = self._u_product.dtype
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        u_t = ops.multiply(self.beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(0.96, step))))
        self._u_product.assign(ops.multiply(self._u_product.value, u_t))
        super().update_all(grads, variables, learning_rate)

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        next_step = ops.cast(ops.add(self.iterations, 2), dtype)
        decay = ops.cast(0.96, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        u_t = ops.multiply(beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, step))))
        u_t_1 = ops.multiply(beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, next_step))))
        u_product_t = ops.cast(self._u_product.value, dtype)
        u_product_t_1 = ops.multiply(u_product_t, u_t_1)
        beta_2_power = ops.power(beta_2, step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        m.assign_add(ops.multiply(ops.subtract(gradient, m), ops.subtract(1, beta_1)))
        v.assign_add(ops.multiply(ops.subtract(ops.square(gradient), v), ops.subtract(1, beta_2)))
        m_hat = ops.add(
            ops.divide(ops.multiply(u_t_1, m), ops.subtract(1, u_product_t_1)),
            ops.divide(ops.multiply(ops.subtract(1, u_t), gradient), ops.subtract(1, u_product_t)),
        )
        v_hat = ops.divide(v, ops.subtract(1, beta_2_power))
        variable.assign_sub(ops.divide(ops.multiply(m_hat, lr), ops.add(ops.sqrt(v_hat), self.epsilon)))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
