"""Bringing the model's Variables up to date before a callback reads or changes them.

Backends that run steps as pure functions (JAX) keep the training state
outside the Variables during an epoch and write it back at epoch ends.
A callback that reads weights in the middle of an epoch (a checkpoint every
N batches), or changes a Variable the running state already holds (a new
learning rate in `on_epoch_begin`, weights swapped in `on_test_begin`),
first writes that state back; the next step then reads the Variables again.
Keras does the same from `Callback.model` on JAX (`jax_state_sync`).
"""

from __future__ import annotations

from typing import Any


def sync_training_state(model: Any) -> None:
    """Writes state held outside the model's Variables back into them (no-op elsewhere)."""
    steps = getattr(model, "__dict__", {}).get("_step_functions")
    if steps is not None:
        steps.sync_to_variables()
