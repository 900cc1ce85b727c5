"""lamina-numpy, installed with pip next to lamina and lamina-io and nothing else.

Runs in the plugin-kit session's NumPy-only environment, after
`train_reference.py` has trained and saved a model on torch (step a).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from kit_helpers import installed, lamina_cli, require

import lamina
from lamina import layers

FRAMEWORKS = ("torch", "jax", "tensorflow")


def test_environment_has_no_framework() -> None:
    require(installed("lamina_numpy"), "lamina-numpy is not installed")
    present = [name for name in FRAMEWORKS if installed(name)]
    require(not present, f"this environment has {', '.join(present)}; the check needs NumPy alone")
    assert not present


def test_lamina_plugins_lists_lamina_numpy() -> None:
    require(installed("lamina_numpy"), "lamina-numpy is not installed")
    result = lamina_cli("plugins")
    assert result.returncode == 0, result.stderr
    row = next((line for line in result.stdout.splitlines() if "lamina-numpy" in line), None)
    assert row is not None, f"`lamina plugins` does not list lamina-numpy:\n{result.stdout}"
    assert "backends: numpy" in row and "ok" in row, row


def test_conformance_suite_passes_on_numpy(tmp_path: Path) -> None:
    require(installed("lamina_numpy"), "lamina-numpy is not installed")
    # From an empty folder, as a plugin author runs it (no repository configuration).
    result = lamina_cli("conformance", "numpy", "-rs", cwd=tmp_path)
    output = result.stdout
    assert result.returncode == 0, f"`lamina conformance numpy` failed:\n{output[-4000:]}\n{result.stderr[-2000:]}"
    summary = re.search(r"(\d+) passed(.*) in [\d.]+s", output)
    assert summary is not None, output[-2000:]
    assert int(summary.group(1)) > 400 and "failed" not in summary.group(2) and "error" not in summary.group(2)
    # Only the training part may skip, and only because the backend is inference-only.
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert all("inference-only" in line for line in skips), "\n".join(skips)


def test_torch_trained_model_predicts_the_same_on_numpy(kit_dir: Path) -> None:
    """The DONE criterion: a model trained and saved on torch, loaded with
    LAMINA_BACKEND=numpy in a fresh process, predicts within 1e-5."""
    require(installed("lamina_numpy"), "lamina-numpy is not installed")
    require((kit_dir / "model.keras").exists(), f"no model trained on torch in {kit_dir} (step a)")
    script = textwrap.dedent(
        """
        import sys
        import numpy as np
        import lamina

        folder = sys.argv[1]
        model = lamina.models.load_model(folder + "/model.keras")
        predictions = model.predict(np.load(folder + "/x.npy"), verbose=0)
        np.save(folder + "/numpy_predictions.npy", predictions)
        print(lamina.config.backend(), model.backend.name)
        """
    )
    env = {**os.environ, "LAMINA_BACKEND": "numpy"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(kit_dir)], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["numpy", "numpy"]
    got = np.load(kit_dir / "numpy_predictions.npy")
    expected = np.load(kit_dir / "expected.npy")
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


def test_loaded_model_lives_on_numpy(numpy_backend: Any, kit_dir: Path) -> None:
    require((kit_dir / "model.keras").exists(), f"no model trained on torch in {kit_dir} (step a)")
    model = lamina.models.load_model(kit_dir / "model.keras")
    assert model.backend is numpy_backend
    assert all(isinstance(v, numpy_backend.Variable) for v in model.weights)
    assert {type(layer).__name__ for layer in model.layers} >= {
        "Conv2D",
        "BatchNormalization",
        "MaxPooling2D",
        "AveragePooling2D",
        "LSTM",
        "Dense",
    }
    x = np.load(kit_dir / "x.npy")
    # A direct call returns the backend's tensors; evaluate needs no gradients.
    output = model(x[:4], training=False)
    assert lamina.ops.is_tensor(output) and tuple(output.shape) == (4, 3)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    logs = model.evaluate(x, np.zeros(len(x), "int32"), verbose=0, return_dict=True)
    assert np.isfinite(logs["loss"])


def test_model_built_on_numpy_predicts(numpy_backend: Any) -> None:
    inputs = lamina.Input((6,))
    hidden = layers.Dense(5, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(2, name="out")(hidden)
    model = lamina.Model(inputs, outputs)
    assert model.output_shape == (None, 2)
    x = np.random.default_rng(0).normal(size=(7, 6)).astype("float32")
    w1, b1, w2, b2 = (v.numpy() for v in model.weights)
    expected = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)


def test_convolutional_recurrent_model_built_on_numpy(numpy_backend: Any) -> None:
    model = lamina.Sequential(
        [
            lamina.Input((8, 8, 2)),
            layers.Conv2D(4, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(2),
            layers.Reshape((4, 16)),
            layers.LSTM(3),
            layers.Dense(2, activation="softmax"),
        ]
    )
    predictions = model.predict(np.ones((5, 8, 8, 2), "float32"), batch_size=2, verbose=0)
    assert predictions.shape == (5, 2)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-6)


def test_fit_says_the_backend_is_inference_only(numpy_backend: Any) -> None:
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(NotImplementedError, match="inference-only"):
        model.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), verbose=0)


def test_tensors_follow_lamina_dtype_rules(numpy_backend: Any) -> None:
    x = lamina.ops.convert_to_tensor(np.arange(3, dtype="int32"))
    assert lamina.ops.is_tensor(x) and not lamina.ops.is_tensor(np.asarray(x))
    # NumPy alone would give float64 here; Lamina's promotion keeps float32.
    assert lamina.ops.dtype(x + 1.5) == "float32"
    assert lamina.ops.dtype(x / 2) == "float32"
    assert json.loads(json.dumps(lamina.ops.convert_to_numpy(x).tolist())) == [0, 1, 2]


def test_ops_beyond_the_conformance_cases(numpy_backend: Any) -> None:
    """Required ops that the conformance suite has no NumPy reference for."""
    import math

    from lamina import ops
    from lamina.backend import SymbolicTensor

    x = np.array([-0.999, -0.5, 0.0, 0.3, 0.9, 0.99999], "float32")
    inverse = ops.convert_to_numpy(ops.erfinv(x))
    np.testing.assert_allclose([math.erf(v) for v in inverse.astype("float64")], x, rtol=1e-6, atol=1e-7)
    edges = ops.convert_to_numpy(ops.erfinv(np.array([-1.0, 1.0, 1.5], "float32")))
    assert edges[0] == -np.inf and edges[1] == np.inf and np.isnan(edges[2])

    scores = np.array([[0.1, 0.7, 0.7, 0.2], [3.0, 1.0, 2.0, 0.0]], "float32")
    values, indices = ops.top_k(scores, 2)
    np.testing.assert_array_equal(ops.convert_to_numpy(values), np.array([[0.7, 0.7], [3.0, 2.0]], "float32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(indices), [[1, 2], [0, 2]])  # ties: lower index first
    assert ops.dtype(indices) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.in_top_k(np.array([3, 2]), scores, 2)), [False, True])

    assert [int(i) for i in ops.convert_to_numpy(ops.where(np.array([0, 3, 0, 1]) > 0)[0])] == [1, 3]
    parts = ops.unstack(np.arange(6, dtype="float32").reshape(2, 3), axis=1)
    assert len(parts) == 3 and all(ops.is_tensor(p) for p in parts)
    assert float(ops.cond(ops.convert_to_tensor(True), lambda: 1.0, lambda: 2.0)) == 1.0
    mean, variance = ops.moments(np.array([[1.0, 3.0], [5.0, 7.0]], "float32"), axes=[0])
    np.testing.assert_allclose(ops.convert_to_numpy(mean), [3.0, 5.0])
    np.testing.assert_allclose(ops.convert_to_numpy(variance), [4.0, 4.0])

    # Shape inference runs on zeros; singular zero matrices must not break it.
    matrices = SymbolicTensor((None, 3, 3))
    assert ops.inv(matrices).shape == (None, 3, 3)
    assert ops.det(matrices).shape == (None,)
    assert ops.solve(matrices, SymbolicTensor((None, 3, 2))).shape == (None, 3, 2)
    assert ops.cholesky(matrices).shape == (None, 3, 3)
