"""`Adam` and `AdamW`: adaptive moment estimation."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam: per-weight step sizes from running first and second moments.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_1: decay of the first-moment estimate (default 0.9).
        beta_2: decay of the second-moment estimate (default 0.999).
        epsilon: numerical stability constant (default 1e-7).
        amsgrad: use the AMSGrad variant (maximum of past second moments).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Adam(1e-3), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list: list) -> None:
        super().build(var_list)
        # Interleaved per variable (momentum, velocity), in Keras's order, so
        # optimizer state in files lines up with Keras 3's.
        self.momentums, self.velocities = [], []
        for variable in var_list:
            self.momentums.append(self.add_variable_from_reference(variable, "momentum"))
            self.velocities.append(self.add_variable_from_reference(variable, "velocity"))
        self.velocity_hats = (
            [self.add_variable_from_reference(v, "velocity_hat") for v in var_list] if self.amsgrad else []
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        learning_rate = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        alpha = ops.divide(
            ops.multiply(learning_rate, ops.sqrt(ops.subtract(1.0, beta_2_power))), ops.subtract(1.0, beta_1_power)
        )
        m = self._slot(self.momentums, variable)
        v = self._slot(self.velocities, variable)
        m.assign_add(ops.multiply(ops.subtract(gradient, m), 1.0 - self.beta_1))
        v.assign_add(ops.multiply(ops.subtract(ops.square(gradient), v), 1.0 - self.beta_2))
        second = v.value
        if self.amsgrad:
            v_hat = self._slot(self.velocity_hats, variable)
            v_hat.assign(ops.maximum(v_hat, v))
            second = v_hat.value
        variable.assign_sub(ops.divide(ops.multiply(m, alpha), ops.add(ops.sqrt(second), self.epsilon)))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad})
        return config


class AdamW(Adam):
    """Adam with decoupled weight decay (default `weight_decay=0.004`)."""

    def __init__(
        self,
        learning_rate: Any = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            name=name,
            weight_decay=weight_decay,
            **kwargs,
        )
