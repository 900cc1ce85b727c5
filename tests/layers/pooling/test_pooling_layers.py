"""Pooling layers: harness, Keras parity in both data formats, masks, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

FIRST = {"data_format": "channels_first"}

# (layer class, constructor arguments, input shape, expected output shape)
WINDOWED = [
    (layers.MaxPooling1D, {}, (2, 9, 3), (2, 4, 3)),
    (layers.MaxPooling1D, {"pool_size": 3, "strides": 2, "padding": "same", **FIRST}, (2, 3, 9), (2, 3, 5)),
    (layers.MaxPooling2D, {}, (2, 7, 6, 3), (2, 3, 3, 3)),
    (layers.MaxPooling2D, {"pool_size": (3, 2), "strides": 1, "padding": "same", **FIRST}, (2, 3, 5, 4), (2, 3, 5, 4)),
    (layers.MaxPooling3D, {"pool_size": 2, "padding": "same"}, (1, 5, 4, 3, 2), (1, 3, 2, 2, 2)),
    (layers.MaxPooling3D, {"strides": (1, 2, 1), **FIRST}, (1, 2, 4, 5, 3), (1, 2, 3, 2, 2)),
    (layers.AveragePooling1D, {"pool_size": 2}, (2, 9, 3), (2, 4, 3)),
    (layers.AveragePooling1D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 9, 3), (2, 5, 3)),
    (layers.AveragePooling2D, {"pool_size": 2, "strides": 1, "padding": "same", **FIRST}, (2, 3, 5, 5), (2, 3, 5, 5)),
    (layers.AveragePooling2D, {"pool_size": (2, 3), "strides": (2, 1)}, (2, 6, 6, 2), (2, 3, 4, 2)),
    (layers.AveragePooling3D, {"pool_size": 3, "strides": 2, "padding": "same"}, (1, 5, 6, 4, 2), (1, 3, 3, 2, 2)),
    (layers.AveragePooling3D, {"pool_size": 2, **FIRST}, (1, 2, 4, 4, 5), (1, 2, 2, 2, 2)),
]

GLOBAL = [
    (layers.GlobalMaxPooling1D, {}, (2, 5, 3), (2, 3)),
    (layers.GlobalMaxPooling1D, {"keepdims": True, **FIRST}, (2, 3, 5), (2, 3, 1)),
    (layers.GlobalMaxPooling2D, {**FIRST}, (2, 3, 4, 5), (2, 3)),
    (layers.GlobalMaxPooling3D, {"keepdims": True}, (1, 3, 4, 2, 3), (1, 1, 1, 1, 3)),
    (layers.GlobalAveragePooling1D, {"keepdims": True}, (2, 5, 3), (2, 1, 3)),
    (layers.GlobalAveragePooling2D, {}, (2, 4, 5, 3), (2, 3)),
    (layers.GlobalAveragePooling2D, {"keepdims": True, **FIRST}, (2, 3, 4, 5), (2, 3, 1, 1)),
    (layers.GlobalAveragePooling3D, {**FIRST}, (1, 3, 4, 2, 3), (1, 3)),
]

# Bins of uneven widths, even widths (one strided pool), more bins than steps.
ADAPTIVE = [
    (layers.AdaptiveAveragePooling1D, {"output_size": 4}, (2, 9, 3), (2, 4, 3)),
    (layers.AdaptiveAveragePooling2D, {"output_size": (3, 4)}, (2, 10, 7, 3), (2, 3, 4, 3)),
    (layers.AdaptiveAveragePooling2D, {"output_size": 2, **FIRST}, (2, 3, 8, 6), (2, 3, 2, 2)),
    (layers.AdaptiveAveragePooling3D, {"output_size": (2, 3, 2)}, (1, 5, 6, 4, 2), (1, 2, 3, 2, 2)),
    (layers.AdaptiveMaxPooling1D, {"output_size": 5, **FIRST}, (2, 3, 3), (2, 3, 5)),
    (layers.AdaptiveMaxPooling2D, {"output_size": (3, 4)}, (2, 10, 7, 3), (2, 3, 4, 3)),
    (layers.AdaptiveMaxPooling3D, {"output_size": 2}, (1, 5, 4, 3, 2), (1, 2, 2, 2, 2)),
]


def _case_id(case: tuple) -> str:
    cls, kwargs, _, _ = case
    options = "-".join(f"{key}={value}" for key, value in kwargs.items() if key != "data_format")
    fmt = "cf" if kwargs.get("data_format") == "channels_first" else "cl"
    return f"{cls.__name__}-{fmt}-{options or 'default'}"


@pytest.mark.parametrize(
    "cls,kwargs,shape,expected", WINDOWED + GLOBAL + ADAPTIVE, ids=[_case_id(c) for c in WINDOWED + GLOBAL + ADAPTIVE]
)
def test_pooling_layer(backend: Any, cls: type, kwargs: dict, shape: tuple, expected: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=cls is layers.GlobalAveragePooling1D,
    )
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    assert_matches_keras(cls(**kwargs), x)


def test_global_average_pooling1d_with_mask(backend: Any) -> None:
    pytest.importorskip("keras")
    x = np.random.default_rng(0).normal(size=(3, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0], [1, 1, 1, 1, 1]], bool)
    layer = layers.GlobalAveragePooling1D()
    got = ops.convert_to_numpy(layer(x, mask=mask))
    want = np.stack([x[i, mask[i]].mean(axis=0) for i in range(3)])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert_matches_keras(layers.GlobalAveragePooling1D(), x, call_kwargs={"mask": mask})
    # channels_first takes the same (batch, steps) mask.
    channels_first = layers.GlobalAveragePooling1D(data_format="channels_first")
    got = ops.convert_to_numpy(channels_first(np.transpose(x, (0, 2, 1)), mask=mask))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_global_average_pooling1d_uses_a_propagated_mask(backend: Any) -> None:
    tokens = np.array([[3, 5, 0, 0], [7, 0, 0, 0]], "int32")
    inputs = lamina.Input((4,), dtype="int32")
    embedding = layers.Embedding(10, 2, mask_zero=True)
    model = lamina.Model(inputs, layers.GlobalAveragePooling1D()(embedding(inputs)))
    table = ops.convert_to_numpy(embedding.embeddings)
    want = np.stack([table[[3, 5]].mean(axis=0), table[7]])
    np.testing.assert_allclose(model.predict(tokens, verbose=0), want, rtol=1e-6, atol=1e-6)


def test_aliases() -> None:
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D


@pytest.mark.parametrize(
    "cls,kwargs,match",
    [
        (layers.MaxPooling2D, {"pool_size": 0}, "pool_size"),
        (layers.MaxPooling2D, {"pool_size": (2, 2, 2)}, "tuple of 2 integers"),
        (layers.AveragePooling1D, {"pool_size": 2, "strides": 0}, "strides"),
        (layers.MaxPooling1D, {"padding": "full"}, "padding='full'"),
        (layers.AveragePooling3D, {"pool_size": 2, "padding": "causal"}, "padding='causal'"),
        (layers.MaxPooling2D, {"data_format": "NCHW"}, "data_format='NCHW'"),
        (layers.GlobalMaxPooling2D, {"data_format": "last"}, "data_format='last'"),
    ],
)
def test_invalid_arguments(cls: type, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_input_errors_name_the_layer(backend: Any) -> None:
    with pytest.raises(ValueError, match=r'layer "pool".*expected ndim=4.*\(2, 5, 3\)'):
        layers.MaxPooling2D(name="pool")(np.zeros((2, 5, 3), "float32"))
    with pytest.raises(ValueError, match=r"'small'.*zero or negative"):
        layers.AveragePooling2D(4, name="small")(lamina.Input((3, 8, 2)))


@pytest.mark.parametrize("output_size", [(2,), (2, 2, 2), "2", 2.5])
def test_adaptive_pooling_rejects_output_sizes_of_the_wrong_kind(output_size: Any) -> None:
    with pytest.raises(TypeError, match=r"`output_size` of AdaptiveMaxPooling2D must be an integer or a tuple"):
        layers.AdaptiveMaxPooling2D(output_size)


def test_adaptive_pool_op_names_a_wrong_output_size(backend: Any) -> None:
    with pytest.raises(ValueError, match=r"tuple of 2 positive ints .* Received: output_size=\(0, 2\)"):
        ops.adaptive_average_pool(np.zeros((1, 4, 4, 2), "float32"), (0, 2))


def test_adaptive_pooling_in_a_functional_model(backend: Any) -> None:
    """Symbolic shapes come from `output_size`, whatever the input's spatial size."""
    inputs = lamina.Input((None, None, 3))
    outputs = layers.AdaptiveAveragePooling2D((2, 3))(inputs)
    assert tuple(outputs.shape) == (None, 2, 3, 3)
    model = lamina.Model(inputs, outputs)
    for size in ((6, 9), (5, 7)):
        x = np.random.default_rng(2).normal(size=(1, *size, 3)).astype("float32")
        assert ops.convert_to_numpy(model(x)).shape == (1, 2, 3, 3)


def test_adaptive_pool_op_names_a_wrong_rank_or_an_empty_axis(backend: Any) -> None:
    with pytest.raises(ValueError, match=r"inputs of rank 3, 4 or 5 .* Received an input of shape \(2, 3\)"):
        ops.adaptive_max_pool(np.zeros((2, 3), "float32"), 1)
    with pytest.raises(ValueError, match=r"non-empty spatial axes\. Received an input of shape \(1, 0, 4, 2\)"):
        ops.adaptive_average_pool(np.zeros((1, 0, 4, 2), "float32"), 2)
