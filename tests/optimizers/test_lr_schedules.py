"""Learning rate schedules against Keras 3, inside compiled code, and through configs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina.optimizers import schedules

SCHEDULES: dict[str, tuple[str, dict]] = {
    "exponential": ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5}),
    "exponential_staircase": (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5, "staircase": True},
    ),
    "piecewise": ("PiecewiseConstantDecay", {"boundaries": [2, 5, 9], "values": [1.0, 0.5, 0.25, 0.1]}),
    "piecewise_one_boundary": ("PiecewiseConstantDecay", {"boundaries": [4], "values": [0.3, 0.03]}),
    "polynomial": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 8, "power": 2.0}),
    "polynomial_cycle": (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 4, "end_learning_rate": 0.01, "power": 0.5, "cycle": True},
    ),
    "inverse_time": ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}),
    "inverse_time_staircase": (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5, "staircase": True},
    ),
    "cosine": ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.1}),
    "cosine_warmup": (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 8, "warmup_target": 0.2, "warmup_steps": 4},
    ),
    "cosine_warmup_zero_steps": (
        "CosineDecay",
        {"initial_learning_rate": 0.05, "decay_steps": 8, "warmup_target": 0.2, "warmup_steps": 0},
    ),
    "cosine_restarts": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 3}),
    "cosine_restarts_constant_period": (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 1.0, "m_mul": 0.5, "alpha": 0.1},
    ),
}
STEPS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 15, 20, 30]

KERAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras

    data = json.loads(sys.stdin.read())
    results = {}
    for name, (class_name, config) in data["schedules"].items():
        schedule = getattr(keras.optimizers.schedules, class_name)(**config)
        results[name] = {
            "values": [float(schedule(np.array(step, "int64"))) for step in data["steps"]],
            "serialized": keras.optimizers.schedules.serialize(schedule),
        }
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def keras_results() -> dict:
    pytest.importorskip("keras")
    completed = subprocess.run(
        [sys.executable, "-c", KERAS_SCRIPT],
        input=json.dumps({"schedules": SCHEDULES, "steps": STEPS}),
        capture_output=True,
        text=True,
        timeout=300,
        env={"KERAS_BACKEND": "numpy", "PATH": "", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _make(name: str) -> schedules.LearningRateSchedule:
    class_name, config = SCHEDULES[name]
    return getattr(schedules, class_name)(**config)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_matches_keras(backend: Any, keras_results: dict, name: str) -> None:
    schedule = _make(name)
    got = [float(keras.ops.convert_to_numpy(schedule(keras.ops.convert_to_tensor(step, "int32")))) for step in STEPS]
    np.testing.assert_allclose(got, keras_results[name]["values"], rtol=1e-5, atol=1e-7, err_msg=name)
    # Python integers too (as callbacks pass them).
    assert float(keras.ops.convert_to_numpy(schedule(STEPS[5]))) == pytest.approx(
        keras_results[name]["values"][5], rel=1e-5, abs=1e-7
    )


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_config_round_trips_and_reads_keras_configs(keras_results: dict, name: str) -> None:
    schedule = _make(name)
    config = schedule.get_config()
    assert config == keras_results[name]["serialized"]["config"]
    rebuilt = type(schedule).from_config(config)
    assert rebuilt.get_config() == config
    serialized = schedules.serialize(schedule)
    assert serialized["module"] == "keras.optimizers.schedules"
    assert serialized["class_name"] == keras_results[name]["serialized"]["class_name"]
    from_keras = schedules.deserialize(keras_results[name]["serialized"])
    assert type(from_keras) is type(schedule) and from_keras.get_config() == config
    assert keras.saving.deserialize_keras_object(json.loads(json.dumps(serialized))).get_config() == config


def test_schedule_runs_inside_a_compiled_function(backend: Any) -> None:
    schedule = schedules.CosineDecay(0.0, 8, warmup_target=0.2, warmup_steps=4)
    expected = [float(keras.ops.convert_to_numpy(schedule(step))) for step in (1, 6)]
    if backend.name == "jax":
        import jax

        compiled = jax.jit(schedule)
    elif backend.name == "tensorflow":
        import tensorflow as tf

        compiled = tf.function(schedule)
    elif backend.name == "torch":
        pytest.skip("torch runs steps eagerly: there is no graph compilation of a bare function to check.")
    else:
        pytest.skip(f"no compiler known for backend {backend.name!r}")
    got = [float(keras.ops.convert_to_numpy(compiled(keras.ops.convert_to_tensor(s, "int32")))) for s in (1, 6)]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_optimizer_with_schedule_round_trips(backend: Any) -> None:
    schedule = schedules.PiecewiseConstantDecay([2], [0.1, 0.01])
    optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.5)
    config = keras.optimizers.serialize(optimizer)
    rebuilt = keras.optimizers.deserialize(json.loads(json.dumps(config)))
    assert isinstance(rebuilt._schedule, schedules.PiecewiseConstantDecay)
    assert rebuilt.get_config() == optimizer.get_config()
    variable = keras.Variable(np.ones(2, "float32"))
    for _ in range(3):
        rebuilt.apply([keras.ops.ones((2,))], [variable])
    assert float(keras.ops.convert_to_numpy(rebuilt.learning_rate)) == pytest.approx(0.01)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
        (lambda: schedules.PolynomialDecay(0.1, -1), "decay_steps"),
        (lambda: schedules.InverseTimeDecay(0.1, 0, 0.5), "decay_steps"),
        (lambda: schedules.CosineDecay(0.1, 0), "decay_steps"),
        (lambda: schedules.CosineDecayRestarts(0.1, 0), "first_decay_steps"),
        (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1]), "boundaries"),
    ],
)
def test_invalid_arguments_fail_at_construction(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_base_class_requires_call_and_config() -> None:
    class Constant(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match="__call__"):
        Constant()(0)
    with pytest.raises(NotImplementedError, match="get_config"):
        Constant().get_config()
