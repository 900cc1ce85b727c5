"""Core ops on NumPy: conversion, dtypes, shapes, slicing, control flow and
shape inference.

NumPy cannot trace a function, so `eval_shape` runs it on zeros of the given
(fully known) shapes and reads the shapes of the results. Lamina's core
calls `eval_shape` twice with two sizes for each unknown dimension and
compares, so unknown batch sizes stay unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lamina import tree
from lamina.backend.contract import CoreOps
from lamina.backend.scopes import StatelessScope
from lamina.backend.symbolic import SymbolicTensor
from lamina.backend.variables import Variable
from lamina_numpy.tensor import (
    NumpyTensor,
    array,
    is_tracing,
    lamina_dtype,
    np_dtype,
    tensor,
    tracing,
    wrap,
)


def _index(key: Any) -> Any:
    """An indexing key with tensors and Variables replaced by arrays."""
    if type(key) is tuple:
        return tuple(_index(k) for k in key)
    if isinstance(key, (NumpyTensor, Variable)):
        return array(key)
    return key


def _block(x: np.ndarray, start_indices: Any, shape: Any) -> tuple:
    """Slices for the block of `shape` at `start_indices`, clamped into bounds
    like `jax.lax.dynamic_slice`."""
    if isinstance(start_indices, (np.ndarray, NumpyTensor, Variable)):
        starts = [int(s) for s in array(start_indices).reshape(-1)]
    else:
        starts = [int(array(s)) for s in start_indices]
    if len(starts) != x.ndim:
        raise ValueError(
            f"Expected {x.ndim} start indices for a tensor of shape {x.shape}. Received: start_indices={starts}"
        )
    key = []
    for start, size, dim in zip(starts, shape, x.shape):
        size = int(size)
        start = min(max(start, 0), dim - size)
        key.append(slice(start, start + size))
    return tuple(key)


def _to_spec(x: Any) -> Any:
    if isinstance(x, (NumpyTensor, np.ndarray)):
        return SymbolicTensor(x.shape, lamina_dtype(x.dtype))
    if isinstance(x, np.generic):
        return SymbolicTensor((), lamina_dtype(x.dtype))
    return x


class NumpyCoreOps(CoreOps):
    """Conversion, shapes, slicing, loops and `eval_shape` (on zeros) for NumPy."""

    def convert_to_tensor(self, x: Any, dtype: Any = None, sparse: bool | None = None) -> NumpyTensor:
        if sparse:
            raise ValueError("The numpy backend has no sparse tensors. Received: sparse=True")
        return tensor(x, dtype)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        if type(x) is np.ndarray:
            return x
        # A copy: the caller may write to it, and tensors may share memory
        # with a Variable's value.
        return np.array(array(x))

    def is_tensor(self, x: Any) -> bool:
        return type(x) is NumpyTensor

    def cast(self, x: Any, dtype: Any) -> NumpyTensor:
        return tensor(x, dtype)

    def dtype(self, x: Any) -> str:
        if isinstance(x, Variable):
            return x.dtype
        return lamina_dtype(array(x).dtype)

    def shape(self, x: Any) -> tuple:
        if isinstance(x, (NumpyTensor, Variable, SymbolicTensor, np.ndarray)):
            return tuple(x.shape)
        return array(x).shape

    def stop_gradient(self, x: Any) -> NumpyTensor:
        return tensor(x)  # nothing is differentiated on this backend

    def getitem(self, x: Any, key: Any) -> NumpyTensor:
        return wrap(array(x)[_index(key)])

    def slice(self, inputs: Any, start_indices: Any, shape: Any) -> NumpyTensor:
        x = array(inputs)
        return wrap(x[_block(x, start_indices, shape)])

    def slice_update(self, inputs: Any, start_indices: Any, updates: Any) -> NumpyTensor:
        x = array(inputs)
        updates = array(updates, x.dtype)
        result = x.copy()
        result[_block(x, start_indices, updates.shape)] = updates
        return wrap(result)

    def scatter(self, indices: Any, values: Any, shape: Any) -> NumpyTensor:
        indices = array(indices)
        values = array(values)
        result = np.zeros(tuple(int(d) for d in shape), dtype=values.dtype)
        np.add.at(result, tuple(np.moveaxis(indices, -1, 0)), values)
        return wrap(result)

    def scatter_update(self, inputs: Any, indices: Any, updates: Any) -> NumpyTensor:
        x = array(inputs)
        result = x.copy()
        result[tuple(np.moveaxis(array(indices), -1, 0))] = array(updates, x.dtype)
        return wrap(result)

    def unstack(self, x: Any, num: int | None = None, axis: int = 0) -> list:
        x = array(x)
        if num is not None and num != x.shape[axis]:
            raise ValueError(f"Cannot unstack {x.shape[axis]} entries into num={num}.")
        return [wrap(part) for part in np.moveaxis(x, axis, 0)]

    def cond(self, pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
        return true_fn() if bool(array(pred)) else false_fn()

    def fori_loop(self, lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
        value = tree.map_structure(tensor, init_val)
        for i in range(int(lower), int(upper)):
            value = body_fun(i, value)
        return value

    def while_loop(
        self,
        cond: Callable,
        body: Callable,
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        if is_tracing():
            # Shape inference runs on zeros, whose values say nothing about
            # when the loop would stop; the loop variables keep their shapes,
            # so one pass of `body` gives the output structure.
            is_tuple = isinstance(loop_vars, (list, tuple))
            values = tuple(tree.map_structure(tensor, tuple(loop_vars) if is_tuple else (loop_vars,)))
            result = body(*values)
            result = tuple(result) if isinstance(result, (list, tuple)) else (result,)
            return result if is_tuple else result[0]
        return super().while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        raise NotImplementedError(
            "The 'numpy' backend is inference-only (supports_training=False): it cannot "
            "compute gradients. Train on jax, torch or tensorflow, save the model, and "
            "load it here with lamina.models.load_model."
        )

    def eval_shape(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        structure = (args, kwargs)

        def make(leaf: Any) -> Any:
            if isinstance(leaf, SymbolicTensor):
                return wrap(np.zeros(leaf.shape, dtype=np_dtype(leaf.dtype)))
            return leaf

        call_args, call_kwargs = tree.pack_sequence_as(structure, [make(leaf) for leaf in tree.flatten(structure)])
        # The StatelessScope records Variable assignments instead of applying
        # them, so running on zeros leaves the model's state untouched.
        with tracing(), StatelessScope():
            result = fn(*call_args, **call_kwargs)
        return tree.map_structure(_to_spec, result)

    def device_put(self, x: Any) -> NumpyTensor:
        return tensor(x)
