"""PyTorch-specific checks beyond the conformance suite.

Conversion fast paths and dtypes, weak Python scalars, NumPy indexing with
negative steps, shape inference on the "meta" device, Variables stored as
`torch.nn.Parameter` and updated in place, autograd, and seeded generators.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import lamina  # noqa: E402
from lamina import ops, random  # noqa: E402
from lamina.backend import SymbolicTensor, get_backend  # noqa: E402
from lamina.backend.symbolic import compute_output_spec  # noqa: E402

# -- conversion ---------------------------------------------------------------


def test_convert_returns_tensors_unchanged_and_casts_when_asked() -> None:
    x = torch.ones(3)
    assert ops.convert_to_tensor(x) is x
    assert ops.convert_to_tensor(x, dtype="float32") is x
    assert ops.convert_to_tensor(x, dtype="int32").dtype == torch.int32
    v = lamina.Variable(np.ones(2, "float32"))
    assert ops.convert_to_tensor(v) is v.value
    assert isinstance(v.value, torch.nn.Parameter)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (1.5, "float32"),
        (3, "int32"),
        (True, "bool"),
        ([1, 2], "int32"),
        ([1, 2.5], "float32"),
        ([[True, False]], "bool"),
        (np.ones(2), "float64"),
        (np.ones(2, "int64"), "int64"),
        (np.float32(2.0), "float32"),
        (np.ones(2, "uint8"), "uint8"),
    ],
)
def test_convert_defaults(value: Any, dtype: str) -> None:
    assert ops.dtype(ops.convert_to_tensor(value)) == dtype


def test_convert_numpy_edge_cases() -> None:
    readonly = np.arange(4, dtype="float32")
    readonly.flags.writeable = False
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.convert_to_tensor(readonly)), readonly)
    reversed_view = np.arange(4, dtype="float32")[::-1]
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.convert_to_tensor(reversed_view)), reversed_view)
    ml_dtypes = pytest.importorskip("ml_dtypes")
    half = np.array([1.5, -2.0], ml_dtypes.bfloat16)
    tensor = ops.convert_to_tensor(half)
    assert tensor.dtype == torch.bfloat16
    back = ops.convert_to_numpy(tensor)
    assert back.dtype == ml_dtypes.bfloat16
    np.testing.assert_array_equal(back.astype("float32"), [1.5, -2.0])
    mixed = ops.convert_to_tensor([torch.ones(2, dtype=torch.int32), np.zeros(2, "float32")])
    assert mixed.shape == (2, 2) and mixed.dtype == torch.float32


def test_convert_rejects_strings_and_symbolic_tensors() -> None:
    with pytest.raises(ValueError, match="string"):
        ops.convert_to_tensor("abc")
    with pytest.raises(ValueError, match="no values"):
        get_backend("torch").core.convert_to_tensor(SymbolicTensor((2,)))


def test_convert_to_numpy_detaches_and_copies() -> None:
    x = torch.ones(3, requires_grad=True) * 2
    np.testing.assert_array_equal(ops.convert_to_numpy(x), [2, 2, 2])
    v = lamina.Variable(np.zeros(2, "float32"))
    before = v.numpy()
    v.assign(np.ones(2, "float32"))
    np.testing.assert_array_equal(before, [0, 0])  # not a view of the Parameter


# -- dtype promotion ----------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "op", "dtype"),
    [
        (np.ones(2, "int32"), 1.5, "add", "float32"),
        (np.ones(2, "float16"), 1.5, "add", "float16"),
        (np.ones(2, "bool"), 1, "add", "int32"),
        (np.ones(2, "uint8"), True, "subtract", "uint8"),
        (np.ones(2, "int8"), 2, "multiply", "int8"),
        (np.ones(2, "int32"), np.ones(2, "float16"), "add", "float16"),
        (np.ones(2, "uint8"), np.ones(2, "int8"), "add", "int16"),
        (np.ones(2, "int32"), np.ones(2, "int32"), "divide", "float32"),
        (np.ones(2, "float16"), np.ones(2, "float32"), "maximum", "float32"),
        (2, np.ones(2, "float32"), "subtract", "float32"),
        (1.0, np.ones(2, "int32"), "divide", "float32"),
        (np.ones(2, "bool"), np.ones(2, "bool"), "power", "int32"),
    ],
)
def test_binary_ops_follow_the_promotion_lattice(x: Any, y: Any, op: str, dtype: str) -> None:
    x = ops.convert_to_tensor(x) if isinstance(x, np.ndarray) else x
    y = ops.convert_to_tensor(y) if isinstance(y, np.ndarray) else y
    assert ops.dtype(getattr(ops, op)(x, y)) == dtype


def test_reduction_dtypes() -> None:
    assert ops.dtype(ops.sum(np.ones(3, "bool"))) == "int32"
    assert ops.dtype(ops.sum(np.ones(3, "int8"))) == "int32"
    assert ops.dtype(ops.sum(np.ones(3, "int32"))) == "int32"
    assert ops.dtype(ops.mean(np.ones(3, "int32"))) == "float32"
    assert ops.dtype(ops.argmax(np.ones(3, "float32"))) == "int32"
    assert ops.dtype(ops.any(np.ones(3, "uint8"))) == "bool"
    assert ops.dtype(ops.cumsum(np.ones(3, "int32"))) == "int32"
    assert ops.dtype(ops.count_nonzero(np.ones(3))) == "int32"


# -- indexing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        slice(None, None, -1),
        (Ellipsis, slice(None, None, -2)),
        (slice(None, None, -1), None, 1, slice(3, 0, -2)),
        (0, slice(2, None, -1)),
        (slice(1, 1, -1),),
        (np.array([1, 0]), slice(None, None, -1), np.array([0, 3])),
        (slice(None), slice(None, None, -1), Ellipsis, None),
    ],
)
def test_getitem_matches_numpy_with_negative_steps(key: Any) -> None:
    x = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.getitem(ops.convert_to_tensor(x), key)), x[key])


def test_getitem_with_tensor_and_variable_keys() -> None:
    x = ops.convert_to_tensor(np.arange(12).reshape(3, 4))
    index = ops.convert_to_tensor(np.array([2, 0], "int32"))
    np.testing.assert_array_equal(ops.convert_to_numpy(x[index]), [[8, 9, 10, 11], [0, 1, 2, 3]])
    v = lamina.Variable(np.arange(12, dtype="float32").reshape(3, 4))
    np.testing.assert_array_equal(ops.convert_to_numpy(v[1, ::-1]), [7, 6, 5, 4])


def test_gradients_flow_through_slicing_and_scatter() -> None:
    backend = get_backend("torch")

    def fn(values: list) -> Any:
        (x,) = values
        updated = ops.slice_update(x, (0, 1), ops.ones((1, 2)))
        picked = ops.getitem(updated, (slice(None), slice(None, None, -1)))
        scattered = ops.scatter(np.array([[0, 0], [1, 2]]), ops.getitem(x, (0, slice(0, 2))), (2, 3))
        return ops.sum(picked * 2.0) + ops.sum(scattered)

    _, (grad,) = backend.core.value_and_grad(fn)([np.arange(6, dtype="float32").reshape(2, 3)])
    np.testing.assert_allclose(ops.convert_to_numpy(grad), [[3, 1, 0], [2, 2, 2]])


# -- shape inference ----------------------------------------------------------


def test_eval_shape_runs_on_meta_tensors_and_leaves_state_alone() -> None:
    kernel = lamina.Variable(np.ones((6, 4), "float32"), name="kernel")
    bias = lamina.Variable(np.zeros(4, "float32"), name="bias")
    devices = []

    def dense(x: Any) -> Any:
        devices.append(x.device.type)
        y = ops.add(ops.matmul(x, kernel), bias)
        kernel.assign(kernel * 2.0)
        noise = random.normal((3,), seed=random.SeedGenerator(1))
        return {"y": ops.relu(y), "noise": noise, "drop": random.dropout(y, 0.5, seed=3), "n": 7}

    result = compute_output_spec(get_backend("torch"), dense, SymbolicTensor((None, 6)))
    assert result["y"].shape == (None, 4) and result["y"].dtype == "float32"
    assert result["noise"].shape == (3,) and result["drop"].shape == (None, 4)
    assert result["n"] == 7
    assert devices == ["meta", "meta"]  # no eager fallback
    np.testing.assert_array_equal(kernel.numpy(), np.ones((6, 4)))  # assignment not applied
    assert isinstance(kernel.value, torch.nn.Parameter) and kernel.value.device.type != "meta"


def test_eval_shape_falls_back_for_value_dependent_code() -> None:
    def fn(x: Any) -> Any:
        return ops.cond(ops.sum(x) > 0, lambda: x * 2, lambda: ops.concatenate([x, x]))

    result = compute_output_spec(get_backend("torch"), fn, SymbolicTensor((3, 2)))
    assert result.shape == (6, 2)  # the zeros stand-in takes the false branch


def test_eval_shape_reports_real_errors() -> None:
    with pytest.raises(RuntimeError):
        compute_output_spec(get_backend("torch"), lambda x: ops.matmul(x, ops.ones((5, 2))), SymbolicTensor((3, 2)))


def test_symbolic_ops_with_unknown_batch() -> None:
    x = SymbolicTensor((None, 6), "int32")
    y = ops.one_hot(x, 5)
    assert y.shape == (None, 6, 5) and y.dtype == "float32"
    assert ops.sparse_categorical_crossentropy(
        SymbolicTensor((None,), "int32"), SymbolicTensor((None, 5)), from_logits=True
    ).shape == (None,)
    assert ops.take(SymbolicTensor((None, 4)), np.array([0, 1]), axis=1).shape == (None, 2)


def test_layers_build_and_run() -> None:
    layers = pytest.importorskip("lamina.layers")
    dense = layers.Dense(4, activation="relu")
    assert dense(SymbolicTensor((None, 6))).shape == (None, 4)
    y = dense(np.ones((2, 6), "float32"))
    assert isinstance(y, torch.Tensor) and y.shape == (2, 4) and y.requires_grad
    assert all(isinstance(w.value, torch.nn.Parameter) for w in dense.weights)


# -- variables ----------------------------------------------------------------


def test_variable_is_a_parameter_updated_in_place() -> None:
    initial = np.ones(3, "float32")
    v = lamina.Variable(initial)
    parameter = v.value
    assert isinstance(parameter, torch.nn.Parameter) and parameter.requires_grad
    v.assign(np.full(3, 2.0, "float32"))
    v.assign_add(np.ones(3, "float32"))
    assert v.value is parameter
    np.testing.assert_array_equal(v.numpy(), [3, 3, 3])
    np.testing.assert_array_equal(initial, [1, 1, 1])  # the initial array is not aliased


def test_trainable_controls_requires_grad() -> None:
    v = lamina.Variable(np.ones(2, "float32"), trainable=False)
    assert not v.value.requires_grad
    v.trainable = True
    assert v.trainable and v.value.requires_grad
    counter = lamina.Variable(np.zeros((), "int64"), trainable=False)
    assert type(counter.value) is torch.Tensor and counter.dtype == "int64"
    counter.assign_add(1)
    assert int(counter) == 1


def test_assign_from_autograd_values_records_no_graph() -> None:
    moving = lamina.Variable(np.zeros(3, "float32"), trainable=False)
    weight = lamina.Variable(np.ones(3, "float32"))
    moving.assign(weight * 2.0)
    weight.assign(weight * 3.0)  # in place on a Parameter that requires grad
    assert moving.value.grad_fn is None and not moving.value.requires_grad
    assert weight.value.is_leaf and weight.value.requires_grad
    np.testing.assert_array_equal(weight.numpy(), [3, 3, 3])


def test_torch_functions_accept_variables() -> None:
    v = lamina.Variable(np.array([1.0, 2.0], "float32"))
    x = torch.tensor([3.0, 4.0])
    assert torch.dot(x, v).item() == 11.0
    np.testing.assert_array_equal((x + v).detach().numpy(), [4, 6])
    assert torch.stack([v, x]).shape == (2, 2)
    loss = torch.sum(v * v)
    loss.backward()
    np.testing.assert_array_equal(v.value.grad.numpy(), [2, 4])


# -- gradients ----------------------------------------------------------------


def test_value_and_grad_edge_cases() -> None:
    core = get_backend("torch").core
    value, grads = core.value_and_grad(lambda vals: ops.sum(ops.cast(vals[1], "float32")) + 1.0)(
        [np.ones(2, "float32"), np.ones(2, "int32")]
    )
    assert float(value) == 3.0
    np.testing.assert_array_equal(ops.convert_to_numpy(grads[0]), [0, 0])
    with torch.no_grad():  # gradients are computed even inside no_grad
        _, grads = core.value_and_grad(lambda vals: ops.sum(vals[0] * 3.0))([np.ones(2, "float32")])
    np.testing.assert_array_equal(ops.convert_to_numpy(grads[0]), [3, 3])
    with pytest.raises(ValueError, match="scalar"):
        core.value_and_grad(lambda vals: vals[0] * 2.0)([np.ones(2, "float32")])


def test_fused_crossentropies_match_formulas_and_gradients() -> None:
    core = get_backend("torch").core
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 2, 5)).astype("float32")
    labels = rng.integers(0, 5, size=(4, 2))

    def sparse(values: list) -> Any:
        return ops.sum(ops.sparse_categorical_crossentropy(labels, values[0], from_logits=True))

    def dense(values: list) -> Any:
        target = ops.one_hot(labels, 5)
        return ops.sum(-ops.sum(target * ops.log_softmax(values[0]), axis=-1))

    v1, (g1,) = core.value_and_grad(sparse)([logits])
    v2, (g2,) = core.value_and_grad(dense)([logits])
    np.testing.assert_allclose(float(v1), float(v2), rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(g1), ops.convert_to_numpy(g2), rtol=1e-5, atol=1e-6)
    target = (rng.uniform(size=(3, 4)) > 0.5).astype("float32")
    out = rng.normal(size=(3, 4)).astype("float32")
    fused = ops.binary_crossentropy(target, out, from_logits=True)
    sig = 1 / (1 + np.exp(-out))
    np.testing.assert_allclose(
        ops.convert_to_numpy(fused), -(target * np.log(sig) + (1 - target) * np.log(1 - sig)), rtol=1e-5
    )
    clipped = ops.binary_crossentropy(np.ones(2, "float32"), np.array([0.0, 1.0], "float32"))
    assert np.isfinite(ops.convert_to_numpy(clipped)).all()


def test_one_hot_out_of_range_gives_zero_rows() -> None:
    y = ops.convert_to_numpy(ops.one_hot(np.array([0, 3, -1, 2]), 3))
    np.testing.assert_array_equal(y, [[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]])


# -- random -------------------------------------------------------------------


def test_seeds_are_reproducible_and_generators_advance() -> None:
    a = ops.convert_to_numpy(random.uniform((4,), seed=11))
    np.testing.assert_array_equal(a, ops.convert_to_numpy(random.uniform((4,), seed=11)))
    generator = random.SeedGenerator(3)
    draws = [ops.convert_to_numpy(random.randint((6,), 0, 100, seed=generator)) for _ in range(3)]
    assert not np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[1], draws[2])
    again = random.SeedGenerator(3)
    np.testing.assert_array_equal(draws[0], ops.convert_to_numpy(random.randint((6,), 0, 100, seed=again)))
    assert generator.state.dtype == "int64"


def test_random_dtypes_and_bounds() -> None:
    assert random.normal((3,), dtype="float16", seed=1).dtype == torch.float16
    assert random.uniform((3,), dtype="bfloat16", seed=1).dtype == torch.bfloat16
    x = ops.convert_to_numpy(random.truncated_normal((20000,), mean=1.0, stddev=2.0, seed=2))
    assert x.min() >= -3.0 and x.max() <= 5.0 and abs(x.mean() - 1.0) < 0.05
    with pytest.raises(ValueError, match="float"):
        random.uniform((2,), dtype="int32", seed=1)
    shuffled = ops.convert_to_numpy(random.shuffle(np.arange(12).reshape(3, 4), axis=1, seed=4))
    np.testing.assert_array_equal(np.sort(shuffled, axis=1), np.arange(12).reshape(3, 4))


def test_versions() -> None:
    assert get_backend("torch").versions() == {"torch": torch.__version__}


# -- fused dense --------------------------------------------------------------


def _autograd_node_names(node: Any, depth: int = 3) -> set:
    if node is None or depth == 0:
        return set()
    names = {type(node).__name__}
    for parent, _ in node.next_functions:
        names |= _autograd_node_names(parent, depth - 1)
    return names


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3)])
def test_dense_runs_one_gemm_with_bias_and_matches_matmul_plus_add(torch_backend: Any, shape: tuple) -> None:
    layer = lamina.layers.Dense(6)
    x = torch.from_numpy(np.random.default_rng(0).normal(size=shape).astype("float32")).requires_grad_()
    y = layer(x)
    assert "AddmmBackward0" in _autograd_node_names(y.grad_fn)  # one GEMM with the bias, no separate add
    assert "AddBackward0" not in _autograd_node_names(y.grad_fn)
    kernel, bias = layer.kernel.value, layer.bias.value
    want = torch.matmul(x, kernel) + bias
    torch.testing.assert_close(y, want)
    got_grads = torch.autograd.grad(y.square().sum(), [x, kernel, bias])
    want_grads = torch.autograd.grad(want.square().sum(), [x, kernel, bias])
    for got, expected in zip(got_grads, want_grads):
        torch.testing.assert_close(got, expected)


def test_fused_dense_declines_mixed_dtypes_and_sparse_inputs(torch_backend: Any) -> None:
    kernel, bias = torch.ones(3, 2), torch.zeros(2)
    assert torch_backend.fused_dense(torch.ones(4, 3, dtype=torch.float64), kernel, bias) is None
    assert torch_backend.fused_dense(torch.ones(4, 3).to_sparse(), kernel, bias) is None
    assert torch_backend.fused_dense(torch.ones(3), kernel, bias) is None  # 1-D: ops.matmul's rules
    layer = lamina.layers.Dense(2)
    out = layer(torch.ones(4, 3, dtype=torch.float64))  # falls back to matmul + add with promotion
    assert out.shape == (4, 2)


def test_variables_store_contiguous_tensors(torch_backend: Any) -> None:
    """An initializer may return a transposed view (Orthogonal does); the fused optimizer kernels need dense memory."""
    variable = lamina.Variable(torch.arange(6.0).reshape(2, 3).t())
    assert variable.value.is_contiguous()
    np.testing.assert_array_equal(ops.convert_to_numpy(variable), np.arange(6.0).reshape(2, 3).T)
    layer = lamina.layers.LSTM(4)
    layer.build((None, 3, 2))
    assert all(v.value.is_contiguous() for v in layer.weights)
