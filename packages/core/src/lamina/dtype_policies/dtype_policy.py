"""`DTypePolicy`: the compute and variable dtypes of a layer, as Keras 3's.

A policy named after a dtype ("float32", "bfloat16") computes and stores
variables in that dtype. "mixed_float16" and "mixed_bfloat16" store
variables in float32 and compute in float16 / bfloat16: layers cast float
inputs to the compute dtype and read their float variables in it.
"""

from __future__ import annotations

from typing import Any

from lamina.backend import dtypes

_MIXED = {"mixed_float16": ("float16", "float32"), "mixed_bfloat16": ("bfloat16", "float32")}
_HALF = frozenset({"float16", "bfloat16"})

# The policy set with `set_dtype_policy`; None means "floatx()", read at each use.
_global_policy: list[DTypePolicy | None] = [None]
# Set once a float16/bfloat16 policy exists: until then layers skip input casting.
HALF_IN_USE = [False]


def _parse_name(name: Any) -> tuple[str, str]:
    if not isinstance(name, str):
        raise TypeError(
            f"'name' must be a string, such as 'mixed_float16'. Received: name={name!r} (of type {type(name)})"
        )
    if name in _MIXED:
        return _MIXED[name]
    try:
        dtype = dtypes.standardize_dtype(name)
    except (TypeError, ValueError):
        raise ValueError(
            f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
            "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as 'float32'."
        ) from None
    return dtype, dtype


class DTypePolicy:
    """The dtypes a layer computes in and stores its variables in.

    Args:
        name: a dtype name ("float32", "bfloat16", ...): compute and variable
            dtypes are both that dtype; or "mixed_float16" / "mixed_bfloat16":
            variables in float32, computations in float16 / bfloat16. None
            takes the global policy's name.

    Example:
        ```python
        policy = lamina.dtype_policies.DTypePolicy("mixed_float16")
        policy.compute_dtype, policy.variable_dtype  # ("float16", "float32")
        layer = lamina.layers.Dense(10, dtype=policy)
        ```
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = dtype_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = _parse_name(name)
        self._quantization_mode = None
        if self._compute_dtype in _HALF:
            HALF_IN_USE[0] = True

    @property
    def name(self) -> str:
        """The policy's name, e.g. "mixed_float16"."""
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of a layer's computations (and of its outputs)."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype a layer creates its variables in."""
        return self._variable_dtype

    @property
    def quantization_mode(self) -> str | None:
        """Always None: Lamina has no quantized policies."""
        return self._quantization_mode

    @property
    def is_mixed(self) -> bool:
        """Whether variables and computations use different dtypes."""
        return self._compute_dtype != self._variable_dtype

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(**config)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other: object) -> bool:
        if type(other) not in (DTypePolicy, FloatDTypePolicy):
            return False
        return self._name == other._name  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(("DTypePolicy", self._name))


class FloatDTypePolicy(DTypePolicy):
    """An alias of `DTypePolicy` (Keras keeps both names).

    Example:
        ```python
        lamina.dtype_policies.FloatDTypePolicy("mixed_bfloat16").compute_dtype  # "bfloat16"
        ```
    """


def dtype_policy() -> DTypePolicy:
    """The global dtype policy: the one set last, else a policy named `floatx()`."""
    policy = _global_policy[0]
    if policy is not None:
        return policy
    from lamina.backend.config import floatx

    return _floatx_policy(floatx())


_FLOATX_POLICIES: dict[str, DTypePolicy] = {}


def _floatx_policy(name: str) -> DTypePolicy:
    policy = _FLOATX_POLICIES.get(name)
    if policy is None:
        policy = _FLOATX_POLICIES[name] = DTypePolicy(name)
    return policy


def set_dtype_policy(policy: Any) -> None:
    """Sets the global dtype policy (the default of layers created afterwards).

    Args:
        policy: a policy name ("mixed_float16") or a `DTypePolicy`; None
            restores the default (a policy named `floatx()`).

    Example:
        ```python
        lamina.config.set_dtype_policy("mixed_bfloat16")
        lamina.layers.Dense(4).compute_dtype  # "bfloat16"
        lamina.config.set_dtype_policy("float32")
        ```
    """
    if policy is None:
        _global_policy[0] = None
        return
    if isinstance(policy, str):
        policy = DTypePolicy(policy)
    if not isinstance(policy, DTypePolicy):
        raise ValueError(
            "Invalid `policy` argument. Expected the string name of a policy (such as 'mixed_float16') "
            f"or a `DTypePolicy` instance. Received: policy={policy!r} (of type {type(policy)})"
        )
    _global_policy[0] = policy
