"""The checkpoints of an `Estimator` in its model directory.

Each checkpoint is a `.keras` file written by `model.save` (weights,
optimizer state; atomic, through lamina-io) named by its global step,
`ckpt-<step>.keras`, next to `ckpt-<step>.state.npz`, which holds the
model's non-trainable variables: `.keras` files (as in Keras) leave out the
state of random generators (a Dropout layer's seed), which an exact resume
needs. `checkpoint.json` lists the checkpoints, newest last, with the
global step and the `train` call in progress, and is replaced atomically
after each save, so a crash leaves the last complete checkpoint in force.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

INDEX = "checkpoint.json"
_NAME = re.compile(r"^ckpt-(\d+)\.keras$")


def checkpoint_name(step: int) -> str:
    return f"ckpt-{step}.keras"


def state_name(checkpoint: str) -> str:
    return checkpoint[: -len(".keras")] + ".state.npz"


@dataclass
class CheckpointIndex:
    """What `checkpoint.json` records."""

    checkpoints: list[str] = field(default_factory=list)
    global_step: int = 0
    #: The `train` call that wrote the latest checkpoint and has not returned
    #: yet: {"start_step": int, "steps": int | None, "max_steps": int | None}.
    train_call: dict | None = None

    @property
    def latest(self) -> str | None:
        return self.checkpoints[-1] if self.checkpoints else None


class CheckpointManager:
    """Reads and writes the checkpoints of one model directory.

    Args:
        model_dir: the folder (created on the first save).
        keep_checkpoint_max: how many checkpoints to keep (None: all).
    """

    def __init__(self, model_dir: str, keep_checkpoint_max: int | None = None) -> None:
        self.model_dir = model_dir
        self.keep_checkpoint_max = keep_checkpoint_max

    def path(self, name: str) -> str:
        return os.path.join(self.model_dir, name)

    # -- reading ---------------------------------------------------------------
    def read(self) -> CheckpointIndex:
        """The index; rebuilt from the file names when `checkpoint.json` is missing or unreadable."""
        try:
            with open(self.path(INDEX), encoding="utf-8") as handle:
                data = json.load(handle)
            index = CheckpointIndex(
                checkpoints=[str(name) for name in data.get("checkpoints", [])],
                global_step=int(data.get("global_step", 0)),
                train_call=data.get("train_call"),
            )
        except (OSError, ValueError, TypeError, AttributeError):
            index = self._scan()
        index.checkpoints = [name for name in index.checkpoints if os.path.exists(self.path(name))]
        if not index.checkpoints:
            return self._scan()
        return index

    def _scan(self) -> CheckpointIndex:
        found = []
        if os.path.isdir(self.model_dir):
            for name in os.listdir(self.model_dir):
                match = _NAME.match(name)
                if match:
                    found.append((int(match.group(1)), name))
        found.sort()
        return CheckpointIndex(
            checkpoints=[name for _, name in found], global_step=found[-1][0] if found else 0, train_call=None
        )

    def latest_path(self) -> str | None:
        latest = self.read().latest
        return self.path(latest) if latest else None

    # -- writing ---------------------------------------------------------------
    def save(self, model: Any, step: int, train_call: dict | None) -> str:
        """Writes checkpoint `step` of `model`, records it, and prunes old ones."""
        os.makedirs(self.model_dir, exist_ok=True)
        name = checkpoint_name(step)
        model.save(self.path(name), overwrite=True)
        _write_state(model, self.path(state_name(name)))
        index = self.read()
        names = [n for n in index.checkpoints if n != name] + [name]
        removed = []
        if self.keep_checkpoint_max:
            removed, names = names[: -self.keep_checkpoint_max], names[-self.keep_checkpoint_max :]
        self.write_index(CheckpointIndex(names, step, train_call))
        for old in removed:
            for path in (self.path(old), self.path(state_name(old))):
                if os.path.exists(path):
                    os.remove(path)
        return self.path(name)

    def write_index(self, index: CheckpointIndex) -> None:
        os.makedirs(self.model_dir, exist_ok=True)
        data = {"checkpoints": index.checkpoints, "global_step": index.global_step, "train_call": index.train_call}
        temporary = self.path(f".{INDEX}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
        os.replace(temporary, self.path(INDEX))

    def restore(self, model: Any, path: str) -> None:
        """Loads checkpoint `path` into `model`: weights, optimizer state, random state."""
        model.load_weights(path)
        state = state_name(path)
        if os.path.exists(state):
            _read_state(model, state)


def _write_state(model: Any, path: str) -> None:
    variables = model.non_trainable_variables
    arrays = {f"v{i}": np.asarray(variable.numpy()) for i, variable in enumerate(variables)}
    arrays["paths"] = np.array([variable.path for variable in variables], dtype=str)
    temporary = f"{path}.{os.getpid()}.tmp.npz"
    np.savez(temporary, **arrays)
    os.replace(temporary, path)


def _read_state(model: Any, path: str) -> None:
    variables = model.non_trainable_variables
    with np.load(path) as stored:
        paths = [str(p) for p in stored["paths"]]
        if len(paths) != len(variables):
            raise ValueError(
                f"The checkpoint state {path} holds {len(paths)} non-trainable variables, but model "
                f"'{model.name}' has {len(variables)}. The model in this model_dir has a different "
                "architecture: use a new model_dir, or the model that wrote it."
            )
        for i, variable in enumerate(variables):
            value = stored[f"v{i}"]
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"The checkpoint state {path} has shape {value.shape} for {paths[i]}, but model "
                    f"'{model.name}' has {variable.path} with shape {tuple(variable.shape)}. Use a new "
                    "model_dir, or the model that wrote it."
                )
            variable.assign(value)
