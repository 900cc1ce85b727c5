"""`DataParallel` on two CPU workers trains exactly as one device does, on every backend.

Each case runs `data_parallel_worker.py` in fresh processes with its own
environment, so that the devices exist before the framework starts:

- torch: two processes over gloo, started by `python -m
  lamina.distribution.launch` (which wraps `torch.distributed.run`);
- JAX: one process with two CPU devices (`XLA_FLAGS`), and two processes
  joined by `jax.distributed` (CPU collectives over gloo);
- TensorFlow: one process with two logical CPU devices (a
  `MirroredStrategy`), and two processes over localhost (a
  `MultiWorkerMirroredStrategy`).

The worker trains the same model (fixed initial weights, SGD, no dropout,
`shuffle=False`) on the same global batches with and without the
distribution; the tests compare what it wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lamina.testing.pytest_plugin import selected_backends

WORKER = Path(__file__).with_name("data_parallel_worker.py")
TOLERANCE = 1e-5

# (backend, how the two workers are made)
CASES = [
    ("torch", "processes"),
    ("jax", "devices"),
    ("jax", "processes"),
    ("tensorflow", "devices"),
    ("tensorflow", "processes"),
]
IDS = [f"{backend}-{mode}" for backend, mode in CASES]

_runs: dict = {}


def _environment(backend: str, mode: str) -> dict:
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("LAMINA_DISTRIBUTION_", "KERAS_DISTRIBUTION_")) or name in ("TF_CONFIG", "XLA_FLAGS"):
            del env[name]
    env.update(
        {
            "LAMINA_BACKEND": backend,
            "OMP_NUM_THREADS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            # These are the CPU cases, whatever accelerators the machine has.
            "CUDA_VISIBLE_DEVICES": "",
            "JAX_PLATFORMS": "cpu",
        }
    )
    if backend == "jax" and mode == "devices":
        env["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    return env


def _run(backend: str, mode: str, out_dir: Path) -> list[dict]:
    """Runs the worker for one case; returns each process's results, the chief's first."""
    arguments = [str(WORKER), str(out_dir)]
    if mode == "processes":
        command = [sys.executable, "-m", "lamina.distribution.launch", "--nproc", "2", *arguments]
    else:
        command = [sys.executable, *arguments]
    completed = subprocess.run(
        command, env=_environment(backend, mode), capture_output=True, text=True, timeout=300, cwd=out_dir
    )
    assert completed.returncode == 0, (
        f"{' '.join(command)} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-6000:]}"
    )
    files = sorted(out_dir.glob("process_*.json"))
    return [json.loads(path.read_text()) for path in files]


@pytest.fixture(params=CASES, ids=IDS)
def case(request: Any, tmp_path_factory: Any) -> tuple[str, str, Path, list[dict]]:
    backend, mode = request.param
    if backend not in selected_backends(request.config):
        pytest.skip(f"the {backend!r} backend is not installed or not selected (--lamina-backend)")
    if request.param not in _runs:
        out_dir = tmp_path_factory.mktemp(f"{backend}-{mode}")
        _runs[request.param] = (out_dir, _run(backend, mode, out_dir))
    out_dir, results = _runs[request.param]
    return backend, mode, out_dir, results


def _close(got: Any, expected: Any) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype="float64"), np.asarray(expected, dtype="float64"), atol=TOLERANCE)


def test_two_workers(case: tuple) -> None:
    backend, mode, _, results = case
    expected_processes = 2 if mode == "processes" else 1
    assert [r["process_id"] for r in results] == list(range(expected_processes))
    for result in results:
        assert result["num_processes"] == expected_processes
        assert result["num_replicas"] == 2
        # JAX numbers devices globally (the second process's CPU is "cpu:2048").
        assert len(set(result["devices"])) == 2 and all(d.startswith("cpu:") for d in result["devices"])
        assert result["devices"] == results[0]["devices"]


def test_each_replica_gets_a_shard(case: tuple) -> None:
    backend, _, _, results = case
    for result in results:
        if backend == "jax":
            # One program over the global batch, laid out over both devices.
            assert result["seen"] == ["devices=2 replicated=False"]
        else:
            # Each replica's step sees half of every batch of 8.
            assert result["seen"] == ["rows=4"]
    if backend == "jax":
        assert results[0]["reference_seen"] == ["devices=1 replicated=True"]  # the chief's run on one device


@pytest.mark.parametrize("batches", ["even", "uneven"])
def test_fit_ends_with_single_device_weights(case: tuple, batches: str) -> None:
    _, _, _, results = case
    reference = results[0][f"reference_{batches}"]
    for result in results:  # every process holds the same weights
        assert len(result[batches]["weights"]) == len(reference["weights"])
        for got, expected in zip(result[batches]["weights"], reference["weights"]):
            _close(got, expected)
        # (The chief's history also has the learning rate its scheduler logged.)
        for name in ("loss", "mae"):
            _close(result[batches]["history"][name], reference["history"][name])


def test_evaluate_and_predict_match_single_device(case: tuple) -> None:
    _, _, _, results = case
    reference = results[0]["reference_even"]
    for result in results:
        assert result["even"]["evaluate"].keys() == reference["evaluate"].keys()
        for name, value in reference["evaluate"].items():
            _close(result["even"]["evaluate"][name], value)
        _close(result["even"]["predict"], reference["predict"])


def test_only_the_chief_writes_checkpoints(case: tuple) -> None:
    _, _, out_dir, _ = case
    assert sorted(path.name for path in out_dir.glob("checkpoint_*")) == ["checkpoint_0.weights.h5"]
    # Also mid-epoch (`save_freq`), where the callback brings the weights up to date on the chief alone.
    assert sorted(path.name for path in out_dir.glob("mid_epoch_*")) == ["mid_epoch_0.weights.h5"]


def test_replicas_agree_with_batch_normalization(case: tuple) -> None:
    """Each replica normalizes with its shard's statistics; the averaged gradients keep the weights equal."""
    _, _, _, results = case
    for result in results[1:]:
        for got, expected in zip(result["normalized_trainable"], results[0]["normalized_trainable"]):
            _close(got, expected)
    assert all(np.isfinite(np.asarray(w)).all() for w in results[0]["normalized_weights"])


def test_the_chiefs_decision_to_stop_reaches_every_process(case: tuple) -> None:
    _, _, _, results = case
    assert [result["steps_before_stop"] for result in results] == [2] * len(results)
