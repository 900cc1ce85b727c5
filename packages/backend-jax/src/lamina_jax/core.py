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
from lamina.backend.scopes import StatelessScope
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


def _traced(structure: Any) -> bool:
    """True if any leaf of `structure` is a JAX tracer (inside `jit`, `grad`, ...)."""
    return any(isinstance(leaf, jax.core.Tracer) for leaf in tree.flatten(structure))


def _checked_carry(step: Callable) -> Callable:
    """Wraps a loop body to raise, as `lax.scan` does, when the carry changes shape or dtype."""

    def checked(carry: Any, x: Any) -> tuple:
        new_carry, y = step(carry, x)
        for old, new in zip(tree.flatten(carry), tree.flatten(new_carry)):
            if old is None or new is None:
                continue
            old_shape, new_shape = jnp.shape(old), jnp.shape(new)
            old_dtype, new_dtype = jnp.result_type(old), jnp.result_type(new)
            if old_shape != new_shape or old_dtype != new_dtype:
                raise TypeError(
                    "The loop body must return a carry of the same shapes and dtypes as its input: a carry "
                    f"entry went from {old_dtype}{list(old_shape)} to {new_dtype}{list(new_shape)}. Cast or "
                    "reshape the new carry (e.g. with `ops.cast`) to match the initial value."
                )
        return new_carry, y

    return checked


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

    def scan(
        self,
        f: Callable,
        init: Any,
        xs: Any = None,
        length: int | None = None,
        reverse: bool = False,
        unroll: int | bool = 1,
    ) -> tuple:
        self._check_scan_arguments(f, init, xs, length, unroll)
        init = tree.map_structure(lambda c: c if c is None else convert(c), init)
        if xs is not None:
            xs = tree.map_structure(convert, xs)

        def step(carry: Any, x: Any) -> tuple:
            new_carry, y = f(carry, x)
            # Same container types as `init` (a list where the caller returned a tuple).
            return tree.pack_sequence_as(carry, tree.flatten(new_carry)), y

        if not _traced((init, xs)):
            # Eagerly, `lax.scan` would trace and compile its body on every
            # call; a Python loop gives the same results without compiling.
            # The carry is checked as `lax.scan` checks it, so code that runs
            # here also runs under `jax.jit`.
            return super().scan(_checked_carry(step), init, xs, length=length, reverse=reverse, unroll=unroll)
        # Variable assignments inside the traced body must not leak tracers:
        # they are recorded in a scope of their own and dropped.
        with StatelessScope():
            return jax.lax.scan(step, init, xs, length=length, reverse=reverse, unroll=unroll)

    def while_loop(
        self,
        cond: Callable,
        body: Callable,
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        is_tuple = isinstance(loop_vars, (list, tuple))
        values = tuple(tree.map_structure(convert, tuple(loop_vars) if is_tuple else (loop_vars,)))

        def run_body(current: tuple) -> tuple:
            result = body(*current)
            result = tuple(result) if isinstance(result, (list, tuple)) else (result,)
            return tree.pack_sequence_as(current, tree.flatten(result))

        if not _traced(values):
            # Eagerly: a Python loop instead of compiling the body (see `scan`).
            checked = _checked_carry(lambda v, _: (run_body(v), None))
            result, iterations = values, 0
            while maximum_iterations is None or iterations < int(maximum_iterations):
                if not bool(cond(*result)):
                    break
                result, _ = checked(result, None)
                iterations += 1
            return result if is_tuple else result[0]
        with StatelessScope():
            if maximum_iterations is None:
                result = jax.lax.while_loop(lambda v: cond(*v), run_body, values)
            else:
                limit = int(maximum_iterations)
                _, result = jax.lax.while_loop(
                    lambda state: jnp.logical_and(state[0] < limit, cond(*state[1])),
                    lambda state: (state[0] + 1, run_body(state[1])),
                    (jnp.asarray(0, jnp.int32), values),
                )
        return result if is_tuple else result[0]

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
