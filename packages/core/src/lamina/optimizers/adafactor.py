"""`Adafactor`: Adam-like steps with factored second moments."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.optimizers.optimizer import Optimizer


class Adafactor(Optimizer):
    """Adafactor: second moments stored as row and column averages.

    For variables of rank >= 2 the running mean of `g**2` over the last two
    axes is kept as its row means `r` and column means `c` (memory
    `O(n + m)` instead of `O(n * m)`), and the full estimate is
    `v = (r / mean(r)) ⊗ c`. Smaller variables keep `v` itself. The step is
    `g / sqrt(v)`, clipped to an RMS of `clip_threshold`, and scaled by
    `max(epsilon_2, rms(w)) * min(learning_rate, 1 / sqrt(t))`.

    Args:
        learning_rate: float or schedule (default 0.001).
        beta_2_decay: exponent of the second-moment decay `1 - t**beta_2_decay` (default -0.8).
        epsilon_1: added to `g**2` (default 1e-30).
        epsilon_2: smallest weight RMS used to scale the step (default 1e-3).
        clip_threshold: largest RMS of the normalized step (default 1.0).
        relative_step: with a fixed learning rate, cap it at `1 / sqrt(t)` (default True).
        **kwargs: see `Optimizer` (clipnorm, weight_decay, use_ema, ...).

    Example:
        ```python
        model.compile(optimizer=lamina.optimizers.Adafactor(0.01), loss="mse")
        ```
    """

    def __init__(
        self,
        learning_rate: Any = 0.001,
        beta_2_decay: float = -0.8,
        epsilon_1: float = 1e-30,
        epsilon_2: float = 1e-3,
        clip_threshold: float = 1.0,
        relative_step: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list: list) -> None:
        if self.built:
            return
        super().build(var_list)
        self._r: list = []
        self._c: list = []
        self._v: list = []
        for variable in var_list:
            if len(variable.shape) < 2:
                # Not factored; scalar placeholders keep the state layout of Keras.
                self._r.append(self.add_variable(shape=(), dtype="int32", name=variable.name))
                self._c.append(self.add_variable(shape=(), dtype="int32", name=variable.name))
            else:
                shape = tuple(variable.shape)
                self._r.append(self.add_variable(shape=shape[:-1], dtype=variable.dtype, name=variable.name))
                self._c.append(
                    self.add_variable(shape=shape[:-2] + shape[-1:], dtype=variable.dtype, name=variable.name)
                )
            self._v.append(self.add_variable_from_reference(variable, "velocity"))

    @staticmethod
    def _rms(x: Any) -> Any:
        return ops.sqrt(ops.mean(ops.square(x)))

    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        epsilon_2 = ops.cast(self.epsilon_2, dtype)
        one = ops.cast(1.0, dtype)
        step = ops.cast(ops.add(self.iterations, 1), dtype)
        if self._schedule is None and self.relative_step:
            lr = ops.minimum(lr, ops.divide(1.0, ops.sqrt(step)))
        index = self._get_variable_index(variable)
        r = self._r[index]
        c = self._c[index]
        v = self._v[index]
        rho_t = ops.minimum(lr, ops.divide(1.0, ops.sqrt(step)))
        alpha_t = ops.multiply(ops.maximum(epsilon_2, self._rms(variable.value)), rho_t)
        squared = ops.add(ops.square(gradient), self.epsilon_1)
        beta_2_t = ops.subtract(1, ops.power(step, self.beta_2_decay))
        keep = ops.subtract(1, beta_2_t)
        if len(variable.shape) >= 2:
            r.assign(ops.add(ops.multiply(beta_2_t, r), ops.multiply(keep, ops.mean(squared, axis=-1))))
            c.assign(ops.add(ops.multiply(beta_2_t, c), ops.multiply(keep, ops.mean(squared, axis=-2))))
            row = ops.expand_dims(ops.divide(r, ops.mean(r, axis=-1, keepdims=True)), axis=-1)
            v.assign(ops.multiply(row, ops.expand_dims(c, -2)))
        else:
            v.assign(ops.add(ops.multiply(beta_2_t, v), ops.multiply(keep, squared)))
        u_t = ops.divide(gradient, ops.sqrt(v))
        u_t_hat = ops.divide(u_t, ops.maximum(one, ops.divide(self._rms(u_t), self.clip_threshold)))
        variable.assign_sub(ops.multiply(alpha_t, u_t_hat))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config
