"""`clone_model`: a new model with the same architecture, on any backend."""

from __future__ import annotations

from typing import Any

from lamina.backend import registry, state


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Any = None,
    call_function: Any = None,
    recursive: bool = False,
    backend: str | None = None,
    **kwargs: Any,
) -> Any:
    """Returns a new model with `model`'s architecture and freshly created weights.

    Args:
        model: a Sequential, Functional or subclassed model (with `get_config`).
        input_tensors, call_function, recursive: not supported yet (must be None/False).
        clone_function: `fn(layer) -> layer` applied to each layer's copy; by
            default each layer is rebuilt from its config.
        backend: name of the backend to create the clone on (default: the
            model's own). With `backend=`, the weights are copied too,
            so the clone computes the same function on the new backend.

    Example:
        ```python
        torch_model = lamina.models.clone_model(jax_model, backend="torch")
        ```
    """
    if kwargs:
        raise ValueError(f"Unrecognized arguments: {sorted(kwargs)}")
    if input_tensors is not None or call_function is not None or recursive:
        raise ValueError(
            "clone_model does not support `input_tensors`, `call_function` or `recursive` yet. "
            "Call it with the model (and optionally `clone_function` and `backend`)."
        )
    from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object

    target = registry.get_backend(backend) if backend is not None else model.backend
    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    with state.backend_scope(target):
        if clone_function is not None:
            from lamina.models.sequential import Sequential

            if not isinstance(model, Sequential):
                raise ValueError("`clone_function` is only supported for Sequential models for now.")
            clone = Sequential(name=model.name)
            for layer in model._stack:
                clone.add(clone_function(layer), rebuild=False)
            clone._maybe_rebuild()
        else:
            clone = deserialize_keras_object(config)
        if not clone.built and model.built and getattr(model, "_call_input_spec", None) is not None:
            clone(model._call_input_spec)
    if backend is not None and model.built:
        # Moving a model (even "to" its own backend) keeps what it learned.
        clone.set_weights(model.get_weights())
    return clone
