"""`Lambda`: wraps a function of tensors as a layer.

Saving a Lambda stores its function by name when it can be found again by
name (a registered function, or a public Lamina/Keras one); other functions
(Python lambdas, local functions) are stored as Python bytecode, in the format
Keras 3 writes. Loading bytecode runs code from the file, so it is refused
unless the caller passes `safe_mode=False` for a file they trust.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import inspect
import marshal
import sys
import types
from typing import Any

from lamina import tree
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer
from lamina.saving import object_registry
from lamina.saving.serialization import deserialize_keras_object, in_safe_mode, serialize_keras_object

# Namespaces searched for public functions stored by name, as Keras's serializer does.
_PUBLIC_NAMESPACES = ("activations", "ops", "losses", "metrics", "regularizers", "initializers", "constraints")
_BYTECODE = "__lambda__"


class UnsafeLambdaError(ValueError):
    """Raised when a Lambda config holds Python bytecode and safe mode is on."""


def _namespace(short: str) -> Any:
    import importlib

    return importlib.import_module(f"lamina.{short}") if short in _PUBLIC_NAMESPACES else None


def _public_function(name: str, module: str | None) -> Any:
    """The public Lamina function `name` of `module` ("keras.ops", "builtins", ...), or None.

    Only modeling namespaces are searched (never `saving`, `config`, `utils`, ...).
    """
    if not isinstance(name, str) or not name or name.startswith("_"):
        return None
    if module in (None, "builtins", "keras", "lamina"):
        candidates: tuple = _PUBLIC_NAMESPACES
    elif module.split(".")[0] in ("keras", "lamina") and module.count(".") == 1:
        candidates = (module.split(".")[1],)
    else:
        return None
    for short in candidates:
        namespace = _namespace(short)
        found = getattr(namespace, name, None) if namespace is not None else None
        if isinstance(found, types.FunctionType):
            return found
    return None


def _public_namespace_of(fn: types.FunctionType) -> str | None:
    """The modeling namespace ("ops", "activations", ...) that exports `fn` under its name, or None."""
    if not (fn.__module__ or "").startswith("lamina."):
        return None
    for short in _PUBLIC_NAMESPACES:
        if getattr(_namespace(short), fn.__name__, None) is fn:
            return short
    return None


def _serialize_function(fn: Any) -> Any:
    """A config for `fn`: by name when it can be found again by name, else Keras's bytecode dict."""
    if isinstance(fn, types.FunctionType) and fn.__name__ != "<lambda>":
        if ">" in object_registry.get_registered_name(fn):
            return serialize_keras_object(fn)
        namespace = _public_namespace_of(fn)
        if namespace is not None:
            return {
                "module": f"keras.{namespace}",
                "class_name": "function",
                "config": fn.__name__,
                "registered_name": None,
            }
    if isinstance(fn, types.FunctionType):
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(cell.cell_contents for cell in fn.__closure__) if fn.__closure__ else None
        return {"class_name": _BYTECODE, "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    if callable(fn):
        return serialize_keras_object(fn)
    raise ValueError(f"Lambda can only serialize callables. Received: {fn!r} of type {type(fn).__name__}")


def _function_globals() -> dict:
    import lamina

    # Keras-written lambdas often say `keras.ops...`; Lamina answers to that name too.
    return {"__builtins__": builtins, "lamina": lamina, "keras": lamina, "ops": lamina.ops}


def _load_bytecode(config: dict, safe_mode: bool) -> Any:
    if safe_mode:
        raise UnsafeLambdaError(
            "This file contains Python code in a Lambda layer (a function stored as bytecode), and loading it "
            "would run that code. It is refused by default because a file can carry arbitrary code. If you "
            "trust the file (e.g. you saved it yourself), load it with `safe_mode=False`, e.g. "
            "`lamina.models.load_model(path, safe_mode=False)` or "
            "`lamina.saving.deserialize_keras_object(config, safe_mode=False)`."
        )
    if "value" in config:  # the generic serializer's form: {"value": [code, defaults, closure]}
        code, defaults, closure = config["value"]
    else:
        code, defaults, closure = config["code"], config.get("defaults"), config.get("closure")
    try:
        raw = base64.decodebytes(code.encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        raw = code.encode("raw_unicode_escape")
    try:
        function_code = marshal.loads(raw)  # noqa: S302 - only reached with safe_mode=False
    except (ValueError, EOFError, TypeError) as error:
        raise ValueError(
            "The Python bytecode of a Lambda layer could not be loaded; it only loads on the Python version "
            f"that saved it (this is Python {sys.version_info.major}.{sys.version_info.minor}). Rebuild the "
            "layer in code, or register its function with `lamina.saving.register_keras_serializable()` so "
            f"it is saved by name. Error: {error}"
        ) from error
    if not isinstance(function_code, types.CodeType):
        raise ValueError(f"The Lambda layer's `function` config does not hold Python bytecode: {function_code!r}")
    cells = None
    if closure is not None:
        cells = tuple(types.CellType(value) for value in closure)
    return types.FunctionType(
        function_code,
        _function_globals(),
        name=function_code.co_name,
        argdefs=tuple(defaults) if defaults is not None else None,
        closure=cells,
    )


def _deserialize_function(config: Any, safe_mode: bool, custom_objects: dict | None) -> Any:
    if callable(config):
        return config
    if isinstance(config, dict) and config.get("class_name") == _BYTECODE:
        return _load_bytecode(config.get("config", {}), safe_mode)
    if isinstance(config, dict) and config.get("class_name") == "function":
        found = object_registry.get_registered_object(config.get("registered_name") or "", custom_objects)
        found = found or object_registry.get_registered_object(config.get("config") or "", custom_objects)
        found = found or _public_function(config.get("config") or "", config.get("module"))
        if found is not None:
            return found
    return deserialize_keras_object(config, custom_objects=custom_objects)


class Lambda(Layer):
    """Wraps an expression of tensors as a layer.

    Best for small stateless expressions in Sequential and Functional models;
    write a `Layer` subclass for anything with state or that must be saved
    portably (see "Saving" below).

    Args:
        function: the function to apply, `function(inputs, **arguments)`; it
            also receives `mask` and/or `training` if it has those parameters.
        output_shape: the output shape without the batch axis (a tuple), or a
            function of the full input shape. Inferred by tracing when None.
        mask: None (no output mask), a function `mask(inputs, previous_mask)`,
            or a tensor used as the output mask whatever the input.
        arguments: optional dict of keyword arguments for `function`.

    Saving:
        A function registered with `lamina.saving.register_keras_serializable()`
        or a public Lamina function (e.g. `lamina.ops.square`) is saved by
        name. Any other function (a Python `lambda`, a local function) is saved
        as Python bytecode, which Keras 3 also writes and reads. Loading
        bytecode runs code from the file, so Lamina refuses it unless you pass
        `safe_mode=False` (to `load_model`, `deserialize_keras_object` or
        `Lambda.from_config`) for a file you trust. The bytecode only works on
        the Python version that wrote it.

    Example:
        ```python
        model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Lambda(lambda x: x ** 2)])
        ```
    """

    def __init__(
        self,
        function: Any,
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"The `function` of a Lambda layer must be callable. Received: function={function!r} "
                f"of type {type(function).__name__}"
            )
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(
                f"The `arguments` of a Lambda layer must be a dict of keyword arguments. Received: arguments={arguments!r}"
            )
        if isinstance(output_shape, list) and all(d is None or isinstance(d, int) for d in output_shape):
            output_shape = tuple(output_shape)
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._function_takes_mask = "mask" in parameters
        self._function_takes_training = "training" in parameters
        self.built = True

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        kwargs = dict(self.arguments)
        if self._function_takes_mask:
            kwargs["mask"] = mask
        if self._function_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            symbolic = _symbolic_inputs(input_shape, self.compute_dtype)
            return tree.map_structure(lambda x: x.shape, self.compute_output_spec(symbolic))
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_batch_size(input_shape)
        if _is_shape(self._output_shape):
            return (batch,) + tuple(self._output_shape)
        return [(batch,) + tuple(shape) for shape in self._output_shape]

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        if self._output_shape is None:
            from lamina.backend.symbolic import compute_output_spec

            return compute_output_spec(self._backend, self.call, *args, **kwargs)
        shapes = tree.map_structure(lambda x: tuple(x.shape) if hasattr(x, "shape") else x, args[0])
        output_shape = self.compute_output_shape(shapes)
        if isinstance(output_shape, list) and output_shape and isinstance(output_shape[0], (list, tuple)):
            return [SymbolicTensor(tuple(s), self.compute_dtype) for s in output_shape]
        return SymbolicTensor(tuple(output_shape), self.compute_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["function"] = _serialize_function(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (
                _serialize_function(self._output_shape) if callable(self._output_shape) else self._output_shape
            )
        if self.mask is not None:
            config["mask"] = (
                _serialize_function(self.mask) if callable(self.mask) else serialize_keras_object(self.mask)
            )
        config["arguments"] = serialize_keras_object(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None, safe_mode: bool | None = None) -> Lambda:
        """Rebuilds a Lambda; bytecode functions need `safe_mode=False` (or an unsafe loading scope)."""
        config = dict(config)
        safe = in_safe_mode() if safe_mode is None else bool(safe_mode)
        config["function"] = _deserialize_function(config["function"], safe, custom_objects)
        output_shape = config.get("output_shape")
        if isinstance(output_shape, dict):
            config["output_shape"] = _deserialize_function(output_shape, safe, custom_objects)
        elif isinstance(output_shape, list) and all(d is None or isinstance(d, int) for d in output_shape):
            config["output_shape"] = tuple(output_shape)
        mask = config.get("mask")
        if isinstance(mask, dict) and mask.get("class_name") in (_BYTECODE, "function"):
            config["mask"] = _deserialize_function(mask, safe, custom_objects)
        elif mask is not None:
            config["mask"] = deserialize_keras_object(mask, custom_objects=custom_objects)
        if "arguments" in config:
            config["arguments"] = deserialize_keras_object(config["arguments"], custom_objects=custom_objects)
        return cls(**config)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value)


def _symbolic_inputs(input_shape: Any, dtype: str) -> Any:
    """Symbolic tensors for a shape, a list of shapes or a dict of shapes."""
    if _is_shape(input_shape):
        return SymbolicTensor(tuple(input_shape), dtype)
    if isinstance(input_shape, dict):
        return {k: _symbolic_inputs(v, dtype) for k, v in input_shape.items()}
    return [_symbolic_inputs(s, dtype) for s in input_shape]


def _first_batch_size(input_shape: Any) -> Any:
    if _is_shape(input_shape):
        return input_shape[0] if input_shape else None
    values = list(input_shape.values()) if isinstance(input_shape, dict) else list(input_shape)
    return _first_batch_size(values[0])
