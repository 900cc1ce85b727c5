"""`Ftrl`: Follow The Regularized Leader, for large sparse linear models."""

from __future__ import annotations

from typing import Any

from lamina import initializers, ops
from lamina.optimizers.optimizer import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal with L1, L2 and L2-shrinkage regularization.

    Per weight it keeps an accumulator `n` of squared gradients and a linear
    term `z`; the new weight is the closed-form minimizer
    `w = (clip(z, -l1, l1) - z) / (n**(-lr_power) / lr + 2 * l2)`, so L1
    drives weights to exactly zero.

    Args:
        learning_rate: float or schedule (default 0.001).
        learning_rate_power: float <= 0, how the step shrinks with `n` (default -0.5).
        initial_accumulator_value: float >= 0, starting value of `n` (default 0.1).
        l1_regularization_strength: float >= 0 (default 0).
        l2_regularization_strength: float >= 0 (default 0).
        l2_shrinkage_regularization_strength: float >= 0, an L2 penalty on
            the gradient instead of the weights (default 0).
        beta: float, added to the L2 term as `beta / (2 * learning_rate)` (default 0).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Ftrl(0.1, l1_regularization_strength=0.01), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        for argument, value, expected in (
            ("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
            ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
            ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, "positive or zero"),
        ):
            if value < 0.0:
                raise ValueError(f"`{argument}` needs to be {expected}. Received: {argument}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError(
                f"`learning_rate_power` needs to be negative or zero. Received: learning_rate_power={learning_rate_power}."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[initializers.Constant(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        accumulator = self._accumulators[index]
        linear = self._linears[index]
        power = -self.learning_rate_power
        l2 = ops.add(self.l2_regularization_strength, ops.divide(self.beta, ops.multiply(2.0, lr)))
        shrunk_gradient = ops.add(gradient, ops.multiply(2 * self.l2_shrinkage_regularization_strength, variable.value))
        new_accumulator = ops.add(accumulator.value, ops.square(gradient))
        sigma = ops.divide(ops.subtract(ops.power(new_accumulator, power), ops.power(accumulator.value, power)), lr)
        linear.assign_add(ops.subtract(shrunk_gradient, ops.multiply(sigma, variable.value)))
        quadratic = ops.add(ops.divide(ops.power(new_accumulator, power), lr), ops.multiply(2.0, l2))
        l1 = self.l1_regularization_strength
        clipped = ops.clip(linear.value, -l1, l1)
        variable.assign(ops.divide(ops.subtract(clipped, linear.value), quadratic))
        accumulator.assign(new_accumulator)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
