"""Symbolic tensors and shape inference.

A `SymbolicTensor` (Keras calls it `KerasTensor`) has a shape and dtype but
no values. `lamina.Input` returns one; calling ops or layers on one returns
more, and records the call so a Functional model can replay it.

Shape inference asks the backend to evaluate a function abstractly
(`CoreOps.eval_shape`). Backends only handle fully known shapes; unknown
(None) dimensions are handled here once for all backends: the function is
evaluated twice with two different sizes in place of each None, and output
dimensions that differ between the runs are unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import tree
from lamina.backend import dtypes, scopes
from lamina.backend.operators import TensorOperators
from lamina.backend.variables import standardize_shape

# Two sizes that stand in for unknown dimensions. Multiples of 32 so that
# reshapes which split an unknown dimension into factors still work.
_PROBE_SIZES = (96, 160)


class SymbolicTensor(TensorOperators):
    """A tensor with a known shape and dtype and no values.

    Args:
        shape: tuple of ints, or None for unknown dimensions.
        dtype: dtype name or native dtype (default `floatx()`).
        sparse: whether the tensor stands for a sparse tensor.
        name: optional name, shown in summaries.
    """

    def __init__(
        self,
        shape: Any,
        dtype: Any = "float32",
        sparse: bool = False,
        name: str | None = None,
        record_history: bool = True,
    ) -> None:
        self._shape = standardize_shape(shape)
        self._dtype = dtypes.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name
        # (operation, node_index, tensor_index) of the call that made it.
        self._history: tuple | None = None

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def reshape(self, newshape: Any) -> SymbolicTensor:
        import lamina.ops

        return lamina.ops.reshape(self, newshape)

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<SymbolicTensor shape={self._shape}, dtype={self._dtype}, sparse={self.sparse}{name}>"

    def __iter__(self) -> Any:
        raise NotImplementedError(
            "Iterating over a symbolic tensor is not supported: it has no values "
            "yet. Use lamina.ops functions (e.g. ops.unstack) instead."
        )

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic tensor cannot be used as a Python bool (its value is not "
            "known while the model is being built). Use lamina.ops.cond or "
            "lamina.ops.where instead."
        )

    def numpy(self) -> Any:
        raise ValueError(
            "A symbolic tensor has no value. Build a Model from it and call "
            "`model.predict(...)`, or call the layer on real data."
        )

    __array__ = numpy
    __hash__ = object.__hash__


KerasTensor = SymbolicTensor


def is_symbolic(x: Any) -> bool:
    return isinstance(x, SymbolicTensor)


def any_symbolic(args: tuple, kwargs: dict | None = None) -> bool:
    """Fast check for symbolic tensors in call arguments (two levels deep).

    Runs on every op call, so the common case (plain tensors, no kwargs)
    touches each argument once.
    """
    for value in args:
        kind = type(value)
        if kind is SymbolicTensor:
            return True
        if kind is list or kind is tuple:
            for item in value:
                item_kind = type(item)
                if item_kind is SymbolicTensor:
                    return True
                if (item_kind is list or item_kind is tuple or item_kind is dict) and any(
                    isinstance(leaf, SymbolicTensor) for leaf in tree.flatten(item)
                ):
                    return True
        elif kind is dict:
            if any(isinstance(leaf, SymbolicTensor) for leaf in tree.flatten(value)):
                return True
        elif isinstance(value, SymbolicTensor):
            return True
    if kwargs:
        return any_symbolic(tuple(kwargs.values()))
    return False


def _fill_unknown(structure: Any, size: int) -> Any:
    def fill(leaf: Any) -> Any:
        if isinstance(leaf, SymbolicTensor) and None in leaf.shape:
            shape = tuple(size if dim is None else dim for dim in leaf.shape)
            return SymbolicTensor(shape, leaf.dtype, leaf.sparse)
        return leaf

    return tree.map_structure(fill, structure)


def _merge(first: Any, second: Any) -> Any:
    def merge(a: Any, b: Any) -> Any:
        if not isinstance(a, SymbolicTensor):
            return a
        shape = (
            tuple(da if da == db else None for da, db in zip(a.shape, b.shape))
            if len(a.shape) == len(b.shape)
            else a.shape
        )
        return SymbolicTensor(shape, a.dtype, a.sparse)

    return tree.map_structure(merge, first, second)


def compute_output_spec(backend: Any, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Infers the output (SymbolicTensor leaves) of `fn(*args, **kwargs)` on `backend`.

    `args` and `kwargs` may hold SymbolicTensors with unknown dimensions,
    Variables and Python values.
    """
    # The stateless scope records assignments made while tracing (seed
    # generators, running statistics) instead of applying traced values.
    with scopes.SymbolicScope(), scopes.StatelessScope():
        leaves = tree.flatten((args, kwargs))
        dynamic = any(isinstance(x, SymbolicTensor) and None in x.shape for x in leaves)
        if not dynamic:
            return backend.core.eval_shape(fn, *args, **kwargs)
        results = []
        for size in _PROBE_SIZES:
            filled_args, filled_kwargs = _fill_unknown((args, kwargs), size)
            results.append(backend.core.eval_shape(fn, *filled_args, **filled_kwargs))
        return _merge(results[0], results[1])
