"""Core ops on JAX: conversion, shapes, slicing, control flow, gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from lamina import tree
from lamina.backend import dtypes
from lamina.backend.contract import CoreOps
from lamina.backend.symbolic import SymbolicTensor
from lamina.backend.variables import Variable


def to_jax_dtype(dtype: Any) -> Any:
    name = dtypes.standardize_dtype(dtype)
    return jnp.bfloat16 if name == "bfloat16" else np.dtype(name)


def convert(x: Any, dtype: Any = None) -> jax.Array:
    """Converts `x` to a jax.Array with Lamina's default dtypes."""
    if isinstance(x, Variable):
        x = x.value
    if dtype is not None:
        dtype = to_jax_dtype(dtype)
        if isinstance(x, jax.Array) and x.dtype == dtype:
            return x
        return jnp.asarray(x, dtype=dtype)
    if isinstance(x, jax.Array):
        return x
    if isinstance(x, bool):
        return jnp.asarray(x, dtype=jnp.bool_)
    if isinstance(x, int):
        return jnp.asarray(x, dtype=jnp.int32)
    if isinstance(x, float):
        return jnp.asarray(x, dtype=to_jax_dtype(None))
    if isinstance(x, (list, tuple)):
        leaves = tree.flatten(x)
        if leaves and all(isinstance(v, (bool, int, float)) for v in leaves):
            return jnp.asarray(x, dtype=to_jax_dtype(dtypes.result_type(*leaves)))
        return jnp.asarray([convert(v) for v in x])
    return jnp.asarray(x)


class JaxCoreOps(CoreOps):
    def convert_to_tensor(self, x: Any, dtype: Any = None, sparse: bool | None = None) -> jax.Array:
        return convert(x, dtype)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(convert(x))

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, jax.Array)

    def cast(self, x: Any, dtype: Any) -> jax.Array:
        return convert(x).astype(to_jax_dtype(dtype))

    def dtype(self, x: Any) -> str:
        return dtypes.standardize_dtype(convert(x).dtype)

    def shape(self, x: Any) -> tuple:
        return tuple(jnp.shape(x.value if isinstance(x, Variable) else x))

    def stop_gradient(self, x: Any) -> jax.Array:
        return jax.lax.stop_gradient(convert(x))

    def getitem(self, x: Any, key: Any) -> jax.Array:
        if isinstance(key, Variable):
            key = key.value
        return convert(x)[key]

    def slice(self, inputs: Any, start_indices: Any, shape: Any) -> jax.Array:
        return jax.lax.dynamic_slice(
            convert(inputs), [convert(i) if not isinstance(i, int) else i for i in start_indices], tuple(shape)
        )

    def slice_update(self, inputs: Any, start_indices: Any, updates: Any) -> jax.Array:
        inputs = convert(inputs)
        return jax.lax.dynamic_update_slice(inputs, convert(updates, inputs.dtype), list(start_indices))

    def scatter(self, indices: Any, values: Any, shape: Any) -> jax.Array:
        indices = convert(indices)
        values = convert(values)
        zeros = jnp.zeros(tuple(shape), values.dtype)
        key = tuple(jnp.moveaxis(indices, -1, 0))
        return zeros.at[key].add(values)

    def scatter_update(self, inputs: Any, indices: Any, updates: Any) -> jax.Array:
        inputs = convert(inputs)
        indices = convert(indices)
        key = tuple(jnp.moveaxis(indices, -1, 0))
        return inputs.at[key].set(convert(updates, inputs.dtype))

    def cond(self, pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
        return jax.lax.cond(pred, true_fn, false_fn)

    def fori_loop(self, lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
        return jax.lax.fori_loop(lower, upper, body_fun, init_val)

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        return jax.value_and_grad(fn, has_aux=has_aux)

    def eval_shape(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        leaves = tree.flatten((args, kwargs))
        positions = [i for i, leaf in enumerate(leaves) if isinstance(leaf, SymbolicTensor)]
        specs = [jax.ShapeDtypeStruct(leaves[i].shape, to_jax_dtype(leaves[i].dtype)) for i in positions]

        def run(*tensors: Any) -> Any:
            filled = list(leaves)
            for position, tensor in zip(positions, tensors):
                filled[position] = tensor
            call_args, call_kwargs = tree.pack_sequence_as((args, kwargs), filled)
            return fn(*call_args, **call_kwargs)

        result = jax.eval_shape(run, *specs)
        return tree.map_structure(
            lambda s: (
                SymbolicTensor(s.shape, dtypes.standardize_dtype(s.dtype))
                if hasattr(s, "shape") and hasattr(s, "dtype")
                else s
            ),
            result,
        )
