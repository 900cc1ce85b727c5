"""`RMSprop`: divides gradients by a running root mean square."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop (the default optimizer of `Model.compile`).

    Args:
        learning_rate: float or schedule (default 0.001).
        rho: decay of the running mean square (default 0.9).
        momentum: float >= 0 (default 0).
        epsilon: numerical stability constant (default 1e-7).
        centered: normalize by the estimated variance instead.
        **kwargs: see `Optimizer`.
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: list) -> None:
        super().build(var_list)
        self.velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self.momentums = (
            [self.add_variable_from_reference(v, "momentum") for v in var_list] if self.momentum > 0 else []
        )
        self.average_gradients = (
            [self.add_variable_from_reference(v, "average_gradient") for v in var_list] if self.centered else []
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self._slot(self.velocities, variable)
        velocity.assign(ops.add(ops.multiply(self.rho, velocity), ops.multiply(1.0 - self.rho, ops.square(gradient))))
        denominator = velocity.value
        if self.centered:
            average = self._slot(self.average_gradients, variable)
            average.assign(ops.add(ops.multiply(self.rho, average), ops.multiply(1.0 - self.rho, gradient)))
            denominator = ops.subtract(denominator, ops.square(average))
        increment = ops.divide(ops.multiply(learning_rate, gradient), ops.sqrt(ops.add(denominator, self.epsilon)))
        if self.momentum > 0:
            momentum = self._slot(self.momentums, variable)
            momentum.assign(ops.add(ops.multiply(self.momentum, momentum), increment))
            variable.assign_sub(momentum)
        else:
            variable.assign_sub(increment)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon, "centered": self.centered})
        return config
