"""`lamina.estimator`: train/evaluate/predict from input functions, checkpoints
in model_dir, resuming a killed run exactly, export, configuration errors."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina
from lamina.estimator import ModeKeys, RunConfig, model_to_estimator

sys.path.insert(0, os.path.dirname(__file__))
import estimator_models as em  # noqa: E402


def assert_same_weights(got: lamina.Model, want: lamina.Model, *, exact_state: bool = True) -> None:
    """Weights and optimizer slots within 1e-6; Dropout seeds and BN statistics exact.
    Without `exact_state`, weights and state within a relative 1e-5 and the optimizer's
    squared-gradient slots within 1e-4 (they square reordering noise)."""
    rtol, slot_rtol = (0, 0) if exact_state else (1e-5, 1e-4)
    for a, b in zip(got.get_weights(), want.get_weights()):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-6)
    for a, b in zip(got.non_trainable_variables, want.non_trainable_variables):
        if exact_state:
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        else:
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=1e-6)
    for a, b in zip(got.optimizer.variables, want.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=slot_rtol, atol=1e-6)


def uninterrupted(tmp_path: Path) -> lamina.estimator.Estimator:
    x, y = em.data()
    estimator = em.make_estimator(str(tmp_path / "uninterrupted"))
    estimator.train(lambda: (x, y), max_steps=em.MAX_STEPS)
    return estimator


class RaiseAfter(lamina.callbacks.Callback):
    def __init__(self, steps: int) -> None:
        super().__init__()
        self.steps = steps
        self.seen = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.seen += 1
        if self.seen == self.steps:
            raise KeyboardInterrupt("simulated crash")


def test_a_crashed_run_resumes_where_the_uninterrupted_run_ends(backend: Any, tmp_path: Path) -> None:
    reference = uninterrupted(tmp_path)
    x, y = em.data()
    model_dir = str(tmp_path / "interrupted")
    crashed = em.make_estimator(model_dir)
    with pytest.raises(KeyboardInterrupt):
        crashed.train(lambda: (x, y), max_steps=em.MAX_STEPS, hooks=[RaiseAfter(8)])
    assert crashed.latest_checkpoint().endswith("ckpt-6.keras") and crashed.global_step == 6
    resumed = em.make_estimator(model_dir)  # a fresh model, as after a restart
    resumed.train(lambda: (x, y), max_steps=em.MAX_STEPS)
    assert resumed.global_step == reference.global_step == em.MAX_STEPS
    assert_same_weights(resumed.model, reference.model)


def test_a_killed_process_resumes_where_the_uninterrupted_run_ends(backend: Any, tmp_path: Path) -> None:
    model_dir = tmp_path / "killed"
    script = Path(em.__file__)
    env = dict(os.environ, LAMINA_BACKEND=backend.name, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
    completed = subprocess.run(
        [sys.executable, str(script), backend.name, str(model_dir), "11"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert completed.returncode == 17, completed.stderr[-3000:]
    index = json.loads((model_dir / "checkpoint.json").read_text())
    assert index["global_step"] == 9 and index["train_call"] == {"start_step": 0, "steps": None, "max_steps": 17}
    assert index["checkpoints"] == ["ckpt-6.keras", "ckpt-9.keras"]  # keep_checkpoint_max=2
    x, y = em.data()
    resumed = em.make_estimator(str(model_dir))
    resumed.train(lambda: (x, y), max_steps=em.MAX_STEPS)
    reference = uninterrupted(tmp_path)
    assert resumed.global_step == em.MAX_STEPS
    assert json.loads((model_dir / "checkpoint.json").read_text())["train_call"] is None
    assert_same_weights(resumed.model, reference.model)


def test_steps_add_up_and_max_steps_is_a_ceiling(backend: Any, tmp_path: Path) -> None:
    x, y = em.data()
    estimator = em.make_estimator(str(tmp_path / "run"))
    estimator.train(lambda: (x, y), steps=4)
    estimator.train(lambda: (x, y), steps=4)
    assert estimator.global_step == 8
    assert int(estimator.model.optimizer.iterations.numpy()) == 8
    before = [w.copy() for w in estimator.model.get_weights()]
    estimator.train(lambda: (x, y), max_steps=5)  # already past: nothing to do
    assert estimator.global_step == 8
    for a, b in zip(estimator.model.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    estimator.train(lambda: (x, y))  # one pass over the 5 batches
    assert estimator.global_step == 13
    files = ["checkpoint.json", "ckpt-12.keras", "ckpt-12.state.npz", "ckpt-13.keras", "ckpt-13.state.npz"]
    assert sorted(os.listdir(tmp_path / "run")) == files


def test_a_new_estimator_starts_from_the_latest_checkpoint(backend: Any, tmp_path: Path) -> None:
    x, y = em.data()
    first = em.make_estimator(str(tmp_path / "run"))
    first.train(lambda: (x, y), steps=7)
    second = em.make_estimator(str(tmp_path / "run"))
    results = second.evaluate(lambda: (x, y))
    assert results["global_step"] == 7
    np.testing.assert_allclose(results["loss"], first.evaluate(lambda: (x, y))["loss"], rtol=1e-6)
    assert_same_weights(second.model, first.model)
    value = second.get_variable_value(second.get_variable_names()[0])
    np.testing.assert_array_equal(value, first.model.variables[0].numpy())


def test_predict_yields_one_example_at_a_time(backend: Any, tmp_path: Path) -> None:
    x, y = em.data()
    estimator = em.make_estimator(str(tmp_path / "run"))
    estimator.train(lambda: (x, y), steps=3)
    predictions = list(estimator.predict(lambda: x[:11]))
    assert len(predictions) == 11 and predictions[0].shape == (1,)
    np.testing.assert_allclose(np.stack(predictions), estimator.model.predict(x[:11], verbose=0), atol=1e-6)
    batches = list(estimator.predict(lambda: (x[:11], y[:11]), yield_single_examples=False))
    assert [len(batch) for batch in batches] == [8, 3]


def test_generators_resume_past_the_batches_already_used(backend: Any, tmp_path: Path) -> None:
    x, y = em.data()

    def input_fn(mode: str, params: dict) -> Any:
        assert mode == ModeKeys.TRAIN and params == {}
        return ((x[i : i + 4], y[i : i + 4]) for i in range(0, 40, 4))  # 10 batches, once

    reference = em.make_estimator(str(tmp_path / "reference"))
    reference.train(input_fn)
    assert reference.global_step == 10
    crashed = em.make_estimator(str(tmp_path / "crashed"))
    with pytest.raises(KeyboardInterrupt):
        crashed.train(input_fn, hooks=[RaiseAfter(5)])
    resumed = em.make_estimator(str(tmp_path / "crashed"))
    resumed.train(input_fn)
    assert resumed.global_step == 10
    assert_same_weights(resumed.model, reference.model)


def test_tf_data_datasets_are_input(backend: Any, tmp_path: Path) -> None:
    tf = pytest.importorskip("tensorflow", reason="tf.data needs TensorFlow, which is not installed here.")
    x, y = em.data()
    estimator = em.make_estimator(str(tmp_path / "run"))
    estimator.train(lambda: tf.data.Dataset.from_tensor_slices((x, y)).batch(10), max_steps=6)
    assert estimator.global_step == 6
    results = estimator.evaluate(lambda: tf.data.Dataset.from_tensor_slices((x, y)).batch(10), steps=2)
    assert results["global_step"] == 6 and np.isfinite(results["loss"])


def load_export(export_dir: str) -> Any:
    """A function running the exported model, loaded with its own runtime."""
    files = os.listdir(export_dir)
    if "saved_model.pb" in files:
        import tensorflow as tf

        loaded = tf.saved_model.load(export_dir)
        return lambda x: loaded.serve(x).numpy()
    if files == ["model.pt2"]:
        import torch

        module = torch.export.load(os.path.join(export_dir, "model.pt2")).module()
        return lambda x: module(torch.from_numpy(x)).detach().numpy()
    raise AssertionError(f"Unexpected export: {files}")


def test_export_saved_model_serves_the_latest_checkpoint(backend: Any, tmp_path: Path) -> None:
    x, y = em.data()
    estimator = em.make_estimator(str(tmp_path / "run"))
    estimator.train(lambda: (x, y), steps=5)
    fresh = em.make_estimator(str(tmp_path / "run"))  # exports the checkpoint, not its initial weights
    if backend.name == "jax" and importlib.util.find_spec("tensorflow") is None:
        with pytest.raises(ImportError, match="pip install"):
            fresh.export_saved_model(str(tmp_path / "export"))
        return
    export_dir = fresh.export_saved_model(str(tmp_path / "export"))
    assert os.path.dirname(export_dir) == str(tmp_path / "export") and os.path.basename(export_dir).isdigit()
    serve = load_export(export_dir)
    if backend.name == "torch":
        assert os.listdir(export_dir) == ["model.pt2"]  # torch cannot write SavedModels: its own format
    for batch in (7, 2):
        np.testing.assert_allclose(serve(x[:batch]), estimator.model.predict(x[:batch], verbose=0), atol=1e-5)
    second = fresh.export_saved_model(str(tmp_path / "export"))
    assert second != export_dir


def test_configuration_errors(backend: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at most one"):
        RunConfig(save_checkpoints_steps=10, save_checkpoints_secs=5)
    with pytest.raises(ValueError, match="keep_checkpoint_max"):
        RunConfig(keep_checkpoint_max=-1)
    assert RunConfig().save_checkpoints_secs == 600
    assert RunConfig(save_checkpoints_steps=4).replace(save_checkpoints_secs=9).save_checkpoints_steps is None
    uncompiled = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(1)])
    with pytest.raises(ValueError, match="compile"):
        model_to_estimator(uncompiled, model_dir=str(tmp_path / "a"))
    estimator = em.make_estimator(str(tmp_path / "b"))
    x, y = em.data()
    with pytest.raises(ValueError, match="both steps and max_steps"):
        estimator.train(lambda: (x, y), steps=1, max_steps=2)
    with pytest.raises(TypeError, match="input_fn"):
        estimator.train((x, y), steps=1)
    assert estimator.latest_checkpoint() is None and estimator.global_step == 0


def test_training_enters_the_distribution_scope(backend: Any, tmp_path: Path) -> None:
    class Strategy:
        entered = 0

        def scope(self) -> Any:
            import contextlib

            Strategy.entered += 1
            return contextlib.nullcontext()

    estimator = model_to_estimator(em.make_model(), model_dir=str(tmp_path / "d"), distribution=Strategy())
    x, y = em.data()
    estimator.train(lambda: (x, y), steps=2)
    assert Strategy.entered >= 1


def test_training_under_a_distribution_matches_plain_training(backend: Any, tmp_path: Path) -> None:
    """`distribution=` runs train/evaluate in its scope (one device here: same numbers)."""
    x, y = em.data()
    plain = uninterrupted(tmp_path)
    model = em.make_model()
    distributed = model_to_estimator(
        model,
        model_dir=str(tmp_path / "distributed"),
        config=em.config(),
        batch_size=em.BATCH_SIZE,
        distribution=lamina.distribution.DataParallel(),
    )
    distributed.train(lambda: (x, y), max_steps=em.MAX_STEPS)
    # tf.distribute's replica context reorders a few float sums (relative 1e-7 apart).
    assert_same_weights(distributed.model, plain.model, exact_state=False)
    assert distributed.evaluate(lambda: (x, y))["loss"] == pytest.approx(
        plain.evaluate(lambda: (x, y))["loss"], rel=1e-5
    )
