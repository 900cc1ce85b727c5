"""Global numeric settings: default float dtype, epsilon, image data format.

These mirror `keras.config.floatx()` and friends. Backend selection lives in
`lamina.backend.selection`; the public `lamina.config` module re-exports both.
"""

from __future__ import annotations

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx() -> str:
    """Returns the default float dtype, "float32" unless changed."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Sets the default float dtype ("float16", "bfloat16", "float32", "float64")."""
    global _FLOATX
    accepted = ("float16", "bfloat16", "float32", "float64")
    if value not in accepted:
        raise ValueError(f"Unknown `floatx` value: {value!r}. Expected one of {accepted}.")
    _FLOATX = value


def epsilon() -> float:
    """Returns the fuzz factor used in numeric expressions (default 1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Returns "channels_last" (the default) or "channels_first"."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Sets the default image data format."""
    global _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', "
            f"'channels_last'}}. Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = value
