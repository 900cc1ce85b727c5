"""Core ops on TensorFlow: conversion, shapes, slicing, control flow, gradients.

Every op works eagerly and inside `tf.function` graphs (with or without XLA):
no `.numpy()` calls and no Python control flow on tensor values; static
shapes are used where known and `tf.shape` where they are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from lamina import tree
from lamina.backend import dtypes
from lamina.backend.config import floatx
from lamina.backend.contract import CoreOps
from lamina.backend.symbolic import SymbolicTensor
from lamina.backend.variables import Variable

try:  # The semi-public home of FuncGraph; the private module is the fallback.
    _FuncGraph = tf.__internal__.FuncGraph
except AttributeError:  # pragma: no cover - older or newer TensorFlow layouts
    from tensorflow.python.framework.func_graph import FuncGraph as _FuncGraph

_PYTHON_SCALARS = (bool, int, float, complex)
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1

# Lamina dtype name <-> tf.DType, cached because every op converts dtypes.
_TF_DTYPES: dict[Any, tf.DType] = {}
_NAMES: dict[tf.DType, str] = {}


# -- dtypes -----------------------------------------------------------------
def to_tf_dtype(dtype: Any) -> tf.DType:
    """Returns the tf.DType for a Lamina dtype name or native dtype (None: floatx())."""
    if isinstance(dtype, tf.DType):
        return dtype
    cached = _TF_DTYPES.get(dtype) if dtype is not None else None
    if cached is not None:
        return cached
    result = tf.as_dtype(dtypes.standardize_dtype(dtype))
    if dtype is not None and isinstance(dtype, str):
        _TF_DTYPES[dtype] = result
    return result


def dtype_name(dtype: tf.DType) -> str:
    """Returns the Lamina name of a tf.DType."""
    name = _NAMES.get(dtype)
    if name is None:
        name = _NAMES[dtype] = dtypes.standardize_dtype(dtype.name)
    return name


def is_float_dtype(dtype: tf.DType) -> bool:
    return dtype.is_floating or dtype.is_complex


# -- conversion -------------------------------------------------------------
def _convert_scalar(x: Any) -> tf.Tensor:
    if isinstance(x, bool):
        return tf.constant(x, tf.bool)
    if isinstance(x, int):
        return tf.constant(x, tf.int32 if _INT32_MIN <= x <= _INT32_MAX else tf.int64)
    if isinstance(x, float):
        return tf.constant(x, to_tf_dtype(floatx()))
    return tf.constant(x, tf.complex64)


def _convert_sequence(x: Any) -> tf.Tensor:
    leaves = tree.flatten(x)
    if not leaves:
        return tf.zeros(np.shape(x), to_tf_dtype(floatx()))
    if all(isinstance(v, _PYTHON_SCALARS) and not isinstance(v, np.generic) for v in leaves):
        name = dtypes.result_type(*leaves)
        if name == "bfloat16":  # NumPy has no bfloat16
            return tf.cast(tf.constant(np.asarray(x, dtype="float32")), tf.bfloat16)
        return tf.constant(np.asarray(x, dtype=name))
    parts = [convert(v) for v in x]
    common = to_tf_dtype(dtypes.result_type(*parts))
    return tf.stack([tf.cast(p, common) if p.dtype != common else p for p in parts])


def _convert_natural(x: Any) -> Any:
    """Converts `x` to a tensor of its natural Lamina dtype."""
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, (tf.Tensor, tf.SparseTensor, tf.RaggedTensor)):
        return x
    if isinstance(x, tf.Variable):
        return x.value()  # a third of convert_to_tensor's cost in eager mode
    if isinstance(x, (np.ndarray, np.generic)):
        return tf.convert_to_tensor(x)
    if isinstance(x, _PYTHON_SCALARS):
        return _convert_scalar(x)
    if isinstance(x, (list, tuple)):
        return _convert_sequence(x)
    if isinstance(x, SymbolicTensor):
        raise ValueError(  # noqa: TRY004 - as ops.convert_to_numpy on symbolic tensors
            f"A symbolic tensor cannot be converted to a TensorFlow tensor: it has no values. Received: {x!r}"
        )
    try:
        return tf.convert_to_tensor(x)
    except (TypeError, ValueError):
        return tf.convert_to_tensor(np.asarray(x))


def convert(x: Any, dtype: Any = None) -> tf.Tensor:
    """Converts `x` to a tf.Tensor with Lamina's default dtypes (cast to `dtype` if given)."""
    if isinstance(x, tf.Tensor):  # fast path
        if dtype is None:
            return x
        target = to_tf_dtype(dtype)
        return x if x.dtype == target else tf.cast(x, target)
    if dtype is None:
        return _convert_natural(x)
    target = to_tf_dtype(dtype)
    if isinstance(x, _PYTHON_SCALARS) and not isinstance(x, bool):
        try:
            return tf.constant(x, target)
        except (TypeError, ValueError):
            pass
    value = _convert_natural(x)
    return value if value.dtype == target else tf.cast(value, target)


def float_tensor(x: Any) -> tf.Tensor:
    """Converts `x`, casting integer and bool tensors to floatx() (as Keras's float ops do)."""
    x = convert(x)
    if not is_float_dtype(x.dtype):
        x = tf.cast(x, to_tf_dtype(floatx()))
    return x


def is_python_scalar(x: Any) -> bool:
    return isinstance(x, _PYTHON_SCALARS)


def promote(*values: Any) -> list:
    """Converts `values` to the common dtype of Lamina's promotion lattice.

    Python scalars are weak: they adopt the dtype of the tensors they meet.
    """
    nodes = [v if isinstance(v, _PYTHON_SCALARS) else convert(v) for v in values]
    first = nodes[0]
    if isinstance(first, tf.Tensor) and all(isinstance(v, tf.Tensor) and v.dtype == first.dtype for v in nodes):
        return nodes  # already one dtype: the common case of eager layer calls
    target = to_tf_dtype(dtypes.result_type(*nodes))
    return [convert(v, target) for v in nodes]


# -- shapes -----------------------------------------------------------------
def static_or_dynamic_shape(x: tf.Tensor) -> list:
    """Returns the shape of `x` as a list: ints where static, scalar tensors elsewhere."""
    static = x.shape
    if static.rank is None:
        raise ValueError(f"Expected a tensor of known rank. Received a tensor of unknown rank: {x!r}")
    dims = static.as_list()
    if None not in dims:
        return dims
    dynamic = tf.shape(x)
    return [dim if dim is not None else dynamic[i] for i, dim in enumerate(dims)]


def ndim_of(x: tf.Tensor) -> int:
    rank = x.shape.rank
    if rank is None:
        raise ValueError(f"Expected a tensor of known rank. Received a tensor of unknown rank: {x!r}")
    return rank


def normalize_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim and not (ndim == 0 and axis in (0, -1)):
        raise ValueError(f"Axis {axis} is out of bounds for a tensor of rank {ndim}.")
    return axis % ndim if ndim else 0


def _index_dtype(tensors: list) -> tf.DType:
    return tf.int64 if any(t.dtype == tf.int64 for t in tensors) else tf.int32


# -- getitem ----------------------------------------------------------------
def _normalize_key_entry(entry: Any) -> Any:
    """Turns one index entry into an int, slice, None, Ellipsis or tensor."""
    if entry is None or entry is Ellipsis or isinstance(entry, slice):
        return entry
    if isinstance(entry, Variable):
        entry = entry.value
    if isinstance(entry, bool):
        return tf.constant(entry)
    if isinstance(entry, (int, np.integer)):
        return int(entry)
    if isinstance(entry, np.ndarray) and entry.ndim == 0 and np.issubdtype(entry.dtype, np.integer):
        return int(entry)
    if isinstance(entry, (list, tuple, np.ndarray, tf.Variable)):
        entry = convert(entry)
    if isinstance(entry, tf.Tensor):
        if not (entry.dtype.is_integer or entry.dtype == tf.bool):
            raise IndexError(
                "Only integers, slices, None, Ellipsis and integer or boolean tensors "
                f"are valid indices. Received a tensor of dtype {entry.dtype.name}."
            )
        return entry
    raise IndexError(
        "Only integers, slices, None, Ellipsis and integer or boolean tensors are "
        f"valid indices. Received: {entry!r} (of type {type(entry).__name__})"
    )


def _is_array_index(entry: Any) -> bool:
    return isinstance(entry, tf.Tensor) and (entry.shape.rank != 0 or entry.dtype == tf.bool)


def getitem(x: tf.Tensor, key: Any) -> tf.Tensor:
    """`x[key]` with NumPy semantics (basic and integer/boolean array indexing)."""
    entries = key if isinstance(key, tuple) else (key,)
    entries = tuple(_normalize_key_entry(e) for e in entries)
    if not any(_is_array_index(e) for e in entries):
        return x[entries if len(entries) != 1 else entries[0]]
    if len(entries) == 1 and entries[0].dtype == tf.bool and entries[0].shape.rank != 0:
        return tf.boolean_mask(x, entries[0])
    return _advanced_getitem(x, entries)


def _is_full_slice(entry: Any) -> bool:
    return isinstance(entry, slice) and entry.start is None and entry.stop is None and entry.step is None


def _advanced_getitem(x: tf.Tensor, entries: tuple) -> tf.Tensor:
    ndim = ndim_of(x)
    # Boolean masks become integer arrays (one per masked axis).
    expanded: list = []
    for entry in entries:
        if isinstance(entry, tf.Tensor) and entry.dtype == tf.bool:
            if entry.shape.rank == 0:
                raise IndexError("Boolean scalar indices are not supported; use ops.where.")
            positions = tf.where(entry)
            expanded.extend(positions[:, i] for i in range(entry.shape.rank))
        else:
            expanded.append(entry)
    consumed = sum(1 for e in expanded if e is not None and e is not Ellipsis)
    if sum(1 for e in expanded if e is Ellipsis) > 1:
        raise IndexError("An index can only have a single ellipsis ('...').")
    if consumed > ndim:
        raise IndexError(f"Too many indices for a tensor of rank {ndim}: {consumed} were given.")
    key: list = []
    for entry in expanded:
        if entry is Ellipsis:
            key.extend([slice(None)] * (ndim - consumed))
        else:
            key.append(entry)
    # Integers among arrays are advanced indices too (NumPy broadcasts them).
    advanced = [i for i, e in enumerate(key) if isinstance(e, (int, tf.Tensor))]
    basic = tuple(slice(None) if i in advanced else e for i, e in enumerate(key))
    # After the basic step, entry j of `key` is axis j of `y`.
    needs_basic = any(not _is_full_slice(e) for e in basic)
    y = x[basic] if needs_basic else x
    y_shape = static_or_dynamic_shape(y)
    indices = [convert(key[i]) for i in advanced]
    index_dtype = _index_dtype(indices)
    wrapped = []
    for position, index in zip(advanced, indices):
        index = tf.cast(index, index_dtype)
        dim = tf.cast(y_shape[position], index_dtype)
        wrapped.append(tf.where(index < 0, index + dim, index))
    static_shapes = [i.shape.as_list() if i.shape.rank is not None else None for i in wrapped]
    if all(s is not None and None not in s for s in static_shapes):
        broadcast = list(np.broadcast_shapes(*[tuple(s) for s in static_shapes]))
    else:
        broadcast = tf.shape(wrapped[0])
        for index in wrapped[1:]:
            broadcast = tf.broadcast_dynamic_shape(broadcast, tf.shape(index))
    wrapped = [tf.broadcast_to(i, broadcast) for i in wrapped]
    y_rank = ndim_of(y)
    rest = [i for i in range(y_rank) if i not in advanced]
    perm = advanced + rest
    if perm != list(range(y_rank)):
        y = tf.transpose(y, perm)
    result = tf.gather_nd(y, tf.stack(wrapped, axis=-1))
    contiguous = advanced == list(range(advanced[0], advanced[0] + len(advanced)))
    if contiguous and advanced[0] > 0:
        b = len(broadcast) if isinstance(broadcast, list) else wrapped[0].shape.rank
        r = len(rest)
        first = advanced[0]
        order = list(range(b, b + first)) + list(range(b)) + list(range(b + first, b + r))
        result = tf.transpose(result, order)
    return result


# -- variable names ---------------------------------------------------------
_INVALID_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.\-/]")


def tf_variable_name(path: str) -> str:
    """A valid TensorFlow name for the variable at Lamina `path`."""
    name = _INVALID_NAME_CHARS.sub("_", path).strip("/") or "variable"
    if not re.match(r"[A-Za-z0-9.]", name[0]):
        name = "v" + name
    return name


# -- eval_shape helpers -----------------------------------------------------
def _placeholder(spec: SymbolicTensor) -> Any:
    dtype = to_tf_dtype(spec.dtype)
    if spec.sparse:
        # Placeholders for the entries, but a constant dense shape, so that
        # sparse ops infer static output shapes.
        rank = len(spec.shape)
        return tf.SparseTensor(
            indices=tf.compat.v1.placeholder(tf.int64, shape=(None, rank)),
            values=tf.compat.v1.placeholder(dtype, shape=(None,)),
            dense_shape=tf.constant(spec.shape, tf.int64),
        )
    return tf.compat.v1.placeholder(dtype, shape=spec.shape)


def _to_spec(value: Any) -> Any:
    if isinstance(value, Variable):
        return SymbolicTensor(value.shape, value.dtype)
    if isinstance(value, tf.SparseTensor):
        return SymbolicTensor(_shape_tuple(value.shape), dtype_name(value.dtype), sparse=True)
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return SymbolicTensor(_shape_tuple(value.shape), dtype_name(value.dtype))
    return value


def _shape_tuple(shape: tf.TensorShape) -> tuple:
    if shape.rank is None:
        raise ValueError(
            "Shape inference produced a tensor of unknown rank; Lamina needs the rank of every output to be known."
        )
    return tuple(shape.as_list())


class TensorFlowCoreOps(CoreOps):
    def convert_to_tensor(self, x: Any, dtype: Any = None, sparse: bool | None = None) -> Any:
        result = convert(x, dtype)
        if sparse is False and isinstance(result, tf.SparseTensor):
            result = tf.sparse.to_dense(result)
        return result

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        if isinstance(x, Variable):
            x = x.value
        if isinstance(x, tf.SparseTensor):
            x = tf.sparse.to_dense(x)
        if isinstance(x, tf.RaggedTensor):
            x = x.to_tensor()
        if isinstance(x, (tf.Tensor, tf.Variable)):
            if not tf.executing_eagerly() or tf.is_symbolic_tensor(x):
                raise ValueError(
                    "A TensorFlow graph tensor cannot be converted to NumPy: it has no "
                    f"value while a tf.function is being traced. Received: {x!r}"
                )
            return x.numpy()
        return np.asarray(x)

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, (tf.Tensor, tf.Variable, tf.SparseTensor, tf.RaggedTensor))

    def cast(self, x: Any, dtype: Any) -> tf.Tensor:
        return convert(x, dtype)

    def dtype(self, x: Any) -> str:
        if isinstance(x, Variable):
            return x.dtype
        if isinstance(x, (tf.Tensor, tf.Variable, tf.SparseTensor, tf.RaggedTensor)):
            return dtype_name(x.dtype)
        return dtype_name(convert(x).dtype)

    def shape(self, x: Any) -> tuple:
        if isinstance(x, Variable):
            return x.shape
        if isinstance(x, np.ndarray):
            return x.shape
        if not isinstance(x, (tf.Tensor, tf.Variable, tf.SparseTensor, tf.RaggedTensor)):
            x = convert(x)
        if isinstance(x, tf.SparseTensor):
            static = x.shape
            if static.is_fully_defined():
                return tuple(static.as_list())
            return tuple(d if d is not None else x.dense_shape[i] for i, d in enumerate(static.as_list()))
        return tuple(static_or_dynamic_shape(x))

    def stop_gradient(self, x: Any) -> tf.Tensor:
        return tf.stop_gradient(convert(x))

    def getitem(self, x: Any, key: Any) -> tf.Tensor:
        return getitem(convert(x), key)

    def slice(self, inputs: Any, start_indices: Any, shape: Any) -> tf.Tensor:
        return tf.slice(convert(inputs), _index_vector(start_indices), _index_vector(shape))

    def slice_update(self, inputs: Any, start_indices: Any, updates: Any) -> tf.Tensor:
        inputs = convert(inputs)
        updates = convert(updates, inputs.dtype)
        rank = ndim_of(updates)
        if rank == 0:
            return updates
        sizes = static_or_dynamic_shape(updates)
        start = tf.cast(_index_vector(start_indices), tf.int32)
        grids = tf.meshgrid(*[tf.range(size) for size in sizes], indexing="ij")
        indices = tf.stack(grids, axis=-1) + start
        return tf.tensor_scatter_nd_update(inputs, indices, updates)

    def scatter(self, indices: Any, values: Any, shape: Any) -> tf.Tensor:
        indices = convert(indices)
        values = convert(values)
        return tf.scatter_nd(indices, values, _index_vector(shape, indices.dtype))

    def scatter_update(self, inputs: Any, indices: Any, updates: Any) -> tf.Tensor:
        inputs = convert(inputs)
        return tf.tensor_scatter_nd_update(inputs, convert(indices), convert(updates, inputs.dtype))

    def unstack(self, x: Any, num: int | None = None, axis: int = 0) -> list:
        return tf.unstack(convert(x), num=num, axis=axis)

    def cond(self, pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
        if isinstance(pred, (bool, np.bool_)):
            return true_fn() if pred else false_fn()
        pred = convert(pred)
        if pred.dtype != tf.bool:
            pred = tf.cast(pred, tf.bool)
        return tf.cond(pred, true_fn, false_fn)

    def fori_loop(self, lower: int, upper: int, body_fun: Callable, init_val: Any) -> Any:
        _, result = tf.while_loop(
            lambda i, _: i < upper,
            lambda i, value: (i + 1, body_fun(i, value)),
            (lower, init_val),
        )
        return result

    def scan(
        self,
        f: Callable,
        init: Any,
        xs: Any = None,
        length: int | None = None,
        reverse: bool = False,
        unroll: int | bool = 1,
    ) -> tuple:
        n = self._check_scan_arguments(f, init, xs, length, unroll)
        if isinstance(n, int) and (unroll is True or tf.executing_eagerly()):
            # Eagerly (and when fully unrolled) a Python loop over the steps is
            # the simplest and fastest; in graphs a `tf.while_loop`.
            return super().scan(f, init, xs, length=length, reverse=reverse, unroll=unroll)
        init = tree.map_structure(lambda c: c if c is None else convert(c), init)
        xs_flat = [convert(x) for x in tree.flatten(xs)] if xs is not None else []
        if isinstance(n, int) and n == 0:
            return init, self._empty_scan_outputs(f, init, xs_flat, xs)
        return _while_scan(f, init, xs, xs_flat, n, reverse)

    def while_loop(
        self,
        cond: Callable,
        body: Callable,
        loop_vars: Any,
        maximum_iterations: int | None = None,
    ) -> Any:
        is_tuple = isinstance(loop_vars, (list, tuple))
        values = tuple(tree.map_structure(convert, tuple(loop_vars) if is_tuple else (loop_vars,)))

        def run_body(*current: Any) -> tuple:
            result = body(*current)
            result = tuple(result) if isinstance(result, (list, tuple)) else (result,)
            return tuple(tree.pack_sequence_as(list(current), tree.flatten(result)))

        result = tf.while_loop(cond, run_body, values, maximum_iterations=maximum_iterations)
        result = tuple(result)
        return result if is_tuple else result[0]

    def value_and_grad(self, fn: Callable, has_aux: bool = False) -> Callable:
        def value_and_grad_fn(values: Any) -> Any:
            values = tree.map_structure(_watchable, values)
            sources = tree.flatten(values)
            with tf.GradientTape(watch_accessed_variables=False) as tape:
                for source in sources:
                    tape.watch(source)
                outputs = fn(values)
                if has_aux:
                    if not isinstance(outputs, (tuple, list)) or len(outputs) != 2:
                        raise ValueError(
                            f"With has_aux=True, the function must return a pair (value, aux). Received: {outputs!r}"
                        )
                    value, aux = outputs
                else:
                    value = outputs
            grads = tape.gradient(value, sources, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            grads = [
                tf.zeros_like(source) if grad is None else tf.convert_to_tensor(grad)
                for grad, source in zip(grads, sources)
            ]
            grads = tree.pack_sequence_as(values, grads)
            return ((value, aux), grads) if has_aux else (value, grads)

        return value_and_grad_fn

    def eval_shape(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        leaves = tree.flatten((args, kwargs))
        graph = _FuncGraph("lamina_eval_shape")
        with graph.as_default():
            filled = [_placeholder(leaf) if isinstance(leaf, SymbolicTensor) else leaf for leaf in leaves]
            call_args, call_kwargs = tree.pack_sequence_as((args, kwargs), filled)
            outputs = fn(*call_args, **call_kwargs)
            return tree.map_structure(_to_spec, outputs)


def _while_scan(f: Callable, init: Any, xs: Any, xs_flat: list, n: Any, reverse: bool) -> tuple:
    """`scan` as a `tf.while_loop` over TensorArrays (graph, XLA and eager).

    The first step runs before the loop: it gives the structure, dtypes and
    shapes of the `y`s, which the output TensorArrays need up front.
    """
    inputs = [
        tf.TensorArray(x.dtype, size=n, element_shape=x.shape[1:], clear_after_read=False).unstack(x) for x in xs_flat
    ]

    def position(i: Any) -> Any:
        return n - 1 - i if reverse else i

    def read(i: Any) -> Any:
        if xs is None:
            return None
        return tree.pack_sequence_as(xs, [array.read(position(i)) for array in inputs])

    def step(carry: Any, i: Any) -> tuple:
        new_carry, y = f(carry, read(i))
        new_carry = tree.pack_sequence_as(carry, [convert(c) for c in tree.flatten(new_carry)])
        return new_carry, y

    carry, first = step(init, 0)
    y_leaves = tree.flatten(first)
    present = [i for i, y in enumerate(y_leaves) if y is not None]
    outputs = []
    for i in present:
        y = convert(y_leaves[i])
        outputs.append(tf.TensorArray(y.dtype, size=n, element_shape=y.shape).write(position(0), y))

    def body(i: Any, carry: Any, arrays: list) -> tuple:
        carry, y = step(carry, i)
        leaves = tree.flatten(y)
        arrays = [array.write(position(i), convert(leaves[j])) for array, j in zip(arrays, present)]
        return i + 1, carry, arrays

    # A static bound lets XLA compile the loop and its gradient.
    bound = n - 1 if isinstance(n, int) else None
    _, carry, outputs = tf.while_loop(
        lambda i, *_: i < n, body, (tf.constant(1), carry, outputs), maximum_iterations=bound
    )
    stacked = iter(array.stack() for array in outputs)
    ys = [next(stacked) if y is not None else None for y in y_leaves]
    return carry, tree.pack_sequence_as(first, ys)


def _watchable(value: Any) -> Any:
    if isinstance(value, Variable):
        value = value.value
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return value
    return convert(value)


def _index_vector(values: Any, dtype: tf.DType = tf.int32) -> Any:
    """Turns a sequence of ints and scalar tensors (or a tensor) into a 1-D index tensor."""
    if isinstance(values, Variable):
        values = values.value
    if isinstance(values, (tf.Tensor, tf.Variable, np.ndarray)):
        return tf.cast(convert(values), dtype)
    values = list(values)
    if all(isinstance(v, (int, np.integer)) for v in values):
        return tf.constant([int(v) for v in values], dtype)
    return tf.stack([tf.cast(convert(v), dtype) for v in values])
