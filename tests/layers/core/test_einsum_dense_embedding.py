"""EinsumDense and Embedding."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.saving import deserialize_keras_object, serialize_keras_object
from lamina.testing import assert_matches_keras, run_layer_test

EINSUM_CASES = [
    ({"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (2, 3), (2, 4)),
    (
        {"equation": "abc,cd->abd", "output_shape": (None, 5), "bias_axes": "d", "activation": "relu"},
        (2, 3, 4),
        (2, 3, 5),
    ),
    ({"equation": "abc,cde->abde", "output_shape": (3, 2, 4), "bias_axes": "de"}, (2, 3, 5), (2, 3, 2, 4)),
    ({"equation": "...b,bc->...c", "output_shape": 6, "bias_axes": "c"}, (2, 3, 4), (2, 3, 6)),
    ({"equation": "abcd,cde->abe", "output_shape": (3, 5)}, (2, 3, 4, 2), (2, 3, 5)),
    ({"equation": "ab...,bc->ac...", "output_shape": 3, "bias_axes": "c"}, (2, 4, 5), (2, 3, 5)),
]
EINSUM_IDS = ["dense", "3d-relu", "heads", "left-ellipsis", "two-contracted", "right-ellipsis"]


@pytest.mark.parametrize("kwargs,shape,expected", EINSUM_CASES, ids=EINSUM_IDS)
def test_einsum_dense_harness_and_keras(backend: Any, kwargs: dict, shape: tuple, expected: tuple) -> None:
    pytest.importorskip("keras")
    n_weights = 2 if "bias_axes" in kwargs else 1
    run_layer_test(
        layers.EinsumDense,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=n_weights,
    )
    layer = layers.EinsumDense(**kwargs)
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    layer(x)
    rng = np.random.default_rng(1)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
    assert_matches_keras(layer, x)


@pytest.mark.parametrize(
    "equation,form",
    [
        ("ab,bc->ac", (1, 1)),
        ("abc,cde->abde", (1, 2)),
        ("abcd,cde->abe", (2, 1)),
        ("...b,bc->...c", (1, 1)),
        ("abc,dc->abd", None),  # kernel contracted on its last axis
        ("abc,acd->abd", None),  # a batch letter in the kernel
        ("ab...,bc->ac...", None),  # right ellipsis
        ("abc,cd->adb", None),  # output axes reordered
        ("abc,c->ab", None),  # nothing kept from the kernel
    ],
)
def test_matmul_form_recognizes_only_reshaped_matmuls(equation: str, form: Any) -> None:
    from lamina.backend.contract.einsum_forms import matmul_form

    assert matmul_form(equation) == form


@pytest.mark.parametrize("equation,kernel_shape", [("abc,cde->abde", (4, 2, 3)), ("abcd,cde->abe", (2, 4, 5))])
def test_einsum_dense_as_matmul_matches_numpy_with_unknown_lengths(
    backend: Any, equation: str, kernel_shape: tuple
) -> None:
    """Backends that run these einsums as a matmul (torch, TensorFlow) do so on sequences of a
    length unknown when compiled (two lengths, one model)."""
    rank = len(equation.split(",")[0])
    feature_shape = (4,) if rank == 3 else (2, 4)
    output_shape = (None, *kernel_shape[1:]) if rank == 3 else (None, kernel_shape[-1])
    inputs = lamina.Input((None, *feature_shape))
    layer = layers.EinsumDense(equation, output_shape=output_shape)
    model = lamina.Model(inputs, layer(inputs))
    kernel = ops.convert_to_numpy(layer.kernel)
    for length in (3, 5):
        x = np.random.default_rng(length).normal(size=(2, length, *feature_shape)).astype("float32")
        np.testing.assert_allclose(model.predict_on_batch(x), np.einsum(equation, x, kernel), rtol=1e-5, atol=1e-5)


def test_einsum_dense_shapes_match_keras(backend: Any) -> None:
    pytest.importorskip("keras")
    from lamina.testing.layer_test_case import keras_module

    keras = keras_module()
    for kwargs, shape, _ in EINSUM_CASES:
        ours = layers.EinsumDense(**kwargs)
        ours.build(shape)
        theirs = keras.layers.EinsumDense(**kwargs)
        theirs.build(shape)
        assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]


def test_einsum_dense_kernel_fans_follow_the_equation(backend: Any) -> None:
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 40, 50), kernel_initializer="glorot_uniform")
    layer.build((2, 3, 30))
    # Glorot over fan_in=30, fan_out=40*50 (not the kernel's last two axes).
    limit = np.sqrt(6.0 / (30 + 2000))
    kernel = layer.kernel.numpy()
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit


def test_einsum_dense_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="Invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=3)
    with pytest.raises(ValueError, match="output_shape"):
        layers.EinsumDense("ab,bc->ac", output_shape=(0,))
    with pytest.raises(ValueError, match="bias_axes"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="z")
    with pytest.raises(ValueError, match="LoRA"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, lora_rank=2)
    with pytest.raises(ValueError, match="Weight dimension 'z'"):
        layers.EinsumDense("ab,bcz->ac", output_shape=3).build((2, 4))
    with pytest.raises(ValueError, match="do not match at shared dimension"):
        layers.EinsumDense("abc,cd->abd", output_shape=(7, 2)).build((2, 3, 4))
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 2))
    layer(np.zeros((2, 3, 4), "float32"))
    with pytest.raises(ValueError, match="ndim=3"):
        layer(np.zeros((2, 4), "float32"))


@pytest.mark.parametrize(
    "kwargs,shape",
    [
        ({"input_dim": 10, "output_dim": 4}, (3, 5)),
        ({"input_dim": 7, "output_dim": 3, "mask_zero": True, "embeddings_regularizer": "l2"}, (2, 3, 4)),
    ],
    ids=["plain", "mask-zero"],
)
def test_embedding_harness_and_keras(backend: Any, kwargs: dict, shape: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        layers.Embedding,
        kwargs,
        input_shape=shape,
        input_dtype="int32",
        expected_output_shape=shape + (kwargs["output_dim"],),
        expected_output_dtype="float32",
        expected_num_trainable_weights=1,
        supports_masking=kwargs.get("mask_zero", False),
    )
    ids = np.random.default_rng(0).integers(0, kwargs["input_dim"], size=shape).astype("int32")
    assert_matches_keras(layers.Embedding(**kwargs), ids)
    assert_matches_keras(layers.Embedding(**kwargs), ids.astype("float32"))  # float ids are cast


def test_embedding_lookup_and_mask(backend: Any) -> None:
    table = np.arange(12, dtype="float32").reshape(4, 3)
    layer = layers.Embedding(4, 3, mask_zero=True, weights=[table])
    ids = np.array([[1, 0, 3]])
    out = layer(ids)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), table[ids])
    np.testing.assert_array_equal(ops.convert_to_numpy(layer.compute_mask(ids)), [[True, False, True]])
    from lamina.backend import masking

    np.testing.assert_array_equal(ops.convert_to_numpy(masking.get_mask(out)), [[True, False, True]])
    assert layers.Embedding(4, 3).compute_mask(ids) is None
    np.testing.assert_array_equal(layers.Embedding(4, 3, weights=table).embeddings.numpy(), table)


def test_embedding_default_initializer_is_keras_uniform(backend: Any) -> None:
    layer = layers.Embedding(100, 50)
    layer.build()
    values = layer.embeddings.numpy()
    assert values.min() >= -0.05 and values.max() <= 0.05 and values.std() > 0.02
    config = json.loads(json.dumps(serialize_keras_object(layer)))
    assert config["config"]["embeddings_initializer"]["class_name"] == "RandomUniform"
    assert type(deserialize_keras_object(config)) is layers.Embedding


def test_embedding_in_a_model_with_mask(backend: Any) -> None:
    inputs = lamina.Input((None,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True)(inputs)
    seen = {}

    def record(x: Any, mask: Any = None) -> Any:
        seen["mask"] = mask
        return x

    outputs = layers.Lambda(record, mask=lambda inputs, mask: mask)(embedded)
    model = lamina.Model(inputs, outputs)
    model(np.array([[1, 2, 0, 0]], "int32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(seen["mask"]), [[True, True, False, False]])


def test_embedding_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim"):
        layers.Embedding(3, 2.5)
    with pytest.raises(ValueError, match="LoRA"):
        layers.Embedding(3, 2, lora_rank=4)
    with pytest.warns(UserWarning, match="input_length"):
        layers.Embedding(3, 2, input_length=5)
