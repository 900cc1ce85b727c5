"""Each optimizer trains a small model with `fit` (compiled steps) on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers

FIT_CASES: dict[str, Any] = {
    "adagrad": lambda: keras.optimizers.Adagrad(0.1),
    "adadelta": lambda: keras.optimizers.Adadelta(1.0),
    "adamax": lambda: keras.optimizers.Adamax(0.02),
    "nadam": lambda: keras.optimizers.Nadam(0.01),
    "lion": lambda: keras.optimizers.Lion(0.003),
    "adafactor": lambda: keras.optimizers.Adafactor(0.05),
    "ftrl": lambda: keras.optimizers.Ftrl(0.2),
    "lamb": lambda: keras.optimizers.Lamb(0.02),
    "sgd_accumulation_ema": lambda: keras.optimizers.SGD(
        0.05, momentum=0.9, gradient_accumulation_steps=2, use_ema=True, ema_overwrite_frequency=3
    ),
    "adam_schedule_clip_decay": lambda: keras.optimizers.Adam(
        keras.optimizers.schedules.CosineDecay(0.0, 40, warmup_target=0.02, warmup_steps=5),
        global_clipnorm=1.0,
        weight_decay=0.01,
    ),
    "rmsprop_loss_scale": lambda: keras.optimizers.RMSprop(0.01, loss_scale_factor=4.0, clipvalue=1.0),
}


@pytest.fixture(scope="module")
def regression() -> tuple:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32") + 0.3).astype("float32")
    return x, y


@pytest.mark.parametrize("case", list(FIT_CASES))
def test_fit_decreases_the_loss(backend: Any, regression: tuple, case: str) -> None:
    x, y = regression
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
    optimizer = FIT_CASES[case]()
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(x, y, epochs=6, batch_size=16, shuffle=False, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)), losses
    assert losses[-1] < losses[0], losses
    calls = 6 * 6  # epochs * batches
    steps = calls // (optimizer.gradient_accumulation_steps or 1)
    assert int(keras.ops.convert_to_numpy(optimizer.iterations)) == steps
    assert int(optimizer._iterations.numpy()) == calls
    for variable in optimizer.variables:
        assert np.all(np.isfinite(variable.numpy())), variable.path


def test_ema_weights_can_be_swapped_in_after_fit(backend: Any, regression: tuple) -> None:
    x, y = regression
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    optimizer = keras.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.9)
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    # As in Keras, fit ends by copying the moving averages into the model.
    averages = [v.numpy() for v in optimizer._model_variables_moving_average]
    assert len(averages) == len(model.trainable_variables)
    for variable, average in zip(model.trainable_variables, averages):
        np.testing.assert_allclose(variable.numpy(), average)
    # Another epoch moves the weights away from the averages until fit ends again.
    before = model.trainable_variables[0].numpy()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert not np.allclose(before, model.trainable_variables[0].numpy())
    for variable, average in zip(model.trainable_variables, optimizer._model_variables_moving_average):
        np.testing.assert_allclose(variable.numpy(), average.numpy())
