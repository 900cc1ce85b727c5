"""The layer test harness: the checks every layer gets for free.

`run_layer_test` builds a layer from its constructor arguments and checks
the config round trip, symbolic and eager calls (shapes, dtypes, values),
weight counts, masking and one training step. `assert_matches_keras` builds
the equivalent Keras 3 layer from Lamina's config, copies the weights and
compares outputs: the numerical reference (needs `keras`, a test-only
dependency).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from lamina import tree


def _random_input(shape: tuple, dtype: str, rng: np.random.Generator) -> np.ndarray:
    if "int" in dtype:
        return rng.integers(0, 5, size=shape).astype(dtype)
    if dtype == "bool":
        return rng.uniform(size=shape) > 0.5
    return rng.normal(size=shape).astype(dtype)


def _shapes(structure: Any) -> Any:
    return tree.map_structure(lambda x: tuple(x.shape) if hasattr(x, "shape") else x, structure)


def run_layer_test(
    layer_cls: type,
    init_kwargs: dict | None = None,
    input_shape: Any = None,
    input_dtype: Any = "float32",
    input_data: Any = None,
    call_kwargs: dict | None = None,
    expected_output_shape: Any = None,
    expected_output_dtype: str | None = None,
    expected_output: Any = None,
    expected_num_trainable_weights: int | None = None,
    expected_num_non_trainable_weights: int | None = None,
    expected_num_seed_generators: int | None = None,
    expected_num_losses: int | None = None,
    supports_masking: bool | None = None,
    run_training_check: bool = True,
    tolerance: float = 1e-5,
) -> Any:
    """Runs the standard checks on a layer; returns the layer built eagerly.

    Args:
        layer_cls: the layer class.
        init_kwargs: constructor arguments.
        input_shape: shape(s) of random test inputs, including the batch size
            (ignored if `input_data` is given).
        input_dtype: dtype(s) of the random inputs.
        input_data: explicit input arrays.
        call_kwargs: extra arguments of `call`.
        expected_output_shape, expected_output_dtype, expected_output: checks
            on the eager output.
        expected_num_*: counts of trainable / non-trainable weights, seed
            generators and losses after the call.
        supports_masking: the expected value of `layer.supports_masking`.
        run_training_check: fit a model made of this layer for one step.
        tolerance: for `expected_output`.

    Example:
        ```python
        run_layer_test(lamina.layers.Dense, {"units": 4}, input_shape=(2, 3),
                       expected_output_shape=(2, 4), expected_num_trainable_weights=2)
        ```
    """
    import lamina
    from lamina import ops
    from lamina.backend import SymbolicTensor
    from lamina.saving import deserialize_keras_object, serialize_keras_object

    init_kwargs = dict(init_kwargs or {})
    call_kwargs = dict(call_kwargs or {})
    rng = np.random.default_rng(0)
    if input_data is None:
        if input_shape is None:
            raise ValueError("run_layer_test needs `input_shape` or `input_data`.")
        if isinstance(input_shape, list):
            dtypes = input_dtype if isinstance(input_dtype, list) else [input_dtype] * len(input_shape)
            input_data = [_random_input(tuple(s), d, rng) for s, d in zip(input_shape, dtypes)]
        elif isinstance(input_shape, dict):
            input_data = {k: _random_input(tuple(s), input_dtype, rng) for k, s in input_shape.items()}
        else:
            input_data = _random_input(tuple(input_shape), input_dtype, rng)

    # 1. Configuration round trip, directly and through serialization.
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    revived = layer_cls.from_config(config)
    assert revived.get_config() == config, f"{layer_cls.__name__}: from_config(get_config()) changes the config"
    serialized = serialize_keras_object(layer)
    assert type(deserialize_keras_object(serialized)) is layer_cls
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking, f"{layer_cls.__name__}.supports_masking"

    # 2. Symbolic call: shapes with an unknown batch dimension.
    symbolic_inputs = tree.map_structure(
        lambda a: SymbolicTensor((None,) + tuple(a.shape[1:]), str(a.dtype)), input_data
    )

    def call(layer: Any, inputs: Any) -> Any:
        # A dict of inputs names the call's arguments (e.g. query=..., value=...).
        if isinstance(inputs, dict):
            return layer(**inputs, **call_kwargs)
        return layer(inputs, **call_kwargs)

    symbolic_layer = layer_cls(**init_kwargs)
    symbolic_output = call(symbolic_layer, symbolic_inputs)

    # 3. Eager call.
    eager_layer = layer_cls(**init_kwargs)
    output = call(eager_layer, input_data)
    output_shapes = _shapes(output)
    if expected_output_shape is not None:
        if isinstance(expected_output_shape, list):
            wanted: Any = [tuple(shape) for shape in expected_output_shape]
            got: Any = list(output_shapes) if isinstance(output_shapes, (list, tuple)) else [output_shapes]
        else:
            wanted, got = tuple(expected_output_shape), output_shapes
        assert got == wanted, f"{layer_cls.__name__}: output shape {output_shapes}, expected {expected_output_shape}"
    for symbolic, eager in zip(tree.flatten(symbolic_output), tree.flatten(output)):
        eager_shape = tuple(eager.shape)
        assert len(symbolic.shape) == len(eager_shape) and all(
            s is None or s == e for s, e in zip(symbolic.shape, eager_shape)
        ), f"{layer_cls.__name__}: symbolic shape {symbolic.shape} disagrees with eager {eager_shape}"
        if expected_output_dtype is not None:
            assert ops.dtype(eager) == expected_output_dtype, f"{layer_cls.__name__}: dtype {ops.dtype(eager)}"
            assert symbolic.dtype == expected_output_dtype
    if expected_output is not None:
        for got, want in zip(tree.flatten(output), tree.flatten(expected_output)):
            np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=tolerance, atol=tolerance)
    if expected_num_trainable_weights is not None:
        assert len(eager_layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(eager_layer.non_trainable_weights) == expected_num_non_trainable_weights
    if expected_num_seed_generators is not None:
        assert len(eager_layer._seed_generators) == expected_num_seed_generators
    if expected_num_losses is not None:
        assert len(eager_layer.losses) == expected_num_losses

    # 4. compute_output_shape agrees with the eager output.
    if not isinstance(input_data, dict):
        shapes = _shapes(input_data)
        try:
            computed = eager_layer.compute_output_shape(shapes)
        except NotImplementedError:
            computed = None
        if computed is not None and not isinstance(output, (list, tuple, dict)):
            # None means "depends on the data" (e.g. TextVectorization's sequence length).
            assert len(computed) == len(output_shapes) and all(
                c is None or c == o for c, o in zip(computed, output_shapes)
            ), f"{layer_cls.__name__}: compute_output_shape {computed} vs {output_shapes}"

    # 5. One training step in a model made of the layer.
    if run_training_check and not isinstance(input_data, dict):
        inputs = tree.map_structure(
            lambda a: lamina.Input(batch_shape=(None,) + tuple(a.shape[1:]), dtype=str(a.dtype)), input_data
        )
        model_layer = layer_cls(**init_kwargs)
        outputs = model_layer(inputs, **call_kwargs)
        model = lamina.Model(inputs, outputs)
        targets = tree.map_structure(
            lambda o: np.zeros((tree.flatten(input_data)[0].shape[0],) + tuple(o.shape[1:]), "float32"), outputs
        )
        if any(None in t.shape for t in tree.flatten(targets)) or not all(
            "float" in o.dtype for o in tree.flatten(outputs)
        ):
            return eager_layer
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(input_data, targets, epochs=1, batch_size=tree.flatten(input_data)[0].shape[0], verbose=0)
        assert np.isfinite(history.history["loss"][0]), f"{layer_cls.__name__}: training produced a non-finite loss"
    return eager_layer


def record_keras_comparison(layer: Any, ours: Any, reference: Any, tolerance: float, keras: Any = None) -> None:
    """Appends a Lamina/Keras output comparison to $LAMINA_LAYER_TABLE (JSON lines).

    `tools/layer_table.py` turns those lines into docs/layers.md. Tests that compare
    a layer with Keras 3 by hand call this too; without the variable it does nothing.
    `reference` holds Keras tensors (converted with `keras.ops`) or NumPy arrays.
    """
    path = os.environ.get("LAMINA_LAYER_TABLE")
    if not path:
        return
    import json

    from lamina import ops

    difference = 0.0
    for got, want in zip(tree.flatten(ours), tree.flatten(reference)):
        got_np = np.asarray(ops.convert_to_numpy(got), dtype="float64")
        want_np = np.asarray(want if keras is None else keras.ops.convert_to_numpy(want), dtype="float64")
        if got_np.shape == want_np.shape and got_np.size:
            difference = max(difference, float(np.max(np.abs(got_np - want_np))))
    record = {
        "layer": type(layer).__name__,
        "backend": layer.backend.name,
        "max_abs_difference": difference,
        "tolerance": tolerance,
    }
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(record) + "\n")


def keras_module() -> Any:
    """Keras 3, imported for reference computations (JAX backend unless set)."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    return keras


def assert_matches_keras(layer: Any, inputs: Any, call_kwargs: dict | None = None, tolerance: float = 1e-5) -> None:
    """Builds Keras 3's version of `layer` from Lamina's config and compares outputs.

    The Keras layer is deserialized from Lamina's own serialized config (so
    configs stay Keras-compatible), given Lamina's weights, and called on
    the same inputs.
    """
    from lamina import ops
    from lamina.saving import serialize_keras_object

    keras = keras_module()
    call_kwargs = dict(call_kwargs or {})
    ours = layer(inputs, **call_kwargs)
    reference_layer = keras.saving.deserialize_keras_object(serialize_keras_object(layer))
    reference_inputs = tree.map_structure(lambda a: np.asarray(a), inputs)
    reference_layer(reference_inputs, **call_kwargs)
    reference_layer.set_weights([np.asarray(w) for w in layer.get_weights()])
    reference = reference_layer(reference_inputs, **call_kwargs)
    record_keras_comparison(layer, ours, reference, tolerance, keras)
    for got, want in zip(tree.flatten(ours), tree.flatten(reference)):
        np.testing.assert_allclose(
            ops.convert_to_numpy(got),
            np.asarray(keras.ops.convert_to_numpy(want)),
            rtol=tolerance,
            atol=tolerance,
            err_msg=f"{type(layer).__name__} differs from keras.layers.{type(reference_layer).__name__}",
        )
