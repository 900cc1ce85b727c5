"""Metrics from `compile(weighted_metrics=...)` inside compiled train and test steps.

The model outputs its input unchanged (an identity Dense layer trained with
a learning rate of 0), so the metric sees exactly the fixed `y_pred` of each
case; `fit` and `evaluate` over two batches must give Keras 3's value after
those two batches.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pytest

import lamina

sys.path.insert(0, os.path.dirname(__file__))
from metric_cases import CASES, batches_for, build_metric, keras_reference  # noqa: E402

COMPILE_CASES = [(i, case) for i, case in enumerate(CASES) if case[3] != "values"]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    pytest.importorskip("keras")
    return keras_reference()


def _zero_loss(y_true: Any, y_pred: Any) -> Any:
    return lamina.ops.multiply(lamina.ops.mean(y_pred, axis=-1), 0.0)


def _identity_model(width: int) -> Any:
    inputs = lamina.Input((width,))
    outputs = lamina.layers.Dense(width, use_bias=False, kernel_initializer="identity")(inputs)
    return lamina.Model(inputs, outputs)


@pytest.mark.parametrize("index,case", COMPILE_CASES, ids=[case[0] for _, case in COMPILE_CASES])
def test_metric_in_fit_and_evaluate(trainable_backend: Any, reference: dict, index: int, case: tuple) -> None:
    case_id, class_name, kwargs, kind = case
    batches = batches_for(index, kind)
    y_true = np.concatenate([b["y_true"] for b in batches])
    y_pred = np.concatenate([b["y_pred"] for b in batches])
    weights = np.concatenate([b["sample_weight"] for b in batches])
    x = y_pred.reshape(len(y_pred), -1)
    expected = np.asarray(reference[case_id]["both"])

    model = _identity_model(x.shape[1])
    metric = build_metric(lamina, class_name, kwargs)
    model.compile(optimizer=lamina.optimizers.SGD(0.0), loss=_zero_loss, weighted_metrics=[metric])
    history = model.fit(x, y_true, sample_weight=weights, batch_size=8, epochs=1, shuffle=False, verbose=0)
    name = next(key for key in history.history if key != "loss")
    np.testing.assert_allclose(np.asarray(history.history[name][0]), expected, rtol=2e-4, atol=2e-5)

    logs = model.evaluate(x, y_true, sample_weight=weights, batch_size=8, verbose=0, return_dict=True)
    name = next(key for key in logs if key != "loss")
    np.testing.assert_allclose(np.asarray(logs[name]), expected, rtol=2e-4, atol=2e-5)
