"""compile(steps_per_execution=N): the same numbers as N=1, with the batch-level
callbacks called once per group of N batches (at its first and last step), as Keras."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers

BATCHES = 10  # 10 batches of 8: groups of 3 end at steps 2, 5, 8 and 9


class Steps(keras.callbacks.Callback):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int]] = []

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        self.calls.append(("train_begin", batch))

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self.calls.append(("train_end", batch))

    def on_test_batch_end(self, batch: int, logs: Any = None) -> None:
        self.calls.append(("test_end", batch))

    def on_predict_batch_end(self, batch: int, logs: Any = None) -> None:
        self.calls.append(("predict_end", batch))


def trained(steps_per_execution: int) -> tuple[keras.Model, Steps, dict, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8 * BATCHES, 4)).astype("float32")
    y = rng.standard_normal((8 * BATCHES, 1)).astype("float32")
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], steps_per_execution=steps_per_execution)
    steps = Steps()
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, callbacks=[steps], verbose=0)
    scores = model.evaluate(x, y, batch_size=8, callbacks=[steps], return_dict=True, verbose=0)
    predictions = model.predict(x, batch_size=8, callbacks=[steps], verbose=0)
    return model, steps, scores, predictions


def test_groups_of_batches_give_the_same_numbers(backend: Any) -> None:
    one, _, one_scores, one_predictions = trained(1)
    grouped, steps, scores, predictions = trained(3)
    for a, b in zip(grouped.get_weights(), one.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert scores == pytest.approx(one_scores, rel=1e-6)
    np.testing.assert_allclose(predictions, one_predictions, rtol=1e-6, atol=1e-6)
    epoch = [("train_begin", 0), ("train_end", 2), ("train_begin", 3), ("train_end", 5)]
    epoch += [("train_begin", 6), ("train_end", 8), ("train_begin", 9), ("train_end", 9)]
    ends = [2, 5, 8, 9]
    assert steps.calls == (epoch + epoch + [("test_end", i) for i in ends] + [("predict_end", i) for i in ends])


def test_survives_the_compile_config(backend: Any) -> None:
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)
    clone = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    clone.compile_from_config(model.get_compile_config())
    assert clone.steps_per_execution == 4


@pytest.mark.parametrize("value", [0, -2, 1.5, "auto", True])
def test_bad_values_say_what_is_expected(backend: Any, value: Any) -> None:
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"must be a positive integer; received"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=value)
