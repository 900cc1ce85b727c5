"""`ops.scan`, `ops.while_loop` and `ops.fori_loop` beyond the op cases:
nested structures, `None` outputs, symbolic calls, gradients and bad arguments."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import ops
from lamina.backend import SymbolicTensor


def _numpy(structure: Any) -> Any:
    if isinstance(structure, dict):
        return {k: _numpy(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_numpy(v) for v in structure)
    return None if structure is None else ops.convert_to_numpy(structure)


def test_scan_nested_carry_and_inputs(backend: Any, rng: np.random.Generator) -> None:
    xs = {"a": rng.normal(size=(5, 2)).astype("float32"), "b": rng.normal(size=(5, 2)).astype("float32")}
    init = [np.zeros(2, "float32"), (np.ones(2, "float32"),)]

    def step(carry: Any, x: dict) -> tuple:
        total, (product,) = carry
        total = total + x["a"]
        product = product * x["b"]
        # A tuple where `init` has a list: containers need not match exactly.
        return (total, (product,)), {"sum": total, "pair": (product, x["a"] - x["b"])}

    carry, ys = ops.scan(step, init, xs)
    carry, ys = _numpy(carry), _numpy(ys)
    np.testing.assert_allclose(carry[0], xs["a"].sum(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(carry[1][0], xs["b"].prod(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ys["sum"], np.cumsum(xs["a"], 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ys["pair"][0], np.cumprod(xs["b"], 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ys["pair"][1], xs["a"] - xs["b"], rtol=1e-5, atol=1e-6)


def test_scan_reverse_aligns_outputs_with_inputs(backend: Any) -> None:
    xs = np.arange(1.0, 5.0, dtype="float32")
    carry, ys = ops.scan(lambda c, x: (c + x, c), np.float32(0.0), xs, reverse=True)
    # Steps run from the last element to the first; ys[i] comes from xs[i].
    np.testing.assert_allclose(ops.convert_to_numpy(ys), [9.0, 7.0, 4.0, 0.0])
    np.testing.assert_allclose(ops.convert_to_numpy(carry), 10.0)


@pytest.mark.parametrize("unroll", [1, 2, True, False])
def test_scan_unroll_does_not_change_results(backend: Any, unroll: Any) -> None:
    xs = np.linspace(-1, 1, 6, dtype="float32").reshape(6, 1)
    carry, ys = ops.scan(lambda c, x: (c * 0.9 + x, c * x), np.zeros(1, "float32"), xs, unroll=unroll)
    reference_carry, reference_ys = np.zeros(1, "float32"), []
    for x in xs:
        reference_ys.append(reference_carry * x)
        reference_carry = reference_carry * 0.9 + x
    np.testing.assert_allclose(ops.convert_to_numpy(carry), reference_carry, rtol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(ys), np.stack(reference_ys), rtol=1e-5)


def test_scan_none_outputs_stay_none(backend: Any) -> None:
    carry, ys = ops.scan(lambda c, _: (c * 2.0, None), np.float32(1.0), length=3)
    assert ys is None
    np.testing.assert_allclose(ops.convert_to_numpy(carry), 8.0)


def test_scan_with_no_steps(backend: Any) -> None:
    carry, ys = ops.scan(lambda c, x: (c + 1.0, x * 2.0), np.float32(1.0), np.zeros((0, 3), "float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(carry), 1.0)
    assert tuple(ops.shape(ys)) == (0, 3)


def test_scan_symbolic_infers_structure(backend: Any) -> None:
    init = (SymbolicTensor((None, 4)), SymbolicTensor((None, 4)))
    xs = SymbolicTensor((7, None, 3))

    def step(carry: tuple, x: Any) -> tuple:
        h, c = carry
        h = ops.tanh(ops.matmul(x, np.ones((3, 4), "float32")) + h)
        return (h, c + h), ops.concatenate([h, c], axis=-1)

    (h, c), ys = ops.scan(step, init, xs)
    assert isinstance(ys, SymbolicTensor)
    assert h.shape == (None, 4) and c.shape == (None, 4)
    assert ys.shape == (7, None, 8)
    assert ys.dtype == "float32"


def test_while_loop_list_and_structure(backend: Any) -> None:
    result = ops.while_loop(
        lambda i, pair: i < 3,
        lambda i, pair: [i + 1, (pair[0] + 1.0, pair[1] * 2.0)],
        [0, (np.zeros(2, "float32"), np.ones(2, "float32"))],
    )
    assert isinstance(result, tuple) and len(result) == 2
    i, (a, b) = result
    assert int(ops.convert_to_numpy(i)) == 3
    np.testing.assert_allclose(ops.convert_to_numpy(a), [3.0, 3.0])
    np.testing.assert_allclose(ops.convert_to_numpy(b), [8.0, 8.0])


def test_while_loop_symbolic(backend: Any) -> None:
    x = SymbolicTensor((None, 3))
    result = ops.while_loop(lambda v: ops.max(v) < 100.0, lambda v: v * 2.0, x)
    assert isinstance(result, SymbolicTensor)
    assert result.shape == (None, 3)


def test_fori_loop_structure(backend: Any) -> None:
    a, b = ops.fori_loop(0, 4, lambda i, v: (v[0] + 1.0, v[1] * 2.0), (np.float32(0.0), np.float32(1.0)))
    np.testing.assert_allclose(ops.convert_to_numpy(a), 4.0)
    np.testing.assert_allclose(ops.convert_to_numpy(b), 16.0)


@pytest.mark.training
def test_gradient_through_scan(trainable_backend: Any, rng: np.random.Generator) -> None:
    xs = rng.normal(size=(4, 3)).astype("float32")
    w0 = rng.normal(size=(3,)).astype("float32") * 0.5

    def loss(values: list) -> Any:
        (w,) = values

        def step(carry: Any, x: Any) -> tuple:
            carry = ops.tanh(carry * w + x)
            return carry, ops.sum(carry)

        carry, ys = ops.scan(step, ops.zeros((3,)), ops.convert_to_tensor(xs))
        return ops.sum(ys) + ops.sum(carry)

    def loss_numpy(w: np.ndarray) -> float:
        carry, total = np.zeros(3), 0.0
        for x in xs:
            carry = np.tanh(carry * w + x)
            total += carry.sum()
        return float(total + carry.sum())

    value, (grad,) = trainable_backend.core.value_and_grad(loss)([ops.convert_to_tensor(w0)])
    np.testing.assert_allclose(ops.convert_to_numpy(value), loss_numpy(w0.astype("float64")), rtol=1e-4)
    eps = 1e-3
    expected = np.zeros(3)
    for k in range(3):
        plus, minus = w0.astype("float64"), w0.astype("float64")
        plus[k] += eps
        minus[k] -= eps
        expected[k] = (loss_numpy(plus) - loss_numpy(minus)) / (2 * eps)
    np.testing.assert_allclose(ops.convert_to_numpy(grad), expected, rtol=1e-3, atol=1e-4)


def test_scan_rejects_bad_arguments(backend: Any) -> None:
    xs = np.zeros((3, 2), "float32")
    with pytest.raises(TypeError, match="callable"):
        ops.scan("not a function", 0.0, xs)
    with pytest.raises(ValueError, match="unroll"):
        ops.scan(lambda c, x: (c, x), 0.0, xs, unroll=0)
    with pytest.raises(ValueError, match="length"):
        ops.scan(lambda c, x: (c, x), 0.0)
    with pytest.raises(ValueError, match="leading dimension"):
        ops.scan(lambda c, x: (c, x), 0.0, (xs, np.zeros((4, 2), "float32")))
    with pytest.raises(ValueError, match="length"):
        ops.scan(lambda c, x: (c, x), 0.0, xs, length=5)
