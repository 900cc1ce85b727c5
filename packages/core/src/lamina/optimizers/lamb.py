"""`Lamb`: Adam with a layer-wise trust ratio."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Lamb(Optimizer):
    """LAMB: Adam's bias-corrected step, rescaled per variable by `||w|| / ||step||`.

    The trust ratio is 1 where either norm is zero. Meant for large-batch
    training.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first moment (default 0.9).
        beta_2: decay of the second moment (default 0.999).
        epsilon: numerical stability constant (default 1e-7).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Lamb(1e-3), loss="mse")
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
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        index = self._get_variable_index(variable)
        m = self._momentums[index]
        v = self._velocities[index]
        m.assign_add(ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        v.assign_add(ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        m_hat = ops.divide(m, ops.subtract(1.0, beta_1_power))
        v_root = ops.add(ops.sqrt(ops.divide(v, ops.subtract(1.0, beta_2_power))), self.epsilon)
        step_direction = ops.divide(m_hat, v_root)
        w_norm = ops.sqrt(ops.sum(ops.square(variable.value)))
        g_norm = ops.sqrt(ops.sum(ops.square(step_direction)))
        trust = ops.where(
            ops.greater(w_norm, 0), ops.where(ops.greater(g_norm, 0), ops.divide(w_norm, g_norm), 1.0), 1.0
        )
        variable.assign_sub(ops.multiply(ops.multiply(trust, lr), step_direction))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
