"""HashedCrossing: bins equal Keras's (`tf.sparse.cross_hashed`) for int and string features."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

INTS = np.array([1, 2, 3, -4, 0, 7, 2**40])
STRINGS = np.array(["A", "B", "C", "D", "", "a much longer string than sixteen bytes"])


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize(
    "features",
    [
        (INTS[:6], STRINGS),
        (INTS, INTS * 3),
        (STRINGS, STRINGS, INTS[:6]),
        (INTS[:6, None], STRINGS[:, None]),
        (np.array(7), np.array("x")),
        (INTS.astype("int32"), INTS.astype("int32")[::-1]),
    ],
    ids=["int-str", "int-int", "three", "column", "scalar", "int32"],
)
def test_bins_match_keras(backend: Any, keras: Any, features: tuple) -> None:
    layer = layers.HashedCrossing(num_bins=1000)
    assert_matches_keras(layer, features)
    one_hot = layers.HashedCrossing(num_bins=7, output_mode="one_hot")
    assert_matches_keras(one_hot, features)
    ids = _numpy(layers.HashedCrossing(num_bins=7)(features))
    np.testing.assert_array_equal(_numpy(one_hot(features)).argmax(-1), ids.reshape(np.shape(ids)[:1] or ()).squeeze())


def test_harness_and_output(backend: Any) -> None:
    layer = layers.HashedCrossing(num_bins=5)
    out = _numpy(layer((np.array([1, 2, 1]), np.array(["A", "B", "A"]))))
    assert out.shape == (3,) and out[0] == out[2] and np.all((out >= 0) & (out < 5))
    assert layer.get_config()["num_bins"] == 5
    again = layers.HashedCrossing.from_config(layer.get_config())
    np.testing.assert_array_equal(_numpy(again((np.array([1, 2, 1]), np.array(["A", "B", "A"])))), out)
    one_hot = layers.HashedCrossing(num_bins=5, output_mode="one_hot")
    assert tuple(one_hot((np.array([[1], [2]]), np.array([[3], [4]]))).shape) == (2, 5)
    assert one_hot.compute_output_shape(((None, 1), (None, 1))) == (None, 5)
    assert layer.compute_output_shape(((None, 1), (None, 1))) == (None, 1)
    # Many combinations spread over the bins.
    rng = np.random.default_rng(0)
    bins = _numpy(layers.HashedCrossing(num_bins=10)((rng.integers(0, 10**6, 2000), rng.integers(0, 10**6, 2000))))
    counts = np.bincount(bins, minlength=10)
    assert counts.min() > 150 and counts.max() < 250, counts


def test_layer_harness(backend: Any) -> None:
    # The harness feeds a single tensor; HashedCrossing takes a tuple, so only the config is round-tripped.
    run_layer_test(
        layers.HashedCrossing,
        {"num_bins": 3},
        input_data=(np.array([1, 2]), np.array([3, 4])),
        expected_output_shape=(2,),
        run_training_check=False,
    )


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="num_bins"):
        layers.HashedCrossing(num_bins=0)
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(num_bins=3, output_mode="multi_hot")
    with pytest.raises(ValueError, match="sparse"):
        layers.HashedCrossing(num_bins=3, sparse=True)
    layer = layers.HashedCrossing(num_bins=3)
    with pytest.raises(ValueError, match="list or tuple"):
        layer(np.array([1, 2]))
    with pytest.raises(ValueError, match="at least two"):
        layer((np.array([1, 2]),))
    with pytest.raises(ValueError, match="equal shape"):
        layer((np.array([1, 2]), np.array([1, 2, 3])))
    with pytest.raises(ValueError, match="shape"):
        layer((np.ones((2, 2), "int64"), np.ones((2, 2), "int64")))
    with pytest.raises(ValueError, match="integer or string"):
        layer((np.array([1.5, 2.0]), np.array([1, 2])))
