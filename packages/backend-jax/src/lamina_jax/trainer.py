"""Training steps on JAX: pure functions of explicit state, compiled with `jax.jit`.

State is `(trainable, non_trainable, optimizer, metrics)` variable values.
It lives in this object during an epoch and is written back into the
model's Variables at epoch ends (`sync_to_variables`), so the compiled step
never touches Python objects. Users who override `train_step` write it as
Keras users do on JAX: `train_step(self, state, data) -> (logs, state)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from lamina import tree
from lamina.backend import StatelessScope
from lamina.backend.contract import StepFunctions
from lamina.layers import layer as layer_module
from lamina.utils import unpack_x_y_sample_weight


def _batch_size(x: Any) -> int:
    leaves = [leaf for leaf in tree.flatten(x) if hasattr(leaf, "shape")]
    return int(leaves[0].shape[0]) if leaves and leaves[0].shape else 1


def _updated(scope: StatelessScope, variables: list, values: list) -> list:
    result = []
    for variable, value in zip(variables, values):
        new = scope.get_current_value(variable)
        result.append(value if new is None else new)
    return result


class JaxStepFunctions(StepFunctions):
    def __init__(self, model: Any) -> None:
        super().__init__(model)
        self._train_fn: Callable | None = None
        self._test_fn: Callable | None = None
        self._predict_fn: Callable | None = None
        self._state: tuple | None = None

    # -- state -------------------------------------------------------------------
    def _groups(self) -> tuple[list, list, list, list]:
        model = self.model
        optimizer_variables = model.optimizer.variables if model.optimizer is not None else []
        return (
            model.trainable_variables,
            model.non_trainable_variables,
            optimizer_variables,
            model.metrics_variables,
        )

    def _read_state(self) -> tuple:
        # Two variables may hold the same array (e.g. weights set from their EMA
        # copies); donated buffers must be distinct, so repeats are copied.
        seen: set[int] = set()
        state = []
        for group in self._groups():
            values = []
            for variable in group:
                value = variable.value
                if id(value) in seen:
                    value = jnp.array(value, copy=True)
                seen.add(id(value))
                values.append(value)
            state.append(values)
        return tuple(state)

    def begin_epoch(self) -> None:
        self._state = self._read_state()

    def sync_to_variables(self) -> None:
        if self._state is None:
            return
        for group, values in zip(self._groups(), self._state):
            for variable, value in zip(group, values):
                variable._direct_assign(value)
        self._state = None

    def _ensure_state(self) -> tuple:
        if self._state is None:
            self._state = self._read_state()
        return self._state

    def _compile(self, fn: Callable, donate: bool) -> Callable:
        model = self.model
        if model.run_eagerly or model.jit_compile is False:
            return fn
        return jax.jit(fn, donate_argnums=(0,) if donate else ())

    # -- default steps -------------------------------------------------------------
    def train_step(self, state: tuple, data: Any) -> tuple:
        model = self.model
        trainable, non_trainable, optimizer_values, metric_values = state
        trainable_vars, non_trainable_vars, optimizer_vars, metric_vars = self._groups()
        x, y, sample_weight = unpack_x_y_sample_weight(data)

        def loss_fn(trainable_values: list, non_trainable_values: list, metric_values_: list) -> tuple:
            mapping = (
                list(zip(trainable_vars, trainable_values))
                + list(zip(non_trainable_vars, non_trainable_values))
                + list(zip(metric_vars, metric_values_))
            )
            with StatelessScope(mapping) as scope:
                y_pred = model(x, training=True)
                loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            if layer_module._LOSSES_IN_USE[0]:
                model._clear_losses()
            # Gradients of the scaled loss (`loss_scale_factor`); logs show the loss itself.
            scaled = loss
            if model.optimizer is not None:
                # The loss scale may be optimizer state (LossScaleOptimizer): read this step's value.
                with StatelessScope(list(zip(optimizer_vars, optimizer_values))):
                    scaled = model.optimizer.scale_loss(loss)
            return scaled, (
                y_pred,
                _updated(scope, non_trainable_vars, non_trainable_values),
                _updated(scope, metric_vars, metric_values_),
                loss,
            )

        grad_fn = jax.value_and_grad(loss_fn, has_aux=True)
        (_, (y_pred, non_trainable, metric_values, loss)), grads = grad_fn(trainable, non_trainable, metric_values)
        if model.optimizer is not None and trainable:
            trainable, optimizer_values = model.optimizer.stateless_apply(optimizer_values, grads, trainable)
        mapping = list(zip(metric_vars, metric_values))
        with StatelessScope(mapping) as scope:
            model._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
            logs = model.compute_metrics(x, y, y_pred, sample_weight)
        metric_values = _updated(scope, metric_vars, metric_values)
        return logs, (trainable, non_trainable, optimizer_values, metric_values)

    def test_step(self, state: tuple, data: Any) -> tuple:
        model = self.model
        trainable, non_trainable, metric_values = state
        trainable_vars, non_trainable_vars, _, metric_vars = self._groups()
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        mapping = (
            list(zip(trainable_vars, trainable))
            + list(zip(non_trainable_vars, non_trainable))
            + list(zip(metric_vars, metric_values))
        )
        with StatelessScope(mapping) as scope:
            y_pred = model(x, training=False)
            loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
            model._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
            logs = model.compute_metrics(x, y, y_pred, sample_weight)
        if layer_module._LOSSES_IN_USE[0]:
            model._clear_losses()
        return logs, (trainable, non_trainable, _updated(scope, metric_vars, metric_values))

    def predict_step(self, state: tuple, data: Any) -> tuple:
        model = self.model
        trainable, non_trainable = state
        trainable_vars, non_trainable_vars, _, _ = self._groups()
        x, _, _ = unpack_x_y_sample_weight(data)
        mapping = list(zip(trainable_vars, trainable)) + list(zip(non_trainable_vars, non_trainable))
        with StatelessScope(mapping) as scope:
            outputs = model(x, training=False)
        if layer_module._LOSSES_IN_USE[0]:
            model._clear_losses()
        return outputs, _updated(scope, non_trainable_vars, non_trainable)

    # -- compiled functions --------------------------------------------------------
    def make_train_function(self) -> Callable[[Any], dict]:
        if self._train_fn is None:
            self._train_fn = self._compile(self.model.train_step, donate=True)

        def run(batch: Any) -> dict:
            logs, self._state = self._train_fn(self._ensure_state(), batch)
            return logs

        return run

    def make_test_function(self) -> Callable[[Any], dict]:
        if self._test_fn is None:
            self._test_fn = self._compile(self.model.test_step, donate=False)

        def run(batch: Any) -> dict:
            trainable, non_trainable, optimizer_values, metric_values = self._ensure_state()
            logs, (trainable, non_trainable, metric_values) = self._test_fn(
                (trainable, non_trainable, metric_values), batch
            )
            self._state = (trainable, non_trainable, optimizer_values, metric_values)
            return logs

        return run

    def make_predict_function(self) -> Callable[[Any], Any]:
        if self._predict_fn is None:
            self._predict_fn = self._compile(self.model.predict_step, donate=False)

        def run(batch: Any) -> Any:
            trainable, non_trainable, optimizer_values, metric_values = self._ensure_state()
            outputs, non_trainable = self._predict_fn((trainable, non_trainable), batch)
            self._state = (trainable, non_trainable, optimizer_values, metric_values)
            return outputs

        return run

    def reset(self) -> None:
        self._train_fn = self._test_fn = self._predict_fn = None
        self._state = None
