"""`RunConfig`: where and how often an `Estimator` checkpoints."""

from __future__ import annotations

import os
from typing import Any

#: Seconds between checkpoints when neither steps nor seconds are given (as TF).
DEFAULT_CHECKPOINT_SECS = 600


def _positive_or_none(name: str, value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"`{name}` must be a positive number or None. Received: {name}={value!r}")
    return value


class RunConfig:
    """How an `Estimator` runs: its model directory and checkpoint schedule.

    Args:
        model_dir: the folder holding checkpoints (`model_to_estimator`'s
            `model_dir` wins when both are given).
        save_checkpoints_steps: save a checkpoint every this many global steps.
        save_checkpoints_secs: save a checkpoint when this many seconds passed
            since the last one. At most one of the two; with neither, every
            600 seconds (TensorFlow's default). A checkpoint is always saved
            when `train` returns.
        keep_checkpoint_max: how many recent checkpoints to keep (None or 0:
            all of them).
        log_step_count_steps: log the loss every this many steps (to the
            "lamina.estimator" logger, at INFO level).

    Example:
        ```python
        config = lamina.estimator.RunConfig(save_checkpoints_steps=100, keep_checkpoint_max=3)
        estimator = lamina.estimator.model_to_estimator(model, model_dir="/tmp/run", config=config)
        ```
    """

    def __init__(
        self,
        model_dir: str | os.PathLike | None = None,
        save_checkpoints_steps: int | None = None,
        save_checkpoints_secs: float | None = None,
        keep_checkpoint_max: int | None = 5,
        log_step_count_steps: int | None = 100,
    ) -> None:
        if save_checkpoints_steps is not None and save_checkpoints_secs is not None:
            raise ValueError(
                "Pass at most one of `save_checkpoints_steps` and `save_checkpoints_secs`. Received: "
                f"save_checkpoints_steps={save_checkpoints_steps}, save_checkpoints_secs={save_checkpoints_secs}"
            )
        if save_checkpoints_steps is not None and (
            isinstance(save_checkpoints_steps, bool) or not isinstance(save_checkpoints_steps, int)
        ):
            raise ValueError(
                f"`save_checkpoints_steps` must be a positive integer. Received: {save_checkpoints_steps!r}"
            )
        self.model_dir = os.fspath(model_dir) if model_dir is not None else None
        self.save_checkpoints_steps = _positive_or_none("save_checkpoints_steps", save_checkpoints_steps)
        self.save_checkpoints_secs = _positive_or_none("save_checkpoints_secs", save_checkpoints_secs)
        if self.save_checkpoints_steps is None and self.save_checkpoints_secs is None:
            self.save_checkpoints_secs = DEFAULT_CHECKPOINT_SECS
        if keep_checkpoint_max is not None and (
            isinstance(keep_checkpoint_max, bool) or not isinstance(keep_checkpoint_max, int) or keep_checkpoint_max < 0
        ):
            raise ValueError(
                f"`keep_checkpoint_max` must be a non-negative integer or None. Received: {keep_checkpoint_max!r}"
            )
        self.keep_checkpoint_max = keep_checkpoint_max or None
        self.log_step_count_steps = _positive_or_none("log_step_count_steps", log_step_count_steps)

    def replace(self, **kwargs: Any) -> RunConfig:
        """A copy with some arguments changed, e.g. `config.replace(model_dir="/tmp/b")`."""
        arguments = {
            "model_dir": self.model_dir,
            "save_checkpoints_steps": self.save_checkpoints_steps,
            "save_checkpoints_secs": None if self.save_checkpoints_steps is not None else self.save_checkpoints_secs,
            "keep_checkpoint_max": self.keep_checkpoint_max,
            "log_step_count_steps": self.log_step_count_steps,
        }
        unknown = sorted(set(kwargs) - set(arguments))
        if unknown:
            raise ValueError(f"Unknown RunConfig arguments: {unknown}. Known: {sorted(arguments)}")
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" not in kwargs:
            arguments["save_checkpoints_secs"] = None
        if "save_checkpoints_secs" in kwargs and "save_checkpoints_steps" not in kwargs:
            arguments["save_checkpoints_steps"] = None
        arguments.update(kwargs)
        return RunConfig(**arguments)

    def __repr__(self) -> str:
        return (
            f"RunConfig(model_dir={self.model_dir!r}, save_checkpoints_steps={self.save_checkpoints_steps}, "
            f"save_checkpoints_secs={self.save_checkpoints_secs}, keep_checkpoint_max={self.keep_checkpoint_max}, "
            f"log_step_count_steps={self.log_step_count_steps})"
        )
