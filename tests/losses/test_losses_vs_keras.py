"""Every loss against Keras 3 (NumPy backend, in a subprocess) on fixed inputs.

Each case runs the loss class with several reductions, with and without
`sample_weight`, and the function form on per-sample values.
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


def _inputs() -> dict[str, tuple]:
    rng = np.random.default_rng(11)

    def softmax(x: np.ndarray) -> np.ndarray:
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    def f32(x: Any) -> np.ndarray:
        return np.asarray(x, "float32")

    one_hot = np.eye(5, dtype="float32")[rng.integers(0, 5, size=4)]
    embeddings = rng.normal(size=(6, 4))
    embeddings /= np.linalg.norm(embeddings, axis=-1, keepdims=True)
    ctc_labels = np.array([[1, 2, 2, 0], [3, 1, 4, 2]], "int32")
    return {
        "regression": (f32(rng.normal(size=(4, 3))), f32(rng.normal(size=(4, 3)))),
        "regression_3d": (f32(rng.normal(size=(4, 3, 2))), f32(rng.normal(size=(4, 3, 2)))),
        "positive": (f32(rng.uniform(0.0, 2.0, size=(4, 3))), f32(rng.uniform(0.05, 2.0, size=(4, 3)))),
        "distributions": (f32(softmax(rng.normal(size=(4, 3)))), f32(softmax(rng.normal(size=(4, 3))))),
        "binary": (f32(rng.integers(0, 2, size=(4, 3))), f32(rng.uniform(0.05, 0.95, size=(4, 3)))),
        "binary_logits": (f32(rng.integers(0, 2, size=(4, 3))), f32(rng.normal(scale=2.0, size=(4, 3)))),
        "signs": (f32(rng.choice([-1.0, 1.0], size=(4, 3))), f32(rng.normal(size=(4, 3)))),
        "categorical": (one_hot, f32(softmax(rng.normal(size=(4, 5))))),
        "categorical_logits": (one_hot, f32(rng.normal(scale=2.0, size=(4, 5)))),
        "sparse": (np.array([0, 3, 4, 1], "int32"), f32(softmax(rng.normal(size=(4, 5))))),
        "sparse_column": (np.array([[0], [3], [4], [1]], "int32"), f32(rng.normal(size=(4, 5)))),
        "sparse_ignored": (np.array([0, -1, 4, -1], "int32"), f32(rng.normal(size=(4, 5)))),
        "sparse_sequence": (
            np.array([[1, 0, 2], [0, 0, 4], [3, 1, 0], [2, 2, 2]], "int32"),
            f32(rng.normal(size=(4, 3, 5))),
        ),
        "segmentation": (
            f32(rng.integers(0, 2, size=(4, 4, 4, 1))),
            f32(rng.uniform(0.0, 1.0, size=(4, 4, 4, 1))),
        ),
        "ctc": (ctc_labels, f32(rng.normal(size=(2, 7, 5)))),
        "circle": (np.array([0, 1, 0, 2, 1, 0], "int32"), f32(embeddings)),
    }


# name -> (class, class arguments, function, function arguments, inputs, sample weights)
CASES: dict[str, tuple] = {
    "mse": ("MeanSquaredError", {}, "mean_squared_error", {}, "regression", [0.5, 1.0, 2.0, 0.0]),
    "mae": ("MeanAbsoluteError", {}, "mean_absolute_error", {}, "regression", [0.5, 1.0, 2.0, 0.0]),
    "mape": (
        "MeanAbsolutePercentageError",
        {},
        "mean_absolute_percentage_error",
        {},
        "regression",
        [1.0, 0.2, 0.0, 3.0],
    ),
    "msle": ("MeanSquaredLogarithmicError", {}, "mean_squared_logarithmic_error", {}, "positive", [1.0, 2.0, 0.5, 0.5]),
    "cosine": ("CosineSimilarity", {}, "cosine_similarity", {}, "regression", [1.0, 2.0, 0.5, 0.5]),
    "cosine_axis_1": (
        "CosineSimilarity",
        {"axis": 1},
        "cosine_similarity",
        {"axis": 1},
        "regression_3d",
        None,
    ),
    "huber": ("Huber", {}, "huber", {}, "regression", [1.0, 2.0, 0.5, 0.0]),
    "huber_delta": ("Huber", {"delta": 0.3}, "huber", {"delta": 0.3}, "regression", [1.0, 2.0, 0.5, 0.0]),
    "log_cosh": ("LogCosh", {}, "log_cosh", {}, "regression", [1.0, 2.0, 0.5, 0.0]),
    "hinge": ("Hinge", {}, "hinge", {}, "signs", [1.0, 2.0, 0.5, 0.0]),
    "hinge_binary_labels": ("Hinge", {}, "hinge", {}, "binary_logits", [1.0, 2.0, 0.5, 0.0]),
    "squared_hinge": ("SquaredHinge", {}, "squared_hinge", {}, "binary_logits", [1.0, 2.0, 0.5, 0.0]),
    "categorical_hinge": ("CategoricalHinge", {}, "categorical_hinge", {}, "categorical_logits", [1.0, 2.0, 0.5, 0.0]),
    "kld": ("KLDivergence", {}, "kl_divergence", {}, "distributions", [1.0, 2.0, 0.5, 0.0]),
    "poisson": ("Poisson", {}, "poisson", {}, "positive", [1.0, 2.0, 0.5, 0.0]),
    "bce": ("BinaryCrossentropy", {}, "binary_crossentropy", {}, "binary", [1.0, 2.0, 0.5, 0.0]),
    "bce_logits_smoothing": (
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "binary_crossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "binary_logits",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "bce_axis_0": ("BinaryCrossentropy", {"axis": 0}, "binary_crossentropy", {"axis": 0}, "binary", None),
    "focal_bce": ("BinaryFocalCrossentropy", {}, "binary_focal_crossentropy", {}, "binary", [1.0, 2.0, 0.5, 0.0]),
    "focal_bce_options": (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
        "binary_focal_crossentropy",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
        "binary_logits",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "cce": ("CategoricalCrossentropy", {}, "categorical_crossentropy", {}, "categorical", [1.0, 2.0, 0.5, 0.0]),
    "cce_logits_smoothing": (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.15},
        "categorical_crossentropy",
        {"from_logits": True, "label_smoothing": 0.15},
        "categorical_logits",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "cce_axis_0": (
        "CategoricalCrossentropy",
        {"axis": 0, "from_logits": True},
        "categorical_crossentropy",
        {"axis": 0, "from_logits": True},
        "categorical_logits",
        None,
    ),
    "focal_cce": (
        "CategoricalFocalCrossentropy",
        {},
        "categorical_focal_crossentropy",
        {},
        "categorical",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "focal_cce_options": (
        "CategoricalFocalCrossentropy",
        {"alpha": 0.5, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
        "categorical_focal_crossentropy",
        {"alpha": 0.5, "gamma": 1.5, "from_logits": True, "label_smoothing": 0.1},
        "categorical_logits",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "scce": (
        "SparseCategoricalCrossentropy",
        {},
        "sparse_categorical_crossentropy",
        {},
        "sparse",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "scce_logits_column": (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        "sparse_categorical_crossentropy",
        {"from_logits": True},
        "sparse_column",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "scce_ignore_class": (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": -1},
        "sparse_categorical_crossentropy",
        {"from_logits": True, "ignore_class": -1},
        "sparse_ignored",
        [1.0, 2.0, 0.5, 3.0],
    ),
    "scce_ignore_class_sequence": (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 0},
        "sparse_categorical_crossentropy",
        {"from_logits": True, "ignore_class": 0},
        "sparse_sequence",
        [[1.0, 2.0, 0.5], [3.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.5, 0.5, 2.0]],
    ),
    "generalized_ce": (
        "CategoricalGeneralizedCrossEntropy",
        {"q": 0.7},
        "categorical_generalized_cross_entropy",
        {"q": 0.7},
        "sparse",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "dice": ("Dice", {}, "dice", {}, "segmentation", None),
    "dice_per_image": ("Dice", {"axis": [1, 2, 3]}, "dice", {"axis": [1, 2, 3]}, "segmentation", [1.0, 2.0, 0.5, 0.0]),
    "tversky": (
        "Tversky",
        {"alpha": 0.3, "beta": 0.7, "axis": [1, 2, 3]},
        "tversky",
        {"alpha": 0.3, "beta": 0.7, "axis": [1, 2, 3]},
        "segmentation",
        [1.0, 2.0, 0.5, 0.0],
    ),
    "tversky_all_axes": ("Tversky", {}, "tversky", {}, "segmentation", None),
    "ctc": ("CTC", {}, "ctc", {}, "ctc", [1.0, 0.5]),
    "circle": ("Circle", {}, "circle", {}, "circle", [1.0, 2.0, 0.5, 0.0, 1.0, 1.0]),
    "circle_options": (
        "Circle",
        {"gamma": 32.0, "margin": 0.25, "remove_diagonal": False},
        "circle",
        {"gamma": 32.0, "margin": 0.25, "remove_diagonal": False},
        "circle",
        [1.0, 2.0, 0.5, 0.0, 1.0, 1.0],
    ),
}

VARIANTS = [
    ("sum_over_batch_size", False),
    ("sum_over_batch_size", True),
    ("sum", True),
    ("none", True),
    ("mean_with_sample_weight", True),
]

KERAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import keras

    data = json.loads(sys.stdin.read())
    inputs = {name: (np.array(t, dtype=dt), np.array(p, "float32")) for name, (t, dt, p) in data["inputs"].items()}
    def listed(x):
        return np.asarray(x, "float64").tolist()
    results = {}
    for name, (class_name, arguments, function, function_arguments, input_name, weights) in data["cases"].items():
        y_true, y_pred = inputs[input_name]
        out = {"variants": [], "function": None, "config": None}
        for reduction, weighted in data["variants"]:
            if weighted and weights is None:
                out["variants"].append(None)
                continue
            loss = getattr(keras.losses, class_name)(reduction=reduction, **arguments)
            sample_weight = np.array(weights, "float32") if weighted else None
            out["variants"].append(listed(loss(y_true, y_pred, sample_weight=sample_weight)))
        out["function"] = listed(getattr(keras.losses, function)(y_true, y_pred, **function_arguments))
        out["config"] = keras.losses.serialize(getattr(keras.losses, class_name)(**arguments))
        results[name] = out
    print(json.dumps(results))
    """
)


def _payload() -> dict:
    inputs = {name: (t.tolist(), str(t.dtype), p.tolist()) for name, (t, p) in _inputs().items()}
    return {"inputs": inputs, "cases": CASES, "variants": VARIANTS}


@pytest.fixture(scope="module")
def keras_results() -> dict:
    pytest.importorskip("keras")
    completed = subprocess.run(
        [sys.executable, "-c", KERAS_SCRIPT],
        input=json.dumps(_payload()),
        capture_output=True,
        text=True,
        timeout=600,
        env={"KERAS_BACKEND": "numpy", "PATH": "", "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _tolerance(name: str) -> dict:
    # Circle's gamma multiplies float32 distances by up to 80 before a logsumexp.
    return {"rtol": 2e-4, "atol": 2e-4} if name.startswith("circle") else {"rtol": 1e-5, "atol": 1e-5}


@pytest.mark.parametrize("name", list(CASES))
def test_loss_class_matches_keras(backend: Any, keras_results: dict, name: str) -> None:
    class_name, arguments, _, _, input_name, weights = CASES[name]
    y_true, y_pred = _inputs()[input_name]
    expected = keras_results[name]["variants"]
    for (reduction, weighted), reference in zip(VARIANTS, expected):
        if reference is None:
            continue
        loss = getattr(keras.losses, class_name)(reduction=reduction, **arguments)
        sample_weight = np.array(weights, "float32") if weighted else None
        got = keras.ops.convert_to_numpy(loss(y_true, y_pred, sample_weight=sample_weight))
        np.testing.assert_allclose(
            got, np.array(reference), err_msg=f"{name}: reduction={reduction}, weighted={weighted}", **_tolerance(name)
        )
    # Tensors in, as a training step passes them.
    loss = getattr(keras.losses, class_name)(**arguments)
    got = loss(keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(y_pred))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), np.array(expected[0]), **_tolerance(name))


@pytest.mark.parametrize("name", list(CASES))
def test_loss_function_matches_keras(backend: Any, keras_results: dict, name: str) -> None:
    _, _, function, function_arguments, input_name, _ = CASES[name]
    y_true, y_pred = _inputs()[input_name]
    got = getattr(keras.losses, function)(keras.ops.convert_to_tensor(y_true), y_pred, **function_arguments)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(got), np.array(keras_results[name]["function"]), **_tolerance(name)
    )


@pytest.mark.parametrize("name", list(CASES))
def test_loss_config_round_trips_and_reads_keras_configs(keras_results: dict, name: str) -> None:
    class_name, arguments, _, _, _, _ = CASES[name]
    loss = getattr(keras.losses, class_name)(**arguments)
    reference = keras_results[name]["config"]
    ours = keras.losses.serialize(loss)
    assert ours["class_name"] == reference["class_name"] and ours["module"] == reference["module"]
    # Lamina also writes `axis` (CosineSimilarity, SparseCategoricalCrossentropy) and `delta` (Huber),
    # which Keras's constructors accept but its configs leave out.
    extra = set(ours["config"]) - set(reference["config"])
    assert extra <= {"axis", "delta"}, extra
    assert {key: ours["config"][key] for key in reference["config"]} == json.loads(json.dumps(reference["config"]))
    rebuilt = keras.losses.deserialize(json.loads(json.dumps(ours)))
    assert type(rebuilt) is type(loss) and rebuilt.get_config() == loss.get_config()
    from_keras = keras.losses.deserialize(reference)
    assert type(from_keras) is type(loss)
    assert {key: from_keras.get_config()[key] for key in reference["config"]} == json.loads(
        json.dumps(reference["config"])
    )
