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

    def sync_to_variables(self) -> None:
        """Writes state held outside the model's Variables back into them.

        Backends that keep state in the compiled function (JAX) override
        this; the loop calls it at epoch ends and before returning.
        """

    def reset(self) -> None:
        """Forgets compiled functions and state (after weights are set from outside)."""
