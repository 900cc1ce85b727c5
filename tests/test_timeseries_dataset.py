"""`lamina.utils.timeseries_dataset_from_array`: the windows, targets and batches of
Keras 3's function (whose tf.data dataset is the reference), usable by `fit`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina.utils import timeseries_dataset_from_array

DATA = np.arange(100 * 2, dtype="float32").reshape(100, 2)
TARGETS = np.arange(100, dtype="int32") * 10

CASES = [
    {"sequence_length": 5},
    {"sequence_length": 5, "sequence_stride": 3, "batch_size": 7},
    {"sequence_length": 4, "sampling_rate": 3, "batch_size": 16},
    {"sequence_length": 6, "start_index": 10, "end_index": 60, "batch_size": 8},
    {"sequence_length": 3, "batch_size": None},
]


def keras_batches(targets: Any, options: dict) -> list:
    keras = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    dataset = keras.utils.timeseries_dataset_from_array(DATA, targets, **options)
    return [tuple(np.asarray(t) for t in item) if isinstance(item, tuple) else np.asarray(item) for item in dataset]


@pytest.mark.parametrize("with_targets", [True, False])
@pytest.mark.parametrize("options", CASES, ids=str)
def test_same_batches_as_keras(options: dict, with_targets: bool) -> None:
    targets = TARGETS if with_targets else None
    ours = timeseries_dataset_from_array(DATA, targets, **options)
    theirs = keras_batches(targets, options)
    assert len(ours) == len(theirs)
    for index, want in enumerate(theirs):
        got = ours[index]
        if with_targets:
            np.testing.assert_array_equal(got[0], want[0])
            np.testing.assert_array_equal(got[1], want[1])
        else:
            np.testing.assert_array_equal(got, want)


def test_shuffle_is_seeded_and_keeps_every_window() -> None:
    first = timeseries_dataset_from_array(DATA, TARGETS, sequence_length=5, batch_size=10, shuffle=True, seed=3)
    again = timeseries_dataset_from_array(DATA, TARGETS, sequence_length=5, batch_size=10, shuffle=True, seed=3)
    targets = np.concatenate([first[i][1] for i in range(len(first))])
    np.testing.assert_array_equal(targets, np.concatenate([again[i][1] for i in range(len(again))]))
    assert sorted(targets.tolist()) == (np.arange(96) * 10).tolist()
    assert targets.tolist() != sorted(targets.tolist())
    windows = np.concatenate([first[i][0] for i in range(len(first))])
    np.testing.assert_array_equal(windows[:, 0, 0] * 5, targets)  # each window still starts at its target's step


def test_fit_on_every_backend(backend: Any) -> None:
    series = np.sin(np.arange(400, dtype="float32") / 10)[:, None]
    dataset = timeseries_dataset_from_array(series[:-5], series[5:, 0], sequence_length=5, batch_size=32)
    model = lamina.Sequential([lamina.Input((5, 1)), lamina.layers.LSTM(8), lamina.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(dataset, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(dataset, verbose=0).shape == (391, 1)


@pytest.mark.parametrize(
    "options,message",
    [
        ({"sequence_length": 0}, "sequence_length"),
        ({"sequence_length": 5, "sampling_rate": 0}, "sampling_rate"),
        ({"sequence_length": 5, "sequence_stride": 100}, "sequence_stride"),
        ({"sequence_length": 5, "start_index": 100}, "start_index"),
        ({"sequence_length": 5, "start_index": 20, "end_index": 10}, "end_index"),
        ({"sequence_length": 5, "batch_size": 0}, "batch_size"),
        ({"sequence_length": 5, "format": "torch"}, "format"),
    ],
)
def test_bad_arguments_name_the_argument(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        timeseries_dataset_from_array(DATA, TARGETS, **options)
