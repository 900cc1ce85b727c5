"""TensorFlow-specific checks beyond the conformance suite.

Ops inside `tf.function` (with and without XLA), NumPy advanced indexing,
`tf.Variable` storage and shape inference through FuncGraph traces.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import lamina  # noqa: E402
from lamina import ops, random  # noqa: E402
from lamina.backend import SymbolicTensor, get_backend  # noqa: E402


def _step(x: Any, labels: Any, seed: Any) -> dict:
    logits = ops.matmul(x, ops.ones((6, 4)) * 0.1)
    return {
        "softmax": ops.softmax(logits),
        "one_hot": ops.one_hot(labels, 4),
        "loss": ops.sparse_categorical_crossentropy(labels, logits, from_logits=True),
        "slice": ops.getitem(x, (slice(1, 3), slice(None, None, 2))),
        "advanced": ops.getitem(x, (slice(None), np.array([0, 2, -1]))),
        "argmax": ops.argmax(logits, axis=-1),
        "randint": random.randint((5,), 0, 9, seed=seed),
        "slice_update": ops.slice_update(x, (1, 1), ops.ones((2, 2))),
        "take_along_axis": ops.take_along_axis(x, ops.zeros((8, 1), "int32"), axis=1),
        "cond": ops.cond(ops.greater(ops.sum(x), 0.0), lambda: ops.sum(x), lambda: -ops.sum(x)),
        "fori_loop": ops.fori_loop(0, 3, lambda i, v: v + 1.0, ops.sum(x)),
    }


@pytest.mark.parametrize("jit_compile", [False, True])
def test_ops_inside_tf_function_match_eager(jit_compile: bool) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 6)).astype("float32")
    labels = np.array([0, 1, 2, 3, 0, 1, 2, 3], "int32")
    seed = ops.convert_to_tensor(np.array([5, 0], "int32"))
    eager = _step(ops.convert_to_tensor(x), ops.convert_to_tensor(labels), seed)
    compiled = tf.function(_step, jit_compile=jit_compile)(tf.constant(x), tf.constant(labels), seed)
    for key, want in eager.items():
        got = compiled[key]
        assert got.dtype == want.dtype, key
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6, err_msg=key)
    assert eager["argmax"].dtype == tf.int32


@pytest.mark.parametrize("jit_compile", [False, True])
def test_seeded_random_ops_trace(jit_compile: bool) -> None:
    generator = random.SeedGenerator(3)

    @tf.function(jit_compile=jit_compile)
    def draw(seed: Any) -> tuple:
        return (
            random.normal((3,), seed=seed),
            random.uniform((3,), seed=generator),
            random.dropout(ops.ones((4, 4)), 0.5, seed=seed),
            random.shuffle(ops.arange(6), seed=seed),
            random.categorical(ops.zeros((2, 3)), 4, seed=seed),
        )

    seed = ops.convert_to_tensor(np.array([1, 0], "int32"))
    first, second = draw(seed), draw(seed)
    np.testing.assert_array_equal(first[0].numpy(), second[0].numpy())
    assert not np.array_equal(first[1].numpy(), second[1].numpy())
    assert sorted(first[3].numpy().tolist()) == list(range(6))
    assert first[4].shape == (2, 4) and first[4].dtype == tf.int32


@pytest.mark.parametrize(
    "key",
    [
        (slice(1, 3), 2),
        (Ellipsis, 1),
        (None, slice(None), 0),
        np.array([0, 2, -1]),
        [1, 3],
        (np.array([0, 1]), np.array([2, 3])),
        (np.array([[0], [1]]), np.array([2, 3])),
        (slice(1, None, 2), [0, -1]),
        (1, np.array([0, 2])),
        (slice(None), None, np.array([0, 2])),
        (np.array([True, False, True, False]),),
    ],
    ids=repr,
)
def test_getitem_follows_numpy(key: Any) -> None:
    x = np.arange(4 * 5, dtype="float32").reshape(4, 5)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.getitem(x, key)), x[key])


def test_getitem_with_tensor_indices() -> None:
    x = np.arange(12, dtype="float32").reshape(3, 4)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.getitem(x, tf.constant(2))), x[2])
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.getitem(x, tf.constant([2, 0]))), x[[2, 0]])


def test_variable_is_backed_by_a_tf_variable() -> None:
    v = lamina.Variable(np.ones((2, 2), "float32"), name="kernel")
    assert isinstance(v.value, tf.Variable)
    assert v.value.name.startswith("kernel")
    # Raw TensorFlow ops accept Lamina variables.
    np.testing.assert_allclose(tf.reduce_sum(v).numpy(), 4.0)
    np.testing.assert_allclose((tf.ones((2, 2)) + v).numpy(), 2.0)


def test_variable_updates_inside_tf_function() -> None:
    v = lamina.Variable(np.ones(3, "float32"))

    @tf.function(jit_compile=True)
    def step(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(v.value)
            loss = ops.sum(ops.square(ops.multiply(v, x)))
        grad = tape.gradient(loss, v.value)
        v.assign_sub(0.1 * grad)
        return loss

    step(tf.ones(3))
    np.testing.assert_allclose(v.numpy(), [0.8, 0.8, 0.8], rtol=1e-6)


def test_variables_created_inside_tf_function_survive_it() -> None:
    created: list = []

    @tf.function
    def build_and_use(x: Any) -> Any:
        if not created:
            created.append(lamina.Variable(np.full(3, 2.0, "float32")))
        return ops.multiply(x, created[0])

    np.testing.assert_allclose(build_and_use(tf.ones(3)).numpy(), 2.0)
    np.testing.assert_allclose(created[0].numpy(), 2.0)


def test_eval_shape_does_not_touch_variables() -> None:
    v = lamina.Variable(np.zeros(3, "float32"))

    def fn(x: Any) -> dict:
        v.assign(v + 1.0)
        return {"sum": ops.add(x, v), "count": 3, "nonzero": ops.where(ops.greater(x, 0))}

    backend = get_backend("tensorflow")
    out = backend.core.eval_shape(fn, SymbolicTensor((5, 3)))
    assert out["sum"].shape == (5, 3) and out["count"] == 3
    assert out["nonzero"][0].shape == (None,) and out["nonzero"][0].dtype == "int32"
    np.testing.assert_array_equal(v.numpy(), [0.0, 0.0, 0.0])


def test_value_and_grad_on_variables_and_unconnected_inputs() -> None:
    backend = get_backend("tensorflow")
    v = lamina.Variable(np.array([1.0, 2.0], "float32"))
    grad_fn = backend.core.value_and_grad(lambda values: ops.sum(ops.square(values[0])))
    value, grads = grad_fn([v, ops.ones((3,))])
    np.testing.assert_allclose(value.numpy(), 5.0)
    np.testing.assert_allclose(grads[0].numpy(), [2.0, 4.0])
    np.testing.assert_allclose(grads[1].numpy(), [0.0, 0.0, 0.0])


def _fused_lstm_args(steps: int) -> tuple:
    rng = np.random.default_rng(0)
    units = 3
    return (
        tf.constant(rng.normal(size=(2, steps, 4)).astype("float32")),
        tf.zeros((2, units)),
        tf.zeros((2, units)),
        tf.constant(rng.normal(size=(4, 4 * units)).astype("float32")),
        tf.constant(rng.normal(size=(units, 4 * units)).astype("float32")),
        tf.constant(rng.normal(size=(4 * units,)).astype("float32")),
        False,
    )


@pytest.mark.parametrize(
    "steps,signature,expected",
    [
        (7, None, True),  # short and static inside a tf.function: unrolled
        (101, None, False),  # past MAX_UNROLLED_STEPS: the generic loop
        (7, (2, None, 4), False),  # a dynamic length: the generic loop
    ],
)
def test_lstm_unrolls_only_short_static_sequences_in_graphs(
    tf_backend: Any, steps: int, signature: Any, expected: bool
) -> None:
    from lamina_tensorflow import rnn

    assert rnn.MAX_UNROLLED_STEPS == 100
    args = _fused_lstm_args(steps)
    assert tf_backend.fused_lstm(*args) is None  # eager calls keep the generic loop
    results = []
    spec = [tf.TensorSpec(signature, tf.float32)] if signature else None

    @tf.function(input_signature=spec)
    def run(sequences: Any) -> Any:
        results.append(tf_backend.fused_lstm(sequences, *args[1:]))
        return sequences

    run(args[0])
    assert (results[0] is not None) == expected


def test_three_d_matmul_and_bias_add_match_numpy_with_gradients() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    w = rng.normal(size=(4, 5)).astype("float32")
    b = rng.normal(size=(5,)).astype("float32")

    def run(x: Any, w: Any, b: Any) -> tuple:
        with tf.GradientTape() as tape:
            tape.watch([x, w, b])
            y = ops.add(b, ops.matmul(x, w))  # the bias first: the other operand order
            loss = tf.reduce_sum(y * y)
        return y, tape.gradient(loss, [x, w, b])

    # Eager, static shapes: one 2-D MatMul and a BiasAdd; in a graph with
    # unknown sizes: a dynamic reshape and a broadcasting add.
    dynamic = [tf.TensorSpec((None, None, 4), tf.float32), tf.TensorSpec((4, None)), tf.TensorSpec((None,))]
    for fn in (run, tf.function(run, input_signature=dynamic)):
        y, (dx, dw, db) = fn(tf.constant(x), tf.constant(w), tf.constant(b))
        want = x @ w + b
        np.testing.assert_allclose(y.numpy(), want, rtol=1e-5, atol=1e-5)
        assert y.shape.as_list() == [2, 3, 5]
        np.testing.assert_allclose(dx.numpy(), 2 * want @ w.T, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(dw.numpy(), 2 * np.einsum("bti,bto->io", x, want), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(db.numpy(), 2 * want.sum(axis=(0, 1)), rtol=1e-4, atol=1e-4)
