"""Where the training loop (`lamina.trainers.trainer`) meets the current distribution.

The loop stays the same with or without a distribution. It asks this
module for two things: the step functions (the backend's distributed ones
under a distribution, which shard batches and reduce gradients, losses and
metrics across replicas) and the callback list (the chief's alone in a
multi-process job).
"""

from __future__ import annotations

from typing import Any

from lamina.callbacks.callback_list import CallbackList
from lamina.distribution import base


def active_distribution(model: Any) -> Any:
    """The current distribution, checked against `model`'s backend; None if there is none."""
    distribution = base._current
    if distribution is None:
        return None
    if distribution.backend is not model._backend:
        raise ValueError(
            f"The current distribution runs on the {distribution.backend.name!r} backend, but this model "
            f"was built on {model._backend.name!r}. Create the distribution while the model's backend is "
            "active, or call `lamina.distribution.set_distribution(None)` to train on one device."
        )
    return distribution


def make_step_functions(model: Any, distribution: Any) -> Any:
    """The backend's step functions for `model`: distributed ones under `distribution`."""
    if distribution is None:
        return model._backend.make_step_functions(model)
    steps = model._backend.make_distributed_step_functions(model, distribution)
    steps.distribution = distribution
    return steps


def callback_list(callbacks: list | None = None, model: Any = None, **params: Any) -> CallbackList:
    """A `CallbackList`; in a multi-process job, one that runs callbacks on the chief only."""
    distribution = base._current
    if distribution is None or distribution.num_processes == 1:
        return CallbackList(callbacks, model=model, **params)
    from lamina.distribution.callbacks import ChiefCallbackList

    return ChiefCallbackList(callbacks, distribution, model=model, **params)
