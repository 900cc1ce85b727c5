"""Variables: creation, assignment, shapes, stateless scopes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import lamina
from lamina.backend import StatelessScope, name_scope


def test_create_from_array_and_initializer(backend: Any) -> None:
    v = lamina.Variable(np.ones((2, 3), "float32"), name="w")
    assert isinstance(v, backend.Variable)
    assert v.shape == (2, 3) and v.dtype == "float32" and v.trainable
    assert v.name == "w"
    z = lamina.Variable(initializer="zeros", shape=(4,), dtype="float32", trainable=False)
    np.testing.assert_array_equal(z.numpy(), np.zeros(4))
    assert not z.trainable
    assert lamina.ops.is_tensor(v.value)


def test_float64_values_become_floatx_and_ints_stay(backend: Any) -> None:
    assert lamina.Variable(np.ones(3)).dtype == "float32"
    assert lamina.Variable(np.arange(3, dtype="int32")).dtype == "int32"


def test_path_follows_name_scopes(backend: Any) -> None:
    with name_scope("block"):
        v = lamina.Variable(1.0, name="scale")
    assert v.path == "block/scale"


def test_assign_and_assign_add(backend: Any) -> None:
    v = lamina.Variable(np.zeros(3, "float32"))
    v.assign(np.array([1.0, 2.0, 3.0], "float32"))
    v.assign_add(np.ones(3, "float32"))
    v.assign_sub(np.full(3, 0.5, "float32"))
    np.testing.assert_allclose(v.numpy(), [1.5, 2.5, 3.5])


def test_assign_with_wrong_shape_names_both_shapes(backend: Any) -> None:
    v = lamina.Variable(np.zeros(3, "float32"), name="bias")
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        v.assign(np.zeros(4, "float32"))


def test_callable_initializer_needs_shape(backend: Any) -> None:
    with pytest.raises(ValueError, match="shape"):
        lamina.Variable(initializer="zeros")


def test_stateless_scope_reads_and_records(backend: Any) -> None:
    v = lamina.Variable(np.zeros(2, "float32"))
    replacement = lamina.ops.ones((2,))
    with StatelessScope([(v, replacement)]) as scope:
        np.testing.assert_allclose(lamina.ops.convert_to_numpy(v + 0), [1, 1])
        v.assign(v + 1)
        updated = scope.get_current_value(v)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(updated), [2, 2])
    np.testing.assert_allclose(v.numpy(), [0, 0])


def test_numpy_interop(backend: Any) -> None:
    v = lamina.Variable(np.array([1.0, 2.0], "float32"))
    np.testing.assert_allclose(np.asarray(v), [1, 2])
    assert "shape=(2,)" in repr(v)
