"""Tensor plumbing every backend provides: conversion, casting, shapes,
slicing, control flow, gradients and shape inference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
