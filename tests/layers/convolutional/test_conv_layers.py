"""Convolution layers: harness, Keras parity (both data formats, strides, dilations, groups), errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

FIRST = {"data_format": "channels_first"}

# (layer class, constructor arguments, input shape, expected output shape)
CASES = [
    (layers.Conv1D, {"filters": 4, "kernel_size": 3}, (2, 9, 3), (2, 7, 4)),
    (layers.Conv1D, {"filters": 4, "kernel_size": 2, "strides": 2, "padding": "same", **FIRST}, (2, 3, 9), (2, 4, 5)),
    (layers.Conv1D, {"filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 9, 3), (2, 9, 4)),
    (layers.Conv1D, {"filters": 4, "kernel_size": 3, "padding": "causal", **FIRST}, (2, 3, 9), (2, 4, 9)),
    (layers.Conv1D, {"filters": 6, "kernel_size": 3, "groups": 3, "activation": "relu"}, (2, 8, 6), (2, 6, 6)),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3, "kernel_regularizer": "l2"}, (2, 7, 6, 3), (2, 5, 4, 4)),
    (layers.Conv2D, {"filters": 4, "kernel_size": (2, 3), "strides": 2, "padding": "same"}, (2, 7, 6, 3), (2, 4, 3, 4)),
    (
        layers.Conv2D,
        {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "padding": "same", **FIRST},
        (2, 3, 7, 6),
        (2, 4, 7, 6),
    ),
    (
        layers.Conv2D,
        {"filters": 6, "kernel_size": 3, "groups": 2, "use_bias": False, **FIRST},
        (2, 4, 6, 6),
        (2, 6, 4, 4),
    ),
    (layers.Conv3D, {"filters": 3, "kernel_size": 2, "activation": "tanh"}, (1, 4, 5, 4, 2), (1, 3, 4, 3, 3)),
    (
        layers.Conv3D,
        {"filters": 4, "kernel_size": 3, "strides": (2, 1, 2), "padding": "same", **FIRST},
        (1, 2, 5, 4, 5),
        (1, 4, 3, 4, 3),
    ),
    (layers.Conv3D, {"filters": 4, "kernel_size": 2, "groups": 2}, (1, 3, 3, 3, 4), (1, 2, 2, 2, 4)),
    (layers.Conv1DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 4), (2, 11, 3)),
    (
        layers.Conv1DTranspose,
        {"filters": 3, "kernel_size": 4, "strides": 2, "padding": "same", **FIRST},
        (2, 4, 5),
        (2, 3, 10),
    ),
    (
        layers.Conv2DTranspose,
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 4, 5, 2),
        (2, 8, 10, 3),
    ),
    (
        layers.Conv2DTranspose,
        {"filters": 3, "kernel_size": 3, "strides": 2, "output_padding": 1},
        (2, 3, 4, 2),
        (2, 8, 10, 3),
    ),
    (
        layers.Conv2DTranspose,
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same", **FIRST},
        (2, 3, 4, 5),
        (2, 2, 4, 5),
    ),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2}, (1, 2, 3, 2, 3), (1, 4, 6, 4, 2)),
    (
        layers.DepthwiseConv1D,
        {"kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"},
        (2, 9, 3),
        (2, 5, 6),
    ),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "dilation_rate": 2, **FIRST}, (2, 3, 9), (2, 3, 5)),
    (
        layers.DepthwiseConv2D,
        {"kernel_size": 3, "depth_multiplier": 2, "depthwise_regularizer": "l1"},
        (2, 6, 5, 3),
        (2, 4, 3, 6),
    ),
    (layers.DepthwiseConv2D, {"kernel_size": 2, "strides": 2, "padding": "same", **FIRST}, (2, 3, 5, 5), (2, 3, 3, 3)),
    (layers.SeparableConv1D, {"filters": 4, "kernel_size": 3, "depth_multiplier": 2}, (2, 9, 3), (2, 7, 4)),
    (
        layers.SeparableConv1D,
        {"filters": 4, "kernel_size": 3, "padding": "same", "dilation_rate": 2, **FIRST},
        (2, 3, 9),
        (2, 4, 9),
    ),
    (
        layers.SeparableConv2D,
        {"filters": 5, "kernel_size": 3, "strides": 2, "padding": "same"},
        (2, 7, 6, 3),
        (2, 4, 3, 5),
    ),
    (
        layers.SeparableConv2D,
        {"filters": 4, "kernel_size": (3, 2), "activation": "relu", **FIRST},
        (2, 2, 6, 5),
        (2, 4, 4, 4),
    ),
]


def _case_id(case: tuple) -> str:
    cls, kwargs, shape, _ = case
    options = "-".join(
        f"{key}={value}" for key, value in kwargs.items() if key not in ("filters", "kernel_size", "data_format")
    )
    fmt = "cf" if kwargs.get("data_format") == "channels_first" else "cl"
    return f"{cls.__name__}-{fmt}-{options or 'default'}"


def _weights(cls: type, kwargs: dict) -> int:
    kernels = 2 if cls in (layers.SeparableConv1D, layers.SeparableConv2D) else 1
    return kernels + (1 if kwargs.get("use_bias", True) else 0)


@pytest.mark.parametrize("cls,kwargs,shape,expected", CASES, ids=[_case_id(c) for c in CASES])
def test_conv_layer(backend: Any, cls: type, kwargs: dict, shape: tuple, expected: tuple) -> None:
    pytest.importorskip("keras")
    run_layer_test(
        cls,
        kwargs,
        input_shape=shape,
        expected_output_shape=expected,
        expected_output_dtype="float32",
        expected_num_trainable_weights=_weights(cls, kwargs),
        expected_num_non_trainable_weights=0,
        expected_num_losses=1 if any("regularizer" in key for key in kwargs) else 0,
        supports_masking=False,
    )
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    # Convolutions accumulate up to ~50 products: the backends' kernels (oneDNN,
    # XLA, ATen) round differently at about 1e-6 relative, as Keras's own do.
    assert_matches_keras(cls(**kwargs), x, tolerance=2e-5)


def test_causal_conv1d_never_looks_ahead(backend: Any) -> None:
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = np.random.default_rng(0).normal(size=(1, 10, 3)).astype("float32")
    base = ops.convert_to_numpy(layer(x))
    changed = x.copy()
    changed[:, 6:] += 1.0
    after = ops.convert_to_numpy(layer(changed))
    np.testing.assert_allclose(after[:, :6], base[:, :6], rtol=1e-6, atol=1e-6)
    assert not np.allclose(after[:, 6:], base[:, 6:])


def test_config_matches_keras_keys(backend: Any) -> None:
    keras = pytest.importorskip("keras")
    for cls, kwargs in [
        (layers.Conv2D, {"filters": 4, "kernel_size": 3}),
        (layers.Conv2DTranspose, {"filters": 4, "kernel_size": 3}),
        (layers.DepthwiseConv2D, {"kernel_size": 3}),
        (layers.SeparableConv1D, {"filters": 4, "kernel_size": 3}),
    ]:
        ours = cls(**kwargs).get_config()
        theirs = getattr(keras.layers, cls.__name__)(**kwargs).get_config()
        assert set(ours) == set(theirs), f"{cls.__name__}: {set(ours) ^ set(theirs)}"
        for key in ("kernel_size", "strides", "dilation_rate", "padding", "data_format"):
            assert tuple(np.atleast_1d(ours[key])) == tuple(np.atleast_1d(theirs[key])), key


def test_aliases() -> None:
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D


@pytest.mark.parametrize(
    "cls,kwargs,match",
    [
        (layers.Conv2D, {"filters": 0, "kernel_size": 3}, "expected a positive integer. Received: filters=0"),
        (layers.Conv2D, {"filters": 2.5, "kernel_size": 3}, "filters=2.5"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 0}, "kernel_size"),
        (layers.Conv2D, {"filters": 4, "kernel_size": (3, 3, 3)}, "tuple of 2 integers"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "strides": (1, 0)}, "strides"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "padding": "full"}, "padding='full'"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "padding": "causal"}, "only supported by Conv1D"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "data_format": "NHWC"}, "data_format='NHWC'"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "groups": 0}, "groups=0"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "groups": 3}, "groups=3, filters=4"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate > 1"),
        (layers.Conv2D, {"filters": 4, "kernel_size": 3, "lora_rank": 2}, "lora_rank=2"),
        (layers.Conv2DTranspose, {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 2}, "output_padding"),
        (layers.Conv1DTranspose, {"filters": 4, "kernel_size": 3, "padding": "causal"}, "padding='causal'"),
        (layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 0}, "depth_multiplier=0"),
        (layers.SeparableConv2D, {"filters": -1, "kernel_size": 3}, "filters=-1"),
    ],
)
def test_invalid_arguments(cls: type, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)")):
        cls(**kwargs)


def test_groups_must_divide_input_channels(backend: Any) -> None:
    layer = layers.Conv2D(4, 3, groups=2, name="grouped")
    with pytest.raises(ValueError, match=r"groups=2, but the input of layer 'grouped' has 3 channels"):
        layer(np.zeros((1, 5, 5, 3), "float32"))


def test_wrong_channel_count_names_layer_and_shapes(backend: Any) -> None:
    layer = layers.Conv2D(4, 3, name="edge_detector")
    layer(np.zeros((1, 6, 6, 3), "float32"))
    with pytest.raises(ValueError) as info:
        layer(np.zeros((1, 6, 6, 5), "float32"))
    message = str(info.value)
    assert "edge_detector" in message
    assert "axis -1" in message and "value 3" in message
    assert "(1, 6, 6, 5)" in message


def test_wrong_rank_and_too_small_inputs(backend: Any) -> None:
    with pytest.raises(ValueError, match=r"Conv2D layer .* must have rank 4.*\(1, 6, 3\)"):
        layers.Conv2D(4, 3)(np.zeros((1, 6, 3), "float32"))
    with pytest.raises(ValueError, match=r"'tiny'.*zero or negative"):
        layers.Conv2D(4, 5, name="tiny")(np.zeros((1, 4, 4, 3), "float32"))


def test_unknown_spatial_dimensions(backend: Any) -> None:
    import lamina

    inputs = lamina.Input((None, None, 3))
    outputs = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)
    assert outputs.shape == (None, None, None, 4)
    model = lamina.Model(inputs, layers.Conv2DTranspose(2, 3, strides=2, padding="same")(outputs))
    assert model.predict(np.zeros((2, 6, 10, 3), "float32"), verbose=0).shape == (2, 6, 10, 2)
