"""Each export format loads back in its own runtime, in a process without
Lamina, and predicts what the model predicts, at several batch sizes."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers

#: What each first-party backend exports to; every other pair must be refused.
PRODUCES = {
    "tensorflow": ("tf_saved_model", "onnx"),
    "jax": ("jax", "tf_saved_model"),
    "torch": ("torch", "onnx"),
}
FORMATS = ("tf_saved_model", "torch", "jax", "onnx")
#: The module each format's runtime needs, to load the artifact.
RUNTIME = {"tf_saved_model": "tensorflow", "torch": "torch", "jax": "jax", "onnx": "onnxruntime"}
#: Pairs whose exporter needs a package that may be missing in a one-backend environment.
EXPORT_NEEDS = {
    ("jax", "tf_saved_model"): ("tensorflow",),
    ("tensorflow", "onnx"): ("tf2onnx", "onnx"),
    ("torch", "onnx"): ("onnx", "onnxscript"),
}
BATCH_SIZES = (5, 2, 1)

LOADER = textwrap.dedent(
    """
    import sys
    import numpy as np

    fmt, path, data, out = sys.argv[1:5]
    inputs = np.load(data)
    results = {}
    if fmt == "tf_saved_model":
        import tensorflow as tf

        loaded = tf.saved_model.load(path)
        signature = loaded.signatures["serving_default"]
        name = list(signature.structured_input_signature[1])[0]
    elif fmt == "torch":
        import torch

        module = torch.export.load(path).module()
    elif fmt == "jax":
        from jax import export

        with open(path, "rb") as handle:
            exported = export.deserialize(bytearray(handle.read()))
    elif fmt == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
    for key in inputs.files:
        x = inputs[key]
        if fmt == "tf_saved_model":
            results[key] = loaded.serve(x).numpy()
            results["signature_" + key] = signature(**{name: tf.constant(x)})["output_0"].numpy()
        elif fmt == "torch":
            with torch.no_grad():
                results[key] = module(torch.from_numpy(x)).numpy()
        elif fmt == "jax":
            results[key] = np.asarray(exported.call(x))
        else:
            results[key] = session.run(None, {name: x})[0]
    assert "lamina" not in sys.modules and not any(m.startswith("lamina") for m in sys.modules)
    np.savez(out, **results)
    """
)


def make_model(recurrent: bool, cell: str = "LSTM") -> lamina.Model:
    """Conv2D, BatchNormalization (with moving statistics far from 0 and 1),
    Dropout and Dense; with `recurrent`, an LSTM (or `cell`) over the feature map's rows."""
    lamina.utils.set_random_seed(7)
    inputs = lamina.Input((8, 8, 3), name="image")
    x = layers.Conv2D(4, 3, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    if recurrent:
        x = getattr(layers, cell)(6)(layers.Reshape((8, 32))(x))
    else:
        x = layers.Flatten()(x)
    x = layers.Dropout(0.5)(x)
    model = lamina.Model(inputs, layers.Dense(3)(x), name="recurrent" if recurrent else "convolutional")
    norm = next(layer for layer in model.layers if isinstance(layer, layers.BatchNormalization))
    norm.moving_mean.assign(np.linspace(-0.5, 0.5, 4).astype("float32"))
    norm.moving_variance.assign(np.linspace(0.5, 2.0, 4).astype("float32"))
    return model


def run_in_runtime(fmt: str, artifact: Path, inputs: dict, tmp_path: Path) -> dict:
    if importlib.util.find_spec(RUNTIME[fmt]) is None:
        pytest.skip(f"The {fmt!r} runtime ({RUNTIME[fmt]}) is not installed, so the artifact cannot be loaded.")
    np.savez(tmp_path / "inputs.npz", **inputs)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
    completed = subprocess.run(
        [sys.executable, "-c", LOADER, fmt, str(artifact), str(tmp_path / "inputs.npz"), str(tmp_path / "out.npz")],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    with np.load(tmp_path / "out.npz") as stored:
        return {key: stored[key] for key in stored.files}


def check_round_trip(model: lamina.Model, fmt: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(max(BATCH_SIZES), 8, 8, 3)).astype("float32")
    inputs = {f"batch_{n}": x[:n] for n in BATCH_SIZES}
    expected = {key: model.predict(value, verbose=0) for key, value in inputs.items()}
    artifact = tmp_path / {"tf_saved_model": "saved_model", "torch": "model.pt2", "jax": "model.jax"}.get(fmt, "m.onnx")
    model.export(artifact, format=fmt, verbose=False)
    got = run_in_runtime(fmt, artifact, inputs, tmp_path)
    for key, want in expected.items():
        np.testing.assert_allclose(got[key], want, rtol=0, atol=1e-5, err_msg=f"{fmt}, {key}")
        if fmt == "tf_saved_model":
            np.testing.assert_allclose(got[f"signature_{key}"], want, rtol=0, atol=1e-5, err_msg=key)


def expect_refusal_or_missing_dependency(backend: Any, fmt: str, tmp_path: Path) -> bool:
    """True when `fmt` cannot come from `backend` here, after checking the error says why."""
    model = make_model(recurrent=False)
    if fmt not in PRODUCES[backend.name]:
        with pytest.raises(ValueError, match="can be exported to: " + ", ".join(sorted(PRODUCES[backend.name]))):
            model.export(tmp_path / "refused", format=fmt, verbose=False)
        return True
    missing = [m for m in EXPORT_NEEDS.get((backend.name, fmt), ()) if importlib.util.find_spec(m) is None]
    if missing:
        with pytest.raises(ImportError, match="pip install"):
            model.export(tmp_path / "missing", format=fmt, verbose=False)
        return True
    return False


@pytest.mark.parametrize("fmt", FORMATS)
def test_convolutional_model_round_trips(backend: Any, fmt: str, tmp_path: Path) -> None:
    if expect_refusal_or_missing_dependency(backend, fmt, tmp_path):
        return
    check_round_trip(make_model(recurrent=False), fmt, tmp_path)


#: Exports that cannot hold a recurrent layer, and why. (On TensorFlow an LSTM
#: over a short sequence of known length is unrolled in the graph, so tf2onnx
#: converts it; a GRU runs a tf.while_loop.)
RECURRENT_UNSUPPORTED = {
    ("tensorflow", "onnx", "GRU"): "tf2onnx cannot convert the tf.while_loop of recurrent layers",
}


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_recurrent_model_round_trips(backend: Any, fmt: str, cell: str, tmp_path: Path, request: Any) -> None:
    if expect_refusal_or_missing_dependency(backend, fmt, tmp_path):
        return
    model = make_model(recurrent=True, cell=cell)
    reason = RECURRENT_UNSUPPORTED.get((backend.name, fmt, cell))
    if reason:
        with pytest.raises(ValueError, match="Recurrent layers"):
            model.export(tmp_path / "lstm", format=fmt, verbose=False)
        return
    check_round_trip(model, fmt, tmp_path)
