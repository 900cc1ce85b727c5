"""`SGD`: gradient descent with optional (Nesterov) momentum."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `velocity = momentum * velocity - learning_rate * g`, then
    `w = w + velocity` (or, with `nesterov=True`,
    `w = w + momentum * velocity - learning_rate * g`).

    Args:
        learning_rate: float or schedule (default 0.01).
        momentum: float >= 0 (default 0).
        nesterov: whether to use Nesterov momentum.
        **kwargs: see `Optimizer` (clipnorm, weight_decay, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.SGD(0.1, momentum=0.9), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}")
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def build(self, var_list: list) -> None:
        super().build(var_list)
        self.momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list] if self.momentum else []

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if not self.momentum:
            variable.assign_sub(ops.multiply(gradient, learning_rate))
            return
        velocity = self._slot(self.momentums, variable)
        step = ops.multiply(gradient, learning_rate)
        velocity.assign(ops.subtract(ops.multiply(velocity, self.momentum), step))
        if self.nesterov:
            variable.assign_add(ops.subtract(ops.multiply(velocity, self.momentum), step))
        else:
            variable.assign_add(velocity)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
