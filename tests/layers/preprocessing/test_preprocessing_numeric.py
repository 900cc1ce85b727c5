"""Normalization, Rescaling, Resizing, CenterCrop, CategoryEncoding and Discretization."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import layers, ops
from lamina.testing import assert_matches_keras, run_layer_test

RNG = np.random.default_rng(0)
FEATURES = RNG.normal(2.0, 3.0, size=(64, 4)).astype("float32")
IMAGES = RNG.uniform(0, 255, size=(2, 10, 14, 3)).astype("float32")


# -- Normalization -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 4.0, 9.0, 0.25]},
        {"axis": None, "mean": 2.0, "variance": 9.0},
        {"axis": -1, "mean": [1.0, 2.0, 3.0, 4.0], "variance": [1.0, 4.0, 9.0, 0.25], "invert": True},
    ],
    ids=["per_feature", "scalar", "invert"],
)
def test_normalization_with_statistics(backend: Any, keras: Any, kwargs: dict) -> None:
    run_layer_test(
        layers.Normalization,
        kwargs,
        input_data=FEATURES[:8],
        expected_output_shape=(8, 4),
        expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0,
        supports_masking=True,
    )
    assert_matches_keras(layers.Normalization(**kwargs), FEATURES[:8])


def test_normalization_adapt_matches_keras(backend: Any, keras: Any) -> None:
    images = RNG.normal(size=(6, 3, 5, 2)).astype("float32")
    cases = [
        ({"axis": -1}, FEATURES),
        ({"axis": None}, FEATURES),
        ({"axis": (1, 3)}, images),
        ({"axis": -1}, [FEATURES[:10], FEATURES[10:40], FEATURES[40:]]),  # batches
        ({"axis": -1, "invert": True}, FEATURES),
    ]
    for kwargs, data in cases:
        ours = layers.Normalization(**kwargs)
        ours.adapt(data)
        reference = keras.layers.Normalization(**kwargs)
        reference.adapt(data)
        np.testing.assert_allclose(ours.adapt_mean.numpy(), reference.adapt_mean.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours.adapt_variance.numpy(), reference.adapt_variance.numpy(), rtol=1e-5, atol=1e-6)
        sample = data[0] if isinstance(data, list) else data
        np.testing.assert_allclose(
            ops.convert_to_numpy(ours(sample)), np.asarray(reference(sample)), rtol=1e-5, atol=1e-5
        )
    adapted = layers.Normalization()
    adapted.adapt(FEATURES)
    assert [w.name for w in adapted.weights] == ["mean", "variance", "count"]
    assert all(not w.trainable for w in adapted.weights)
    normalized = ops.convert_to_numpy(adapted(FEATURES))
    np.testing.assert_allclose(normalized.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(normalized.std(axis=0), 1.0, atol=1e-4)


def test_normalization_adapted_layer_trains_in_a_model(backend: Any) -> None:
    import lamina

    normalizer = layers.Normalization()
    normalizer.adapt(FEATURES)
    model = lamina.Sequential([lamina.Input((4,)), normalizer, layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(FEATURES, np.zeros((64, 1), "float32"), epochs=1, batch_size=16, verbose=0)
    np.testing.assert_allclose(normalizer.adapt_mean.numpy(), FEATURES.mean(axis=0), rtol=1e-5)


def test_normalization_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="rank of `mean`"):
        layers.Normalization(mean=[[1.0]], variance=[[1.0]])
    with pytest.raises(ValueError, match="range"):
        layers.Normalization(axis=3).build((2, 4))
    with pytest.raises(ValueError, match="empty"):
        layers.Normalization().adapt([])
    layer = layers.Normalization()
    layer.adapt(FEATURES)
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.ones((3, 5), "float32"))


# -- Rescaling ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [{"scale": 1 / 255.0}, {"scale": 1 / 127.5, "offset": -1.0}, {"scale": [0.5, 1.0, 2.0], "offset": [0.0, 1.0, 2.0]}],
    ids=["scale", "offset", "per_channel"],
)
def test_rescaling(backend: Any, keras: Any, kwargs: dict) -> None:
    run_layer_test(
        layers.Rescaling, kwargs, input_data=IMAGES, expected_output_shape=IMAGES.shape, supports_masking=True
    )
    assert_matches_keras(layers.Rescaling(**kwargs), IMAGES)
    uint8 = IMAGES.astype("uint8")
    assert ops.dtype(layers.Rescaling(**kwargs)(uint8)) == "float32"


def test_rescaling_array_scale_round_trips(backend: Any, keras: Any) -> None:
    from lamina.saving import deserialize_keras_object, serialize_keras_object

    layer = layers.Rescaling(np.array([0.5, 1.0, 2.0]))
    config = serialize_keras_object(layer)
    assert config["config"]["scale"]["class_name"] == "__numpy__"
    revived = deserialize_keras_object(config)
    np.testing.assert_allclose(revived.scale, [0.5, 1.0, 2.0])
    assert_matches_keras(layer, IMAGES)
    with pytest.raises(ValueError, match="scale"):
        layers.Rescaling("big")


# -- Resizing and CenterCrop -----------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"height": 5, "width": 7},
        {"height": 20, "width": 9, "interpolation": "nearest"},
        {"height": 6, "width": 6, "crop_to_aspect_ratio": True},
        {"height": 6, "width": 6, "pad_to_aspect_ratio": True, "fill_value": 1.0},
        {"height": 4, "width": 5, "interpolation": "bicubic", "antialias": True},
        {"height": 4, "width": 5, "data_format": "channels_first"},
    ],
    ids=["bilinear", "nearest", "crop", "pad", "bicubic_antialias", "channels_first"],
)
def test_resizing(backend: Any, keras: Any, kwargs: dict) -> None:
    images = IMAGES if kwargs.get("data_format") != "channels_first" else np.transpose(IMAGES, (0, 3, 1, 2))
    run_layer_test(layers.Resizing, kwargs, input_data=images)
    assert_matches_keras(layers.Resizing(**kwargs), images, tolerance=1e-4)  # pixel values up to 255
    assert_matches_keras(layers.Resizing(**kwargs), images[0], tolerance=1e-4)


def test_resizing_keeps_integer_dtype(backend: Any, keras: Any) -> None:
    images = IMAGES.astype("uint8")
    output = layers.Resizing(5, 7)(images)
    assert ops.dtype(output) == "uint8"
    reference = keras.layers.Resizing(5, 7)(images)
    np.testing.assert_allclose(ops.convert_to_numpy(output), np.asarray(reference), atol=1)


@pytest.mark.parametrize(
    "kwargs,shape",
    [
        ({"height": 6, "width": 8}, (2, 10, 14, 3)),
        ({"height": 7, "width": 9}, (2, 10, 14, 3)),  # odd window in an even image
        ({"height": 12, "width": 8}, (2, 10, 14, 3)),  # taller than the image: crop-and-resize
        ({"height": 6, "width": 8, "data_format": "channels_first"}, (2, 3, 10, 14)),
    ],
    ids=["crop", "odd", "smaller_image", "channels_first"],
)
def test_center_crop(backend: Any, keras: Any, kwargs: dict, shape: tuple) -> None:
    images = RNG.uniform(0, 1, size=shape).astype("float32")
    run_layer_test(layers.CenterCrop, kwargs, input_data=images)
    assert_matches_keras(layers.CenterCrop(**kwargs), images)
    assert_matches_keras(layers.CenterCrop(**kwargs), images[0])


def test_image_layers_reject_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="height"):
        layers.Resizing(0, 4)
    with pytest.raises(ValueError, match="width"):
        layers.CenterCrop(4, 2.5)
    with pytest.raises(ValueError, match="interpolation"):
        layers.Resizing(4, 4, interpolation="area")
    with pytest.raises(ValueError, match="Only one of"):
        layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="data_format"):
        layers.Resizing(4, 4, data_format="NHWC")
    with pytest.raises(ValueError, match="bounding boxes"):
        layers.Resizing(4, 4, bounding_box_format="xyxy")
    with pytest.raises(ValueError, match="rank 3"):
        layers.Resizing(4, 4)(np.zeros((2, 3), "float32"))


# -- CategoryEncoding --------------------------------------------------------------------------
@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding(backend: Any, keras: Any, output_mode: str) -> None:
    ids = np.array([[0, 1, 1], [3, 3, 2]], "int32")
    run_layer_test(
        layers.CategoryEncoding,
        {"num_tokens": 5, "output_mode": output_mode},
        input_data=ids,
        expected_output_dtype="float32",
    )
    for inputs in (ids, ids[0], ids[:, :1], np.array(3, "int32")):
        assert_matches_keras(layers.CategoryEncoding(num_tokens=5, output_mode=output_mode), inputs)


def test_category_encoding_count_weights_and_bad_arguments(backend: Any) -> None:
    layer = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    out = layer(np.array([[0, 1, 1]]), count_weights=np.array([[0.5, 1.0, 2.0]]))
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[0.5, 3.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(num_tokens=4)(np.array([[0]]), count_weights=np.array([[1.0]]))
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="num_tokens"):
        layers.CategoryEncoding(num_tokens=0)
    with pytest.raises(ValueError, match="output_mode"):
        layers.CategoryEncoding(num_tokens=3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="sparse"):
        layers.CategoryEncoding(num_tokens=3, sparse=True)


# -- Discretization ----------------------------------------------------------------------------
@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization(backend: Any, keras: Any, output_mode: str) -> None:
    kwargs = {"bin_boundaries": [-1.0, 0.0, 2.5], "output_mode": output_mode}
    values = np.array([[-1.5, 1.0, 3.4, 0.0], [-1.0, 2.5, 9.0, -0.1]], "float32")
    run_layer_test(
        layers.Discretization,
        kwargs,
        input_data=values,
        expected_output_dtype="int32" if output_mode == "int" else "float32",
    )
    assert_matches_keras(layers.Discretization(**kwargs), values)
    assert_matches_keras(layers.Discretization(**kwargs), values[0])


def test_discretization_adapt_matches_keras(backend: Any, keras: Any) -> None:
    data = RNG.normal(size=(1000, 2)).astype("float32")
    for num_bins, epsilon, source in [
        (4, 0.01, data),
        (7, 0.05, data),
        (5, 0.01, [data[:300], data[300:]]),
        (3, 0.01, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
    ]:
        ours = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
        ours.adapt(source)
        reference = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
        reference.adapt(source)
        np.testing.assert_allclose(ours.bin_boundaries, reference.bin_boundaries, rtol=1e-6)
        np.testing.assert_array_equal(ops.convert_to_numpy(ours(data[:20])), np.asarray(reference(data[:20])))
    revived = layers.Discretization.from_config(ours.get_config())
    assert revived.bin_boundaries == ours.bin_boundaries
    keras_revived = keras.layers.Discretization.from_config(ours.get_config())
    assert list(keras_revived.bin_boundaries) == ours.bin_boundaries


def test_discretization_rejects_bad_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match="should not be set"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match="num_bins"):
        layers.Discretization(num_bins=-1)
    with pytest.raises(ValueError, match="sorted"):
        layers.Discretization(bin_boundaries=[1.0, 0.0])
    with pytest.raises(ValueError, match="output_mode"):
        layers.Discretization(bin_boundaries=[0.0], output_mode="tf_idf")
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(FEATURES)
    with pytest.raises(ValueError, match="adapt"):
        layers.Discretization(num_bins=3)(FEATURES)


def test_preprocessing_model_saves_and_loads(backend: Any, keras: Any, tmp_path: Any) -> None:
    pytest.importorskip("lamina_io")
    import lamina

    normalizer = layers.Normalization()
    normalizer.adapt(FEATURES)
    model = lamina.Sequential(
        [
            lamina.Input((4,)),
            normalizer,
            layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0], output_mode="one_hot"),
            layers.Flatten(),
            layers.Rescaling(0.5, offset=1.0),
            layers.Dense(2),
        ]
    )
    expected = model.predict(FEATURES, verbose=0)
    model.save(tmp_path / "preprocessing.keras")
    loaded = lamina.models.load_model(tmp_path / "preprocessing.keras")
    np.testing.assert_allclose(loaded.predict(FEATURES, verbose=0), expected, rtol=1e-5, atol=1e-6)
    # Keras 3 reads the same archive (configs and the adapted weights).
    reference = keras.models.load_model(tmp_path / "preprocessing.keras")
    np.testing.assert_allclose(np.asarray(reference.predict(FEATURES, verbose=0)), expected, rtol=1e-5, atol=1e-5)
