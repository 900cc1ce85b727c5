"""Debug caps on training length: `lamina.config.set_max_epochs` and friends.

`fit` trains at most `max_epochs()` epochs and every `fit`/`evaluate`/
`predict` epoch runs at most `max_steps_per_epoch()` steps, so a script can be
smoke-tested without editing it. The environment variables
`LAMINA_MAX_EPOCHS` / `LAMINA_MAX_STEPS_PER_EPOCH` (or the `KERAS_*` names)
set the starting values.
"""

from __future__ import annotations

import os
import warnings

__all__ = ["cap_epochs", "cap_steps", "max_epochs", "max_steps_per_epoch", "set_max_epochs", "set_max_steps_per_epoch"]


def _from_env(name: str) -> int | None:
    for prefix in ("LAMINA_", "KERAS_"):
        value = os.environ.get(prefix + name)
        if value:
            try:
                return int(value)
            except ValueError:
                raise ValueError(
                    f"Environment variable {prefix + name} must be an integer. Received: {value!r}"
                ) from None
    return None


_MAX_EPOCHS: int | None = _from_env("MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH: int | None = _from_env("MAX_STEPS_PER_EPOCH")


def _check(name: str, value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={value!r}")
    return value


def set_max_epochs(max_epochs: int | None) -> None:
    """Caps the number of epochs of every `fit` call (`None` removes the cap).

    Example:
        >>> lamina.config.set_max_epochs(1)   # quick smoke test of a script
    """
    global _MAX_EPOCHS
    _MAX_EPOCHS = _check("max_epochs", max_epochs)


def max_epochs() -> int | None:
    """The cap set by `set_max_epochs` (or `LAMINA_MAX_EPOCHS`), or None."""
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Caps the steps of each `fit`/`evaluate`/`predict` epoch (`None` removes the cap)."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _check("max_steps_per_epoch", max_steps_per_epoch)


def max_steps_per_epoch() -> int | None:
    """The cap set by `set_max_steps_per_epoch` (or `LAMINA_MAX_STEPS_PER_EPOCH`), or None."""
    return _MAX_STEPS_PER_EPOCH


def cap_epochs(epochs: int) -> int:
    """`epochs`, lowered to `max_epochs()` (with a warning) when a cap is set."""
    if _MAX_EPOCHS and _MAX_EPOCHS < epochs:
        warnings.warn(f"Limiting epochs to {_MAX_EPOCHS} (lamina.config.set_max_epochs).", stacklevel=3)
        return _MAX_EPOCHS
    return epochs


def cap_steps(steps_per_epoch: int | None) -> int | None:
    """`steps_per_epoch`, lowered to `max_steps_per_epoch()` when a cap is set."""
    if _MAX_STEPS_PER_EPOCH and (not steps_per_epoch or _MAX_STEPS_PER_EPOCH < steps_per_epoch):
        warnings.warn(
            f"Limiting steps_per_epoch to {_MAX_STEPS_PER_EPOCH} (lamina.config.set_max_steps_per_epoch).",
            stacklevel=3,
        )
        return _MAX_STEPS_PER_EPOCH
    return steps_per_epoch
