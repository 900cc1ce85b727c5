"""Neural-network ops on NumPy.

Only the ops the contract requires are written here. Convolutions, pooling,
the losses and the other activations come from the contract's defaults,
which are written with the numpy namespace and so run on NumPy as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.contract import NNOps
from lamina_numpy.numpy_ops import axis_arg, to_float
from lamina_numpy.tensor import NumpyTensor, array, np_dtype, wrap


class NumpyNNOps(NNOps):
    """The required activations and `one_hot`; everything else is the contract's default."""

    def relu(self, x: Any) -> NumpyTensor:
        a = array(x)
        return wrap(np.maximum(a, a.dtype.type(0)))

    def sigmoid(self, x: Any) -> NumpyTensor:
        a = to_float(x)
        with np.errstate(over="ignore"):  # exp(-x) -> inf gives the right limit, 0
            return wrap(1 / (1 + np.exp(-a)))

    def softmax(self, x: Any, axis: Any = -1) -> NumpyTensor:
        a = to_float(x)
        axis = axis_arg(axis)
        e = np.exp(a - np.max(a, axis=axis, keepdims=True))
        return wrap(e / np.sum(e, axis=axis, keepdims=True))

    def log_softmax(self, x: Any, axis: Any = -1) -> NumpyTensor:
        a = to_float(x)
        axis = axis_arg(axis)
        shifted = a - np.max(a, axis=axis, keepdims=True)
        return wrap(shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)))

    def one_hot(self, x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> NumpyTensor:
        if sparse:
            raise ValueError("The numpy backend has no sparse tensors. Received: sparse=True")
        ids = array(x).astype("int64")
        # Ids outside [0, num_classes) match no class and give rows of zeros.
        encoded = (ids[..., np.newaxis] == np.arange(int(num_classes))).astype(np_dtype(dtype))
        if axis != -1:
            encoded = np.moveaxis(encoded, -1, axis)
        return wrap(encoded)
