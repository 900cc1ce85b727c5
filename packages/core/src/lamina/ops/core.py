"""Core ops: conversion, casting, shapes, slicing, scatter and control flow."""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend import state
from lamina.backend.contract import CoreOps
from lamina.backend.symbolic import SymbolicTensor
from lamina.backend.variables import Variable
from lamina.ops.dispatch import make_op

_C = CoreOps

cast = make_op(_C.cast, __name__)
cond = make_op(_C.cond, __name__)
fori_loop = make_op(_C.fori_loop, __name__)
getitem = make_op(_C.getitem, __name__)
map = make_op(_C.map, __name__)  # noqa: A001 - the keras.ops name
saturate_cast = make_op(_C.saturate_cast, __name__)
scan = make_op(_C.scan, __name__)
scatter = make_op(_C.scatter, __name__)
scatter_update = make_op(_C.scatter_update, __name__)
slice = make_op(_C.slice, __name__)  # noqa: A001 - the keras.ops name
slice_update = make_op(_C.slice_update, __name__)
stop_gradient = make_op(_C.stop_gradient, __name__)
switch = make_op(_C.switch, __name__)
unstack = make_op(_C.unstack, __name__)
while_loop = make_op(_C.while_loop, __name__)


def convert_to_tensor(x: Any, dtype: Any = None, sparse: bool | None = None) -> Any:
    """Converts `x` (array, scalar, list, Variable) to a tensor of the active backend."""
    if isinstance(x, SymbolicTensor):
        return x if dtype is None else cast(x, dtype)
    return state.current().core.convert_to_tensor(x, dtype=dtype, sparse=sparse)


def convert_to_numpy(x: Any) -> np.ndarray:
    """Returns a NumPy array with the values of tensor `x`."""
    if isinstance(x, SymbolicTensor):
        raise ValueError(
            "A symbolic tensor cannot be converted to NumPy: it has no values "
            "while the model is being built. Call the model on real data instead."
        )
    if isinstance(x, Variable):
        return x.numpy()
    if type(x) is np.ndarray:  # subclasses may be a backend's own tensors
        return x
    return np.asarray(state.current().core.convert_to_numpy(x))


def is_tensor(x: Any) -> bool:
    """True if `x` is a native tensor of the active backend."""
    return state.current().core.is_tensor(x)


def shape(x: Any) -> tuple:
    """Returns the shape of `x` as a tuple (None for unknown symbolic dimensions)."""
    if isinstance(x, (SymbolicTensor, Variable)):
        return x.shape
    if isinstance(x, np.ndarray):
        return x.shape
    return tuple(state.current().core.shape(x))


def dtype(x: Any) -> str:
    """Returns the dtype name of `x` ("float32", ...)."""
    if isinstance(x, (SymbolicTensor, Variable)):
        return x.dtype
    from lamina.backend.dtypes import standardize_dtype

    if isinstance(x, np.ndarray):
        return standardize_dtype(x.dtype)
    return state.current().core.dtype(x)
