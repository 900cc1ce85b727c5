"""`Optimizer`: the base class of optimizers.

The update rule of each optimizer is written once with `lamina.ops` in
`update_step`, so it runs on every backend, eagerly or inside a compiled
step. `stateless_apply` runs the same rule on explicit values for
functional backends (JAX).

Around the rule, `apply` does what Keras 3's optimizers do, in Keras's
order: divide the gradients by `loss_scale_factor`; accumulate them for
`gradient_accumulation_steps`; clip them; apply decoupled weight decay
(`w -= w * weight_decay * learning_rate`); run the rule; update the moving
average of the weights (`use_ema`); apply constraints; count the step.
Decisions that depend on the step count (is this an accumulation step? is
the average copied into the weights now?) are made with `ops.where` on
both outcomes, never with Python control flow on tensor values, so the same
code runs eagerly, in `tf.function`, and in JAX's pure functions.
"""

from __future__ import annotations

import inspect
import re
import warnings
from typing import Any

import numpy as np

from lamina import ops
from lamina.backend import naming, scopes, state
from lamina.backend.variables import Variable


def _takes_step(function: Any) -> bool:
    """Whether a learning-rate callable takes the step count (Keras calls plain callables without it)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty for p in parameters)


class Optimizer:
    """Base class: subclasses implement `build(var_list)` and `update_step`.

    Args:
        learning_rate: a float, a
            `lamina.optimizers.schedules.LearningRateSchedule` (called with
            the step count), or a callable returning the learning rate:
            called without arguments as in Keras, or with the step count if
            it takes one.
        weight_decay: decoupled weight decay: before each update,
            `w -= w * weight_decay * learning_rate`.
        clipnorm: clip each gradient to this norm.
        clipvalue: clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global norm.
        use_ema: keep an exponential moving average of the weights
            (optimizer state; see `finalize_variable_values`).
        ema_momentum: momentum of that average:
            `average = ema_momentum * average + (1 - ema_momentum) * weight`.
        ema_overwrite_frequency: copy the average into the weights every N
            (accumulated) steps; None copies only in `finalize_variable_values`.
        loss_scale_factor: the training step multiplies the loss by this
            (`scale_loss`); `apply` divides the gradients by it.
        gradient_accumulation_steps: an int >= 2: sum the gradients of N
            calls to `apply` and update the weights with their mean on every
            N-th call. `iterations` then counts updates; learning rate
            schedules still see every call.
        name: name of the optimizer (prefix of its variables).

    Example:
        ```python
        optimizer = lamina.optimizers.SGD(0.1, use_ema=True, gradient_accumulation_steps=4)
        model.compile(optimizer=optimizer, loss="mse")
        ```
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
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        if gradient_accumulation_steps and not (
            isinstance(gradient_accumulation_steps, int) and gradient_accumulation_steps >= 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2 (or None to update on every step). "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        if loss_scale_factor is not None and not loss_scale_factor:
            raise ValueError(
                "`loss_scale_factor` must be a nonzero number or None (no scaling). "
                f"Received: loss_scale_factor={loss_scale_factor}"
            )
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
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
            try:
                rate = float(learning_rate)
            except (TypeError, ValueError):
                raise ValueError(
                    "Argument `learning_rate` should be a float, a LearningRateSchedule, or a callable "
                    f"without arguments returning the learning rate. Received: learning_rate={learning_rate!r}"
                ) from None
            if rate < 0:
                raise ValueError(
                    f"Argument `learning_rate` should be non-negative. Received: learning_rate={learning_rate}"
                )
            self._initial_learning_rate = rate
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._slot_index: dict[int, int] = {}
        self._model_variables_moving_average: list[Variable] = []
        self._accumulated_gradients: list[Variable] = []
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
    def iterations(self) -> Any:
        """Number of updates applied so far.

        The step counter Variable; with `gradient_accumulation_steps`, the
        number of updates (calls to `apply` // steps) as a tensor, as in Keras.
        """
        self._ensure_base_variables()
        assert self._iterations is not None
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def learning_rate(self) -> Any:
        """The current learning rate (evaluates a schedule at the step count)."""
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
            from lamina.optimizers.schedules import LearningRateSchedule

            assert self._iterations is not None
            if isinstance(self._schedule, LearningRateSchedule) or _takes_step(self._schedule):
                # Schedules see every call to `apply`, accumulated or not (as in Keras).
                rate = self._schedule(self._iterations.value)
            else:
                rate = self._schedule()
            return ops.cast(rate, "float32")
        assert self._learning_rate_variable is not None
        return self._learning_rate_variable.value

    @property
    def variables(self) -> list[Variable]:
        """All optimizer state: iterations, learning rate, EMA and accumulators, slots."""
        return list(self._variables)

    def build(self, var_list: list[Variable]) -> None:
        """Creates the state for `var_list` (subclasses extend this with their slots).

        In Keras's order: the moving averages (`use_ema`), then the gradient
        accumulators, then (in subclasses) the slots of the update rule.
        """
        backend = var_list[0].backend if var_list else None
        self._ensure_base_variables(backend)
        self._trainable_variables = list(var_list)
        self._slot_index = {id(v): i for i, v in enumerate(var_list)}
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = [
                self.add_variable_from_reference(v, "gradient_accumulator") for v in var_list
            ]
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

    def add_optimizer_variables(
        self, trainable_variables: list[Variable], name: str | list[str], initializer: Any = "zeros"
    ) -> Any:
        """Slots for each of `trainable_variables`, one list per name (interleaved per variable, as Keras).

        Returns:
            A list of slots for a single `name`; a tuple of lists for a list of names.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            initializers_ = list(initializer)
        else:
            initializers_ = [initializer] * len(names)
        if len(names) != len(initializers_):
            raise ValueError(
                f"Received {len(names)} names and {len(initializers_)} initializers. "
                "Pass one initializer, or one per name."
            )
        slots: tuple[list, ...] = tuple([] for _ in names)
        for variable in trainable_variables:
            for found, slot_name, init in zip(slots, names, initializers_):
                found.append(self.add_variable_from_reference(variable, slot_name, initializer=init))
        return slots[0] if isinstance(name, str) else slots

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

    def _get_variable_index(self, variable: Variable) -> int:
        """Position of `variable` among the variables the optimizer was built with."""
        return self._slot_index[id(variable)]

    # Keras's hooks for assignments inside `update_step` (here plain Variable methods).
    def assign(self, variable: Variable, value: Any) -> None:
        variable.assign(value)

    def assign_add(self, variable: Variable, value: Any) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable: Variable, value: Any) -> None:
        variable.assign_sub(value)

    # -- applying gradients ------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> Any:
        """Applies `(gradient, variable)` pairs; returns the iteration count."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        return self.apply(grads, variables)

    def scale_loss(self, loss: Any) -> Any:
        """Multiplies `loss` by `loss_scale_factor` (if set) before gradients are taken."""
        if self.loss_scale_factor is not None:
            return ops.multiply(loss, self.loss_scale_factor)
        return loss

    def _apply_arguments(self, grads: Any, trainable_variables: Any) -> tuple[list, list]:
        """`apply`'s arguments as lists; the variables default to those the optimizer was built with."""
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `trainable_variables`, the optimizer must already be built."
                )
            trainable_variables = self._trainable_variables
        return list(grads), list(trainable_variables)

    def apply(self, grads: list, trainable_variables: list | None = None) -> Any:
        """Updates `trainable_variables` (default: those it was built with) from `grads`."""
        grads, trainable_variables = self._apply_arguments(grads, trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(trainable_variables)} variables. "
                "Pass one gradient per variable."
            )
        if not self.built:
            with state.backend_scope(trainable_variables[0].backend if trainable_variables else state.current()):
                self.build(trainable_variables)
        assert self._iterations is not None
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        if not pairs:
            return self._iterations
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        unknown = [v for v in variables if id(v) not in self._slot_index]
        if unknown:
            raise ValueError(
                f"Unknown variable(s) {[v.path for v in unknown]}: this optimizer was built for other "
                "variables and can only update those. Create a new optimizer for a new set of variables."
            )
        with state.backend_scope(self._backend):
            if self.loss_scale_factor is not None:
                grads = [ops.divide(g, self.loss_scale_factor) for g in grads]
            if self.gradient_accumulation_steps:
                self._apply_accumulated(grads, variables)
            else:
                self._apply_update(grads, variables)
            if self.use_ema:
                self._update_model_variables_moving_average(self._trainable_variables)
                if self.ema_overwrite_frequency:
                    self._maybe_overwrite_with_average()
            for variable in variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable))
            self._iterations.assign_add(1)
        return self._iterations

    def _apply_update(self, grads: list, variables: list) -> None:
        """Clipping, weight decay and the update rule: one real update."""
        grads = self._clip_gradients(grads)
        learning_rate = self._current_learning_rate()
        self._apply_weight_decay(variables, learning_rate)
        self.update_all(grads, variables, learning_rate)

    def _apply_accumulated(self, grads: list, variables: list) -> None:
        """Adds `grads` to the accumulators; on every N-th call, updates with their mean.

        The update is computed on every call inside a StatelessScope, then
        kept or dropped with `ops.where` (as Keras does on JAX), so there is no
        Python branch on the step count.
        """
        assert self._iterations is not None
        steps = self.gradient_accumulation_steps
        is_update_step = ops.equal(ops.mod(ops.add(self._iterations.value, 1), steps), 0)
        accumulators = [self._slot(self._accumulated_gradients, v) for v in variables]
        totals = [ops.add(ops.cast(g, acc.dtype), acc.value) for g, acc in zip(grads, accumulators)]
        tracked = list(variables) + [v for v in self._variables if v is not self._iterations]
        before = [v.value for v in tracked]
        with scopes.StatelessScope() as scope:
            self._apply_update([ops.divide(total, steps) for total in totals], variables)
        for variable, old in zip(tracked, before):
            new = scope.get_current_value(variable)
            if new is None or new is old:
                continue
            variable.assign(ops.where(is_update_step, new, old))
        for accumulator, total in zip(accumulators, totals):
            accumulator.assign(ops.where(is_update_step, ops.zeros_like(total), total))

    def update_all(self, grads: list, variables: list, learning_rate: Any) -> None:
        """Runs `update_step` for each variable (backends may fuse this loop)."""
        if self._backend.fused_optimizer_update(self, grads, variables, learning_rate):
            return
        for grad, variable in zip(grads, variables):
            self.update_step(grad, variable, learning_rate)

    def update_step(self, gradient: Any, variable: Variable, learning_rate: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            squared = ops.sum(ops.stack([ops.sum(ops.square(g)) for g in grads]))
            norm = ops.sqrt(squared)
            # Scale `clip / max(norm, clip)`; an inf or NaN norm makes every gradient NaN (as Keras).
            scale = ops.multiply(self.global_clipnorm, ops.minimum(ops.divide(1.0, norm), 1.0 / self.global_clipnorm))
            scale = ops.add(scale, ops.subtract(norm, norm))
            return [ops.multiply(g, scale) for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _clip_by_norm(self, gradient: Any) -> Any:
        squared = ops.sum(ops.square(gradient), keepdims=True)
        positive = ops.greater(squared, 0)
        # sqrt of a safe value, so that a zero gradient has no NaN derivative.
        norm = ops.where(positive, ops.sqrt(ops.where(positive, squared, ops.ones_like(squared))), squared)
        return ops.divide(ops.multiply(gradient, self.clipnorm), ops.maximum(norm, self.clipnorm))

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in getattr(self, "_exclude_from_weight_decay", set()):
            return False
        pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
        return pattern is None or re.search(pattern, variable.name) is None

    def _apply_weight_decay(self, variables: list, learning_rate: Any) -> None:
        if self.weight_decay is None:
            return
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            rate = ops.cast(learning_rate, variable.dtype)
            decay = ops.cast(self.weight_decay, variable.dtype)
            # w - w * decay * rate, the rounding of Keras's formula.
            variable.assign_sub(ops.multiply(ops.multiply(variable.value, decay), rate))

    def exclude_from_weight_decay(self, var_list: list | None = None, var_names: list | None = None) -> None:
        """Exempts variables, or variables whose name contains one of `var_names`, from weight decay."""
        self._exclude_from_weight_decay = {id(variable) for variable in var_list or []}
        self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names))) if var_names else None

    # -- moving average of the weights (use_ema) ---------------------------
    def _update_model_variables_moving_average(self, trainable_variables: list) -> None:
        not_first_step = ops.not_equal(self.iterations, 0)
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            momentum = ops.multiply(ops.cast(not_first_step, variable.dtype), self.ema_momentum)
            average.assign(
                ops.add(
                    ops.multiply(momentum, average.value), ops.multiply(ops.subtract(1.0, momentum), variable.value)
                )
            )

    def _maybe_overwrite_with_average(self) -> None:
        overwrite = ops.equal(ops.mod(ops.add(self.iterations, 1), self.ema_overwrite_frequency), 0)
        for variable, average in zip(self._trainable_variables, self._model_variables_moving_average):
            variable.assign(ops.where(overwrite, average.value, variable.value))

    def _overwrite_model_variables_with_average_value(self, trainable_variables: list) -> None:
        """Copies the moving averages into `trainable_variables`."""
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does not match "
                f"the number of moving averages stored in the optimizer ({len(self._model_variables_moving_average)}). "
                "Check that the optimizer was built with this model's trainable variables."
            )
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            variable.assign(average.value)

    def finalize_variable_values(self, var_list: list) -> None:
        """Sets the final values of `var_list`: with `use_ema`, their moving averages."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    def stateless_apply(self, optimizer_variables: list, grads: list, trainable_variables: list) -> tuple[list, list]:
        """Returns `(new trainable values, new optimizer values)` without changing state."""
        if not self.built:
            raise ValueError("stateless_apply needs a built optimizer: call `optimizer.build(variables)` first.")
        own = self.variables
        if len(optimizer_variables) != len(own):
            raise ValueError(
                f"Received {len(optimizer_variables)} optimizer values for {len(own)} optimizer variables. "
                "Pass one value per element of `optimizer.variables`."
            )
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
