"""Images to arrays and back with Pillow: `load_img`, `img_to_array`, `array_to_img`, `save_img`.

Pillow is imported on first use, so `import lamina` does not need it.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]

_RESAMPLING = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil_image(function: str) -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(
            f"`lamina.utils.{function}` needs Pillow, which is not installed. Install it with `pip install pillow`."
        ) from None
    return Image


def _data_format(data_format: str | None) -> str:
    from lamina.backend.config import image_data_format

    data_format = data_format or image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f'`data_format` must be "channels_last" or "channels_first". Received: data_format={data_format!r}'
        )
    return data_format


def _floatx(dtype: Any) -> Any:
    from lamina.backend.config import floatx

    return dtype or floatx()


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True, dtype: Any = None) -> Any:
    """Converts a rank-3 array (one image) to a PIL Image.

    Args:
        x: The image, `(height, width, channels)` (or channels first).
        data_format: `"channels_last"` or `"channels_first"`; default the
            global `image_data_format()`.
        scale: Whether to stretch the values to the range [0, 255] first.
        dtype: The dtype `x` is read as; default `floatx()`.

    Returns:
        A PIL Image: "RGB", "RGBA", "L", or "I" (1 channel above 255).
    """
    image_module = _pil_image("array_to_img")
    data_format = _data_format(data_format)
    x = np.array(x, dtype=_floatx(dtype))
    if x.ndim != 3:
        raise ValueError(f"Expected an image array of rank 3 (a single image). Received: array of shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels in (3, 4):
        return image_module.fromarray(x.astype("uint8"), "RGB" if channels == 3 else "RGBA")
    if channels == 1:
        if np.max(x) > 255:
            return image_module.fromarray(x[:, :, 0].astype("int32"), "I")
        return image_module.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported number of channels: {channels}. Expected 1, 3 or 4.")


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """Converts a PIL Image to a rank-3 NumPy array (`(h, w, c)` or `(c, h, w)`)."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=_floatx(dtype))
    if x.ndim == 2:
        x = x[None] if data_format == "channels_first" else x[..., None]
    elif x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}. Expected a 2D (grayscale) or 3D image.")
    return x


def save_img(
    path: Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Saves an image array to `path` (format from the extension unless `file_format` is given)."""
    data_format = _data_format(data_format)
    if file_format is None and isinstance(path, (str, os.PathLike)):
        suffix = os.path.splitext(os.fspath(path))[1].lstrip(".")
        file_format = suffix or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format and file_format.lower() == "jpeg":
        import warnings

        warnings.warn("The JPEG format does not support RGBA images; converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(
    path: Any,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Any:
    """Loads an image file (or `io.BytesIO`) as a PIL Image.

    Args:
        path: A path or an `io.BytesIO`.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`.
        target_size: `(height, width)` to resize to, or None.
        interpolation: Resampling for the resize: one of "nearest",
            "bilinear", "bicubic", "hamming", "box", "lanczos".
        keep_aspect_ratio: Crop the centre to the target aspect ratio before
            resizing, instead of distorting the image.
    """
    image_module = _pil_image("load_img")
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError(f'`color_mode` must be "grayscale", "rgb" or "rgba". Received: color_mode={color_mode!r}')
    if interpolation not in _RESAMPLING:
        raise ValueError(
            f"Invalid interpolation method {interpolation!r}. Supported methods are {', '.join(_RESAMPLING)}."
        )
    if isinstance(path, io.BytesIO):
        img = image_module.open(path)
    elif isinstance(path, (str, bytes, os.PathLike)):
        with open(path, "rb") as handle:
            img = image_module.open(io.BytesIO(handle.read()))
    else:
        raise TypeError(f"`path` must be path-like or an io.BytesIO. Received: {type(path).__name__}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif img.mode != color_mode.upper():
        img = img.convert(color_mode.upper())
    if target_size is not None:
        width_height = (target_size[1], target_size[0])
        if img.size != width_height:
            resample = getattr(image_module.Resampling, interpolation.upper())
            if keep_aspect_ratio:
                width, height = img.size
                crop_height = min(height, width * target_size[0] // target_size[1])
                crop_width = min(width, height * target_size[1] // target_size[0])
                top = (height - crop_height) // 2
                left = (width - crop_width) // 2
                img = img.crop((left, top, left + crop_width, top + crop_height))
            img = img.resize(width_height, resample)
    return img
