"""Validation of the spatial arguments shared by convolution, pooling and reshaping layers.

Each helper returns the normalized value (Keras's conventions: tuples of
ints, lower-case padding names, a resolved data format) or raises a
ValueError that names the argument, what it expected and what it received.
"""

from __future__ import annotations

import operator
from typing import Any

from lamina.backend import config as backend_config


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """Returns `value` (an int, or an iterable of `n` ints) as a tuple of `n` ints.

    Args:
        value: int or iterable of ints.
        n: length of the result.
        name: the argument's name, for error messages.
        allow_zero: accept zeros (values must otherwise be positive).

    Example:
        ```python
        standardize_tuple(3, 2, "kernel_size")   # (3, 3)
        ```
    """
    expected = f"an integer or a tuple of {n} integers"
    if isinstance(value, bool):
        raise ValueError(f"The `{name}` argument must be {expected}. Received: {name}={value!r}")
    try:
        if hasattr(value, "__iter__"):
            values = tuple(operator.index(v) for v in value if not isinstance(v, bool))
            if len(values) != len(tuple(value)):
                values = ()
        else:
            values = (operator.index(value),) * n
    except TypeError:
        values = ()
    if len(values) != n:
        raise ValueError(f"The `{name}` argument must be {expected}. Received: {name}={value!r}")
    smallest = 0 if allow_zero else 1
    if any(v < smallest for v in values):
        requirement = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"The `{name}` argument must hold {requirement} integers. Received: {name}={value!r}. "
            f"Use values >= {smallest}."
        )
    return tuple(int(v) for v in values)


def standardize_padding(value: Any, allow_causal: bool = False) -> str:
    """Returns "valid", "same" (or "causal" when allowed), case-insensitively."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        hint = "" if allow_causal or padding != "causal" else " ('causal' is only supported by Conv1D.)"
        raise ValueError(f"The `padding` argument must be one of {options}. Received: padding={value!r}.{hint}")
    return padding


def standardize_data_format(value: Any) -> str:
    """Returns "channels_last" or "channels_first"; None means `lamina.config.image_data_format()`."""
    if value is None:
        return backend_config.image_data_format()
    data_format = str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value!r}"
        )
    return data_format


def standardize_positive_int(value: Any, name: str) -> int:
    """Returns `value` if it is a positive int, else raises a ValueError naming `name`."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a positive integer. Received: {name}={value!r}"
        )
    return value


_ORDINALS = ("1st", "2nd", "3rd")


def standardize_pairs(value: Any, n: int, name: str) -> tuple:
    """Returns `n` `(before, after)` pairs of non-negative ints, one per spatial axis.

    `value` is an int (the same on both sides of every axis), or a sequence
    of `n` entries, each an int (symmetric) or a pair.

    Example:
        ```python
        standardize_pairs(((1, 2), 3), 2, "cropping")   # ((1, 2), (3, 3))
        ```
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * n
    if not hasattr(value, "__len__") or isinstance(value, str) or len(value) != n:
        raise ValueError(
            f"`{name}` should be either an int, a tuple of {n} ints (symmetric amounts per spatial axis), "
            f"or a tuple of {n} tuples of 2 ints ((before, after) per spatial axis). Received: {name}={value!r}."
        )
    return tuple(
        standardize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True) for i, entry in enumerate(value)
    )
