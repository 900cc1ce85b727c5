"""Every metric against Keras 3 on fixed inputs with sample weights: two batches, then a reset."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pytest

import lamina

sys.path.insert(0, os.path.dirname(__file__))
from metric_cases import CASES, batches_for, build_metric, keras_reference, run_case  # noqa: E402

CASE_IDS = [case[0] for case in CASES]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    pytest.importorskip("keras")
    return keras_reference()


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASE_IDS)
def test_metric_matches_keras_3(backend: Any, reference: dict, index: int) -> None:
    case_id, class_name, kwargs, kind = CASES[index]
    expected = reference[case_id]
    assert "error" not in expected, expected.get("error")
    got = run_case(lamina, class_name, kwargs, batches_for(index, kind))
    for stage in ("first", "both", "reset", "again"):
        np.testing.assert_allclose(
            np.asarray(got[stage]),
            np.asarray(expected[stage]),
            rtol=2e-4,
            atol=2e-5,
            err_msg=f"{case_id}: result {stage}",
        )


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASE_IDS)
def test_metric_config_round_trip(backend: Any, index: int) -> None:
    _, class_name, kwargs, _ = CASES[index]
    metric = build_metric(lamina, class_name, kwargs)
    config = metric.get_config()
    clone = type(metric).from_config(config)
    assert clone.get_config() == config
    assert clone.name == metric.name


def test_keras_config_keys_match(backend: Any) -> None:
    """The config keys of each metric are the ones Keras 3 writes (so .keras files load)."""
    pytest.importorskip("keras")
    import json
    import subprocess
    import textwrap

    script = textwrap.dedent(
        """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import keras
        from metric_cases import CASES, build_metric
        print(json.dumps({c[0]: sorted(build_metric(keras, c[1], c[2]).get_config()) for c in CASES}))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, os.path.dirname(os.path.abspath(__file__))],
        capture_output=True,
        text=True,
        timeout=300,
        env={"KERAS_BACKEND": "numpy", "PATH": os.environ.get("PATH", "")},
        cwd="/",
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    keras_keys = json.loads(completed.stdout.strip().splitlines()[-1])
    for case_id, class_name, kwargs, _ in CASES:
        ours = sorted(build_metric(lamina, class_name, kwargs).get_config())
        assert ours == keras_keys[case_id], f"{case_id}: {ours} != {keras_keys[case_id]}"


@pytest.mark.parametrize(
    "name,expected_class",
    [("auc", "AUC"), ("f1_score", "F1Score"), ("r2_score", "R2Score"), ("precision", "Precision"), ("bce", None)],
)
def test_get_by_name(backend: Any, name: str, expected_class: str | None) -> None:
    found = lamina.metrics.get(name)
    assert isinstance(found, lamina.metrics.Metric) or callable(found)
    if expected_class:
        assert type(found).__name__ == expected_class


def test_invalid_arguments_are_rejected_at_construction(backend: Any) -> None:
    with pytest.raises(ValueError, match="num_thresholds"):
        lamina.metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="curve"):
        lamina.metrics.AUC(curve="XYZ")
    with pytest.raises(ValueError, match="Threshold values"):
        lamina.metrics.Precision(thresholds=[1.5])
    with pytest.raises(ValueError, match="recall"):
        lamina.metrics.PrecisionAtRecall(recall=2.0)
    with pytest.raises(ValueError, match="average"):
        lamina.metrics.F1Score(average="median")
    with pytest.raises(ValueError, match="out of range"):
        lamina.metrics.IoU(num_classes=2, target_class_ids=[3])
    with pytest.raises(ValueError, match="class_aggregation"):
        lamina.metrics.R2Score(class_aggregation="sum")
