"""`lamina.Variable`: mutable state owned by layers, optimizers and metrics.

The core class holds everything backends share (naming, shape and dtype
checks, stateless and deferred initialization, operators). Each backend
subclasses it and implements the three storage methods at the bottom.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from lamina.backend import dtypes, naming, scopes
from lamina.backend.operators import TensorOperators


def standardize_shape(shape: Any) -> tuple:
    """Returns `shape` as a tuple of ints or None, validating each entry."""
    if shape is None:
        raise ValueError("Undefined shapes are not supported.")
    if not hasattr(shape, "__iter__"):
        raise ValueError(f"Cannot convert {shape!r} to a shape.")
    result = []
    for dim in shape:
        if dim is None:
            result.append(None)
            continue
        try:
            value = int(dim)
        except (TypeError, ValueError):
            raise ValueError(f"Cannot convert {shape!r} to a shape: {dim!r} is not an integer.") from None
        if value < 0:
            raise ValueError(f"Negative dimensions are not allowed. Received shape: {tuple(shape)}")
        result.append(value)
    return tuple(result)


class _AutocastState(threading.local):
    scope: AutocastScope | None = None


_autocast_state = _AutocastState()


class AutocastScope:
    """Inside, reads of float variables (created with `autocast=True`) return `dtype`.

    Layers with a mixed dtype policy enter it around `call`, so that float32
    weights are used in float16 / bfloat16 computations (as Keras's
    `AutocastScope`). `AutocastScope(None)` turns autocasting off inside.

    Example:
        ```python
        with AutocastScope("float16"):
            variable.value.dtype  # float16 for a float32 variable
        ```
    """

    def __init__(self, dtype: Any) -> None:
        if dtype is not None:
            dtype = dtypes.standardize_dtype(dtype)
            if not dtypes.is_float(dtype):
                raise ValueError(
                    "`AutocastScope` can only be used with a floating-point target dtype, "
                    f"such as 'float16'. Received: dtype={dtype}"
                )
        self.dtype = dtype
        self._previous: AutocastScope | None = None

    def __enter__(self) -> AutocastScope:
        self._previous = _autocast_state.scope
        _autocast_state.scope = self
        return self

    def __exit__(self, *exc: object) -> None:
        _autocast_state.scope = self._previous


def get_autocast_scope() -> AutocastScope | None:
    """The innermost active `AutocastScope`, or None."""
    return _autocast_state.scope


class Variable(TensorOperators):
    """A mutable tensor, created on the active backend.

    Args:
        initializer: an initial value (array-like or tensor) or a callable
            `initializer(shape, dtype)`; a string names an initializer
            ("zeros", "glorot_uniform", ...).
        shape: required with a callable initializer.
        dtype: defaults to the value's dtype, else `floatx()`.
        trainable: whether gradients update the variable in `fit`.
        name: short name (no "/"); the full `path` adds enclosing scopes.

    Example:
        ```python
        v = lamina.Variable(initializer=np.ones((2, 2)), name="w")
        v.assign(v * 2)
        v.numpy()
        ```
    """

    _backend: Any = None  # set by the Backend whose variable_class this is

    def __new__(cls, *args: Any, **kwargs: Any) -> Variable:
        if cls is Variable:
            from lamina.backend import state

            cls = state.current().variable_class
        return super().__new__(cls)

    def __init__(
        self,
        initializer: Any,
        shape: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        aggregation: str = "none",
        synchronization: str = "auto",
        name: str | None = None,
    ) -> None:
        name = name or naming.auto_name("variable")
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Argument `name` must be a string and cannot contain the character `/`. Received: name={name!r}"
            )
        self._name = name
        parent = naming.current_path()
        self._path = f"{parent}/{name}" if parent else name
        self._trainable = bool(trainable)
        self._autocast = autocast
        self._aggregation = aggregation
        self._synchronization = synchronization
        self._value: Any = None
        self._deferred: Callable | None = None
        if isinstance(initializer, str):
            from lamina import initializers

            initializer = initializers.get(initializer)
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` "
                    f"argument should be specified. Received: initializer={initializer!r} "
                    "and shape=None"
                )
            self._shape = standardize_shape(shape)
            self._dtype = dtypes.standardize_dtype(dtype)
            if scopes.in_symbolic_scope():
                self._deferred = initializer
                scopes.register_deferred_variable(self)
            else:
                self._initialize(self._convert_to_tensor(initializer(self._shape, dtype=self._dtype), self._dtype))
        else:
            if dtype is None:
                # Like Keras: floats become floatx(); integer and bool arrays
                # keep their dtype.
                given = getattr(initializer, "dtype", None)
                dtype = given if given is not None and not dtypes.is_float(given) else None
            value = self._convert_to_tensor(initializer, dtypes.standardize_dtype(dtype))
            self._dtype = self._backend.core.dtype(value)
            self._shape = standardize_shape(self._backend.core.shape(value))
            if shape is not None and standardize_shape(shape) != self._shape:
                raise ValueError(f"Initial value has shape {self._shape}, but shape={tuple(shape)} was given.")
            self._initialize(value)

    def _initialize_deferred(self) -> None:
        if self._deferred is not None:
            initializer, self._deferred = self._deferred, None
            self._initialize(self._convert_to_tensor(initializer(self._shape, dtype=self._dtype), self._dtype))

    # -- the value ---------------------------------------------------------
    @property
    def value(self) -> Any:
        """The current value as a native tensor of the variable's backend."""
        scope = scopes.get_stateless_scope()
        if scope is not None:
            replacement = scope.get_current_value(self)
            if replacement is not None:
                return self._maybe_autocast(replacement)
        if self._deferred is not None:
            # Inside shape inference, before initialization: a stand-in value.
            return self._maybe_autocast(self._backend.numpy.zeros(self._shape, dtype=self._dtype))
        return self._maybe_autocast(self._value)

    def _maybe_autocast(self, value: Any) -> Any:
        """`value` cast to the active AutocastScope's dtype (float variables with `autocast`)."""
        scope = _autocast_state.scope
        if scope is None or scope.dtype is None or not self._autocast or scope.dtype == self._dtype:
            return value
        if not dtypes.is_float(self._dtype):
            return value
        return self._backend.core.cast(value, scope.dtype)

    def assign(self, value: Any) -> Any:
        """Sets the variable to `value`, which must have the same shape."""
        value = self._convert_to_tensor(value, self._dtype)
        shape = standardize_shape(self._backend.core.shape(value))
        if shape != self._shape:
            raise ValueError(
                f"The shape of the target variable and the shape of the target "
                f"value in `variable.assign(value)` must match. variable.shape="
                f"{self._shape}, Received: value.shape={shape}. Target variable: {self._path}"
            )
        scope = scopes.get_stateless_scope()
        if scope is not None:
            scope.add_update(self, value)
        else:
            self._direct_assign(value)
        return value

    def assign_add(self, value: Any) -> Any:
        """Adds `value` to the variable."""
        return self.assign(self._backend.numpy.add(self.value, self._convert_to_tensor(value, self._dtype)))

    def assign_sub(self, value: Any) -> Any:
        """Subtracts `value` from the variable."""
        return self.assign(self._backend.numpy.subtract(self.value, self._convert_to_tensor(value, self._dtype)))

    def numpy(self) -> np.ndarray:
        """The value as a NumPy array."""
        return np.asarray(self._backend.core.convert_to_numpy(self.value))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
        return array.astype(dtype) if dtype is not None else array

    # -- attributes --------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        """Name scopes and name joined with "/", e.g. "dense/kernel"."""
        return self._path

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def aggregation(self) -> str:
        return self._aggregation

    @property
    def synchronization(self) -> str:
        return self._synchronization

    @property
    def backend(self) -> Any:
        """The Backend this variable lives on."""
        return self._backend

    def __repr__(self) -> str:
        if self._deferred is not None:
            value = "<uninitialized>"
        else:
            value = np.array2string(self.numpy(), threshold=8, edgeitems=2)
        return f"<Variable path={self._path}, shape={self._shape}, dtype={self._dtype}, value={value}>"

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of a 0-d variable.")
        return self._shape[0]

    def __bool__(self) -> bool:
        return bool(self.numpy())

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    __hash__ = object.__hash__

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        import lamina.ops

        return lamina.ops.equal(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        import lamina.ops

        return lamina.ops.not_equal(self, other)

    # -- what a backend implements ----------------------------------------
    def _initialize(self, value: Any) -> None:
        """Stores the first value (a native tensor of the right dtype)."""
        self._value = value

    def _direct_assign(self, value: Any) -> None:
        """Replaces the stored value (a native tensor of the right dtype and shape)."""
        self._value = value

    def _convert_to_tensor(self, value: Any, dtype: Any = None) -> Any:
        """Converts `value` to a native tensor of this variable's backend."""
        return self._backend.core.convert_to_tensor(value, dtype=dtype)
