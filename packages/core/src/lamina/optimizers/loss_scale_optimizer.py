"""`LossScaleOptimizer`: dynamic loss scaling around another optimizer, as Keras 3's.

The training step multiplies the loss by `dynamic_scale` (`scale_loss`);
`apply` divides the gradients by it. When a gradient is not finite, the
step is skipped and the scale halved; after `dynamic_growth_steps` finite
steps in a row, the scale doubles. The choice between "apply" and "skip" is
made with `ops.where` on both outcomes (the inner update runs in a
StatelessScope), so the same code runs eagerly, in `tf.function` and in
JAX's pure functions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.backend import scopes, state
from lamina.backend.variables import Variable
from lamina.optimizers.optimizer import Optimizer

# Arguments older Keras configs carry with their (only accepted) default values.
_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """An optimizer that scales the loss dynamically to keep float16 gradients from underflowing.

    Args:
        inner_optimizer: the optimizer that applies the (unscaled) gradients.
        initial_scale: the first loss scale (large: a too-high scale falls
            quickly, a too-low one grows slowly).
        dynamic_growth_steps: double the scale after this many steps in a
            row with finite gradients.
        name: name of the optimizer.

    Example:
        ```python
        optimizer = lamina.mixed_precision.LossScaleOptimizer(lamina.optimizers.SGD(0.01))
        model.compile(optimizer=optimizer, loss="mse")
        ```
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for argument, default in _BASE_DEFAULTS.items():
            if argument in kwargs and kwargs.pop(argument) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{argument}`. Instead, set `{argument}` "
                    "on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`.")
        if not isinstance(inner_optimizer, Optimizer):
            raise ValueError(
                "`inner_optimizer` must be a `lamina.optimizers.Optimizer` instance. "
                f"Received: inner_optimizer={inner_optimizer!r}"
            )
        if not isinstance(dynamic_growth_steps, int) or dynamic_growth_steps < 1:
            raise ValueError(
                f"`dynamic_growth_steps` must be a positive integer. Received: dynamic_growth_steps={dynamic_growth_steps}"
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The gradients are unscaled here; the inner optimizer must not scale them again.
        self.inner_optimizer.loss_scale_factor = None
        self.step_counter: Variable | None = None
        self.dynamic_scale: Variable | None = None

    def _ensure_base_variables(self, backend: Any = None) -> None:
        # Keras's layout: this optimizer's own (unused) iteration and learning
        # rate, then, after `build`, its scaling state, then the inner optimizer's.
        super()._ensure_base_variables(backend)
        self.inner_optimizer._ensure_base_variables(self._backend)

    def build(self, var_list: list[Variable]) -> None:
        """Creates `step_counter` and `dynamic_scale`, then builds the inner optimizer."""
        backend = var_list[0].backend if var_list else state.current()
        self._ensure_base_variables(backend)
        with state.backend_scope(self._backend):
            self.step_counter = self.add_variable(
                (), initializer=np.array(0, dtype=self._backend.counter_dtype), name="step_counter"
            )
            self.dynamic_scale = self.add_variable(
                (), initializer=np.array(self.initial_scale, dtype="float32"), name="dynamic_scale"
            )
            self.inner_optimizer.build(var_list)
        self._trainable_variables = list(var_list)
        self._slot_index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    @property
    def variables(self) -> list[Variable]:
        """`step_counter`, `dynamic_scale`, then the inner optimizer's variables."""
        return list(self._variables) + list(self.inner_optimizer.variables)

    @property
    def iterations(self) -> Any:
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self) -> Any:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self.inner_optimizer.learning_rate = value

    def scale_loss(self, loss: Any) -> Any:
        """Multiplies `loss` by the current loss scale."""
        scale = self.dynamic_scale if self.built else self.initial_scale
        return ops.multiply(loss, scale)

    def check_finite(self, grads: list) -> Any:
        """A boolean scalar: whether every gradient is finite."""
        finite = [ops.all(ops.isfinite(g)) for g in grads if g is not None]
        if not finite:
            return ops.convert_to_tensor(True)
        return ops.all(ops.stack(finite))

    def apply(self, grads: list, trainable_variables: list | None = None) -> Any:
        """Unscales `grads` and applies them, or skips the step if one is not finite."""
        grads, trainable_variables = self._apply_arguments(grads, trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        assert self.step_counter is not None and self.dynamic_scale is not None
        with state.backend_scope(self._backend):
            finite = self.check_finite(grads)
            scale = self.dynamic_scale.value
            unscaled = [
                None if g is None or getattr(v, "overwrite_with_gradient", False) else ops.divide(g, scale)
                for g, v in zip(grads, trainable_variables)
            ]
            # Gradients used to overwrite a variable are not scaled (as Keras).
            unscaled = [g if u is None else u for g, u in zip(grads, unscaled)]
            # Non-finite gradients are replaced so the (discarded) update stays finite.
            safe = [None if g is None else ops.where(finite, g, ops.zeros_like(g)) for g in unscaled]
            tracked = list(trainable_variables) + list(self.inner_optimizer.variables)
            before = [v.value for v in tracked]
            with scopes.StatelessScope() as scope:
                self.inner_optimizer.apply(safe, trainable_variables)
            for variable, old in zip(tracked, before):
                new = scope.get_current_value(variable)
                if new is None or new is old:
                    continue
                variable.assign(ops.where(finite, new, old))
            counter = self.step_counter.value
            grow = ops.logical_and(finite, ops.equal(counter, self.dynamic_growth_steps - 1))
            new_scale = ops.where(finite, ops.where(grow, ops.multiply(scale, 2.0), scale), ops.multiply(scale, 0.5))
            new_counter = ops.where(
                ops.logical_and(finite, ops.logical_not(grow)), ops.add(counter, 1), ops.zeros_like(counter)
            )
            self.dynamic_scale.assign(new_scale)
            self.step_counter.assign(new_counter)
        return self.iterations

    def finalize_variable_values(self, var_list: list) -> None:
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict:
        from lamina.saving.serialization import serialize_keras_object

        return {
            "name": self.name,
            "inner_optimizer": serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> LossScaleOptimizer:
        from lamina.saving.serialization import deserialize_keras_object

        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)
