"""Optimizer defaults and configs against Keras 3; config round trips; argument errors."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

import lamina as keras

CLASSES = [
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "Adamax",
    "Nadam",
    "Lion",
    "Adafactor",
    "Ftrl",
    "Lamb",
]

KERAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import keras

    results = {}
    for class_name in json.loads(sys.stdin.read()):
        cls = getattr(keras.optimizers, class_name)
        default = keras.optimizers.serialize(cls())
        custom = keras.optimizers.serialize(
            cls(
                learning_rate=keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9),
                global_clipnorm=2.0,
                weight_decay=0.01,
                use_ema=True,
                ema_momentum=0.9,
                ema_overwrite_frequency=5,
                loss_scale_factor=128.0,
                gradient_accumulation_steps=4,
            )
        )
        results[class_name] = {"default": default, "custom": custom}
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def keras_configs() -> dict:
    pytest.importorskip("keras")
    completed = subprocess.run(
        [sys.executable, "-c", KERAS_SCRIPT],
        input=json.dumps(CLASSES),
        capture_output=True,
        text=True,
        timeout=300,
        env={"KERAS_BACKEND": "numpy", "PATH": "", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _without_name(config: dict) -> dict:
    return {key: value for key, value in config.items() if key != "name"}


@pytest.mark.parametrize("class_name", CLASSES)
def test_defaults_and_config_keys_match_keras(keras_configs: dict, class_name: str) -> None:
    reference = keras_configs[class_name]["default"]
    ours = keras.optimizers.serialize(getattr(keras.optimizers, class_name)())
    assert ours["class_name"] == reference["class_name"]
    assert ours["module"] == reference["module"]
    assert _without_name(ours["config"]) == pytest.approx(_without_name(reference["config"]))
    assert ours["config"]["name"].split("_")[0] == reference["config"]["name"].split("_")[0]


@pytest.mark.parametrize("class_name", CLASSES)
def test_keras_configs_load_and_round_trip(keras_configs: dict, class_name: str) -> None:
    for kind in ("default", "custom"):
        reference = keras_configs[class_name][kind]
        optimizer = keras.optimizers.deserialize(json.loads(json.dumps(reference)))
        assert type(optimizer).__name__ == class_name
        config = keras.optimizers.serialize(optimizer)
        assert config["config"] == reference["config"], kind
        rebuilt = type(optimizer).from_config(optimizer.get_config())
        assert rebuilt.get_config() == optimizer.get_config()


@pytest.mark.parametrize("class_name", CLASSES)
def test_get_by_name(class_name: str) -> None:
    found = keras.optimizers.get(class_name.lower())
    assert type(found).__name__ == class_name
    assert type(keras.optimizers.get(class_name)).__name__ == class_name


def test_built_optimizer_config_keeps_the_current_learning_rate(backend: Any) -> None:
    optimizer = keras.optimizers.Lamb(0.01, use_ema=True, gradient_accumulation_steps=3)
    variable = keras.Variable(np.ones((2, 2), "float32"))
    optimizer.apply([keras.ops.ones((2, 2))], [variable])
    optimizer.learning_rate = 0.5
    rebuilt = keras.optimizers.Lamb.from_config(optimizer.get_config())
    assert rebuilt.get_config() == optimizer.get_config()
    assert rebuilt.get_config()["learning_rate"] == 0.5


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: keras.optimizers.SGD(gradient_accumulation_steps=1), "gradient_accumulation_steps"),
        (lambda: keras.optimizers.Adam(use_ema=True, ema_momentum=1.5), "ema_momentum"),
        (lambda: keras.optimizers.Adam(use_ema=True, ema_overwrite_frequency=0.5), "ema_overwrite_frequency"),
        (lambda: keras.optimizers.Adam(clipnorm=1.0, clipvalue=1.0), "Only one of"),
        (lambda: keras.optimizers.Adam(learning_rate="fast"), "learning_rate"),
        (lambda: keras.optimizers.Adam(loss_scale_factor=0.0), "loss_scale_factor"),
        (lambda: keras.optimizers.Adam(foo=1), "not recognized"),
        (lambda: keras.optimizers.Lion(beta_1=0.0), "beta_1"),
        (lambda: keras.optimizers.Ftrl(learning_rate_power=0.5), "learning_rate_power"),
        (lambda: keras.optimizers.Ftrl(initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (lambda: keras.optimizers.Ftrl(l1_regularization_strength=-1.0), "l1_regularization_strength"),
        (lambda: keras.optimizers.Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    ],
)
def test_invalid_arguments_fail_at_construction(make: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_scale_loss_and_unscaled_gradients(backend: Any) -> None:
    optimizer = keras.optimizers.SGD(1.0, loss_scale_factor=4.0)
    assert float(keras.ops.convert_to_numpy(optimizer.scale_loss(keras.ops.convert_to_tensor(2.0)))) == 8.0
    variable = keras.Variable(np.zeros(2, "float32"))
    optimizer.apply([keras.ops.convert_to_tensor(np.array([4.0, -8.0], "float32"))], [variable])
    np.testing.assert_allclose(variable.numpy(), [-1.0, 2.0])
    assert keras.optimizers.SGD().scale_loss(3.0) == 3.0


def test_exclude_from_weight_decay_by_variable_and_name(backend: Any) -> None:
    kernel = keras.Variable(np.ones(2, "float32"), name="kernel")
    bias = keras.Variable(np.ones(2, "float32"), name="bias")
    other = keras.Variable(np.ones(2, "float32"), name="other")
    optimizer = keras.optimizers.SGD(1.0, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    zeros = keras.ops.zeros((2,))
    optimizer.apply([zeros, zeros, zeros], [kernel, bias, other])
    np.testing.assert_allclose(kernel.numpy(), [0.5, 0.5])
    np.testing.assert_allclose(bias.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(other.numpy(), [1.0, 1.0])


def test_plain_callable_learning_rate_is_called_without_arguments(backend: Any) -> None:
    optimizer = keras.optimizers.SGD(lambda: 0.25)
    variable = keras.Variable(np.zeros(1, "float32"))
    optimizer.apply([keras.ops.ones((1,))], [variable])
    np.testing.assert_allclose(variable.numpy(), [-0.25])


def test_apply_errors_name_the_fix(backend: Any) -> None:
    optimizer = keras.optimizers.Nadam()
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([keras.ops.ones((2,))])
    known = keras.Variable(np.zeros(2, "float32"))
    optimizer.apply([keras.ops.ones((2,))], [known])
    with pytest.raises(ValueError, match="Create a new optimizer"):
        optimizer.apply([keras.ops.ones((2,))], [keras.Variable(np.zeros(2, "float32"))])
    with pytest.raises(ValueError, match="one gradient per variable"):
        optimizer.apply([keras.ops.ones((2,)), keras.ops.ones((2,))], [known])
    ema = keras.optimizers.SGD(use_ema=True)
    ema.apply([keras.ops.ones((2,))], [known])
    with pytest.raises(ValueError, match="moving averages"):
        ema.finalize_variable_values([known, known])
