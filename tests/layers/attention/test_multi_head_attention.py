"""`MultiHeadAttention`: harness, Keras 3 parity (masks, causal, scores, attention axes), dropout, bad arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.backend import masking
from lamina.testing import assert_matches_keras, run_layer_test
from lamina.testing.layer_test_case import keras_module

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
        # Every query keeps the first key, so no query is left with nothing to attend to
        # (even with the causal, value and key masks); fully masked queries are tested apart.
        "attention_mask": np.array(
            [[[1, 0, 1], [1, 1, 0], [1, 1, 0], [1, 0, 1]], [[1, 0, 1], [1, 0, 1], [1, 1, 1], [1, 1, 0]]], dtype=bool
        ),
    }


def _keras_outputs(layer: Any, query: np.ndarray, call_kwargs: dict) -> list[np.ndarray]:
    """Keras 3's outputs for Lamina's (built) `layer`, with the same weights."""
    from lamina.saving import serialize_keras_object

    keras = keras_module()
    reference = keras.saving.deserialize_keras_object(serialize_keras_object(layer))
    reference(query, **call_kwargs)
    reference.set_weights(layer.get_weights())
    outputs = reference(query, **call_kwargs)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    return [np.asarray(keras.ops.convert_to_numpy(o)) for o in outputs]


@pytest.mark.parametrize(
    "kwargs,weights,seeds",
    [
        ({"num_heads": 2, "key_dim": 2}, 8, 0),
        ({"num_heads": 2, "key_dim": 2, "value_dim": 4, "use_bias": False, "dropout": 0.5, "seed": 1}, 4, 1),
        ({"num_heads": 2, "key_dim": 2, "use_gate": True, "output_shape": 5}, 10, 0),
    ],
    ids=["default", "no_bias_dropout", "gate_output_shape"],
)
def test_harness(backend: Any, kwargs: dict, weights: int, seeds: int) -> None:
    data = _data()
    output_dim = kwargs.get("output_shape", DIM)
    # The harness calls `layer(query, **call_kwargs)`: the value rides in call_kwargs.
    run_layer_test(
        layers.MultiHeadAttention,
        kwargs,
        input_data=data["query"],
        call_kwargs={"value": data["value"]},
        expected_output_shape=(BATCH, TARGET, output_dim),
        expected_output_dtype="float32",
        expected_num_trainable_weights=weights,
        expected_num_non_trainable_weights=0,
        expected_num_seed_generators=seeds,
        expected_num_losses=0,
        supports_masking=True,
    )


def test_weights_match_keras_layout(backend: Any) -> None:
    """Same weights, in the same order, with the same names and shapes as Keras's EinsumDense sublayers."""
    keras = keras_module()
    data = _data()
    for kwargs in (
        {"num_heads": 2, "key_dim": 3, "value_dim": 4, "use_gate": True, "output_shape": (2, 5)},
        {"num_heads": 3, "key_dim": 2, "attention_axes": (1, 2)},
    ):
        query = data["query"] if "output_shape" in kwargs else data["query"].reshape(BATCH, 2, 2, DIM)
        value = data["value"] if "output_shape" in kwargs else np.ones((BATCH, 3, 2, DIM), "float32")
        ours = layers.MultiHeadAttention(**kwargs, name="mha")
        ours(query, value, key=value)
        theirs = keras.layers.MultiHeadAttention(**kwargs, name="mha")
        # (Keras's fused path rejects value_dim != key_dim; the scores take its explicit path.)
        theirs(query, value, key=value, return_attention_scores=True)
        assert [(w.path, tuple(w.shape)) for w in ours.weights] == [(w.path, tuple(w.shape)) for w in theirs.weights]


@pytest.mark.parametrize(
    "kwargs,fused",
    [
        ({"num_heads": 2, "key_dim": 3}, True),
        ({"num_heads": 3, "key_dim": 2, "value_dim": 4, "use_bias": False, "output_shape": (2, 5)}, False),
        ({"num_heads": 2, "key_dim": 3, "use_gate": True, "sliding_window": 2}, False),
        ({"num_heads": 2, "key_dim": 3, "flash_attention": True}, True),
    ],
    ids=["default", "value_dim_output_shape", "gate_sliding_window", "flash_attention"],
)
def test_matches_keras(backend: Any, kwargs: dict, fused: bool) -> None:
    """Keras's explicit path (taken with `return_attention_scores=True`) always; its fused path where it applies.

    Keras's fused JAX kernel rejects `value_dim != key_dim`, and gives a
    query with nothing left to attend to (as the sliding window does here)
    uniform weights where Keras's explicit path and Lamina give zeros.
    """
    keras_module()
    data = _data()
    query, value, key = data["query"], data["value"], data["key"]
    layer = layers.MultiHeadAttention(**kwargs)
    for call_kwargs in (
        {},
        {"value_mask": data["value_mask"], "key_mask": data["key_mask"]},
        {"attention_mask": data["attention_mask"]},
        {"use_causal_mask": True},
        {"use_causal_mask": True, "attention_mask": data["attention_mask"], "value_mask": data["value_mask"]},
    ):
        call_kwargs = {"value": value, "key": key, **call_kwargs}
        if fused:
            assert_matches_keras(layer, query, call_kwargs)
        if not kwargs.get("flash_attention"):
            assert_matches_keras(layer, query, {**call_kwargs, "return_attention_scores": True})


def test_query_mask_matches_keras(backend: Any) -> None:
    """A query mask is the attention mask `query_mask[:, :, None]`.

    Keras reads the query mask only from the mask attached to the query
    tensor; Lamina also takes `query_mask=` (and defaults to the attached
    one). A masked query attends to nothing: Keras's explicit path (used
    with `return_attention_scores=True`) gives it all-zero weights, as
    Lamina always does; Keras's fused JAX kernel gives it uniform weights
    instead, so without scores only the unmasked queries are compared.
    """
    keras_module()
    data = _data()
    query, value = data["query"], data["value"]
    query_mask, value_mask = data["query_mask"], data["value_mask"]
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    equivalent = query_mask[:, :, None] & value_mask[:, None, :]
    ours = layer(query, value, query_mask=query_mask, value_mask=value_mask, return_attention_scores=True)
    theirs = _keras_outputs(
        layer, query, {"value": value, "attention_mask": equivalent, "return_attention_scores": True}
    )
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-5, atol=1e-5)
    ours = ops.convert_to_numpy(layer(query, value, query_mask=query_mask, value_mask=value_mask))
    (theirs,) = _keras_outputs(layer, query, {"value": value, "attention_mask": equivalent})
    np.testing.assert_allclose(ours[query_mask], theirs[query_mask], rtol=1e-5, atol=1e-5)
    # Masks attached to the inputs are used, and the query's mask follows the output.
    query_tensor, value_tensor = ops.convert_to_tensor(query), ops.convert_to_tensor(value)
    masking.set_mask(query_tensor, ops.convert_to_tensor(query_mask))
    masking.set_mask(value_tensor, ops.convert_to_tensor(value_mask))
    attached = layer(query_tensor, value_tensor)
    np.testing.assert_allclose(ops.convert_to_numpy(attached), ours, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(attached)), query_mask)


@pytest.mark.parametrize(
    "query_shape,value_shape,axes,mask_shape",
    [
        ((2, 3, 4, 6), (2, 3, 2, 6), (2,), (2, 3, 4, 2)),
        ((2, 3, 4, 6), (2, 2, 3, 6), (1, 2), (3, 4, 2, 3)),
        ((2, 3, 4, 6), (2, 3, 2, 6), -2, None),
        ((2, 2, 3, 2, 6), (2, 2, 2, 2, 6), (2, 3), (2, 3, 2, 2, 2)),
    ],
    ids=["1d_axis_2", "2d_attention", "negative_axis", "5d_2d_attention"],
)
def test_attention_axes_match_keras(
    backend: Any, query_shape: tuple, value_shape: tuple, axes: Any, mask_shape: tuple | None
) -> None:
    keras_module()
    rng = np.random.default_rng(1)
    query = rng.normal(size=query_shape).astype("float32")
    value = rng.normal(size=value_shape).astype("float32")
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=axes)
    call_kwargs: dict = {"value": value, "return_attention_scores": True}
    if mask_shape is not None:
        mask = rng.uniform(size=mask_shape) > 0.3
        # Keep one attended position per query (a fully masked query is compared above).
        mask.reshape(-1)[:: int(np.prod(mask_shape[-len(np.atleast_1d(axes)) :]))] = True
        call_kwargs["attention_mask"] = mask
    assert_matches_keras(layer, query, call_kwargs)
    output, scores = layer(query, **call_kwargs)
    assert tuple(output.shape) == query_shape
    # Symbolic scores agree with the eager ones.
    symbolic_query = lamina.KerasTensor((None, *query_shape[1:]))
    symbolic_value = lamina.KerasTensor((None, *value_shape[1:]))
    _, symbolic_scores = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=axes)(
        symbolic_query, symbolic_value, return_attention_scores=True
    )
    assert symbolic_scores.shape[1:] == tuple(scores.shape)[1:]


def test_weights_files_match_keras(backend: Any, tmp_path: Any) -> None:
    """`.weights.h5` files move both ways between Lamina and Keras models with attention layers."""
    pytest.importorskip("lamina_io")
    keras = keras_module()
    data = _data()

    def build(module: Any) -> Any:
        inputs = module.Input((TARGET, DIM))
        x = module.layers.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)(inputs, inputs)
        grouped = module.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
        return module.Model(inputs, grouped(x, x))

    ours, theirs = build(lamina), build(keras)
    ours.save_weights(tmp_path / "lamina.weights.h5")
    theirs.load_weights(tmp_path / "lamina.weights.h5")
    expected = ours.predict(data["query"], verbose=0)
    np.testing.assert_allclose(np.asarray(theirs.predict(data["query"], verbose=0)), expected, rtol=1e-5, atol=1e-5)
    theirs.save_weights(tmp_path / "keras.weights.h5")
    revived = build(lamina)
    revived.load_weights(tmp_path / "keras.weights.h5")
    np.testing.assert_allclose(revived.predict(data["query"], verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_functional_model_with_masks(backend: Any) -> None:
    data = _data()
    query = lamina.Input((TARGET, DIM))
    value = lamina.Input((SOURCE, DIM))
    output, scores = layers.MultiHeadAttention(num_heads=2, key_dim=3)(
        query, value, use_causal_mask=True, return_attention_scores=True
    )
    assert output.shape == (None, TARGET, DIM) and scores.shape == (None, 2, TARGET, SOURCE)
    model = lamina.Model([query, value], [output, scores])
    results = model.predict([data["query"], data["value"]], verbose=0)
    assert results[0].shape == (BATCH, TARGET, DIM)
    np.testing.assert_array_equal(np.triu(results[1][0, 0], k=1), 0.0)


def test_dropout(backend: Any) -> None:
    data = _data()
    query, value = data["query"], data["value"]
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=3)
    inference = ops.convert_to_numpy(layer(query, value))
    np.testing.assert_allclose(ops.convert_to_numpy(layer(query, value, training=False)), inference)
    training = ops.convert_to_numpy(layer(query, value, training=True))
    assert not np.allclose(training, inference)
    # Same seed and weights, same dropout draws.
    twin = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=3)
    twin(query, value)
    twin.set_weights(layer.get_weights())
    first = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=3)
    first(query, value)
    first.set_weights(layer.get_weights())
    np.testing.assert_array_equal(
        ops.convert_to_numpy(first(query, value, training=True)),
        ops.convert_to_numpy(twin(query, value, training=True)),
    )


def test_regularizers_and_constraints(backend: Any) -> None:
    data = _data()
    layer = layers.MultiHeadAttention(
        num_heads=2,
        key_dim=3,
        kernel_regularizer="l2",
        bias_regularizer="l1",
        activity_regularizer="l2",
        kernel_constraint="non_neg",
    )
    layer(data["query"], data["value"])
    # 4 kernels + 4 biases + the activity of the 4 projections (not of the layer itself, as Keras).
    assert len(layer.losses) == 12
    config = layer.get_config()
    revived = layers.MultiHeadAttention.from_config(config)
    assert revived.get_config() == config


def test_build_follows_keras(backend: Any) -> None:
    """`build(query_shape, value_shape, key_shape=None)`, from the call's arguments, saved in the config."""
    from lamina.saving import deserialize_keras_object, serialize_keras_object

    data = _data()
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(data["query"], value=data["value"], key=data["key"])
    assert layer.get_build_config() == {
        "shapes_dict": {
            "query_shape": [BATCH, TARGET, DIM],
            "value_shape": [BATCH, SOURCE, DIM],
            "key_shape": [BATCH, SOURCE, 5],
        }
    }
    revived = deserialize_keras_object(serialize_keras_object(layer))
    assert revived.built and [tuple(w.shape) for w in revived.weights] == [tuple(w.shape) for w in layer.weights]
    built = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    built.build(query_shape=(None, TARGET, DIM), value_shape=(None, SOURCE, DIM))
    assert built.key_dense.kernel.shape == (DIM, 2, 3) and built.output_dense.kernel.shape == (2, 3, DIM)


def test_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="num_heads=0"):
        layers.MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(num_heads="2", key_dim=2)
    with pytest.raises(TypeError, match="key_dim"):
        layers.MultiHeadAttention(num_heads=2)
    with pytest.raises(ValueError, match="key_dim=0"):
        layers.MultiHeadAttention(num_heads=2, key_dim=0)
    with pytest.raises(ValueError, match="value_dim=-1"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=-1)
    with pytest.raises(ValueError, match="attention_axes"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes="1")
    with pytest.raises(ValueError, match="sliding_window"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, sliding_window=0)
    with pytest.raises(ValueError, match="output_shape"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, output_shape="5")
    with pytest.raises(ValueError, match="Dropout is not supported when flash attention"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, dropout=0.1, flash_attention=True)
    data = _data()
    with pytest.raises(ValueError, match="attention scores is not supported"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, flash_attention=True)(
            data["query"], data["value"], return_attention_scores=True
        )
    with pytest.raises(ValueError, match="except the last one"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2)(data["query"], data["value"], key=data["query"])
