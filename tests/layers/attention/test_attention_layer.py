"""`Attention` and `AdditiveAttention`: harness, Keras 3 parity, masks, dropout, bad arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.backend import masking
from lamina.testing import assert_matches_keras, run_layer_test

QUERY_SHAPE = (2, 3, 4)
VALUE_SHAPE = (2, 5, 4)


def _inputs(with_key: bool = False, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    shapes = [QUERY_SHAPE, VALUE_SHAPE] + ([VALUE_SHAPE] if with_key else [])
    return [rng.normal(size=shape).astype("float32") for shape in shapes]


def _masks() -> list[np.ndarray]:
    query_mask = np.array([[True, True, False], [True, False, True]])
    value_mask = np.array([[True, True, True, False, False], [False, True, True, True, True]])
    return [query_mask, value_mask]


@pytest.mark.parametrize(
    "cls,kwargs,expected_weights",
    [
        (layers.Attention, {}, 0),
        (layers.Attention, {"use_scale": True}, 1),
        (layers.Attention, {"score_mode": "concat"}, 1),
        (layers.Attention, {"use_scale": True, "score_mode": "concat", "dropout": 0.5, "seed": 1}, 2),
        (layers.AdditiveAttention, {}, 1),
        (layers.AdditiveAttention, {"use_scale": False}, 0),
    ],
    ids=["dot", "dot_scale", "concat", "concat_scale_dropout", "additive", "additive_no_scale"],
)
def test_harness(backend: Any, cls: type, kwargs: dict, expected_weights: int) -> None:
    run_layer_test(
        cls,
        kwargs,
        input_shape=[QUERY_SHAPE, VALUE_SHAPE],
        expected_output_shape=QUERY_SHAPE,
        expected_output_dtype="float32",
        expected_num_trainable_weights=expected_weights,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1 if kwargs.get("dropout") else 0,
        supports_masking=True,
        run_training_check=expected_weights > 0,
    )


def test_harness_with_key_and_scores(backend: Any) -> None:
    query, value, key = _inputs(with_key=True)
    # (`expected_output_shape` takes one shape: the two outputs are checked here.)
    layer = run_layer_test(
        layers.Attention,
        {"use_scale": True},
        input_data=[query, value, key],
        call_kwargs={"return_attention_scores": True, "use_causal_mask": True},
        run_training_check=False,
    )
    output, scores = layer([query, value, key], return_attention_scores=True)
    assert tuple(output.shape) == QUERY_SHAPE and tuple(scores.shape) == (2, 3, 5)


@pytest.mark.parametrize(
    "cls,kwargs",
    [
        (layers.Attention, {}),
        (layers.Attention, {"use_scale": True}),
        (layers.Attention, {"score_mode": "concat"}),
        (layers.Attention, {"use_scale": True, "score_mode": "concat"}),
        (layers.AdditiveAttention, {}),
        (layers.AdditiveAttention, {"use_scale": False}),
    ],
    ids=["dot", "dot_scale", "concat", "concat_scale", "additive", "additive_no_scale"],
)
def test_matches_keras(backend: Any, cls: type, kwargs: dict) -> None:
    pytest.importorskip("keras")
    query, value, key = _inputs(with_key=True)
    mask = _masks()
    layer = cls(**kwargs)
    assert_matches_keras(layer, [query, value])
    # The same (built) layer, with a key, masks, the causal mask and the scores.
    assert_matches_keras(layer, [query, value, key], {"mask": mask})
    assert_matches_keras(layer, [query, value], {"use_causal_mask": True, "return_attention_scores": True})
    assert_matches_keras(
        layer, [query, value, key], {"mask": mask, "use_causal_mask": True, "return_attention_scores": True}
    )
    # Deterministic training mode (no dropout) is the same computation.
    assert_matches_keras(layer, [query, value], {"mask": mask, "training": True})


def test_masks_semantics(backend: Any) -> None:
    query, value = _inputs()
    query_mask, value_mask = _masks()
    layer = layers.Attention()
    output, scores = layer([query, value], mask=[query_mask, value_mask], return_attention_scores=True)
    output, scores = ops.convert_to_numpy(output), ops.convert_to_numpy(scores)
    # Masked values get no weight; each row still sums to one; masked queries output zeros.
    np.testing.assert_array_equal(scores * value_mask[:, None, :], scores)
    np.testing.assert_allclose(scores.sum(-1), np.ones((2, 3)), rtol=1e-6)
    np.testing.assert_array_equal(output[~query_mask], 0.0)
    # The causal mask: query i attends to values j <= i only.
    _, causal = layer([query, value], use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_array_equal(np.triu(ops.convert_to_numpy(causal)[0], k=1), 0.0)


def test_query_mask_propagates(backend: Any) -> None:
    query, value = _inputs()
    query_mask, value_mask = _masks()
    layer = layers.Attention()
    np.testing.assert_array_equal(
        ops.convert_to_numpy(layer.compute_mask([query, value], [query_mask, None])), query_mask
    )
    assert layer.compute_mask([query, value], None) is None
    # Masks attached to the inputs reach `call` and the query's mask the output.
    query_tensor, value_tensor = ops.convert_to_tensor(query), ops.convert_to_tensor(value)
    masking.set_mask(query_tensor, ops.convert_to_tensor(query_mask))
    masking.set_mask(value_tensor, ops.convert_to_tensor(value_mask))
    output = layer([query_tensor, value_tensor])
    expected = layer([query, value], mask=[query_mask, value_mask])
    np.testing.assert_allclose(ops.convert_to_numpy(output), ops.convert_to_numpy(expected), atol=1e-6)
    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(output)), query_mask)


def test_dropout_rate_and_seed(backend: Any) -> None:
    rng = np.random.default_rng(3)
    query = rng.normal(size=(4, 16, 8)).astype("float32")
    value = rng.normal(size=(4, 32, 8)).astype("float32")
    layer = layers.Attention(dropout=0.3, seed=7)
    inference = ops.convert_to_numpy(layer([query, value]))
    np.testing.assert_allclose(inference, ops.convert_to_numpy(layer([query, value], training=False)))
    _, weights = layer([query, value], training=True, return_attention_scores=True)
    _, reference = layer([query, value], return_attention_scores=True)
    weights, reference = ops.convert_to_numpy(weights), ops.convert_to_numpy(reference)
    dropped = weights == 0
    assert abs(dropped.mean() - 0.3) < 0.03
    # Kept weights are scaled by 1 / (1 - rate).
    np.testing.assert_allclose(weights[~dropped], reference[~dropped] / 0.7, rtol=1e-5, atol=1e-7)
    # Same seed, same draws.
    first = ops.convert_to_numpy(layers.Attention(dropout=0.3, seed=7)([query, value], training=True))
    second = ops.convert_to_numpy(layers.Attention(dropout=0.3, seed=7)([query, value], training=True))
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, inference)


def test_functional_model(backend: Any) -> None:
    import lamina

    query = lamina.Input((3, 4))
    value = lamina.Input((5, 4))
    output, scores = layers.AdditiveAttention()([query, value], return_attention_scores=True)
    assert output.shape == (None, 3, 4) and scores.shape == (None, 3, 5)
    model = lamina.Model([query, value], [output, scores])
    results = model.predict(_inputs(), verbose=0)
    assert results[0].shape == QUERY_SHAPE and results[1].shape == (2, 3, 5)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match="dropout"):
        layers.Attention(dropout=1.5)
    query, value = _inputs()
    layer = layers.Attention()
    with pytest.raises(ValueError, match="list of inputs"):
        layer(query)
    with pytest.raises(ValueError, match="length 2 or 3"):
        layer([query])
    with pytest.raises(ValueError, match="mask must be a list"):
        layer([query, value], mask=_masks()[0])
