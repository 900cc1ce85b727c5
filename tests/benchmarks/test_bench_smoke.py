"""The benchmark runner keeps working: `benchmarks/run.py --smoke`, one backend per test.

The runner starts its own processes (one per backend, with its own thread
settings), so these tests are parametrized over the installed backends
directly rather than through the `backend` fixture. No timing is asserted:
only that every workload has a positive rate for every contender.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "benchmarks" / "run.py"
WORKLOADS = ("mlp", "convnet", "lstm", "transformer")
PLUGINS = {
    "jax": ("jax", "lamina_jax"),
    "torch": ("torch", "lamina_torch"),
    "tensorflow": ("tensorflow", "lamina_tensorflow"),
}
INSTALLED = [b for b, mods in PLUGINS.items() if all(importlib.util.find_spec(m) for m in mods)]
HAS_KERAS = importlib.util.find_spec("keras") is not None


@pytest.mark.parametrize("backend_name", INSTALLED)
def test_smoke_run_reports_every_workload_and_contender(backend_name: str, tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "--smoke", "--backends", backend_name, "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    data = results["backends"][backend_name]
    assert not data.get("errors"), data.get("errors")
    assert set(data["workloads"]) == set(WORKLOADS)
    for name, workload in data["workloads"].items():
        contenders = workload["contenders"]
        errors = {c: e for c, e in workload["errors"].items() if not (c == "keras" and not HAS_KERAS)}
        assert not errors, (name, errors)
        assert contenders["lamina"]["steps_per_s"] > 0, name
        natives = [c for c in contenders if c.startswith("native")]
        assert natives, f"{name}: no native loop ran"
        assert all(contenders[c]["steps_per_s"] > 0 for c in natives), name
        if HAS_KERAS:
            assert contenders["keras"]["steps_per_s"] > 0, name
            assert workload["summary"]["lamina_over_keras"] > 0
        assert workload["summary"]["lamina_over_native"] > 0
        assert workload["predict"]["lamina.predict_on_batch"] > 0
    assert data["imports"]["lamina"]["import"] > 0
    probe = data["probes"]["mlp"]["lamina"]
    assert probe["first_step_seconds"] > 0 and probe["peak_rss_mb"] > 0
    report = output.read_text()
    assert f"## {backend_name}" in report
    for name in WORKLOADS:
        assert f"| {name} (batch" in report


def test_runner_rejects_an_unknown_workload(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "--smoke", "--workloads", "mlp,resnet", "--output", str(tmp_path / "R.md")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode != 0
    assert "resnet" in proc.stderr
