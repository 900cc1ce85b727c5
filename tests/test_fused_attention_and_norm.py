"""`ops.dot_product_attention` and `ops.layer_normalization` against NumPy on
every backend, in the configurations the fused kernels take (torch runs
`F.scaled_dot_product_attention` and `F.layer_norm`, JAX
`jax.nn.dot_product_attention`): masks of rank 2 to 4, a bias, causal
attention, fully masked rows, a value head size unlike the query's (the
composed default), several trailing axes, half precision."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import ops


def attention_reference(q: np.ndarray, k: np.ndarray, v: np.ndarray, bias=None, mask=None, scale=None, causal=False):
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k).astype("float64") * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= np.broadcast_to(mask, logits.shape)
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, v)


def tensors(rng: np.random.Generator) -> tuple:
    return tuple(rng.standard_normal((2, length, 3, 4)).astype("float32") for length in (5, 6, 6))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"scale": 0.3},
        {"mask": "random"},
        {"mask": "two_d"},
        {"mask": "one_row_empty"},
        {"bias": True},
        {"bias": True, "mask": "random"},
    ],
    ids=str,
)
def test_dot_product_attention(backend: Any, options: dict) -> None:
    rng = np.random.default_rng(0)
    q, k, v = tensors(rng)
    kwargs: dict = {"scale": options.get("scale")}
    if options.get("mask") == "random":
        kwargs["mask"] = rng.random((2, 1, 5, 6)) > 0.3
    elif options.get("mask") == "two_d":
        kwargs["mask"] = rng.random((5, 6)) > 0.3  # (query, key), broadcast over batch and heads
    elif options.get("mask") == "one_row_empty":
        mask = np.ones((2, 1, 5, 6), bool)
        mask[0, 0, 2] = False  # attends uniformly, as the composed default does (no NaN)
        kwargs["mask"] = mask
    if options.get("bias"):
        kwargs["bias"] = rng.standard_normal((2, 3, 5, 6)).astype("float32")
    got = ops.convert_to_numpy(ops.dot_product_attention(q, k, v, **kwargs))
    want = attention_reference(q, k, v, kwargs.get("bias"), kwargs.get("mask"), kwargs["scale"])
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_attention_with_a_larger_value_head(backend: Any) -> None:
    rng = np.random.default_rng(3)
    q, k, _ = tensors(rng)
    v = rng.standard_normal((2, 6, 3, 7)).astype("float32")
    got = ops.convert_to_numpy(ops.dot_product_attention(q, k, v))
    np.testing.assert_allclose(got, attention_reference(q, k, v), rtol=1e-4, atol=1e-5)


def test_causal_attention(backend: Any) -> None:
    q, k, v = (t[:, :5] for t in tensors(np.random.default_rng(1)))
    got = ops.convert_to_numpy(ops.dot_product_attention(q, k, v, is_causal=True))
    np.testing.assert_allclose(got, attention_reference(q, k, v, causal=True), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("axis", [-1, (-2, -1), (1, 2)])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_layer_normalization(backend: Any, axis: Any, dtype: str) -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4)).astype(dtype)
    axes = (axis,) if isinstance(axis, int) else axis
    shape = tuple(x.shape[a] for a in axes)
    gamma, beta = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    got = ops.convert_to_numpy(ops.layer_normalization(x, gamma, beta, axis=axis, epsilon=1e-3))
    assert str(got.dtype) == dtype
    x64 = x.astype("float64")
    mean, var = x64.mean(axes, keepdims=True), x64.var(axes, keepdims=True)
    want = (x64 - mean) / np.sqrt(var + 1e-3) * gamma.astype("float64") + beta.astype("float64")
    tolerance = 1e-5 if dtype == "float32" else 5e-3
    np.testing.assert_allclose(got.astype("float64"), want, rtol=tolerance, atol=tolerance)
