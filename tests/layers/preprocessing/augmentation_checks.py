"""The checks every random image-augmentation layer passes (imported by its tests)."""

from __future__ import annotations

from typing import Any


def check_random_image_layer(cls: type, kwargs: dict, images: Any, *, must_change: bool = True) -> Any:
    """The checks every random image-augmentation layer passes; returns one training output.

    The layer harness; identity in inference (eagerly, against Keras, and inside
    a model's `predict`); the same seed gives the same training output and a
    layer draws anew on each call; a single image (no batch axis) keeps its shape.
    """
    import numpy as np

    import lamina
    from lamina import ops
    from lamina.testing import assert_matches_keras, run_layer_test

    run_layer_test(
        cls,
        {**kwargs, "seed": 1},
        input_data=images,
        expected_output_shape=images.shape,
        expected_output_dtype="float32",
        expected_num_seed_generators=1,
        expected_num_trainable_weights=0,
    )
    layer = cls(**kwargs, seed=1)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(images, training=False)), images)
    assert_matches_keras(layer, images, call_kwargs={"training": False})
    model = lamina.Sequential([lamina.Input(images.shape[1:]), cls(**kwargs, seed=1)])
    np.testing.assert_allclose(model.predict(images, verbose=0), images, atol=1e-6)
    first = cls(**kwargs, seed=7)
    output = ops.convert_to_numpy(first(images, training=True))
    again = ops.convert_to_numpy(cls(**kwargs, seed=7)(images, training=True))
    np.testing.assert_allclose(output, again, atol=1e-6)
    if must_change:
        assert not np.allclose(output, images, atol=1e-3)
    assert any(not np.allclose(ops.convert_to_numpy(first(images, training=True)), output) for _ in range(3))
    single = cls(**kwargs, seed=2)(images[0], training=True)
    assert ops.convert_to_numpy(single).shape == images[0].shape
    return output
