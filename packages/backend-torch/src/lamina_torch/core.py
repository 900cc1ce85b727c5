"""Core ops on PyTorch: conversion, dtypes, devices, shapes, slicing,
control flow, gradients and shape inference on the "meta" device.

Everything here stays native `torch.Tensor`. The helpers at the top
(`convert`, `to_torch_dtype`, `lamina_dtype`, `current_device`) are shared by
the other op namespaces and are written for low per-call overhead: torch runs
eagerly, so Python work on the hot path shows up in training speed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from lamina import tree
from lamina.backend import config, dtypes
from lamina.backend.contract import CoreOps
from lamina.backend.scopes import StatelessScope
from lamina.backend.symbolic import SymbolicTensor
from lamina.backend.variables import Variable

Tensor = torch.Tensor

#: Device for the tensors this backend creates.
DEFAULT_DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
META = "meta"

# -- dtypes -----------------------------------------------------------------

_TORCH_DTYPES: dict[str, torch.dtype] = {
    "bool": torch.bool,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_LAMINA_DTYPES: dict[torch.dtype, str] = {v: k for k, v in _TORCH_DTYPES.items()}

# Any dtype spelling seen so far -> torch.dtype. Never holds None, whose
# meaning (floatx) can change.
_DTYPE_CACHE: dict[Any, torch.dtype] = dict(_TORCH_DTYPES)
_DTYPE_CACHE.update({d: d for d in _LAMINA_DTYPES})

_PY_SCALARS = (bool, int, float, complex)
_PY_SCALAR_TYPES = frozenset(_PY_SCALARS)
_WEAK_EXAMPLE = {bool: True, int: 1, float: 1.0, complex: 1j}


def to_torch_dtype(dtype: Any) -> torch.dtype:
    """Returns the torch dtype for a Lamina name, numpy or torch dtype (None: floatx)."""
    try:
        return _DTYPE_CACHE[dtype]
    except (KeyError, TypeError):
        pass
    if dtype is None:
        return _TORCH_DTYPES[config.floatx()]
    name = dtypes.standardize_dtype(dtype)
    found = _TORCH_DTYPES.get(name)
    if found is None:
        raise ValueError(
            f"The torch backend has no dtype {name!r} (received dtype={dtype!r}). "
            f"Expected one of {', '.join(_TORCH_DTYPES)}."
        )
    try:
        _DTYPE_CACHE[dtype] = found
    except TypeError:
        pass
    return found


def lamina_dtype(dtype: torch.dtype) -> str:
    """Returns the Lamina dtype name of a torch dtype."""
    return _LAMINA_DTYPES[dtype]


def floatx_dtype() -> torch.dtype:
    """The torch dtype of `floatx()`."""
    return _TORCH_DTYPES[config.floatx()]


_PROMOTIONS: dict[tuple, torch.dtype] = {}


def promote(a: torch.dtype, b: Any) -> torch.dtype:
    """Result dtype of a binary op between dtype `a` and `b` (a dtype or a
    Python scalar type, which is weak), following `lamina.backend.dtypes`."""
    key = (a, b, config.floatx())
    found = _PROMOTIONS.get(key)
    if found is None:
        other = _WEAK_EXAMPLE[b] if b in _WEAK_EXAMPLE else _LAMINA_DTYPES[b]
        found = _PROMOTIONS[key] = to_torch_dtype(dtypes.result_type(_LAMINA_DTYPES[a], other))
    return found


def promote_all(items: list) -> torch.dtype:
    """Result dtype over tensors and Python scalars (weak)."""
    nodes = [x if type(x) in _PY_SCALAR_TYPES else _LAMINA_DTYPES[x.dtype] for x in items]
    return to_torch_dtype(dtypes.result_type(*nodes))


# -- devices ----------------------------------------------------------------


class _DeviceState(threading.local):
    def __init__(self) -> None:
        self.device = DEFAULT_DEVICE


_state = _DeviceState()


def current_device() -> str:
    """Device new tensors are created on: DEFAULT_DEVICE, or "meta" in `eval_shape`."""
    return _state.device


def in_meta_scope() -> bool:
    """True while `eval_shape` runs a function on meta tensors."""
    return _state.device == META


class device_scope:  # noqa: N801 - used like a function
    """Creates new tensors on `device` inside the block (e.g. "meta", "cpu")."""

    __slots__ = ("device", "_previous")

    def __init__(self, device: str) -> None:
        self.device = str(device)
        self._previous = None

    def __enter__(self) -> str:
        self._previous = _state.device
        _state.device = self.device
        return self.device

    def __exit__(self, *exc: object) -> None:
        _state.device = self._previous


# -- conversion -------------------------------------------------------------


def _from_numpy(array: np.ndarray, dtype: torch.dtype | None) -> Tensor:
    kind = array.dtype.kind
    if kind not in "biufc" and array.dtype.name == "bfloat16":  # ml_dtypes, which torch cannot read
        array = array.astype(np.float32)
        dtype = dtype or torch.bfloat16
    elif kind in "USOV":
        raise ValueError(
            f"The torch backend cannot hold arrays of dtype {array.dtype} (strings or "
            "objects). Expected a numeric or bool array."
        )
    if not array.flags.writeable or any(s < 0 for s in array.strides):
        array = np.array(array)
    return torch.as_tensor(array, dtype=dtype, device=_state.device)


def _convert_sequence(x: list | tuple, dtype: torch.dtype | None) -> Tensor:
    leaves = tree.flatten(x)
    if all(type(v) in _PY_SCALAR_TYPES for v in leaves):
        if dtype is None:
            dtype = to_torch_dtype(dtypes.result_type(*leaves))
        return torch.tensor(x, dtype=dtype, device=_state.device)
    if any(isinstance(v, (Tensor, Variable)) for v in leaves):
        items = [v if type(v) in _PY_SCALAR_TYPES else convert(v) for v in x]
        if dtype is None:
            dtype = promote_all(items)
        return torch.stack([convert(v, dtype) for v in items])
    return _from_numpy(np.asarray(x), dtype)


def convert(x: Any, dtype: Any = None) -> Tensor:
    """Converts `x` to a torch.Tensor (cast to `dtype` when given).

    Tensors pass through unchanged when the dtype already matches; Variables
    give their value; Python floats become floatx(), ints int32, bools bool;
    NumPy arrays keep their dtype.
    """
    if isinstance(x, Tensor):
        if dtype is None:
            return x
        dtype = to_torch_dtype(dtype)
        return x if x.dtype == dtype else x.to(dtype)
    if isinstance(x, Variable):
        return convert(x.value, dtype)
    if dtype is not None:
        dtype = to_torch_dtype(dtype)
    if type(x) in _PY_SCALAR_TYPES:
        if dtype is None:
            if type(x) is float:
                dtype = _TORCH_DTYPES[config.floatx()]
            elif type(x) is bool:
                dtype = torch.bool
            elif type(x) is int:
                dtype = torch.int32
            else:
                dtype = torch.complex64
        device = _state.device
        if device == "cpu" or device == META:
            return torch.tensor(x, dtype=dtype, device=device)
        # On accelerators, `torch.tensor` copies from the host and synchronizes;
        # `full` passes the scalar to a kernel instead.
        return torch.full((), x, dtype=dtype, device=device)
    if isinstance(x, np.ndarray):
        return _from_numpy(x, dtype)
    if isinstance(x, np.generic):
        return _from_numpy(np.asarray(x), dtype)
    if isinstance(x, (list, tuple)):
        return _convert_sequence(x, dtype)
    if isinstance(x, SymbolicTensor):
        raise ValueError(
            f"Cannot convert a symbolic tensor ({x!r}) to a torch tensor: it has no "
            "values. Call the model or layer on real data instead."
        )
    if isinstance(x, str):
        raise ValueError(f"The torch backend cannot convert strings to tensors. Received: {x!r}")
    # Other array types (jax, tensorflow, anything with __array__).
    return _from_numpy(np.asarray(x), dtype)


def unwrap(x: Any) -> Any:
    """Replaces Variables by their values in `x` (nested lists, tuples, dicts)."""
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, (list, tuple)):
        items = [unwrap(v) for v in x]
        return type(x)(*items) if hasattr(type(x), "_fields") else type(x)(items)
    if isinstance(x, dict):
        return {k: unwrap(v) for k, v in x.items()}
    return x


def _to_numpy(x: Tensor) -> np.ndarray:
    if x.device.type == META:
        raise ValueError(
            "Cannot convert a tensor on the 'meta' device to NumPy: it has no values "
            "(this happens inside shape inference)."
        )
    x = x.detach()
    if x.device.type != "cpu":
        x = x.cpu()
        copied = True
    else:
        copied = False
    if x.dtype == torch.bfloat16:
        array = x.float().numpy()
        try:
            import ml_dtypes

            return array.astype(ml_dtypes.bfloat16)
        except ImportError:  # pragma: no cover - ml_dtypes ships with jax/tf
            return array
    # Copy host tensors: the storage may belong to a Variable updated in place.
    return x.numpy() if copied else x.numpy().copy()


def _dims_used(key: Any) -> int:
    """How many input dimensions one entry of an index consumes."""
    if key is None or key is Ellipsis:
        return 0
    if isinstance(key, (Tensor, np.ndarray)) and key.dtype in (torch.bool, np.bool_):
        return key.ndim
    return 1


def _is_negative_slice(key: Any) -> bool:
    return type(key) is slice and key.step is not None and key.step < 0


def _getitem_negative_steps(x: Tensor, items: list) -> Tensor:
    """`x[items]` where some slices have negative steps (torch has none): takes
    the same elements with a positive step, flips them, then applies the rest."""
    ellipsis_dims = x.ndim - sum(_dims_used(k) for k in items)
    pre = [slice(None)] * x.ndim
    rest = []
    flips = []
    dim = 0
    for key in items:
        if key is Ellipsis:
            rest.append(key)
            dim += ellipsis_dims
        elif _is_negative_slice(key):
            start, stop, step = key.indices(x.shape[dim])
            count = len(range(start, stop, step))
            if count == 0:
                pre[dim] = slice(0, 0)
            else:
                pre[dim] = slice(start + step * (count - 1), start + 1, -step)
                flips.append(dim)
            rest.append(slice(None))
            dim += 1
        else:
            rest.append(key)
            dim += _dims_used(key)
    x = x[tuple(pre)]
    if flips:
        x = torch.flip(x, flips)
    return x[tuple(rest)]


def _start_ints(start_indices: Any) -> list:
    if isinstance(start_indices, Tensor):
        return start_indices.tolist()
    return [int(s.item()) if isinstance(s, Tensor) else int(s) for s in start_indices]


def _block(x: Tensor, start_indices: Any, shape: Any) -> tuple:
    """Slices for the block of `shape` at `start_indices`, clamped into bounds
    like `jax.lax.dynamic_slice`."""
    starts = _start_ints(start_indices)
    if len(starts) != x.ndim:
        raise ValueError(
            f"Expected {x.ndim} start indices for a tensor of shape {tuple(x.shape)}. Received: start_indices={starts}"
        )
    key = []
    for start, size, dim in zip(starts, shape, x.shape):
        size = int(size)
        start = min(max(start, 0), dim - size)
        key.append(slice(start, start + size))
    return tuple(key)


def _index_tuple(indices: Tensor) -> tuple:
    """Splits `indices` (..., k) into k index tensors for `index_put`."""
    if indices.dtype != torch.int64:
        indices = indices.long()
    return tuple(indices.unbind(-1))


def _meta_failure(error: BaseException) -> bool:
    """True for errors that only mean "this op cannot run on meta tensors"."""
    return isinstance(error, (RuntimeError, NotImplementedError, ValueError)) and "meta" in str(error).lower()


def _to_spec(x: Any) -> Any:
    if isinstance(x, Tensor):
        return SymbolicTensor(tuple(x.shape), _LAMINA_DTYPES[x.dtype])
    return x


class TorchCoreOps(CoreOps):
    def convert_to_tensor(self, x: Any, dtype: Any = None, sparse: bool | None = None) -> Tensor:
        if sparse:
            raise ValueError("The torch backend has no sparse tensors. Received: sparse=True")
        return convert(x, dtype)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        if isinstance(x, np.ndarray):
            return x
        return _to_numpy(convert(x))

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, Tensor)

    def cast(self, x: Any, dtype: Any) -> Tensor:
        dtype = to_torch_dtype(dtype)
        if not isinstance(x, Tensor):
            return convert(x, dtype)
        return x if x.dtype == dtype else x.to(dtype)

    def dtype(self, x: Any) -> str:
        if isinstance(x, Tensor):
            return _LAMINA_DTYPES[x.dtype]
        if isinstance(x, Variable):
            return x.dtype
        return _LAMINA_DTYPES[convert(x).dtype]

    def shape(self, x: Any) -> tuple:
        if isinstance(x, (Variable, SymbolicTensor)):
            return tuple(x.shape)
        return tuple(convert(x).shape)

    def stop_gradient(self, x: Any) -> Tensor:
        return convert(x).detach()

    def getitem(self, x: Any, key: Any) -> Tensor:
        if not isinstance(x, Tensor):
            x = convert(x)
        if type(key) is tuple:
            if any(isinstance(k, Variable) for k in key):
                key = tuple(k.value if isinstance(k, Variable) else k for k in key)
            if any(_is_negative_slice(k) for k in key):
                return _getitem_negative_steps(x, list(key))
        elif isinstance(key, Variable):
            key = key.value
        elif _is_negative_slice(key):
            return _getitem_negative_steps(x, [key])
        return x[key]

    def slice(self, inputs: Any, start_indices: Any, shape: Any) -> Tensor:
        inputs = convert(inputs)
        return inputs[_block(inputs, start_indices, shape)]

    def slice_update(self, inputs: Any, start_indices: Any, updates: Any) -> Tensor:
        inputs = convert(inputs)
        updates = convert(updates, inputs.dtype)
        result = inputs.clone()
        result[_block(inputs, start_indices, updates.shape)] = updates
        return result

    def scatter(self, indices: Any, values: Any, shape: Any) -> Tensor:
        indices = convert(indices)
        values = convert(values)
        zeros = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
        return zeros.index_put(_index_tuple(indices), values, accumulate=True)

    def scatter_update(self, inputs: Any, indices: Any, updates: Any) -> Tensor:
        inputs = convert(inputs)
        updates = convert(updates, inputs.dtype)
        return inputs.index_put(_index_tuple(convert(indices)), updates)

    def unstack(self, x: Any, num: int | None = None, axis: int = 0) -> list:
        x = convert(x)
        if num is not None and num != x.shape[axis]:
            raise ValueError(f"Cannot unstack {x.shape[axis]} entries into num={num}.")
        return list(torch.unbind(x, axis))

    def cond(self, pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
        return true_fn() if bool(pred) else false_fn()

    def fori_loop(self, lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
        # Eager loop, as the contract's, with the loop value held as tensors
        # (as on the compiled backends) so that the result is always a tensor.
        value = tree.map_structure(convert, init_val)
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
        if in_meta_scope():
            # Shape inference: meta tensors have no values to test, and the
            # loop variables keep their shapes, so one pass of `body` tells
            # the output structure.
            is_tuple = isinstance(loop_vars, (list, tuple))
            values = tuple(tree.map_structure(convert, tuple(loop_vars) if is_tuple else (loop_vars,)))
            result = body(*values)
            result = tuple(result) if isinstance(result, (list, tuple)) else (result,)
            return result if is_tuple else result[0]
        return super().while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        def value_and_grad_fn(values: Any) -> tuple:
            leaves = []
            for value in values:
                tensor = convert(value)
                if tensor.is_floating_point() or tensor.is_complex():
                    tensor = tensor.detach().requires_grad_(True)
                leaves.append(tensor)
            with torch.enable_grad():
                output = fn(leaves)
            if has_aux:
                if not isinstance(output, (list, tuple)) or len(output) != 2:
                    raise ValueError(
                        f"With has_aux=True, `fn` must return a pair (value, aux). Received: {type(output).__name__}"
                    )
                value, aux = output
            else:
                value, aux = output, None
            value = convert(value)
            if value.numel() != 1:
                raise ValueError(
                    f"value_and_grad needs `fn` to return a scalar. Received a tensor of shape {tuple(value.shape)}"
                )
            wrt = [t for t in leaves if t.requires_grad]
            grads: Any = [None] * len(wrt)
            if wrt and value.requires_grad:
                grads = torch.autograd.grad(value, wrt, allow_unused=True)
            found = iter(grads)
            result = []
            for tensor in leaves:
                grad = next(found) if tensor.requires_grad else None
                result.append(torch.zeros_like(tensor) if grad is None else grad)
            value = value.detach()
            if has_aux:
                aux = tree.map_structure(lambda a: a.detach() if isinstance(a, Tensor) else a, aux)
                return (value, aux), result
            return value, result

        return value_and_grad_fn

    def eval_shape(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        structure = (args, kwargs)
        leaves = tree.flatten(structure)

        def run(device: str) -> Any:
            # Meta tensors have no storage; the eager fallback uses zeros.
            create = torch.empty if device == META else torch.zeros

            def make(leaf: Any) -> Any:
                if isinstance(leaf, SymbolicTensor):
                    return create(leaf.shape, dtype=to_torch_dtype(leaf.dtype), device=device)
                return leaf

            call_args, call_kwargs = tree.pack_sequence_as(structure, [make(leaf) for leaf in leaves])
            # A StatelessScope records Variable assignments instead of applying
            # them, so tracing leaves the model's state untouched.
            with device_scope(device), StatelessScope(), torch.no_grad():
                return fn(*call_args, **call_kwargs)

        try:
            result = run(META)
        except Exception as error:  # noqa: BLE001 - filtered below
            if not _meta_failure(error):
                raise
            # Some ops have no meta kernel or depend on values (`.item()`,
            # `nonzero`): evaluate on zeros instead.
            result = run(DEFAULT_DEVICE)
        return tree.map_structure(_to_spec, result)

    def device_put(self, x: Any) -> Tensor:
        x = convert(x)
        device = _state.device
        return x if x.device.type == torch.device(device).type else x.to(device)
