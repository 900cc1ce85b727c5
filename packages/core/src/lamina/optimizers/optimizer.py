"""`Optimizer`: the base class of optimizers.

The update rule of each optimizer is written once with `lamina.ops` in
`update_step`, so it runs on every backend, eagerly or inside a compiled
step. `stateless_apply` runs the same rule on explicit values for
functional backends (JAX).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import ops
from lamina.backend import naming, scopes, state
from lamina.backend.variables import Variable


class Optimizer:
    """Base class: subclasses implement `build(var_list)` and `update_step`.

    Args:
        learning_rate: float, or a schedule `lr(iterations)` (a
            `lamina.optimizers.schedules.LearningRateSchedule` or callable).
        weight_decay: decoupled weight decay applied to each variable.
        clipnorm: clip each gradient to this norm.
        clipvalue: clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global norm.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: momentum of that average.
        ema_overwrite_frequency: copy the average into the weights every N steps.
        loss_scale_factor: multiply the loss by this before gradients (not applied here).
        gradient_accumulation_steps: apply accumulated gradients every N steps.
        name: name of the optimizer (prefix of its variables).
    """

    def __init__(
        self,
        learning_rate: Any,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("decay", None)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        if use_ema:
            raise ValueError("`use_ema=True` is not supported yet by Lamina optimizers.")
        if gradient_accumulation_steps is not None:
            raise ValueError("`gradient_accumulation_steps` is not supported yet by Lamina optimizers.")
        self.name = name or naming.to_snake_case(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._backend: Any = None
        self._iterations: Variable | None = None
        self._learning_rate_variable: Variable | None = None
        self._schedule = None
        if callable(learning_rate):
            self._schedule = learning_rate
            self._initial_learning_rate = None
        else:
            rate = float(learning_rate)
            if rate < 0:
                raise ValueError(
                    f"Argument `learning_rate` should be non-negative. Received: learning_rate={learning_rate}"
                )
            self._initial_learning_rate = rate
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._slot_index: dict[int, int] = {}
        self.built = False

    # -- state ---------------------------------------------------------------
    def _ensure_base_variables(self, backend: Any = None) -> None:
        if self._iterations is not None:
            return
        self._backend = backend or state.current()
        with state.backend_scope(self._backend), naming.name_scope(self.name):
            self._iterations = self._backend.Variable(
                initializer=np.array(0, dtype=self._backend.counter_dtype),
                trainable=False,
                name="iteration",
            )
            if self._schedule is None:
                self._learning_rate_variable = self._backend.Variable(
                    initializer=np.array(self._initial_learning_rate, dtype="float32"),
                    trainable=False,
                    name="learning_rate",
                )
        self._variables = [self._iterations] + (
            [self._learning_rate_variable] if self._learning_rate_variable is not None else []
        )

    @property
    def iterations(self) -> Variable:
        """Number of steps applied so far (a Variable)."""
        self._ensure_base_variables()
        assert self._iterations is not None
        return self._iterations

    @property
    def learning_rate(self) -> Any:
        """The current learning rate (evaluates a schedule at `iterations`)."""
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        if callable(value):
            if self._learning_rate_variable is not None:
                raise TypeError("Cannot replace a fixed learning rate by a schedule after the optimizer was built.")
            self._schedule = value
            return
        if self._schedule is not None:
            raise TypeError(
                "This optimizer was created with a learning rate schedule, so its learning "
                "rate cannot be set to a number."
            )
        self._ensure_base_variables()
        assert self._learning_rate_variable is not None
        self._learning_rate_variable.assign(np.array(float(value), "float32"))

    def _current_learning_rate(self) -> Any:
        self._ensure_base_variables()
        if self._schedule is not None:
            return ops.cast(self._schedule(self.iterations.value), "float32")
        assert self._learning_rate_variable is not None
        return self._learning_rate_variable.value

    @property
    def variables(self) -> list[Variable]:
        """All optimizer state: iterations, learning rate, slots."""
        return list(self._variables)

    def build(self, var_list: list[Variable]) -> None:
        """Creates the slot variables for `var_list` (subclasses extend this)."""
        backend = var_list[0].backend if var_list else None
        self._ensure_base_variables(backend)
        self._trainable_variables = list(var_list)
        self._slot_index = {id(v): i for i, v in enumerate(var_list)}
        self.built = True

    def add_variable_from_reference(
        self, reference_variable: Variable, name: str | None = None, initializer: Any = "zeros"
    ) -> Variable:
        """A slot shaped like `reference_variable` (e.g. Adam's momentum)."""
        label = reference_variable.path.replace("/", "_")
        with state.backend_scope(self._backend), naming.name_scope(self.name):
            variable = self._backend.Variable(
                initializer=initializer,
                shape=reference_variable.shape,
                dtype=reference_variable.dtype,
                trainable=False,
                name=f"{label}_{name}" if name else label,
            )
        self._variables.append(variable)
        return variable

    def add_variable(
        self, shape: Any, initializer: Any = "zeros", dtype: Any = None, name: str | None = None
    ) -> Variable:
        """An extra state variable of the optimizer."""
        self._ensure_base_variables()
        with state.backend_scope(self._backend), naming.name_scope(self.name):
            variable = self._backend.Variable(
                initializer=initializer, shape=shape, dtype=dtype, trainable=False, name=name
            )
        self._variables.append(variable)
        return variable

    def _slot(self, slots: list, variable: Variable) -> Variable:
        return slots[self._slot_index[id(variable)]]

    # -- applying gradients ------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> Any:
        """Applies `(gradient, variable)` pairs; returns the iteration count."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        return self.apply(grads, variables)

    def apply(self, grads: list, trainable_variables: list | None = None) -> Any:
        """Updates `trainable_variables` (default: those it was built with) from `grads`."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the optimizer must already be built."
                )
            trainable_variables = self._trainable_variables
        grads = list(grads)
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(trainable_variables)} variables. "
                "Pass one gradient per variable."
            )
        if not self.built:
            with state.backend_scope(trainable_variables[0].backend if trainable_variables else state.current()):
                self.build(trainable_variables)
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        if not pairs:
            return self.iterations
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        with state.backend_scope(self._backend):
            grads = self._clip_gradients(grads)
            learning_rate = self._current_learning_rate()
            self._apply_weight_decay(variables, learning_rate)
            self.update_all(grads, variables, learning_rate)
            for variable in variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable))
            self.iterations.assign_add(1)
        return self.iterations

    def update_all(self, grads: list, variables: list, learning_rate: Any) -> None:
        """Runs `update_step` for each variable (backends may fuse this loop)."""
        if self._backend.fused_optimizer_update(self, grads, variables, learning_rate):
            return
        for grad, variable in zip(grads, variables):
            self.update_step(grad, variable, learning_rate)

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm is not None:
            clipped = []
            for grad in grads:
                norm = ops.sqrt(ops.sum(ops.square(grad)))
                scale = ops.minimum(1.0, ops.divide(self.clipnorm, ops.maximum(norm, 1e-12)))
                clipped.append(ops.multiply(grad, scale))
            return clipped
        if self.global_clipnorm is not None:
            total = ops.sqrt(sum(ops.sum(ops.square(g)) for g in grads))
            scale = ops.minimum(1.0, ops.divide(self.global_clipnorm, ops.maximum(total, 1e-12)))
            return [ops.multiply(g, scale) for g in grads]
        if self.clipvalue is not None:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _apply_weight_decay(self, variables: list, learning_rate: Any) -> None:
        if not self.weight_decay:
            return
        excluded = getattr(self, "_exclude_from_weight_decay", set())
        for variable in variables:
            if id(variable) in excluded:
                continue
            variable.assign_sub(ops.multiply(ops.multiply(variable, self.weight_decay), learning_rate))

    def exclude_from_weight_decay(self, var_list: list | None = None, var_names: list | None = None) -> None:
        """Exempts variables (or variables whose path contains a name) from weight decay."""
        excluded = getattr(self, "_exclude_from_weight_decay", set())
        for variable in var_list or []:
            excluded.add(id(variable))
        self._exclude_from_weight_decay = excluded
        self._exclude_names = list(var_names or [])

    def stateless_apply(self, optimizer_variables: list, grads: list, trainable_variables: list) -> tuple[list, list]:
        """Returns `(new trainable values, new optimizer values)` without changing state."""
        if not self.built:
            raise ValueError("stateless_apply needs a built optimizer: call `optimizer.build(variables)` first.")
        own = self.variables
        mapping = list(zip(self._trainable_variables, trainable_variables)) + list(zip(own, optimizer_variables))
        with scopes.StatelessScope(mapping) as scope:
            self.apply(grads, self._trainable_variables)
        new_trainable = [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in zip(self._trainable_variables, trainable_variables)
        ]
        new_optimizer = [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in zip(own, optimizer_variables)
        ]
        return new_trainable, new_optimizer

    # -- configuration ----------------------------------------------------
    def _serialized_learning_rate(self) -> Any:
        if self._schedule is not None:
            from lamina.saving.serialization import serialize_keras_object

            return serialize_keras_object(self._schedule)
        if self._learning_rate_variable is not None:
            return float(self._learning_rate_variable.numpy())
        return self._initial_learning_rate

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "learning_rate": self._serialized_learning_rate(),
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from lamina.saving.serialization import deserialize_keras_object

            config["learning_rate"] = deserialize_keras_object(config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
