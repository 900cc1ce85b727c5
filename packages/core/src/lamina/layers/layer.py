"""`Layer`: the base class of layers and models.

A layer owns variables (created in `build` with `add_weight`), computes
`call(inputs, training=None, mask=None)` with `lamina.ops`, and works on
real tensors of its backend and on symbolic tensors (recording a Node for
Functional models). Nested layers, variables and seed generators assigned
as attributes (or in lists and dicts) are tracked automatically.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from lamina import tree
from lamina.backend import dtypes, masking, naming, scopes, state
from lamina.backend.symbolic import SymbolicTensor, any_symbolic, compute_output_spec
from lamina.backend.variables import AutocastScope, Variable, get_autocast_scope
from lamina.dtype_policies.dtype_policy import HALF_IN_USE
from lamina.layers import call_context
from lamina.layers.input_spec import assert_input_compatibility
from lamina.ops.node import Node
from lamina.ops.operation import Operation

_ALLOWED_KWARGS = {"input_dim", "input_shape", "batch_input_shape", "batch_size", "weights", "input_dtype"}
_UNTRACKED = frozenset(
    {
        "_structure_cache",
        "_inbound_nodes",
        "_outbound_nodes",
        "_backend",
        "_auto_config",
        "_build_shapes",
        # Trainer state: tracked explicitly by `Model.metrics`, not as layer state.
        "_compile_loss",
        "_compile_metrics",
        "_loss_tracker",
        "_step_functions",
        "optimizer",
        "history",
        # A functional model's per-node call plans (no layers or variables of their own).
        "_plans",
    }
)
# Set once any layer adds a loss during a call; until then calls skip clearing.
_LOSSES_IN_USE = [False]


def _policy(dtype: Any) -> Any:
    """The DTypePolicy for a layer's `dtype` argument (None: the global policy)."""
    from lamina import dtype_policies

    return dtype_policies.get(dtype)


_HALF_FLOATS = frozenset({"float16", "bfloat16"})


def _is_simple(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_simple(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_simple(v) for k, v in value.items())
    return False


def _wrap_build(build: Any) -> Any:
    """Wraps a subclass's `build` to enter the layer's scopes and mark it built."""

    @functools.wraps(build)
    def wrapped(self: Layer, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "_in_build", False):
            return build(self, *args, **kwargs)
        self._in_build = True
        try:
            with _LayerScopes(self):
                result = build(self, *args, **kwargs)
        finally:
            self._in_build = False
        if args and len(args) == 1 and not kwargs:
            self._build_shapes = {"input_shape": _shape_config(args[0])}
        else:
            try:
                bound = inspect.signature(build).bind(self, *args, **kwargs).arguments
            except TypeError:
                bound = {}
            shapes = {k: _shape_config(v) for k, v in bound.items() if k != "self" and v is not None}
            if shapes:
                self._build_shapes = {"shapes_dict": shapes}
        self.built = True
        return result

    wrapped.__lamina_wrapped__ = True  # type: ignore[attr-defined]
    return wrapped


def _shape_config(shape: Any) -> Any:
    if shape is None:
        return None
    if isinstance(shape, dict):
        return {k: _shape_config(v) for k, v in shape.items()}
    if (
        isinstance(shape, (list, tuple))
        and shape
        and isinstance(shape[0], (list, tuple, type(None)))
        and not all(s is None for s in shape)
    ):
        return [_shape_config(s) for s in shape]
    return list(shape) if isinstance(shape, (list, tuple)) else shape


class _LayerScopes:
    """Enters the layer's backend scope (when not current) and name scope."""

    __slots__ = ("layer", "backend_entered", "name_entered", "with_name")

    def __init__(self, layer: Layer, with_name: bool = True) -> None:
        self.layer = layer
        self.with_name = with_name

    def __enter__(self) -> None:
        backend = self.layer._backend
        self.backend_entered = state.current() is not backend
        if self.backend_entered:
            state.backend_scope(backend).__enter__()
        self.name_entered = self.with_name and naming.innermost() != self.layer.name
        if self.name_entered:
            naming.name_scope(self.layer.name).__enter__()

    def __exit__(self, *exc: object) -> None:
        if self.name_entered:
            naming.name_scope(self.layer.name).__exit__()
        if self.backend_entered:
            state.backend_scope(self.layer._backend).__exit__()


class _FrozenStructure:
    """Context manager: `layer._flatten_layers()` (and friends) are computed once inside."""

    __slots__ = ("layer", "previous")

    def __init__(self, layer: Layer) -> None:
        self.layer = layer

    def __enter__(self) -> None:
        self.previous = self.layer.__dict__.get("_structure_cache")
        if self.previous is None:
            self.layer.__dict__["_structure_cache"] = {}

    def __exit__(self, *exc: object) -> None:
        if self.previous is None:
            self.layer.__dict__["_structure_cache"] = None


class Layer(Operation):
    """Base class of all layers.

    Args:
        activity_regularizer: optional regularizer applied to the output.
        trainable: whether the layer's variables are trained.
        dtype: dtype of the variables and computations (default `floatx()`).
        autocast: whether float inputs are cast to the layer's dtype.
        name: unique name (generated from the class name when None).

    Example:
        ```python
        class Linear(lamina.layers.Layer):
            def __init__(self, units=32, **kwargs):
                super().__init__(**kwargs)
                self.units = units

            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1], self.units))
                self.b = self.add_weight(shape=(self.units,), initializer="zeros")

            def call(self, inputs):
                return lamina.ops.matmul(inputs, self.w) + self.b
        ```
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "__lamina_wrapped__", False):
            cls.build = _wrap_build(build)

    def __new__(cls, *args: Any, **kwargs: Any) -> Layer:
        instance = super().__new__(cls)
        instance._auto_config = None
        try:
            signature = inspect.signature(cls.__init__)
            bound = signature.bind(None, *args, **kwargs)
            bound.apply_defaults()
        except (TypeError, ValueError):
            return instance
        captured = {}
        for name, value in list(bound.arguments.items())[1:]:
            kind = signature.parameters[name].kind
            if kind == inspect.Parameter.VAR_KEYWORD:
                captured.update(value)
            elif kind != inspect.Parameter.VAR_POSITIONAL:
                captured[name] = value
        if captured.get("dtype") is not None and hasattr(captured["dtype"], "variable_dtype"):
            from lamina import dtype_policies

            captured["dtype"] = dtype_policies.serialize(captured["dtype"])
        if _is_simple(captured):
            instance._auto_config = captured
        return instance

    def __init__(
        self,
        *,
        activity_regularizer: Any = None,
        trainable: bool = True,
        dtype: Any = None,
        autocast: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        unknown = set(kwargs) - _ALLOWED_KWARGS
        if unknown:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                f"{ {k: kwargs[k] for k in sorted(unknown)} }"
            )
        super().__init__(name=name)
        self._backend = state.current()
        self.built = False
        self._trainable = bool(trainable)
        self._dtype_policy = _policy(dtype)
        self.autocast = autocast
        from lamina import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec: Any = None
        self.supports_masking = getattr(self, "supports_masking", False)
        self._trainable_variables: list[Variable] = []
        self._non_trainable_variables: list[Variable] = []
        self._regularizers: list[tuple[Variable, Any]] = []
        self._losses: list[Any] = []
        self._build_shapes: dict | None = None
        self._in_build = False
        self._called = False
        self._validated_shape: Any = None
        signature = inspect.signature(self.call).parameters
        self._call_has_training = "training" in signature
        self._call_has_mask = "mask" in signature
        self._call_accepts_kwargs = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in signature.values())
        input_shape = kwargs.get("input_shape")
        batch_input_shape = kwargs.get("batch_input_shape")
        input_dim = kwargs.get("input_dim")
        self._input_shape_arg: tuple | None = None
        if batch_input_shape is not None:
            self._input_shape_arg = tuple(batch_input_shape)
        elif input_shape is not None:
            self._input_shape_arg = (kwargs.get("batch_size"),) + tuple(input_shape)
        elif input_dim is not None:
            self._input_shape_arg = (kwargs.get("batch_size"), input_dim)
        self._initial_weights = kwargs.get("weights")

    # -- tracking ------------------------------------------------------------
    def _tracked_values(self) -> Iterator[Any]:
        for name, value in vars(self).items():
            if name in _UNTRACKED:
                continue
            if isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, (list, tuple)):
                        yield from item
                    else:
                        yield item
            elif isinstance(value, dict):
                yield from value.values()
            else:
                yield value

    @property
    def _layers(self) -> list[Layer]:
        """Direct sub-layers, in the order they were assigned."""
        found: list[Layer] = []
        seen = {id(self)}
        for value in self._tracked_values():
            if isinstance(value, Layer) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        return found

    @property
    def _seed_generators(self) -> list[Any]:
        from lamina.random.seed_generator import SeedGenerator

        return [v for v in self._tracked_values() if isinstance(v, SeedGenerator)]

    @property
    def _metrics(self) -> list[Any]:
        from lamina.metrics.metric import Metric

        return [v for v in self._tracked_values() if isinstance(v, Metric)]

    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list[Layer]:
        cache = self.__dict__.get("_structure_cache")
        if cache is not None:
            key = ("flatten", include_self, recursive)
            found = cache.get(key)
            if found is None:
                found = cache[key] = self._walk_layers(include_self, recursive)
            return found
        return self._walk_layers(include_self, recursive)

    def _walk_layers(self, include_self: bool, recursive: bool) -> list[Layer]:
        result: list[Layer] = [self] if include_self else []
        seen = {id(self)}
        queue = list(self._layers)
        while queue:
            layer = queue.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            result.append(layer)
            if recursive:
                queue = list(layer._layers) + queue
        return result

    def _own_variables(self) -> list[Variable]:
        own = list(self._trainable_variables) + list(self._non_trainable_variables)
        known = {id(v) for v in own}
        for value in self._tracked_values():
            if isinstance(value, Variable) and id(value) not in known:
                known.add(id(value))
                own.append(value)
        return own

    # -- weights -------------------------------------------------------------
    @property
    def weights(self) -> list[Variable]:
        """All weight variables of the layer and its sub-layers (no seeds or metrics)."""
        weights: list[Variable] = []
        seen: set[int] = set()
        for variable in self._own_variables():
            if id(variable) not in seen:
                seen.add(id(variable))
                weights.append(variable)
        for layer in self._layers:
            for variable in layer.weights:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    weights.append(variable)
        return weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self) -> list[Variable]:
        """All state: weights plus seed generator states (not metric variables)."""
        variables: list[Variable] = []
        seen: set[int] = set()
        own = self._own_variables() + [g.state for g in self._seed_generators] + list(self._extra_state_variables())
        for variable in own:
            if id(variable) not in seen:
                seen.add(id(variable))
                variables.append(variable)
        for layer in self._layers:
            for variable in layer.variables:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        return variables

    def _extra_state_variables(self) -> list[Variable]:
        """State that is not a weight (e.g. a stateful RNN's states).

        Listed in `variables` (so compiled steps carry it) but not in
        `weights` (so weight files stay Keras-compatible).
        """
        return []

    @property
    def trainable_variables(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def metrics(self) -> list[Any]:
        metrics = list(self._metrics)
        for layer in self._layers:
            metrics.extend(layer.metrics)
        return metrics

    @property
    def metrics_variables(self) -> list[Variable]:
        return [v for metric in self.metrics for v in metric.variables]

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def get_weights(self) -> list[np.ndarray]:
        """The values of `layer.weights` as NumPy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: list) -> None:
        """Sets `layer.weights` from a list of arrays (same order and shapes)."""
        variables = self.weights
        if len(variables) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight "
                f"list of length {len(weights)}, but the layer was expecting "
                f"{len(variables)} weights."
            )
        values = [np.asarray(w) for w in weights]
        for variable, value in zip(variables, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight shape {variable.shape} is not compatible "
                    f"with provided weight shape {value.shape} (variable {variable.path})."
                )
        for variable, value in zip(variables, values):
            variable.assign(value)

    def count_params(self) -> int:
        """Total number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer "
                "isn't built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return int(sum(math.prod(v.shape) for v in self.weights))

    def add_weight(
        self,
        shape: Any = None,
        initializer: Any = None,
        dtype: Any = None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer: Any = None,
        constraint: Any = None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ) -> Variable:
        """Creates a variable owned by this layer.

        Args:
            shape: the variable's shape (default: scalar).
            initializer: name or object (default "glorot_uniform" for floats, "zeros" otherwise).
            dtype: default: the layer's dtype.
            trainable: whether `fit` updates it.
            regularizer: optional penalty added to `layer.losses`.
            constraint: optional projection applied after optimizer updates.
            name: the variable's name (its path adds the layer's name).
        """
        from lamina import constraints, initializers, regularizers

        shape = () if shape is None else shape
        dtype = dtypes.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtypes.is_float(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with _LayerScopes(self):
            variable = self._backend.Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        if variable.regularizer is not None:
            self._regularizers.append((variable, variable.regularizer))
        if trainable:
            self._trainable_variables.append(variable)
            if not self.trainable:
                # A frozen layer (e.g. loaded with trainable=False before its build)
                # makes new weights frozen too; setting `trainable` back thaws them.
                variable.trainable = False
        else:
            self._non_trainable_variables.append(variable)
        return variable

    add_variable = add_weight

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clears gradients left on this layer's variables by `loss.backward()` (torch).

        Keras-on-torch `train_step` overrides call `self.zero_grad()` before
        `loss.backward()`; on other backends there is nothing to clear.
        """
        self._backend.zero_grad(self.variables, set_to_none=set_to_none)

    # -- losses --------------------------------------------------------------
    def add_loss(self, loss: Any) -> None:
        """Adds a scalar loss computed during `call` (e.g. a regularization term)."""
        _LOSSES_IN_USE[0] = True
        self._losses.append(loss)

    def _freeze_structure(self) -> _FrozenStructure:
        """Caches layer-tree walks while a loop runs (the structure cannot change mid-step)."""
        return _FrozenStructure(self)

    @property
    def losses(self) -> list[Any]:
        """Losses added during the last call plus weight regularization penalties."""
        collected: list[Any] = []
        for layer in self._flatten_layers():
            if layer._losses:
                collected.extend(layer._losses)
            if layer._regularizers and layer.trainable:
                for variable, regularizer in layer._regularizers:
                    if variable.trainable:
                        collected.append(regularizer(variable))
        return collected

    def _clear_losses(self) -> None:
        for layer in self._flatten_layers():
            layer._losses.clear()

    # -- dtypes ------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables (alias of `variable_dtype`)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype of the layer's computations and outputs."""
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype the layer creates its variables in."""
        return self._dtype_policy.variable_dtype

    @property
    def dtype_policy(self) -> Any:
        """The layer's `lamina.dtype_policies.DTypePolicy`."""
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value: Any) -> None:
        self._dtype_policy = _policy(value)

    @property
    def _dtype_name(self) -> str:
        # Kept for subclasses that set a plain dtype (InputLayer): a policy of that name.
        return self._dtype_policy.variable_dtype

    @_dtype_name.setter
    def _dtype_name(self, value: Any) -> None:
        self._dtype_policy = _policy(dtypes.standardize_dtype(value))

    def _autocast_scope(self) -> AutocastScope | None:
        """The AutocastScope to enter around `call` (None: keep the current one), as Keras."""
        current = get_autocast_scope()
        compute = self._dtype_policy.compute_dtype
        if current is not None:
            if not self.autocast or not dtypes.is_float(compute):
                return AutocastScope(None) if current.dtype is not None else None
            if current.dtype != compute:
                return AutocastScope(compute)
            return None
        if compute != self._dtype_policy.variable_dtype and self.autocast and dtypes.is_float(compute):
            return AutocastScope(compute)
        return None

    def _cast_half_inputs(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """Casts float tensors to the compute dtype where float16/bfloat16 is involved.

        Keras casts every float input to the compute dtype; Lamina does so
        when either side is a half-precision float (mixed precision), and
        leaves float32/float64 tensors as they are otherwise. `__call__` runs
        this only once a float16/bfloat16 policy exists (`HALF_IN_USE`), so
        float32-only programs pay nothing for it.
        """
        compute = self._dtype_policy.compute_dtype
        compute_half = compute in _HALF_FLOATS
        core = self._backend.core

        def cast(x: Any) -> Any:
            if isinstance(x, Variable) or not core.is_tensor(x):
                return x
            dtype = core.dtype(x)
            if dtype == compute or not dtypes.is_float(dtype):
                return x
            if not compute_half and dtype not in _HALF_FLOATS:
                return x
            mask = masking.get_mask(x) if masking.IN_USE[0] else None
            y = core.cast(x, compute)
            if mask is not None:
                masking.set_mask(y, mask)
            return y

        args = tuple(tree.map_structure(cast, arg) for arg in args)
        if kwargs:
            kwargs = {
                k: (tree.map_structure(cast, v) if k not in ("mask", "training") else v) for k, v in kwargs.items()
            }
        return args, kwargs

    def _cast_symbolic_inputs(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """The symbolic counterpart of `_cast_half_inputs` (specs only, no graph node)."""
        compute = self._dtype_policy.compute_dtype
        compute_half = compute in _HALF_FLOATS

        def cast(x: Any) -> Any:
            if not isinstance(x, SymbolicTensor) or x.dtype == compute or not dtypes.is_float(x.dtype):
                return x
            if not compute_half and x.dtype not in _HALF_FLOATS:
                return x
            return SymbolicTensor(x.shape, compute, sparse=getattr(x, "sparse", False))

        args = tuple(tree.map_structure(cast, arg) for arg in args)
        if kwargs:
            kwargs = {
                k: (tree.map_structure(cast, v) if k not in ("mask", "training") else v) for k, v in kwargs.items()
            }
        return args, kwargs

    @property
    def backend(self) -> Any:
        """The Backend this layer computes on (fixed when it is created)."""
        return self._backend

    # -- building ------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        """Creates the layer's variables for inputs of `input_shape`."""
        self.built = True

    def _build_arguments(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """The shapes to pass to `build`, following Keras's `<arg>_shape` convention."""

        def shapes(value: Any) -> Any:
            return tree.map_structure(lambda x: tuple(x.shape) if hasattr(x, "shape") else x, value)

        parameters = [
            p
            for p in inspect.signature(self.build).parameters.values()
            if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        ]
        if len(parameters) <= 1:
            return ((shapes(args[0]) if args else None),), {}
        call_parameters = list(inspect.signature(self.call).parameters)
        bound = dict(zip(call_parameters, args))
        bound.update(kwargs)
        build_kwargs = {}
        for parameter in parameters:
            source = parameter.name[: -len("_shape")] if parameter.name.endswith("_shape") else parameter.name
            if source in bound and bound[source] is not None:
                build_kwargs[parameter.name] = shapes(bound[source])
        return (), build_kwargs

    def _maybe_build(self, args: tuple, kwargs: dict) -> None:
        if self.built:
            return
        build_args, build_kwargs = self._build_arguments(args, kwargs)
        if getattr(type(self).build, "__lamina_default_build__", False):
            # No custom build: sub-layers build themselves on the first call.
            self._build_shapes = {"input_shape": _shape_config(build_args[0])} if build_args else None
            self.built = True
            return
        self.build(*build_args, **build_kwargs)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    build.__lamina_default_build__ = True  # type: ignore[attr-defined]

    def get_build_config(self) -> dict | None:
        """The shapes the layer was built with (saved with the model)."""
        if not self.built or self._build_shapes is None:
            return None
        return dict(self._build_shapes)

    def build_from_config(self, config: dict) -> None:
        """Builds the layer from `get_build_config()`'s output."""
        if not config or self.built:
            return
        if "input_shape" in config:
            shape = config["input_shape"]
            self.build(
                tuple(shape) if isinstance(shape, list) and (not shape or not isinstance(shape[0], list)) else shape
            )
        elif "shapes_dict" in config:
            self.build(**{k: tuple(v) if isinstance(v, list) else v for k, v in config["shapes_dict"].items()})
        self.built = True

    # -- calling ------------------------------------------------------------------
    def _convert_inputs(self, args: tuple) -> tuple:
        if not args:
            return args
        if len(args) > 1:
            # NumPy arrays in later positional arguments (e.g. an RNN cell's
            # states) become tensors too, as in Keras.
            rest = tuple(
                tree.map_structure(
                    lambda x: (
                        self._backend.core.convert_to_tensor(
                            x, dtype=self.compute_dtype if np.issubdtype(x.dtype, np.floating) else None
                        )
                        if isinstance(x, np.ndarray)
                        else x
                    ),
                    arg,
                )
                for arg in args[1:]
            )
            args = (args[0],) + rest
        first = args[0]
        if isinstance(first, (np.ndarray, list, float, int)) and not isinstance(first, bool):

            def convert(x: Any) -> Any:
                if isinstance(x, np.ndarray):
                    dtype = self.compute_dtype if np.issubdtype(x.dtype, np.floating) else None
                    return self._backend.core.convert_to_tensor(x, dtype=dtype)
                if isinstance(x, (float, int)) and not isinstance(x, bool):
                    return self._backend.core.convert_to_tensor(x)
                return x

            if (
                isinstance(first, list)
                and first
                and not isinstance(first[0], (np.ndarray, list))
                and all(isinstance(v, (int, float)) for v in first)
            ):
                first = self._backend.core.convert_to_tensor(np.asarray(first, dtype=self.compute_dtype))
            else:
                first = tree.map_structure(convert, first)
            return (first,) + tuple(args[1:])
        return args

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_symbolic(args, kwargs):
            return self._symbolic_call(*args, **kwargs)
        context = call_context.get()
        outermost = context is None
        if outermost:
            context = call_context.enter(kwargs.get("training"), self)
            if _LOSSES_IN_USE[0]:
                self._clear_losses()
        # Name scopes only matter while variables may still be created.
        scopes_ = _LayerScopes(self, with_name=not self._called)
        scopes_.__enter__()
        try:
            args = self._convert_inputs(args)
            if HALF_IN_USE[0] and self.autocast:
                args, kwargs = self._cast_half_inputs(args, kwargs)
            if not self.built:
                self._maybe_build(args, kwargs)
            if self.input_spec is not None:
                first = args[0] if args else None
                shape = getattr(first, "shape", None)
                # Validating the same shape twice is wasted time on eager backends.
                validated = self._validated_shape
                if shape is None or validated is None or validated[0] is not self.input_spec or validated[1] != shape:
                    assert_input_compatibility(self.input_spec, first, self.name)
                    # Only concrete shapes are remembered: symbolic sizes (torch.export,
                    # tracing) compare equal to numbers they must not be fixed to.
                    if all(type(d) is int for d in shape):
                        self._validated_shape = (self.input_spec, shape)
            kwargs = self._resolve_call_kwargs(kwargs, context, outermost)
            previous_mask = None
            if masking.IN_USE[0] and args:
                previous_mask = self._input_mask(args[0])
                if previous_mask is not None and self._call_has_mask and kwargs.get("mask") is None:
                    kwargs["mask"] = previous_mask
            autocast_scope = self._autocast_scope()
            if autocast_scope is not None:
                with autocast_scope:
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
            if masking.IN_USE[0] or type(self).compute_mask is not Layer.compute_mask:
                self._attach_output_mask(args[0] if args else None, outputs, kwargs.get("mask", previous_mask))
            if self.activity_regularizer is not None:
                for output in tree.flatten(outputs):
                    penalty = self.activity_regularizer(output)
                    batch = self._backend.core.shape(output)[0] if self._backend.core.shape(output) else 1
                    self.add_loss(self._backend.numpy.divide(penalty, batch))
            self._called = True
            return outputs
        finally:
            scopes_.__exit__()
            if outermost:
                call_context.leave()

    def _resolve_call_kwargs(self, kwargs: dict, context: Any, outermost: bool) -> dict:
        if self._call_has_training:
            if kwargs.get("training") is None:
                if context.training is not None:
                    kwargs["training"] = context.training
                else:
                    kwargs.pop("training", None)
            elif outermost:
                context.training = kwargs["training"]
        elif "training" in kwargs and not self._call_accepts_kwargs:
            training = kwargs.pop("training")
            if outermost and training is not None:
                context.training = training
        if not self._call_has_mask and "mask" in kwargs and not self._call_accepts_kwargs:
            kwargs.pop("mask")
        return kwargs

    def _symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        with _LayerScopes(self):
            if not self.built:
                self._maybe_build(args, kwargs)
            if self.input_spec is not None:
                assert_input_compatibility(self.input_spec, args[0] if args else None, self.name)
            if not self._call_has_training:
                kwargs_for_call = {k: v for k, v in kwargs.items() if k != "training" or self._call_accepts_kwargs}
            else:
                kwargs_for_call = kwargs
            if not self._call_has_mask and not self._call_accepts_kwargs:
                kwargs_for_call = {k: v for k, v in kwargs_for_call.items() if k != "mask"}
            spec_args, spec_kwargs = args, kwargs_for_call
            if HALF_IN_USE[0] and self.autocast:
                spec_args, spec_kwargs = self._cast_symbolic_inputs(args, kwargs_for_call)
            autocast_scope = self._autocast_scope()
            if autocast_scope is not None:
                with autocast_scope:
                    outputs = self.compute_output_spec(*spec_args, **spec_kwargs)
            else:
                outputs = self.compute_output_spec(*spec_args, **spec_kwargs)
        Node(self, args, kwargs_for_call, outputs)
        return outputs

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `call()` method implemented.")

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        """Symbolic outputs for symbolic inputs (via `compute_output_shape` if overridden)."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = tree.map_structure(lambda x: tuple(x.shape) if hasattr(x, "shape") else x, args[0])
            output_shape = self.compute_output_shape(shapes)
            if isinstance(output_shape, (list, tuple)) and output_shape and isinstance(output_shape[0], (list, tuple)):
                return [SymbolicTensor(s, self.compute_dtype) for s in output_shape]
            return SymbolicTensor(output_shape, self.compute_dtype)
        return compute_output_spec(self._backend, self.call, *args, **kwargs)

    def compute_output_shape(self, *args: Any, **kwargs: Any) -> Any:
        """Output shape(s) for input shape(s); by default inferred by tracing `call`."""
        symbolic_args = tree.map_structure(
            lambda s: SymbolicTensor(s, self.compute_dtype) if isinstance(s, tuple) else s, args
        )
        specs = self.compute_output_spec(*symbolic_args, **kwargs)
        return tree.map_structure(lambda x: x.shape, specs)

    def _input_mask(self, inputs: Any) -> Any:
        masks = [masking.get_mask(x) for x in tree.flatten(inputs)]
        if all(m is None for m in masks):
            return None
        return masks[0] if not isinstance(inputs, (list, tuple)) else masks

    def _attach_output_mask(self, inputs: Any, outputs: Any, previous_mask: Any) -> None:
        mask = self.compute_mask(inputs, previous_mask)
        if mask is None:
            return
        flat = tree.flatten(outputs)
        masks = mask if isinstance(mask, (list, tuple)) and len(mask) == len(flat) else [mask] * len(flat)
        for output, item in zip(flat, masks):
            # A mask set by an inner layer (e.g. the last layer of a model) wins.
            if item is not None and masking.get_mask(output) is None:
                masking.set_mask(output, item)

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        """The output mask; by default the input mask if `supports_masking`."""
        if not self.supports_masking:
            return None
        return previous_mask

    def stateless_call(
        self,
        trainable_variables: list,
        non_trainable_variables: list,
        *args: Any,
        return_losses: bool = False,
        **kwargs: Any,
    ) -> tuple:
        """Calls the layer with the given variable values, without changing its state.

        Returns `(outputs, non_trainable_variables)` (plus `losses` with
        `return_losses=True`), where the second item holds the updated values
        of the non-trainable variables.
        """
        trainable = self.trainable_variables
        non_trainable = self.non_trainable_variables
        if len(trainable_variables) != len(trainable) or len(non_trainable_variables) != len(non_trainable):
            raise ValueError(
                f"stateless_call on layer '{self.name}' expects {len(trainable)} trainable and "
                f"{len(non_trainable)} non-trainable values. Received {len(trainable_variables)} "
                f"and {len(non_trainable_variables)}."
            )
        mapping = list(zip(trainable, trainable_variables)) + list(zip(non_trainable, non_trainable_variables))
        with scopes.StatelessScope(mapping) as scope:
            outputs = self(*args, **kwargs)
            losses = self.losses if return_losses else None
        updated = [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else value
            for v, value in zip(non_trainable, non_trainable_variables)
        ]
        if return_losses:
            return outputs, updated, losses
        return outputs, updated

    # -- functional graph ------------------------------------------------------------
    @property
    def input(self) -> Any:
        """The symbolic input of the layer's first call."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called and thus has no defined input.")
        node = self._inbound_nodes[0]
        return node.output_structure if node.is_input else node.call_args[0]

    @property
    def output(self) -> Any:
        """The symbolic output of the layer's first call."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called and thus has no defined output.")
        return self._inbound_nodes[0].output_structure

    # -- configuration ------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (without weights)."""
        from lamina import dtype_policies

        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policies.serialize(self.dtype_policy)}
        if self.activity_regularizer is not None:
            from lamina.regularizers import serialize

            config["activity_regularizer"] = serialize(self.activity_regularizer)
        if self._auto_config is not None and getattr(type(self).get_config, "__lamina_base_config__", False):
            auto = dict(self._auto_config)
            auto.update(config)
            return auto
        return config

    get_config.__lamina_base_config__ = True  # type: ignore[attr-defined]

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """Creates a layer from `get_config()`'s output."""
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {error}. If this is a custom layer, make sure its "
                "`get_config()` returns every argument of its `__init__`."
            ) from error

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
