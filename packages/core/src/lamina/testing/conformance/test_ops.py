"""Every op against its NumPy reference, eagerly and symbolically."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest

import lamina.ops
from lamina.backend import SymbolicTensor, dtypes
from lamina.testing.conformance.op_cases import CASES, OpCase


def _expected_dtype(case: OpCase, expected: np.ndarray) -> str:
    if case.dtype:
        return case.dtype
    name = dtypes.standardize_dtype(np.asarray(expected).dtype)
    return {"float64": "float32", "int64": "int32"}.get(name, name)


def _to_symbolic(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return SymbolicTensor(value.shape, value.dtype)
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [SymbolicTensor(v.shape, v.dtype) for v in value]
    return value


def _op(name: str) -> Any:
    """`lamina.ops.<name>`, including namespaced ops such as "image.resize"."""
    return functools.reduce(getattr, name.split("."), lamina.ops)


def _flat_results(result: Any) -> list:
    if isinstance(result, (list, tuple)):
        return list(result)
    return [result]


def _skip_without_kernels(backend: Any, case: OpCase) -> None:
    """Skips `case` when the backend lacks an optional native kernel it needs (the contract has no default)."""
    from lamina.backend.contract.backend import Backend

    for kernel in case.kernels:
        namespace, name = kernel.split(".")
        contract = getattr(Backend, f"{namespace}_ops")
        if getattr(type(getattr(backend, namespace)), name) is getattr(contract, name):
            pytest.skip(
                f"The {backend.name!r} backend has no native `{kernel}` kernel (optional: the contract "
                f"has no composed default), so `ops.{case.op}` is not available on it."
            )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_op_matches_numpy(backend: Any, rng: np.random.Generator, case: OpCase) -> None:
    _skip_without_kernels(backend, case)
    inputs = case.make_args(rng)
    expected = _flat_results(case.reference(*inputs, **case.kwargs))
    results = _flat_results(_op(case.op)(*inputs, **case.kwargs))
    assert len(results) == len(expected), f"ops.{case.op}: {len(results)} results, expected {len(expected)}"
    for got in results:
        assert lamina.ops.is_tensor(got), f"ops.{case.op} returned {type(got).__name__}, not a {backend.name} tensor"
    got_arrays = [lamina.ops.convert_to_numpy(got) for got in results]
    want_arrays = [np.asarray(want) for want in expected]
    if case.canonical is not None:
        got_arrays, want_arrays = case.canonical(got_arrays), case.canonical(want_arrays)
    for got, got_np, want in zip(results, got_arrays, want_arrays):
        assert got_np.shape == want.shape, f"ops.{case.op}: shape {got_np.shape}, expected {want.shape}"
        np.testing.assert_allclose(
            got_np.astype("float64") if got_np.dtype != bool else got_np,
            want,
            rtol=case.rtol,
            atol=case.atol,
            err_msg=f"ops.{case.op}",
        )
        assert lamina.ops.dtype(got) == _expected_dtype(case, want), f"ops.{case.op} dtype"


def _takes_tensors(case: OpCase) -> bool:
    inputs = case.make_args(np.random.default_rng(0))
    return any(
        isinstance(v, np.ndarray) or (isinstance(v, list) and v and isinstance(v[0], np.ndarray)) for v in inputs
    )


SYMBOLIC_CASES = [c for c in CASES if c.symbolic and _takes_tensors(c)]


@pytest.mark.parametrize("case", SYMBOLIC_CASES, ids=[c.id for c in SYMBOLIC_CASES])
def test_op_infers_shape_symbolically(backend: Any, rng: np.random.Generator, case: OpCase) -> None:
    _skip_without_kernels(backend, case)
    inputs = case.make_args(rng)
    expected = case.reference(*inputs, **case.kwargs)
    symbolic = [_to_symbolic(v) for v in inputs]
    result = _op(case.op)(*symbolic, **case.kwargs)
    for got, want in zip(_flat_results(result), _flat_results(expected)):
        assert isinstance(got, SymbolicTensor), f"ops.{case.op} on symbolic input returned {type(got).__name__}"
        want = np.asarray(want)
        assert got.shape == want.shape, f"ops.{case.op}: inferred {got.shape}, expected {want.shape}"
        assert got.dtype == _expected_dtype(case, want), f"ops.{case.op}: inferred dtype {got.dtype}"


def test_unknown_batch_dimension_stays_unknown(backend: Any) -> None:
    x = SymbolicTensor((None, 6))
    y = lamina.ops.reshape(lamina.ops.matmul(x, lamina.ops.ones((6, 4))), (-1, 2, 2))
    assert y.shape == (None, 2, 2)
    assert lamina.ops.sum(x, axis=0).shape == (6,)
    assert lamina.ops.concatenate([x, x], axis=0).shape == (None, 6)


def test_backend_implements_every_required_op(backend: Any) -> None:
    missing = backend.missing_ops()
    assert not missing, f"The {backend.name!r} backend lacks required ops: {missing}"


def test_convert_to_tensor_defaults(backend: Any) -> None:
    assert lamina.ops.dtype(lamina.ops.convert_to_tensor(1.5)) == "float32"
    assert lamina.ops.dtype(lamina.ops.convert_to_tensor(3)) == "int32"
    assert lamina.ops.dtype(lamina.ops.convert_to_tensor([1.0, 2])) == "float32"
    assert lamina.ops.dtype(lamina.ops.convert_to_tensor(True)) == "bool"
    x = lamina.ops.convert_to_tensor(np.arange(4, dtype="int32"), dtype="float32")
    assert lamina.ops.dtype(x) == "float32"
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(x), [0, 1, 2, 3])
    assert lamina.ops.is_tensor(x)
    assert not lamina.ops.is_tensor(np.ones(2))


def test_operators_on_native_tensors_and_variables(backend: Any) -> None:
    v = backend.Variable(np.array([1.0, 2.0], "float32"))
    x = lamina.ops.convert_to_tensor(np.array([3.0, 4.0], "float32"))
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(v + x), [4, 6])
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(2 * v), [2, 4])
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(v @ x), 11)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(-v), [-1, -2])
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(v[1]), 2)
