"""TextVectorization against Keras 3."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

CORPUS = [
    "The cat sat on the mat.",
    "the dog, the CAT!",
    "Ünïcode  ÉÀ tabs\there\nand   spaces",
    "Cats & dogs: friends? (sometimes)",
]
QUERIES = np.array(["The cat", "a  dog  sat on", "ÉÀ here", ""], dtype=object)


def _numpy(x: Any) -> np.ndarray:
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_tokens": 6, "ngrams": 2},
        {"output_sequence_length": 3, "split": "character", "standardize": "lower"},
        {"output_sequence_length": 9, "standardize": "strip_punctuation"},
        {"standardize": None, "ngrams": (2, 3)},
        {"output_mode": "multi_hot"},
        {"output_mode": "count", "max_tokens": 5, "pad_to_max_tokens": True},
        {"output_mode": "tf_idf", "ngrams": (1, 3), "max_tokens": 8, "pad_to_max_tokens": True},
        {"output_mode": "tf_idf"},
    ],
)
def test_text_vectorization_adapt_matches_keras(backend: Any, keras: Any, kwargs: dict) -> None:
    ours = layers.TextVectorization(**kwargs)
    ours.adapt(CORPUS)
    reference = keras.layers.TextVectorization(**kwargs)
    reference.adapt(CORPUS)
    assert ours.get_vocabulary() == [str(t) for t in reference.get_vocabulary()]
    np.testing.assert_allclose(_numpy(ours(QUERIES)), np.asarray(reference(QUERIES)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        _numpy(ours(QUERIES[:, np.newaxis])), np.asarray(reference(QUERIES[:, np.newaxis])), rtol=1e-5, atol=1e-6
    )
    # Lamina keeps the adapted vocabulary in the config (no asset files); Keras loads it.
    assert_matches_keras(ours, QUERIES)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"vocabulary": ["the", "cat", "dog", "sat"]},
        {"vocabulary": ["the", "cat", "dog", "sat"], "output_sequence_length": 2},
        {"vocabulary": ["the", "cat", "the cat"], "ngrams": 2, "output_mode": "multi_hot"},
        {"vocabulary": ["the", "cat"], "output_mode": "tf_idf", "idf_weights": [0.5, 2.0]},
        {"vocabulary": ["", "[UNK]", "the", "cat"]},  # special tokens given at the start
        {"vocabulary": ["[UNK]", "the", "cat"], "output_mode": "count"},
        {"vocabulary": ["the cat", "a dog"], "split": None},
    ],
)
def test_text_vectorization_with_vocabulary(backend: Any, keras: Any, kwargs: dict) -> None:
    output_mode = kwargs.get("output_mode", "int")
    harness_kwargs = dict(kwargs)
    if output_mode == "int" and kwargs.get("split", "whitespace") is not None:
        # Without `output_sequence_length` the length is the batch's longest text, which
        # compute_output_shape reports as None; the harness wants the exact shape.
        harness_kwargs.setdefault("output_sequence_length", 6)
    run_layer_test(
        layers.TextVectorization,
        harness_kwargs,
        input_data=QUERIES,
        expected_output_dtype=("int32" if backend.name == "jax" else "int64") if output_mode == "int" else "float32",
        run_training_check=False,
    )
    assert_matches_keras(layers.TextVectorization(**kwargs), QUERIES)


def test_text_vectorization_inputs_outputs_and_shapes(backend: Any) -> None:
    layer = layers.TextVectorization(vocabulary=["the", "cat", "sat"], output_sequence_length=4)
    expected = [[2, 3, 4, 0], [1, 0, 0, 0]]
    for inputs in (["The cat sat!", "Dog"], np.array(["The cat sat!", "Dog"]), np.array([b"The cat sat!", b"Dog"])):
        np.testing.assert_array_equal(_numpy(layer(inputs)), expected)
    assert layer.compute_output_shape((None,)) == (None, 4)
    assert layer.vocabulary_size() == 5
    assert layer.get_vocabulary()[:2] == ["", "[UNK]"]
    counts = layers.TextVectorization(vocabulary=["a", "b"], output_mode="count")
    assert counts.compute_output_shape((None,)) == (None, 3)  # OOV, "a", "b": no padding index
    np.testing.assert_allclose(_numpy(counts(["a a b c"])), [[1, 2, 1]])
    # Custom callables work on NumPy arrays of str.
    custom = layers.TextVectorization(
        vocabulary=["A", "B"], standardize=lambda x: np.char.upper(x), split=lambda x: [s.split("-") for s in x]
    )
    np.testing.assert_array_equal(_numpy(custom(["a-b-c", "b"])), [[2, 3, 1], [3, 0, 0]])


def test_text_vectorization_set_vocabulary_and_config(backend: Any) -> None:
    layer = layers.TextVectorization(output_mode="tf_idf")
    layer.set_vocabulary(["the", "cat"], idf_weights=[0.5, 2.0])
    np.testing.assert_allclose(_numpy(layer(["the cat cat dog"])), [[1.25, 0.5, 4.0]])
    config = layer.get_config()
    assert config["vocabulary_size"] == 3 and config["standardize"] == "lower_and_strip_punctuation"
    assert layers.TextVectorization().get_config()["vocabulary_size"] == 2
    revived = layers.TextVectorization.from_config({**config, "ngrams": [1, 2]})
    assert revived._ngrams == (1, 2)


def test_text_vectorization_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="standardize"):
        layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="split"):
        layers.TextVectorization(split="comma")
    with pytest.raises(ValueError, match="ngrams"):
        layers.TextVectorization(ngrams="2")
    with pytest.raises(ValueError, match="output_mode"):
        layers.TextVectorization(output_mode="one_hot_words")
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_sequence_length=2.5)
    with pytest.raises(ValueError, match="ragged"):
        layers.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="sparse"):
        layers.TextVectorization(output_mode="count", sparse=True)
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="strings"):
        layers.TextVectorization(vocabulary=["a"])(np.array([1.0, 2.0]))
