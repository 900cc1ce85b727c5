"""`Adadelta`: steps scaled by running averages of squared gradients and updates."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta: the step is `rms(past updates) / rms(past gradients) * g`.

    With `E[g²] = rho * E[g²] + (1 - rho) * g²` and
    `delta = -sqrt(E[Δ²] + eps) / sqrt(E[g²] + eps) * g`, then
    `E[Δ²] = rho * E[Δ²] + (1 - rho) * delta²` and `w += learning_rate * delta`.

    Args:
        learning_rate: float or schedule (default 0.001; the original paper uses 1.0).
        rho: decay rate of both running averages (default 0.95).
        epsilon: numerical stability constant (default 1e-7).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Adadelta(1.0), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        mean_square_grad = self._accumulated_grads[index]
        mean_square_delta = self._accumulated_delta_vars[index]
        rho = self.rho
        mean_square_grad.assign(
            ops.add(ops.multiply(rho, mean_square_grad), ops.multiply(1 - rho, ops.square(gradient)))
        )
        delta = ops.negative(
            ops.divide(
                ops.multiply(ops.sqrt(ops.add(mean_square_delta, self.epsilon)), gradient),
                ops.sqrt(ops.add(mean_square_grad, self.epsilon)),
            )
        )
        mean_square_delta.assign(
            ops.add(ops.multiply(rho, mean_square_delta), ops.multiply(1 - rho, ops.square(delta)))
        )
        variable.assign_add(ops.multiply(lr, delta))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
