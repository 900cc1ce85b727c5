"""`GroupedQueryAttention`: harness, Keras 3 parity (masks, causal, scores, gate), bad arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.backend import masking
from lamina.saving import deserialize_keras_object, serialize_keras_object
from lamina.testing import run_layer_test
from lamina.testing.layer_test_case import keras_module, record_keras_comparison

BATCH, TARGET, SOURCE, DIM = 2, 4, 3, 6


def _data(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "query": rng.normal(size=(BATCH, TARGET, DIM)).astype("float32"),
        "value": rng.normal(size=(BATCH, SOURCE, DIM)).astype("float32"),
        "key": rng.normal(size=(BATCH, SOURCE, 5)).astype("float32"),
        "query_mask": np.array([[True, True, True, False], [True, False, True, True]]),
        "value_mask": np.array([[True, True, False], [True, False, True]]),
        "key_mask": np.array([[True, False, True], [True, True, True]]),
        # Every query keeps the first key: no query is left with nothing to attend to.
        "attention_mask": np.array(
            [[[1, 0, 1], [1, 1, 0], [1, 1, 0], [1, 0, 1]], [[1, 0, 1], [1, 0, 1], [1, 1, 1], [1, 1, 0]]], dtype=bool
        ),
    }


def _assert_matches_keras(layer: Any, query: np.ndarray, call_kwargs: dict, mask: np.ndarray | None = None) -> None:
    """`assert_matches_keras` for this layer (optionally on the unmasked query positions only).

    Keras 3 exports the class as `keras.layers.GroupQueryAttention` and cannot
    load the class name `GroupedQueryAttention` that Lamina's serializer
    writes (its `__name__`, as Keras's own class), so the config is renamed here.
    """
    keras = keras_module()
    ours = layer(query, **call_kwargs)
    config = serialize_keras_object(layer)
    config["class_name"] = "GroupQueryAttention"
    reference = keras.saving.deserialize_keras_object(config)
    reference(query, **call_kwargs)
    reference.set_weights(layer.get_weights())
    theirs = reference(query, **call_kwargs)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for got, want in zip(ours, theirs):
        got, want = ops.convert_to_numpy(got), np.asarray(keras.ops.convert_to_numpy(want))
        if mask is not None:
            got, want = got[mask], want[mask]
        record_keras_comparison(layer, got, want, 1e-5)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg="GroupedQueryAttention differs from Keras")


@pytest.mark.parametrize(
    "kwargs,weights",
    [
        ({"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}, 8),
        ({"head_dim": 3, "num_query_heads": 2, "num_key_value_heads": 1, "use_bias": False, "dropout": 0.5}, 4),
        ({"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 2, "use_gate": True}, 10),
    ],
    ids=["grouped", "multi_query_dropout", "gate"],
)
def test_harness(backend: Any, kwargs: dict, weights: int) -> None:
    data = _data()
    run_layer_test(
        layers.GroupedQueryAttention,
        kwargs,
        input_data=data["query"],
        call_kwargs={"value": data["value"]},
        expected_output_shape=(BATCH, TARGET, DIM),
        expected_output_dtype="float32",
        expected_num_trainable_weights=weights,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=1 if kwargs.get("dropout") else 0,
        supports_masking=True,
    )


def test_keras_name_and_config(backend: Any) -> None:
    assert layers.GroupQueryAttention is layers.GroupedQueryAttention
    layer = layers.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, sliding_window=3)
    config = serialize_keras_object(layer)
    # A config written by Keras (class name GroupQueryAttention) loads in Lamina.
    config["class_name"] = "GroupQueryAttention"
    revived = deserialize_keras_object(config)
    assert type(revived) is layers.GroupedQueryAttention
    assert revived.get_config() == layer.get_config()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2},
        {"head_dim": 2, "num_query_heads": 3, "num_key_value_heads": 1, "use_bias": False, "use_gate": True},
    ],
    ids=["grouped", "multi_query_gate"],
)
def test_matches_keras(backend: Any, kwargs: dict) -> None:
    keras_module()
    data = _data()
    query, value, key = data["query"], data["value"], data["key"]
    layer = layers.GroupedQueryAttention(**kwargs)
    for call_kwargs in (
        {},
        {"value_mask": data["value_mask"], "key_mask": data["key_mask"]},
        {"attention_mask": data["attention_mask"]},
        {"use_causal_mask": True},
        {"use_causal_mask": True, "attention_mask": data["attention_mask"], "value_mask": data["value_mask"]},
    ):
        call_kwargs = {"value": value, "key": key, **call_kwargs}
        _assert_matches_keras(layer, query, call_kwargs)
        _assert_matches_keras(layer, query, {**call_kwargs, "return_attention_scores": True})
    # A query mask: Keras's explicit path matches everywhere; its fused JAX kernel gives
    # fully masked queries uniform weights (Lamina: zeros), so compare the others there.
    masks = {"query_mask": data["query_mask"], "value_mask": data["value_mask"]}
    _assert_matches_keras(layer, query, {"value": value, "key": key, **masks, "return_attention_scores": True})
    _assert_matches_keras(layer, query, {"value": value, "key": key, **masks}, mask=data["query_mask"])


def test_sliding_window_and_attached_masks(backend: Any) -> None:
    keras_module()
    data = _data()
    query, value = data["query"], data["value"]
    layer = layers.GroupedQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, sliding_window=2)
    output, scores = layer(query, query, use_causal_mask=True, return_attention_scores=True)
    band = np.tril(np.triu(np.ones((TARGET, TARGET)), k=-1))
    np.testing.assert_array_equal(ops.convert_to_numpy(scores) * (1 - band), 0.0)
    _assert_matches_keras(layer, query, {"value": query, "use_causal_mask": True, "return_attention_scores": True})
    # Masks attached to the inputs are the default padding masks; the query's follows the output.
    query_tensor, value_tensor = ops.convert_to_tensor(query), ops.convert_to_tensor(value)
    masking.set_mask(query_tensor, ops.convert_to_tensor(data["query_mask"]))
    masking.set_mask(value_tensor, ops.convert_to_tensor(data["value_mask"]))
    layer = layers.GroupedQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    attached = layer(query_tensor, value_tensor)
    explicit = layer(query, value, query_mask=data["query_mask"], value_mask=data["value_mask"])
    np.testing.assert_allclose(ops.convert_to_numpy(attached), ops.convert_to_numpy(explicit), atol=1e-6)
    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(attached)), data["query_mask"])


def test_symbolic_scores_shape(backend: Any) -> None:
    import lamina

    query = lamina.Input((TARGET, DIM))
    value = lamina.Input((SOURCE, DIM))
    output, scores = layers.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)(
        query, value, return_attention_scores=True
    )
    assert output.shape == (None, TARGET, DIM) and scores.shape == (None, 4, TARGET, SOURCE)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="divisible"):
        layers.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=3)
    with pytest.raises(ValueError, match="num_key_value_heads=0"):
        layers.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=0)
    with pytest.raises(ValueError, match="head_dim=0"):
        layers.GroupedQueryAttention(head_dim=0, num_query_heads=4, num_key_value_heads=2)
    with pytest.raises(ValueError, match="sliding_window"):
        layers.GroupedQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2, sliding_window=-1)
    with pytest.raises(ValueError, match="Dropout is not supported when flash attention"):
        layers.GroupedQueryAttention(
            head_dim=2, num_query_heads=4, num_key_value_heads=2, dropout=0.2, flash_attention=True
        )
    with pytest.raises(TypeError):
        layers.GroupedQueryAttention(head_dim=2, num_query_heads=4)
