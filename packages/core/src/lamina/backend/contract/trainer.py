"""How a backend runs the training loop's steps.

The loop itself (epochs, batching, callbacks, progress, history) lives once
in `lamina.trainers`. Per model, it asks the model's backend for a
`StepFunctions` object and calls the functions it makes, one batch at a time.
A backend compiles these on its own engine: `jax.jit` over explicit state,
`tf.function`, torch eager autograd (or `torch.compile`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lamina.models.model import Model


class StepFunctions:
    """Compiled train/test/predict steps for one compiled model.

    A backend subclasses this and returns an instance from
    `Backend.make_step_functions(model)`. The default steps (`train_step`,
    `test_step`, `predict_step`) are what `Model.train_step` and friends run
    unless the user overrides them, so their signatures are the ones a Keras
    user overrides on that backend.
    """

    def __init__(self, model: Model) -> None:
        self.model = model

    def train_step(self, *args: Any) -> Any:
        """The default training step for one batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement train_step.")

    def test_step(self, *args: Any) -> Any:
        """The default evaluation step for one batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement test_step.")

    def predict_step(self, *args: Any) -> Any:
        """The default prediction step for one batch."""
        raise NotImplementedError(f"{type(self).__name__} does not implement predict_step.")

    def make_train_function(self) -> Callable[[Any], dict]:
        """Returns `fn(batch) -> logs` running one (compiled) training step."""
        raise NotImplementedError

    def make_test_function(self) -> Callable[[Any], dict]:
        """Returns `fn(batch) -> logs` running one evaluation step."""
        raise NotImplementedError

    def make_predict_function(self) -> Callable[[Any], Any]:
        """Returns `fn(batch) -> outputs` running one prediction step."""
        raise NotImplementedError

    def begin_epoch(self) -> None:
        """Called before each epoch or evaluation, after metrics were reset.

        Backends that keep state outside the Variables (JAX) reload it here,
        so that changes made between epochs (callbacks, `set_weights`) count.
        """

    def final_logs(self, logs: dict) -> dict:
        """The logs to report for a finished epoch, given the last step's logs."""
        return logs

    def sync_to_variables(self) -> None:
        """Writes state held outside the model's Variables back into them.

        Backends that keep state in the compiled function (JAX) override
        this; the loop calls it at epoch ends and before returning.
        """

    def reset(self) -> None:
        """Forgets compiled functions and state (after weights are set from outside)."""


def _batch_size(x: Any) -> int:
    from lamina import tree

    leaves = [leaf for leaf in tree.flatten(x) if hasattr(leaf, "shape")]
    return int(leaves[0].shape[0]) if leaves and len(leaves[0].shape) else 1


class EagerStepFunctions(StepFunctions):
    """Uncompiled steps written only with the contract: the default for any backend.

    Training uses `CoreOps.value_and_grad`, so a third-party backend trains
    without writing a trainer; evaluation and prediction need no gradients,
    so inference-only backends evaluate and predict too. First-party
    backends replace this with compiled steps.
    """

    def train_step(self, data: Any) -> dict:
        from lamina.backend.scopes import StatelessScope
        from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight

        model = self.model
        backend = model.backend
        if not backend.supports_training:
            raise NotImplementedError(
                f"The {backend.name!r} backend is inference-only: it can evaluate and predict, "
                "but not train. Train on jax, torch or tensorflow and load the saved model here."
            )
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        trainable = model.trainable_variables
        non_trainable = model.non_trainable_variables
        metric_variables = model.metrics_variables
        watched = non_trainable + metric_variables

        def loss_fn(values: list) -> Any:
            with StatelessScope(list(zip(trainable, values))) as scope:
                y_pred = model(x, training=True)
                loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            updates = [scope.get_current_value(v) for v in watched]
            return loss, (y_pred, updates)

        (loss, (y_pred, updates)), grads = backend.core.value_and_grad(loss_fn, has_aux=True)(
            [v.value for v in trainable]
        )
        for variable, value in zip(watched, updates):
            if value is not None:
                variable.assign(backend.core.stop_gradient(value))
        y_pred = backend.core.stop_gradient(y_pred) if backend.core.is_tensor(y_pred) else y_pred
        if model.optimizer is not None and trainable:
            model.optimizer.apply(grads, trainable)
        model._loss_tracker.update_state(backend.core.stop_gradient(loss), sample_weight=_batch_size(x))
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict:
        from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight

        model = self.model
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = model(x, training=False)
        loss = model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        model._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        from lamina.trainers.data_adapters.data_adapter_utils import unpack_x_y_sample_weight

        x, _, _ = unpack_x_y_sample_weight(data)
        return self.model(x, training=False)

    def make_train_function(self) -> Callable[[Any], dict]:
        return lambda batch: self.model.train_step(batch)

    def make_test_function(self) -> Callable[[Any], dict]:
        return lambda batch: self.model.test_step(batch)

    def make_predict_function(self) -> Callable[[Any], Any]:
        return lambda batch: self.model.predict_step(batch)
