"""Argument checks shared by the regularization layers."""

from __future__ import annotations

from typing import Any


def check_fraction(name: str, value: Any, allow_one: bool = True) -> float:
    """Returns `value` if it is a number in [0, 1] (or [0, 1) without `allow_one`)."""
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or value < 0 or value > 1 or (value == 1 and not allow_one):
        interval = "[0, 1]" if allow_one else "[0, 1)"
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float in {interval}. Received: {name}={value!r}"
        )
    return value
