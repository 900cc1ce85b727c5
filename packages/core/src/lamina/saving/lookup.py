"""The `get(identifier)` logic shared by initializers, activations, losses, ...

Each public module keeps a dict of its objects by every name they answer to
("glorot_uniform", "GlorotUniform", ...) and calls `resolve` from its `get`.
"""

from __future__ import annotations

import difflib
from typing import Any

from lamina.saving import object_registry
from lamina.saving.serialization import deserialize_keras_object


def resolve(
    identifier: Any, objects: dict[str, Any], kind: str, base: type | None = None, instantiate: bool = True
) -> Any:
    """Turns a name, config dict, class or object into the object it names.

    Args:
        identifier: None, a string name, a config dict, a class or an instance
            (or function).
        objects: the module's objects by name.
        kind: what is being looked up, for error messages ("optimizer").
        base: the base class of valid instances, if any.
        instantiate: whether a class found by name is instantiated.

    Raises:
        ValueError: for an unknown name, listing the valid names.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, module_objects=objects)
    if isinstance(identifier, str):
        found = objects.get(identifier)
        if found is None:
            found = object_registry.get_registered_object(identifier)
        if found is None:
            names = sorted(name for name in objects if not name[:1].isupper())
            close = difflib.get_close_matches(identifier, names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"Could not interpret {kind} identifier: {identifier!r}.{hint} Valid {kind} names: {', '.join(names)}."
            )
        if instantiate and isinstance(found, type):
            return found()
        return found
    if isinstance(identifier, type) and instantiate and base is not None and issubclass(identifier, base):
        return identifier()
    if callable(identifier) or (base is not None and isinstance(identifier, base)):
        return identifier
    raise ValueError(
        f"Could not interpret {kind} identifier: {identifier!r} (of type "
        f"{type(identifier).__name__}). Expected a name, a config dict or a {kind} object."
    )
