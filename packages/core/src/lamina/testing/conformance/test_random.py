"""Random ops: shapes, dtypes, ranges, statistics and seeding."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import random
from lamina.ops import convert_to_numpy


def test_normal_statistics(backend: Any) -> None:
    x = convert_to_numpy(random.normal((20000,), mean=1.0, stddev=2.0, seed=1))
    assert x.dtype == np.float32
    assert abs(x.mean() - 1.0) < 0.06 and abs(x.std() - 2.0) < 0.06


def test_uniform_range(backend: Any) -> None:
    x = convert_to_numpy(random.uniform((10000,), minval=-1.0, maxval=3.0, seed=2))
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 0.06


def test_truncated_normal_stays_within_two_stddevs(backend: Any) -> None:
    x = convert_to_numpy(random.truncated_normal((10000,), stddev=0.5, seed=3))
    assert np.abs(x).max() <= 1.0 + 1e-6


def test_randint(backend: Any) -> None:
    x = convert_to_numpy(random.randint((1000,), 2, 7, seed=4))
    assert x.dtype == np.int32 and x.min() >= 2 and x.max() <= 6 and len(set(x.tolist())) == 5


def test_int_seed_repeats_and_generator_advances(backend: Any) -> None:
    a = convert_to_numpy(random.normal((5,), seed=7))
    b = convert_to_numpy(random.normal((5,), seed=7))
    np.testing.assert_array_equal(a, b)
    generator = random.SeedGenerator(7)
    c = convert_to_numpy(random.normal((5,), seed=generator))
    d = convert_to_numpy(random.normal((5,), seed=generator))
    assert not np.array_equal(c, d)
    again = random.SeedGenerator(7)
    np.testing.assert_array_equal(c, convert_to_numpy(random.normal((5,), seed=again)))


def test_dropout_rate_and_scale(backend: Any) -> None:
    x = lamina.ops.ones((100, 100))
    y = convert_to_numpy(random.dropout(x, 0.25, seed=5))
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 0.03
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)


def test_dropout_noise_shape_broadcasts(backend: Any) -> None:
    x = lamina.ops.ones((8, 50))
    y = convert_to_numpy(random.dropout(x, 0.5, noise_shape=(1, 50), seed=6))
    assert (y == y[0]).all()


def test_shuffle_is_a_permutation(backend: Any) -> None:
    x = convert_to_numpy(random.shuffle(lamina.ops.arange(50), seed=8))
    assert sorted(x.tolist()) == list(range(50)) and x.tolist() != list(range(50))


def test_categorical(backend: Any) -> None:
    logits = np.log(np.array([[0.9, 0.1], [0.1, 0.9]], "float32"))
    x = convert_to_numpy(random.categorical(logits, 2000, seed=9))
    assert x.shape == (2, 2000)
    assert abs(x[0].mean() - 0.1) < 0.04 and abs(x[1].mean() - 0.9) < 0.04


def test_bad_seed_is_rejected(backend: Any) -> None:
    with pytest.raises(ValueError, match="seed"):
        random.normal((2,), seed="abc")
