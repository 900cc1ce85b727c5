"""Random ops on NumPy.

Lamina hands every random op a seed: a 2-element uint32 tensor made by
`lamina.random.SeedGenerator`. Each call builds a `np.random.Generator` from
it, so the same seed gives the same numbers and a SeedGenerator that
advances gives new ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.contract import RandomOps
from lamina_numpy.numpy_ops import shape_tuple
from lamina_numpy.tensor import NumpyTensor, array, np_dtype, wrap


def generator(seed: Any) -> np.random.Generator:
    """A NumPy Generator seeded from the 2-element `seed` tensor."""
    values = array(seed).reshape(-1)
    if values.size != 2 or values.dtype.kind not in "iu":
        raise ValueError(
            "A seed must be a tensor of 2 integers (from lamina.random.SeedGenerator). "
            f"Received: {values.tolist()} of dtype {values.dtype}"
        )
    return np.random.default_rng([int(v) & 0xFFFFFFFF for v in values])


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    wanted = np_dtype(dtype)
    if wanted.kind != "f":
        raise ValueError(
            f"random.{op} draws floats; expected a float dtype. Received: dtype={dtype}"
            + (" (use random.randint for integers)" if op == "uniform" else "")
        )
    return wanted


def _draw_dtype(dtype: np.dtype) -> str:
    """NumPy draws float32 or float64; half precision is drawn in float32 and cast."""
    return "float64" if dtype == np.float64 else "float32"


class NumpyRandomOps(RandomOps):
    """Random draws from a `numpy.random.Generator` seeded by each call's seed tensor."""

    def normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> NumpyTensor:
        wanted = _float_dtype(dtype, "normal")
        sample = generator(seed).standard_normal(shape_tuple(shape), dtype=_draw_dtype(wanted))
        return wrap((sample * stddev + mean).astype(wanted, copy=False))

    def uniform(
        self, shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> NumpyTensor:
        wanted = _float_dtype(dtype, "uniform")
        sample = generator(seed).random(shape_tuple(shape), dtype=_draw_dtype(wanted))
        return wrap((sample * (maxval - minval) + minval).astype(wanted, copy=False))

    def truncated_normal(
        self, shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Any = None
    ) -> NumpyTensor:
        wanted = _float_dtype(dtype, "truncated_normal")
        rng = generator(seed)
        draw = _draw_dtype(wanted)
        sample = rng.standard_normal(shape_tuple(shape), dtype=draw)
        outside = np.abs(sample) > 2.0
        while outside.any():  # re-draw values beyond two standard deviations
            sample[outside] = rng.standard_normal(int(outside.sum()), dtype=draw)
            outside = np.abs(sample) > 2.0
        return wrap((sample * stddev + mean).astype(wanted, copy=False))

    def randint(self, shape: Any, minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> NumpyTensor:
        wanted = np_dtype(dtype)
        draw = wanted if wanted.kind in "iu" else np.dtype("int64")
        sample = generator(seed).integers(int(minval), int(maxval), size=shape_tuple(shape), dtype=draw)
        return wrap(sample.astype(wanted, copy=False))

    def shuffle(self, x: Any, axis: int = 0, seed: Any = None) -> NumpyTensor:
        return wrap(generator(seed).permutation(array(x), axis=axis))

    def categorical(self, logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> NumpyTensor:
        logits = array(logits).astype("float64")
        if logits.ndim != 2:
            raise ValueError(f"`logits` must be 2-D (batch, num_classes). Received: logits.shape={logits.shape}")
        rng = generator(seed)
        with np.errstate(all="ignore"):
            weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
        cdf = np.cumsum(weights, axis=-1)
        cdf /= cdf[:, -1:]
        draws = rng.random((logits.shape[0], int(num_samples)))
        samples = np.stack([np.searchsorted(row, u, side="right") for row, u in zip(cdf, draws)])
        samples = np.minimum(samples, logits.shape[-1] - 1).reshape(logits.shape[0], int(num_samples))
        return wrap(samples.astype(np_dtype(dtype)))
