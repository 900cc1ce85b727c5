"""`HostLayer`: preprocessing layers that compute on the host with NumPy.

JAX and PyTorch have no string tensors, and vocabulary lookups and string
hashing have no tensor ops on any backend, so the lookup, hashing and text
layers (and every `adapt()`) work on NumPy arrays: they take NumPy arrays,
Python lists or eager tensors, compute in NumPy, and return tensors of the
layer's backend (integer ids or float encodings).

Such a layer is applied to data, eagerly: as a preprocessing step before
the model, or as the first call on real arrays. It cannot run inside a
compiled function (`jax.jit`, `tf.function`, the compiled steps of `fit` and
`predict`), where tensors have no values; it then raises an error that
says so. It can still be called on symbolic inputs to build a Functional
model (shape inference only).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer


def host_error(layer: str) -> RuntimeError:
    return RuntimeError(
        f"{layer} computes on the host with NumPy (strings, vocabularies and hashing have no "
        "JAX or PyTorch tensor ops), so it cannot run inside a compiled function "
        "(jax.jit, tf.function, a compiled train/predict step) or on symbolic tensors. "
        "Apply it to your data before the model, e.g. `ids = layer(texts)` and then "
        "`model.fit(ids, y)`, or call it eagerly as the first step of your input pipeline."
    )


def to_numpy(value: Any, layer: str = "This layer") -> np.ndarray:
    """`value` (array, list, scalar or eager tensor) as a NumPy array; strings stay strings."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, SymbolicTensor):
        raise host_error(layer)
    if isinstance(value, (str, bytes, int, float, bool, np.generic)):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        return np.asarray(value)
    numpy_method = getattr(value, "numpy", None)
    try:
        if hasattr(value, "detach"):  # torch tensors, possibly requiring grad
            value = value.detach().cpu()
        if callable(numpy_method) or hasattr(value, "__array__"):
            return np.asarray(value.numpy() if callable(numpy_method) else value)
    except Exception as error:  # noqa: BLE001 - tracers and graph tensors fail in many ways
        raise host_error(layer) from error
    raise TypeError(f"{layer} expects a NumPy array, a list or an eager tensor. Received: {type(value).__name__}")


def _first_of_tuple(batch: Any) -> Any:
    return batch[0] if isinstance(batch, tuple) else batch


def iterate_batches(data: Any, lists_are_batches: bool = True, layer: str = "adapt()") -> Iterator[np.ndarray]:
    """Yields the batches of `data` as NumPy arrays.

    An array or tensor is one batch. Lists and tuples are sequences of
    batches when `lists_are_batches` (Normalization), else one batch of
    values (the lookup layers, as in Keras). Datasets, `PyDataset`s and
    generators yield batches; `(x, y)` tuples give `x`.
    """
    if isinstance(data, (np.ndarray, np.generic)) or (hasattr(data, "shape") and hasattr(data, "dtype")):
        yield to_numpy(data, layer)
        return
    if isinstance(data, (str, bytes)):
        yield np.asarray([data])
        return
    if isinstance(data, (list, tuple)) and not lists_are_batches:
        yield to_numpy(data, layer)
        return
    if hasattr(data, "__getitem__") and hasattr(data, "__len__") and not isinstance(data, (list, tuple, dict)):
        items: Any = (data[i] for i in range(len(data)))
    elif hasattr(data, "__iter__"):
        items = iter(data)
    else:
        raise TypeError(
            f"Unsupported data type for {layer}: {type(data).__name__}. Pass a NumPy array, a tensor, "
            "a list, a PyDataset, a tf.data.Dataset or an iterable of batches."
        )
    for batch in items:
        batch = _first_of_tuple(batch)
        if not lists_are_batches or hasattr(batch, "shape") or isinstance(batch, (list, tuple, np.ndarray)):
            yield to_numpy(batch, layer)
        else:
            raise TypeError(
                f"{layer} expects an iterable of batches (arrays or tensors with a `.shape`). Got an element "
                f"of type {type(batch).__name__}: pass the data as one array, or as a list of arrays."
            )


def int_dtype(backend: Any) -> str:
    """Keras's lookup output dtype, int64, or int32 on backends without 64-bit ints (JAX)."""
    return "int32" if backend.counter_dtype == "int32" else "int64"


class HostLayer(Layer):
    """Base of the preprocessing layers that compute on the host (not exported)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.built = True

    def _convert_inputs(self, args: tuple) -> tuple:
        return args  # strings cannot become JAX or torch tensors: keep what was passed

    def _host(self, inputs: Any) -> np.ndarray:
        return to_numpy(inputs, type(self).__name__)

    def _output(self, array: np.ndarray, dtype: str) -> Any:
        return self._backend.core.convert_to_tensor(np.asarray(array), dtype=dtype)

    def _output_dtype(self) -> str:
        raise NotImplementedError

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), self._output_dtype())
