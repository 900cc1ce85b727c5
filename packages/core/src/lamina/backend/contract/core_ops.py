"""Tensor plumbing every backend provides: conversion, casting, shapes,
slicing, control flow, gradients and shape inference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import tree
from lamina.backend.contract.base import OpNamespace, required

Tensor = Any


class CoreOps(OpNamespace):
    namespace = "core"

    @required
    def convert_to_tensor(self, x: Any, dtype: Any = None, sparse: bool | None = None) -> Tensor:
        """Converts arrays, scalars, nested lists and Variables to a native tensor.

        Python floats become `floatx()`, Python ints "int32", unless `dtype`
        is given. Tensors already of this backend are returned (cast when
        `dtype` differs).
        """

    @required
    def convert_to_numpy(self, x: Any) -> Any:
        """Returns a NumPy array holding the values of `x` (copied to host)."""

    @required
    def is_tensor(self, x: Any) -> bool:
        """Returns True if `x` is a native tensor of this backend."""

    @required
    def cast(self, x: Tensor, dtype: Any) -> Tensor:
        """Casts `x` to `dtype`."""

    @required
    def dtype(self, x: Tensor) -> str:
        """Returns the Lamina dtype name of tensor `x`."""

    @required
    def shape(self, x: Tensor) -> tuple:
        """Returns the shape of `x` as a tuple (ints where known)."""

    @required
    def stop_gradient(self, x: Tensor) -> Tensor:
        """Returns `x`, but no gradient flows through the result."""

    @required
    def getitem(self, x: Tensor, key: Any) -> Tensor:
        """Returns `x[key]` with NumPy basic-indexing semantics."""

    @required
    def slice(self, inputs: Tensor, start_indices: Any, shape: Any) -> Tensor:
        """Returns the block of `shape` that starts at `start_indices`."""

    @required
    def slice_update(self, inputs: Tensor, start_indices: Any, updates: Tensor) -> Tensor:
        """Returns `inputs` with the block starting at `start_indices` replaced by `updates`."""

    @required
    def scatter(self, indices: Tensor, values: Tensor, shape: Any) -> Tensor:
        """Returns a zero tensor of `shape` with `values` added at `indices`."""

    @required
    def scatter_update(self, inputs: Tensor, indices: Tensor, updates: Tensor) -> Tensor:
        """Returns `inputs` with the entries at `indices` replaced by `updates`."""

    def unstack(self, x: Tensor, num: int | None = None, axis: int = 0) -> list:
        """Splits `x` into a list of tensors along `axis`."""
        length = self.shape(x)[axis]
        if num is not None and num != length:
            raise ValueError(f"Cannot unstack {length} entries into num={num}.")
        numpy = self.backend.numpy
        return [numpy.squeeze(part, axis=axis) for part in numpy.split(x, length, axis=axis)]

    @required
    def cond(self, pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
        """Calls `true_fn()` if `pred` is true, else `false_fn()` (traceable)."""

    def fori_loop(self, lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
        """Runs `val = body_fun(i, val)` for `i` in `[lower, upper)`."""
        value = init_val
        for i in range(lower, upper):
            value = body_fun(i, value)
        return value

    def scan(
        self,
        f: Callable,
        init: Any,
        xs: Any = None,
        length: int | None = None,
        reverse: bool = False,
        unroll: int | bool = 1,
    ) -> tuple:
        """Loops `carry, y = f(carry, x)` over the leading axis of `xs`.

        Same semantics as `jax.lax.scan` and `keras.ops.scan`: `init` and the
        carry `f` returns have the same structure (nested lists, tuples and
        dicts of tensors); `xs` is a tensor or structure of tensors sliced
        along axis 0 (or None, then `length` steps run with `x=None`). The
        `y`s are stacked along a new axis 0 so that `ys[i]` comes from
        `xs[i]`, also when `reverse=True` runs the steps from last to first.
        A `y` leaf that is None stays None.

        The default runs a Python loop (eager; correct on any backend).
        `unroll` (a positive int or a bool) is a hint for compiling backends.

        Returns:
            `(final_carry, stacked_ys)`.

        Example:
            ```python
            carry, ys = ops.scan(lambda c, x: (c + x, c * x), init=0.0, xs=ops.arange(1.0, 5.0))
            ```
        """
        n = self._check_scan_arguments(f, init, xs, length, unroll)
        xs_flat = [self.convert_to_tensor(x) for x in tree.flatten(xs)] if xs is not None else []
        slices = [self.unstack(x) if n else [] for x in xs_flat]
        carry = tree.map_structure(lambda c: c if c is None else self.convert_to_tensor(c), init)
        if n == 0:
            return carry, self._empty_scan_outputs(f, carry, xs_flat, xs)
        ys = [None] * n
        for i in reversed(range(n)) if reverse else range(n):
            x = tree.pack_sequence_as(xs, [s[i] for s in slices]) if xs is not None else None
            carry, ys[i] = f(carry, x)
        stack = self.backend.numpy.stack
        return carry, tree.map_structure(lambda *leaves: None if leaves[0] is None else stack(leaves), *ys)

    def map(self, f: Callable, xs: Any) -> Any:
        """Applies `f` to each slice of `xs` along its leading axis and stacks the results."""
        _, ys = self.scan(lambda carry, x: (carry, f(x)), self.convert_to_tensor(0), xs)
        return ys

    def switch(self, index: Any, branches: list, *operands: Any) -> Any:
        """Calls `branches[index](*operands)`; `index` is clamped to the valid range (traceable)."""
        if not branches:
            raise ValueError("`switch` needs at least one branch. Received: branches=[]")
        numpy = self.backend.numpy
        index = self.cast(index, "int32")

        def pick(start: int) -> Any:
            if start == len(branches) - 1:
                return branches[start](*operands)
            return self.cond(
                numpy.less_equal(index, start), lambda: branches[start](*operands), lambda: pick(start + 1)
            )

        return pick(0)

    def saturate_cast(self, x: Tensor, dtype: Any) -> Tensor:
        """Casts `x` to `dtype`, clipping values to the range `dtype` can hold."""
        import numpy as np

        from lamina.backend.dtypes import standardize_dtype

        dtype = standardize_dtype(dtype)
        if dtype == "bool" or "float" in dtype and "float" in self.dtype(x):
            return self.cast(x, dtype)
        info = np.iinfo(dtype) if "int" in dtype else np.finfo("float32" if dtype == "bfloat16" else dtype)
        source = self.dtype(x)
        if "int" in source and "int" in dtype:
            source_info = np.iinfo(source)
            low, high = max(int(info.min), int(source_info.min)), min(int(info.max), int(source_info.max))
        else:
            low, high = float(info.min), float(info.max)
        return self.cast(self.backend.numpy.clip(x, low, high), dtype)

    def while_loop(
        self,
        cond: Callable,
        body: Callable,
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` is true.

        Same semantics as `keras.ops.while_loop`: `loop_vars` is a tensor or
        a tuple/list of tensors (passed to `cond` and `body` as separate
        arguments); `body` returns the same structure. At most
        `maximum_iterations` iterations run when it is given. Returns the
        final loop variables as a tuple (or the single tensor when
        `loop_vars` was not a tuple/list).

        The default runs a Python loop (eager; correct on any backend).

        Example:
            ```python
            i, x = ops.while_loop(lambda i, x: i < 5, lambda i, x: (i + 1, x * 2), (0, 1.0))
            ```
        """
        is_tuple = isinstance(loop_vars, (list, tuple))
        values = tuple(loop_vars) if is_tuple else (loop_vars,)
        values = tree.map_structure(self.convert_to_tensor, values)
        iterations = 0
        while maximum_iterations is None or iterations < maximum_iterations:
            if not bool(self.convert_to_numpy(cond(*values))):
                break
            result = body(*values)
            values = tuple(result) if isinstance(result, (list, tuple)) else (result,)
            iterations += 1
        return values if is_tuple else values[0]

    def _check_scan_arguments(self, f: Callable, init: Any, xs: Any, length: Any, unroll: Any) -> Any:
        """Validates `scan`'s arguments; returns the number of steps (int or tensor)."""
        if not callable(f):
            raise TypeError(f"`f` should be a callable taking `(carry, x)`. Received: f={f!r}")
        if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
            raise ValueError(f"`unroll` must be a positive integer or a boolean. Received: unroll={unroll!r}")
        if xs is None:
            if length is None:
                raise ValueError("`scan` got no `xs` to scan over and no `length`. Pass one of them.")
            return int(length)
        xs_flat = tree.flatten(xs)
        if not xs_flat or any(x is None for x in xs_flat):
            raise ValueError(f"`xs` must be a tensor or a structure of tensors, without None. Received: xs={xs!r}")
        sizes = [self.shape(x)[0] if self.shape(x) else None for x in xs_flat]
        if any(size is None for size in sizes):
            raise ValueError("Every tensor in `xs` needs a leading axis to scan over; received a scalar.")
        static = [s for s in sizes if isinstance(s, int)]
        if static and any(s != static[0] for s in static):
            raise ValueError(f"All tensors in `xs` must have the same leading dimension. Received sizes: {sizes}")
        if length is not None:
            if static and int(length) != static[0]:
                raise ValueError(
                    f"`length` ({length}) does not match the leading dimension of `xs` ({static[0]}). "
                    "Pass a matching `length` or leave it None."
                )
            return int(length)
        return static[0] if static else sizes[0]

    def _empty_scan_outputs(self, f: Callable, carry: Any, xs_flat: list, xs: Any) -> Any:
        """The stacked `ys` of a scan with no steps: zero-length tensors shaped like `f`'s `y`."""
        from lamina.backend.symbolic import SymbolicTensor

        def spec(x: Any) -> SymbolicTensor:
            return SymbolicTensor(tuple(self.shape(x)), self.dtype(x))

        x_spec = tree.pack_sequence_as(xs, [SymbolicTensor(tuple(self.shape(x))[1:], self.dtype(x)) for x in xs_flat])
        carry_spec = tree.map_structure(lambda c: c if c is None else spec(c), carry)
        _, y_spec = self.eval_shape(f, carry_spec, x_spec if xs is not None else None)
        numpy = self.backend.numpy
        return tree.map_structure(lambda y: None if y is None else numpy.zeros((0, *y.shape), dtype=y.dtype), y_spec)

    @required
    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        """Returns a function computing `fn(values)` and its gradient.

        The returned callable takes one argument, a list of tensors, and
        returns `(value, grads)` (or `((value, aux), grads)` with `has_aux`),
        where `value` is a scalar tensor and `grads` a list matching the input.
        """

    @required
    def eval_shape(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        """Runs `fn` abstractly on `lamina.backend.ShapeSpec` leaves.

        All shapes in the specs are fully defined. Returns the output
        structure with `ShapeSpec` leaves. Must not allocate or compute the
        full-size tensors (use the framework's abstract evaluation: jax
        `eval_shape`, torch meta tensors, a TensorFlow trace).
        """

    def device_put(self, x: Any) -> Tensor:
        """Moves host data (NumPy arrays) to the backend's default device."""
        return self.convert_to_tensor(x)
