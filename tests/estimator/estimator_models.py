"""The model, data and run configuration shared by the Estimator tests and the
process they kill (`python estimator_models.py BACKEND MODEL_DIR KILL_AT`)."""

from __future__ import annotations

import os
import sys

import numpy as np

import lamina
from lamina import layers

BATCH_SIZE = 8
SAVE_EVERY = 3
MAX_STEPS = 17  # 5 batches per epoch: the run stops inside its fourth epoch


def make_model() -> lamina.Model:
    """Dense, Dropout (random: its state must resume too) and BatchNormalization, with Adam."""
    lamina.utils.set_random_seed(11)
    model = lamina.Sequential(
        [
            lamina.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.Dropout(0.3, seed=5),
            layers.BatchNormalization(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.1).astype("float32")


def config() -> lamina.estimator.RunConfig:
    return lamina.estimator.RunConfig(save_checkpoints_steps=SAVE_EVERY, keep_checkpoint_max=2)


def make_estimator(model_dir: str) -> lamina.estimator.Estimator:
    return lamina.estimator.model_to_estimator(
        make_model(), model_dir=model_dir, config=config(), batch_size=BATCH_SIZE
    )


class Kill(lamina.callbacks.Callback):
    """Ends the process abruptly (no cleanup, no `on_train_end`) after `at` steps."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.seen = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.seen += 1
        if self.seen == self.at:
            sys.stdout.flush()
            os._exit(17)


if __name__ == "__main__":
    backend_name, model_dir, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lamina.backend.get_backend(backend_name)  # import the framework before seeding
    with lamina.backend.backend_scope(lamina.backend.get_backend(backend_name)):
        estimator = make_estimator(model_dir)
        x, y = data()
        estimator.train(lambda: (x, y), max_steps=MAX_STEPS, hooks=[Kill(kill_at)])
    sys.exit(0)  # not reached: Kill ends the process first
