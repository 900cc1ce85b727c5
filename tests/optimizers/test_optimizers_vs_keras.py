"""Every optimizer and option against Keras 3 (NumPy backend, in a subprocess).

Five `optimizer.apply` calls on the same weights and gradients must leave
the weights, and every optimizer variable (slots, moving averages,
accumulators, counters, in Keras's order), within 1e-5 of Keras 3's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

import lamina as keras

STEPS = 5

# name -> (class name, constructor arguments)
OPTIMIZERS: dict[str, tuple[str, dict]] = {
    "sgd": ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "adam": ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    "adamw": ("AdamW", {"learning_rate": 0.05}),
    "rmsprop": ("RMSprop", {"learning_rate": 0.05, "momentum": 0.5, "centered": True}),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}),
    "adamax": ("Adamax", {"learning_rate": 0.05}),
    "nadam": ("Nadam", {"learning_rate": 0.05}),
    "lion": ("Lion", {"learning_rate": 0.01}),
    "adafactor": ("Adafactor", {"learning_rate": 0.1}),
    "adafactor_absolute": ("Adafactor", {"learning_rate": 0.01, "relative_step": False, "clip_threshold": 0.5}),
    "ftrl": (
        "Ftrl",
        {
            "learning_rate": 0.1,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.01,
            "beta": 0.1,
        },
    ),
    "lamb": ("Lamb", {"learning_rate": 0.05}),
}

SCHEDULE = {
    "class_name": "ExponentialDecay",
    "config": {"initial_learning_rate": 0.05, "decay_steps": 2, "decay_rate": 0.5},
}

# option -> (base-optimizer arguments, whether to call finalize_variable_values after the steps)
OPTIONS: dict[str, tuple[dict, bool]] = {
    "plain": ({}, False),
    "clipnorm": ({"clipnorm": 0.3}, False),
    "clipvalue": ({"clipvalue": 0.2}, False),
    "global_clipnorm": ({"global_clipnorm": 0.5}, False),
    "weight_decay": ({"weight_decay": 0.1}, False),
    "schedule": ({"learning_rate": "schedule"}, False),
    "use_ema": ({"use_ema": True, "ema_momentum": 0.8}, True),
    "ema_overwrite": ({"use_ema": True, "ema_momentum": 0.7, "ema_overwrite_frequency": 2}, False),
    "accumulation": ({"gradient_accumulation_steps": 2}, False),
    "accumulation_ema_decay": (
        {"gradient_accumulation_steps": 2, "use_ema": True, "weight_decay": 0.05, "clipnorm": 0.5},
        True,
    ),
    "loss_scale_factor": ({"loss_scale_factor": 8.0}, False),
}

CASES = [f"{name}:{option}" for name in OPTIMIZERS for option in OPTIONS]


def _problem() -> dict:
    rng = np.random.default_rng(7)
    return {
        "weights": [rng.normal(size=(3, 4)).tolist(), rng.normal(size=(4,)).tolist()],
        "grads": [[rng.normal(size=(3, 4)).tolist(), rng.normal(size=(4,)).tolist()] for _ in range(STEPS)],
    }


# Runs the same cases with Keras 3. It receives the problem, the optimizers and the options as JSON.
KERAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras

    data = json.loads(sys.stdin.read())
    results = {}
    for case in data["cases"]:
        name, option = case.split(":")
        class_name, arguments = data["optimizers"][name]
        extra, finalize = data["options"][option]
        arguments = dict(arguments, **extra)
        if arguments.get("learning_rate") == "schedule":
            arguments["learning_rate"] = keras.optimizers.schedules.deserialize(data["schedule"])
        if class_name == "AdamW" and "weight_decay" in extra:
            pass
        optimizer = getattr(keras.optimizers, class_name)(**arguments)
        variables = [keras.Variable(np.array(w, "float32"), name=f"w{i}") for i, w in enumerate(data["weights"])]
        for grads in data["grads"]:
            optimizer.apply([np.array(g, "float32") for g in grads], variables)
        if finalize:
            optimizer.finalize_variable_values(variables)
        results[case] = {
            "weights": [np.asarray(v.numpy(), "float64").tolist() for v in variables],
            "state": [np.asarray(v.numpy(), "float64").tolist() for v in optimizer.variables],
        }
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def keras_results() -> dict:
    pytest.importorskip("keras")
    payload = dict(_problem(), cases=CASES, optimizers=OPTIMIZERS, options=OPTIONS, schedule=SCHEDULE)
    completed = subprocess.run(
        [sys.executable, "-c", KERAS_SCRIPT],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=600,
        env={"KERAS_BACKEND": "numpy", "PATH": "", "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _make(case: str) -> tuple[Any, bool]:
    name, option = case.split(":")
    class_name, arguments = OPTIMIZERS[name]
    extra, finalize = OPTIONS[option]
    arguments = dict(arguments, **extra)
    if arguments.get("learning_rate") == "schedule":
        arguments["learning_rate"] = keras.optimizers.schedules.deserialize(SCHEDULE)
    return getattr(keras.optimizers, class_name)(**arguments), finalize


@pytest.mark.parametrize("case", CASES)
def test_apply_matches_keras(backend: Any, keras_results: dict, case: str) -> None:
    problem = _problem()
    optimizer, finalize = _make(case)
    variables = [keras.Variable(np.array(w, "float32"), name=f"w{i}") for i, w in enumerate(problem["weights"])]
    for grads in problem["grads"]:
        optimizer.apply([keras.ops.convert_to_tensor(np.array(g, "float32")) for g in grads], variables)
    if finalize:
        optimizer.finalize_variable_values(variables)
    expected = keras_results[case]
    for index, (variable, reference) in enumerate(zip(variables, expected["weights"])):
        np.testing.assert_allclose(
            variable.numpy(), np.array(reference), rtol=1e-5, atol=1e-5, err_msg=f"{case}: weight {index}"
        )
    state = optimizer.variables
    assert len(state) == len(expected["state"]), (
        f"{case}: {len(state)} optimizer variables, Keras has {len(expected['state'])}"
    )
    for variable, reference in zip(state, expected["state"]):
        np.testing.assert_allclose(
            variable.numpy().astype("float64"),
            np.array(reference),
            rtol=1e-5,
            atol=1e-5,
            err_msg=f"{case}: optimizer variable {variable.path}",
        )
