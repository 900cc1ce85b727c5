"""Hashing, StringLookup and IntegerLookup: the host-side lookup layers, against Keras 3."""

from __future__ import annotations

import random
import string
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.layers.preprocessing.string_hashes import fingerprint64, siphash24
from lamina.testing import assert_matches_keras, run_layer_test

WORDS = np.array([["a", "c", "d"], ["d", "zz", "b"], ["", "b", "a"]], dtype=object)
IDS = np.array([[12, 36, 1138], [42, 1000, 36], [0, 12, -7]], "int64")


def _numpy(x: Any) -> np.ndarray:
    return x if isinstance(x, np.ndarray) else ops.convert_to_numpy(x)


# -- the hash functions ----------------------------------------------------------------------------
def test_string_hashes_match_tensorflow() -> None:
    tf = pytest.importorskip("tensorflow")
    generator = random.Random(0)
    texts = [""] + ["".join(generator.choice(string.printable) for _ in range(n)) for n in range(1, 200)]
    texts += ["héllo wörld ☃ " * k for k in (1, 5, 20)]
    data = [t.encode() for t in texts]
    buckets = 2**62 + 11
    np.testing.assert_array_equal(
        tf.strings.to_hash_bucket_fast(data, buckets).numpy(), [fingerprint64(d) % buckets for d in data]
    )
    for key in ((1, 2), (12345, -67890)):
        np.testing.assert_array_equal(
            tf.strings.to_hash_bucket_strong(data, buckets, key=list(key)).numpy(),
            [siphash24(key, d) % buckets for d in data],
        )


# -- Hashing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_bins": 3},
        {"num_bins": 5, "salt": [3, 9]},
        {"num_bins": 4, "salt": 133},
        {"num_bins": 4, "mask_value": "d"},
        {"num_bins": 6, "output_mode": "multi_hot"},
        {"num_bins": 6, "output_mode": "count"},
        {"num_bins": 6, "output_mode": "one_hot"},
    ],
    ids=["fast", "strong", "strong_int_salt", "mask", "multi_hot", "count", "one_hot"],
)
def test_hashing_strings(backend: Any, keras: Any, kwargs: dict) -> None:
    run_layer_test(layers.Hashing, kwargs, input_data=WORDS, run_training_check=False)
    assert_matches_keras(layers.Hashing(**kwargs), WORDS)
    assert_matches_keras(layers.Hashing(**kwargs), WORDS[:, :1])


def test_hashing_numbers_and_other_inputs(backend: Any, keras: Any) -> None:
    assert_matches_keras(layers.Hashing(num_bins=7), IDS)
    assert_matches_keras(layers.Hashing(num_bins=7, mask_value=0), IDS)
    assert_matches_keras(layers.Hashing(num_bins=7), IDS.astype("float32") + 0.5)  # floats truncate
    tensor = ops.convert_to_tensor(IDS.astype("int32"))
    np.testing.assert_array_equal(_numpy(layers.Hashing(num_bins=7)(tensor)), _numpy(layers.Hashing(num_bins=7)(IDS)))
    from_list = _numpy(layers.Hashing(num_bins=3)(["a", "b"]))
    np.testing.assert_array_equal(from_list, _numpy(layers.Hashing(num_bins=3)(np.array(["a", "b"]))))
    from_bytes = _numpy(layers.Hashing(num_bins=3)(np.array([b"a", b"b"])))
    np.testing.assert_array_equal(from_list, from_bytes)
    expected = "int32" if backend.name == "jax" else "int64"
    assert ops.dtype(layers.Hashing(num_bins=3)(["a"])) == expected


def test_hashing_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=3, salt="pepper")
    with pytest.raises(ValueError, match="output_mode"):
        layers.Hashing(num_bins=3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="dtype"):
        layers.Hashing(num_bins=3, dtype="float32")
    with pytest.raises(ValueError, match="sparse"):
        layers.Hashing(num_bins=3, output_mode="count", sparse=True)


# -- StringLookup ------------------------------------------------------------------------------------
@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
@pytest.mark.parametrize("mask_token", [None, ""])
def test_string_lookup_with_vocabulary(backend: Any, keras: Any, output_mode: str, mask_token: Any) -> None:
    kwargs = {"vocabulary": ["a", "b", "c", "d"], "output_mode": output_mode, "mask_token": mask_token}
    if output_mode == "tf_idf":
        kwargs["idf_weights"] = [0.5, 1.0, 1.5, 2.0]
    run_layer_test(layers.StringLookup, kwargs, input_data=WORDS, run_training_check=False)
    for inputs in (WORDS, WORDS[0], WORDS[:, :1]):
        assert_matches_keras(layers.StringLookup(**kwargs), inputs)
    assert_matches_keras(layers.StringLookup(**kwargs, pad_to_max_tokens=True, max_tokens=9), WORDS)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_oov_indices": 3},
        {"num_oov_indices": 3, "salt": 17},
        {"num_oov_indices": 2, "mask_token": "[MASK]", "oov_token": "?"},
        {"vocabulary": ["[UNK]", "a", "b"]},  # special tokens given at the start
        {"max_tokens": 6},
        {"encoding": "utf-8", "vocabulary": ["ä", "b"]},
    ],
)
def test_string_lookup_options(backend: Any, keras: Any, kwargs: dict) -> None:
    kwargs = {"vocabulary": ["a", "b", "c", "d"], **kwargs}
    inputs = np.array([["a", "ä", "zz", "q", "b", "hello", "[MASK]"]], dtype=object)
    assert_matches_keras(layers.StringLookup(**kwargs), inputs)


def test_string_lookup_inputs_and_outputs(backend: Any) -> None:
    layer = layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    expected = [[1, 3, 4], [4, 0, 2], [0, 2, 1]]
    for inputs in (WORDS, WORDS.astype(str), WORDS.astype(bytes), WORDS.tolist()):
        np.testing.assert_array_equal(_numpy(layer(inputs)), expected)
    assert ops.is_tensor(layer(WORDS))
    assert ops.dtype(layer(WORDS)) == ("int32" if backend.name == "jax" else "int64")
    assert int(_numpy(layer("c"))) == 3
    assert layer.vocabulary_size() == 5
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c", "d"]
    assert layer.get_vocabulary(include_special_tokens=False) == ["a", "b", "c", "d"]
    inverse = layers.StringLookup(vocabulary=["a", "b", "c", "d"], invert=True, mask_token="")
    tokens = inverse(np.array([[0, 1, 2, 5, 9]]))
    assert isinstance(tokens, np.ndarray)
    assert tokens.tolist() == [["", "[UNK]", "a", "d", "[UNK]"]]
    assert layer.compute_output_shape((None, 3)) == (None, 3)
    assert layers.StringLookup(vocabulary=["a", "b"], output_mode="multi_hot").compute_output_shape((None, 3)) == (
        None,
        3,
    )


@pytest.mark.parametrize("output_mode", ["int", "tf_idf", "count"])
def test_string_lookup_adapt_matches_keras(backend: Any, keras: Any, output_mode: str) -> None:
    data = np.array([["a", "b", "a"], ["c", "a", "d"], ["d", "e", "b"], ["a", "b", "f"]])
    for kwargs, source in [
        ({}, data),
        ({"max_tokens": 4}, data),
        ({"mask_token": "", "num_oov_indices": 2}, data),
        ({}, ["x", "y", "x", "z", "y", "x", "w"]),
        ({}, (batch for batch in (data[:2], data[2:]))),
    ]:
        if isinstance(source, np.ndarray) or isinstance(source, list):
            keras_source = source
        else:
            source, keras_source = iter([data[:2], data[2:]]), iter([data[:2], data[2:]])
        ours = layers.StringLookup(output_mode=output_mode, **kwargs)
        ours.adapt(source)
        reference = keras.layers.StringLookup(output_mode=output_mode, **kwargs)
        reference.adapt(keras_source)
        assert ours.get_vocabulary() == [str(t) for t in reference.get_vocabulary()]
        np.testing.assert_allclose(_numpy(ours(data)), np.asarray(reference(data)), rtol=1e-5, atol=1e-6)
        # Lamina has no asset files: the adapted vocabulary travels in the config, which Keras loads.
        assert_matches_keras(ours, data)
        revived = layers.StringLookup.from_config(ours.get_config())
        np.testing.assert_allclose(_numpy(revived(data)), _numpy(ours(data)))


def test_string_lookup_vocabulary_file(backend: Any, tmp_path: Any) -> None:
    path = tmp_path / "vocabulary.txt"
    path.write_text("a\nb\nc\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    np.testing.assert_array_equal(_numpy(layer(np.array(["c", "a", "q"]))), [3, 1, 0])
    config = layer.get_config()
    assert config["vocabulary"] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="safe mode"):
        layers.StringLookup.from_config({**config, "vocabulary": str(path)})


def test_string_lookup_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        layers.StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match="num_oov_indices"):
        layers.StringLookup(num_oov_indices=-1)
    with pytest.raises(ValueError, match="output_mode"):
        layers.StringLookup(output_mode="embedding")
    with pytest.raises(ValueError, match="invert"):
        layers.StringLookup(vocabulary=["a"], invert=True, output_mode="count")
    with pytest.raises(ValueError, match="repeated"):
        layers.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="reserved"):
        layers.StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="larger than the maximum"):
        layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="idf_weights"):
        layers.StringLookup(vocabulary=["a"], output_mode="tf_idf")
    with pytest.raises(ValueError, match="idf_weights"):
        layers.StringLookup(vocabulary=["a"], idf_weights=[1.0])
    with pytest.raises(ValueError, match="pad_to_max_tokens"):
        layers.StringLookup(pad_to_max_tokens=True)
    with pytest.raises(ValueError, match="sparse"):
        layers.StringLookup(output_mode="count", sparse=True)
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "b"])
    with pytest.raises(RuntimeError, match="vocabulary before calling"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.StringLookup(vocabulary=["a"]).adapt(["a", "b"])
    with pytest.raises(ValueError, match="string inputs"):
        layers.StringLookup(vocabulary=["a"])(np.array([1.5]))


# -- IntegerLookup -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mask_token": 0},
        {"num_oov_indices": 3, "mask_token": 0},
        {"num_oov_indices": 3, "oov_method": "farmhash"},
        {"num_oov_indices": 3, "oov_method": "farmhash", "salt": [5, 6]},
        {"output_mode": "multi_hot"},
        {"output_mode": "count", "pad_to_max_tokens": True, "max_tokens": 8},
        {"output_mode": "one_hot", "mask_token": 0},
        {"output_mode": "tf_idf", "idf_weights": [1.0, 2.0, 3.0, 4.0]},
    ],
)
def test_integer_lookup_with_vocabulary(backend: Any, keras: Any, kwargs: dict) -> None:
    kwargs = {"vocabulary": [12, 36, 1138, 42], **kwargs}
    run_layer_test(layers.IntegerLookup, kwargs, input_data=IDS, run_training_check=False)
    assert_matches_keras(layers.IntegerLookup(**kwargs), IDS)
    assert_matches_keras(layers.IntegerLookup(**kwargs), IDS[0])


def test_integer_lookup_adapt_invert_and_models(backend: Any, keras: Any) -> None:
    data = np.array([[1, 2, 2], [3, 2, 9], [9, 9, 9]], "int64")
    ours = layers.IntegerLookup(max_tokens=4)
    ours.adapt(data)
    reference = keras.layers.IntegerLookup(max_tokens=4)
    reference.adapt(data)
    assert ours.get_vocabulary() == [int(v) for v in reference.get_vocabulary()]
    assert_matches_keras(ours, data)
    inverse = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True)
    np.testing.assert_array_equal(_numpy(inverse(np.array([0, 1, 4, 7]))), [-1, 12, 42, -1])
    # Integer ids can also flow from a backend tensor, and the layer works in eager models.
    tensor = ops.convert_to_tensor(IDS.astype("int32"))
    np.testing.assert_array_equal(_numpy(ours(tensor)), _numpy(ours(IDS)))


def test_host_layers_explain_compiled_use(backend: Any) -> None:
    model = lamina.Sequential(
        [lamina.Input((3,), dtype="int32"), layers.IntegerLookup(vocabulary=[12, 36]), layers.Embedding(4, 2)]
    )
    if backend.name == "torch":
        # PyTorch's steps run eagerly: the lookup sees real values and works.
        assert model.predict(IDS.astype("int32"), verbose=0).shape == (3, 3, 2)
    else:
        with pytest.raises(RuntimeError, match="computes on the host"):
            model.predict(IDS.astype("int32"), verbose=0)


def test_lookups_accept_tensorflow_string_tensors_and_datasets(backend: Any, keras: Any) -> None:
    tf = pytest.importorskip("tensorflow")
    layer = layers.StringLookup(vocabulary=["a", "b", "c", "d"])
    np.testing.assert_array_equal(_numpy(layer(tf.constant([["a", "zz"], ["d", "b"]]))), [[1, 0], [4, 2]])
    dataset = tf.data.Dataset.from_tensor_slices(WORDS.astype(str)).batch(2)
    ours = layers.StringLookup()
    ours.adapt(dataset)
    reference = keras.layers.StringLookup()
    reference.adapt(dataset)
    assert ours.get_vocabulary() == [str(t) for t in reference.get_vocabulary()]
    normalizer = layers.Normalization()
    normalizer.adapt(tf.data.Dataset.from_tensor_slices(np.arange(20, dtype="float32").reshape(10, 2)))
    np.testing.assert_allclose(normalizer.adapt_mean.numpy(), [9.0, 10.0])
