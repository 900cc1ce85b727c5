"""Optimizer state and schedules in `.keras` files written by Keras 3, loaded by Lamina.

Keras (JAX backend, in a subprocess) trains small models with each new
optimizer and saves them; Lamina loads them on every backend and must find
the same optimizer, schedule and state (every slot, moving average and
accumulator in Keras's order), then save and load them again unchanged.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina as keras

OPTIMIZERS = {
    "adagrad": "keras.optimizers.Adagrad(0.05, clipnorm=1.0)",
    "adadelta": "keras.optimizers.Adadelta(1.0, weight_decay=0.01)",
    "adamax": "keras.optimizers.Adamax(keras.optimizers.schedules.CosineDecay(0.0, 10, warmup_target=0.01, warmup_steps=2))",
    "nadam": "keras.optimizers.Nadam(0.01, use_ema=True, gradient_accumulation_steps=2)",
    "lion": "keras.optimizers.Lion(keras.optimizers.schedules.PiecewiseConstantDecay([2], [0.003, 0.001]))",
    "adafactor": "keras.optimizers.Adafactor(0.01, global_clipnorm=1.0)",
    "ftrl": "keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01)",
    "lamb": "keras.optimizers.Lamb(0.01, use_ema=True, ema_overwrite_frequency=2)",
}

KERAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras

    data = json.loads(sys.stdin.read())
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x[:, :1] - x[:, 1:2]
    states = {}
    for name, source in data["optimizers"].items():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)])
        model.compile(optimizer=eval(source), loss="mse")
        model.fit(x, y, epochs=1, batch_size=8, verbose=0)
        model.save(f"{data['folder']}/{name}.keras")
        states[name] = {
            "state": [np.asarray(v.numpy(), "float64").tolist() for v in model.optimizer.variables],
            "config": keras.optimizers.serialize(model.optimizer),
        }
    print(json.dumps(states))
    """
)


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    pytest.importorskip("keras")
    pytest.importorskip("lamina_io")
    folder = tmp_path_factory.mktemp("keras_optimizer_files")
    completed = subprocess.run(
        [sys.executable, "-c", KERAS_SCRIPT],
        input=json.dumps({"optimizers": OPTIMIZERS, "folder": str(folder)}),
        capture_output=True,
        text=True,
        timeout=600,
        env={"KERAS_BACKEND": "jax", "PATH": "", "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return folder, json.loads(completed.stdout.strip().splitlines()[-1])


def _state(optimizer: Any) -> list:
    return [np.asarray(v.numpy(), "float64") for v in optimizer.variables]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_keras_file_loads_optimizer_schedule_and_state(
    backend: Any, keras_files: tuple, name: str, tmp_path: Path
) -> None:
    folder, reference = keras_files
    model = keras.models.load_model(folder / f"{name}.keras")
    optimizer = model.optimizer
    assert keras.optimizers.serialize(optimizer)["config"] == reference[name]["config"]["config"]
    state = _state(optimizer)
    assert len(state) == len(reference[name]["state"])
    for value, expected, variable in zip(state, reference[name]["state"], optimizer.variables):
        np.testing.assert_allclose(value, np.array(expected), rtol=1e-6, err_msg=variable.path)
    model.save(tmp_path / "again.keras")
    again = keras.models.load_model(tmp_path / "again.keras")
    assert again.optimizer.get_config() == optimizer.get_config()
    for value, other in zip(state, _state(again.optimizer)):
        np.testing.assert_array_equal(value, other)
