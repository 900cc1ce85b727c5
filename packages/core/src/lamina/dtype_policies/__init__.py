"""`lamina.dtype_policies`: layer dtype policies and mixed precision, as `keras.dtype_policies`.

Example:
    ```python
    policy = lamina.dtype_policies.get("mixed_float16")
    lamina.dtype_policies.serialize(policy)
    # {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}, "registered_name": None}
    ```
"""

from __future__ import annotations

from typing import Any

from lamina.backend import dtypes
from lamina.dtype_policies.dtype_policy import DTypePolicy as DTypePolicy
from lamina.dtype_policies.dtype_policy import FloatDTypePolicy as FloatDTypePolicy
from lamina.dtype_policies.dtype_policy import dtype_policy as dtype_policy
from lamina.dtype_policies.dtype_policy import set_dtype_policy as set_dtype_policy

ALL_OBJECTS: dict[str, Any] = {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": FloatDTypePolicy}

__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "dtype_policy", "get", "serialize", "set_dtype_policy"]


def serialize(dtype_policy: DTypePolicy) -> dict:
    """The policy's config in Keras's form (loadable by Keras 3)."""
    if not isinstance(dtype_policy, DTypePolicy):
        raise TypeError(
            f"`serialize` expects a DTypePolicy. Received: {dtype_policy!r} (of type {type(dtype_policy)}). "
            "Pass `lamina.dtype_policies.get(value)` to turn a name into a policy first."
        )
    return {
        "module": "keras",
        # Keras writes FloatDTypePolicy, its alias, as DTypePolicy.
        "class_name": "DTypePolicy",
        "config": dtype_policy.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict, custom_objects: dict | None = None) -> DTypePolicy:
    """Rebuilds a policy from `serialize`'s output (or Keras's)."""
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(
            "Cannot deserialize a DTypePolicy from "
            f"{config!r}: expected a dict with 'class_name' and 'config' keys, as `serialize` returns."
        )
    class_name = config.get("class_name", "DTypePolicy")
    cls = (custom_objects or {}).get(class_name) or ALL_OBJECTS.get(class_name)
    if cls is None:
        raise ValueError(
            f"Unknown dtype policy class {class_name!r}. Lamina knows {sorted(ALL_OBJECTS)} "
            "(quantized policies are not supported)."
        )
    return cls.from_config(dict(config["config"]))


def get(identifier: Any) -> DTypePolicy:
    """A policy from None (the global policy), a name, a config dict, a dtype or a policy."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(dtypes.standardize_dtype(identifier))
    except (TypeError, ValueError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
            f"Received: dtype={identifier!r}"
        ) from None
