"""Convolution and pooling ops beyond the conformance suite: the contract's defaults, errors, gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lamina import ops
from lamina.backend import SymbolicTensor
from lamina.backend.contract import NNOps
from lamina.testing.conformance.op_cases import CASES

CONV_OPS = ("conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool")
CONV_CASES = [case for case in CASES if case.op in CONV_OPS]


@pytest.mark.parametrize("case", CONV_CASES, ids=[case.id for case in CONV_CASES])
def test_contract_defaults_match_references(backend: Any, case: Any) -> None:
    """The numpy-namespace defaults a third-party backend inherits compute the same results."""
    inputs = case.make_args(np.random.default_rng(0))
    default = getattr(NNOps, case.op)  # the contract's implementation, not the backend's kernel
    got = ops.convert_to_numpy(default(backend.nn, *inputs, **case.kwargs))
    np.testing.assert_allclose(got, case.reference(*inputs, **case.kwargs), rtol=1e-4, atol=1e-4)


def test_same_padding_puts_the_extra_element_at_the_end(backend: Any) -> None:
    x = np.arange(4, dtype="float32").reshape(1, 4, 1)
    kernel = np.array([1.0, 10.0], "float32").reshape(2, 1, 1)
    # TensorFlow's "same": output i sees x[i] and x[i + 1]; the last one sees a padded zero.
    np.testing.assert_allclose(ops.convert_to_numpy(ops.conv(x, kernel, padding="same"))[0, :, 0], [10, 21, 32, 3])
    pooled = ops.average_pool(np.array([[[1.0], [2.0], [3.0]]], "float32"), 2, strides=1, padding="same")
    np.testing.assert_allclose(ops.convert_to_numpy(pooled)[0, :, 0], [1.5, 2.5, 3.0])


def test_symbolic_shapes_keep_unknown_dimensions(backend: Any) -> None:
    x = SymbolicTensor((None, None, 8, 3))
    assert ops.conv(x, np.zeros((3, 3, 3, 5), "float32"), strides=2, padding="same").shape == (None, None, 4, 5)
    assert ops.max_pool(x, 2).shape == (None, None, 4, 3)
    transposed = ops.conv_transpose(x, np.zeros((3, 3, 4, 3), "float32"), strides=2, padding="same")
    assert transposed.shape == (None, None, 16, 4)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda x: ops.conv(x, np.zeros((3, 3, 3, 2), "float32"), padding="full"), "padding='full'"),
        (lambda x: ops.conv(x, np.zeros((3, 3, 2, 2), "float32")), r"input channels \(3\).*kernel.shape\[-2\]=2"),
        (lambda x: ops.conv(x, np.zeros((3, 3, 2), "float32")), "must have rank 4"),
        (lambda x: ops.conv(x, np.zeros((3, 3, 3, 2), "float32"), strides=(1, 2, 3)), "tuple of 2 ints"),
        (lambda x: ops.max_pool(x, 0), "pool_size"),
        (lambda x: ops.average_pool(x, 2, data_format="NCHW"), "data_format='NCHW'"),
        (lambda x: ops.depthwise_conv(x, np.zeros((3, 3, 4, 1), "float32")), "channels=3"),
        (lambda x: ops.conv_transpose(x, np.zeros((3, 3, 2, 4), "float32")), "in_channels=3"),
    ],
    ids=["padding", "channels", "kernel-rank", "strides", "pool-size", "data-format", "depthwise", "transpose"],
)
def test_op_argument_errors(backend: Any, call: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call(np.zeros((1, 6, 6, 3), "float32"))


def test_gradients_flow_through_conv_and_pool(trainable_backend: Any) -> None:
    rng = np.random.default_rng(0)
    x = ops.convert_to_tensor(rng.normal(size=(2, 6, 6, 2)).astype("float32"))

    def loss(values: list) -> Any:
        kernel, transposed = values
        y = ops.conv(x, kernel, strides=2, padding="same")
        y = ops.max_pool(y, 2, strides=1, padding="same") + ops.average_pool(y, 2, strides=1, padding="same")
        y = ops.conv_transpose(y, transposed, strides=2, padding="same")
        return ops.mean(ops.square(y))

    kernel = ops.convert_to_tensor(rng.normal(size=(3, 3, 2, 4)).astype("float32"))
    transposed = ops.convert_to_tensor(rng.normal(size=(3, 3, 2, 4)).astype("float32"))
    value, grads = trainable_backend.core.value_and_grad(loss)([kernel, transposed])
    assert np.isfinite(ops.convert_to_numpy(value))
    for grad, shape in zip(grads, [(3, 3, 2, 4), (3, 3, 2, 4)]):
        grad = ops.convert_to_numpy(grad)
        assert grad.shape == shape and np.all(np.isfinite(grad)) and np.any(grad != 0)
