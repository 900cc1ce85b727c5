"""NumPy references for the Keras-parity op cases that NumPy has no function for.

Each is a few lines of plain NumPy written from the op's definition, so that
a backend's result can be checked without Keras installed.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable
from typing import Any

import numpy as np


def sparsemax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Sparsemax as Keras 3 computes it (every backend): `tau` sums the running sums over the support.

    The textbook projection onto the simplex uses the running sum at the
    support size instead; Keras's outputs need not sum to one. Lamina keeps
    Keras's values.
    """
    moved = np.moveaxis(x.astype("float64"), axis, -1)
    ordered = -np.sort(-moved, axis=-1)
    ranks = np.arange(1, moved.shape[-1] + 1)
    running = np.cumsum(ordered, axis=-1)
    support = ordered - (running - 1) / ranks > 0
    tau = (np.sum(np.where(support, running, 0), axis=-1, keepdims=True) - 1) / support.sum(axis=-1, keepdims=True)
    return np.moveaxis(np.maximum(moved - tau, 0), -1, axis).astype("float32")


def glu(x: np.ndarray, axis: int = -1) -> np.ndarray:
    a, b = np.split(x, 2, axis=axis)
    return a / (1 + np.exp(-b))


def batch_normalization(
    x: np.ndarray, mean: np.ndarray, variance: np.ndarray, axis: int, offset: Any = None, scale: Any = None
) -> np.ndarray:
    shape = [1] * x.ndim
    shape[axis] = -1
    out = (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + 1e-3)
    if scale is not None:
        out = out * np.reshape(scale, shape)
    if offset is not None:
        out = out + np.reshape(offset, shape)
    return out


def layer_normalization(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, epsilon: float = 1e-7) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def rms_normalization(x: np.ndarray, scale: np.ndarray, epsilon: float = 1e-7) -> np.ndarray:
    return x / np.sqrt(np.mean(np.square(x), axis=-1, keepdims=True) + epsilon) * scale


def psnr(x1: np.ndarray, x2: np.ndarray, max_val: float) -> np.ndarray:
    mse = np.mean(np.square(x1.astype("float64") - x2))
    return np.float32(20 * np.log10(max_val) - 10 * np.log10(mse))


def _block_channel(i: int, j: int, b: int, depth: int, data_format: str) -> slice | np.ndarray:
    """Channels of the input pixel block that land on output pixel (i, j).

    channels_last groups channels as (row, column, depth) (TensorFlow's DCR);
    channels_first as (depth, row, column) (PyTorch's pixel shuffle), as Keras.
    """
    offset = (i % b) * b + (j % b)
    if data_format == "channels_last":
        return slice(offset * depth, (offset + 1) * depth)
    return np.arange(depth) * b * b + offset


def depth_to_space(x: np.ndarray, block_size: int, data_format: str = "channels_last") -> np.ndarray:
    """Pixel shuffle with a loop over output pixels."""
    last = data_format == "channels_last"
    nhwc = x if last else np.transpose(x, (0, 2, 3, 1))
    b = block_size
    batch, h, w, c = nhwc.shape
    depth = c // (b * b)
    out = np.zeros((batch, h * b, w * b, depth), x.dtype)
    for i, j in np.ndindex(h * b, w * b):
        out[:, i, j] = nhwc[:, i // b, j // b, _block_channel(i, j, b, depth, data_format)]
    return out if last else np.transpose(out, (0, 3, 1, 2))


def space_to_depth(x: np.ndarray, block_size: int, data_format: str = "channels_last") -> np.ndarray:
    """Pixel unshuffle, the inverse of `depth_to_space`."""
    last = data_format == "channels_last"
    nhwc = x if last else np.transpose(x, (0, 2, 3, 1))
    b = block_size
    batch, h, w, c = nhwc.shape
    out = np.zeros((batch, h // b, w // b, c * b * b), x.dtype)
    for i, j in np.ndindex(h, w):
        out[:, i // b, j // b, _block_channel(i, j, b, c, data_format)] = nhwc[:, i, j]
    return out if last else np.transpose(out, (0, 3, 1, 2))


def multi_hot(inputs: np.ndarray, num_classes: int) -> np.ndarray:
    out = np.zeros(inputs.shape[:-1] + (num_classes,), "float32")
    for index in np.ndindex(*inputs.shape):
        out[index[:-1] + (inputs[index],)] = 1
    return out


def dot_product_attention(
    query: np.ndarray, key: np.ndarray, value: np.ndarray, mask: Any = None, is_causal: bool = False
) -> np.ndarray:
    """Softmax(q k^T / sqrt(d)) v on `(batch, length, heads, head_dim)` tensors."""
    q, k, v = (np.transpose(t.astype("float64"), (0, 2, 1, 3)) for t in (query, key, value))
    logits = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    keep = np.ones(logits.shape[-2:], bool)
    if is_causal:
        keep = np.tril(keep)
    if mask is not None:
        keep = keep & mask
    logits = np.where(keep, logits, -np.inf)
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.transpose(weights @ v, (0, 2, 1, 3)).astype("float32")


def segment_reduce(reduce: Callable, empty: float) -> Callable:
    def reference(data: np.ndarray, segment_ids: np.ndarray, num_segments: int) -> np.ndarray:
        out = np.full((num_segments,) + data.shape[1:], empty, data.dtype)
        for segment in range(num_segments):
            rows = data[segment_ids == segment]
            if len(rows):
                out[segment] = reduce(rows, axis=0)
        return out

    return reference


def rgb_to_grayscale(images: np.ndarray, data_format: str = "channels_last") -> np.ndarray:
    axis = -1 if data_format == "channels_last" else -3
    weights = np.array([0.2989, 0.5870, 0.1140]).reshape((3, 1, 1) if axis == -3 else (3,))
    return np.sum(images * weights, axis=axis, keepdims=True).astype(images.dtype)


def _per_pixel(images: np.ndarray, convert: Callable) -> np.ndarray:
    flat = images.reshape(-1, 3).astype("float64")
    return np.array([convert(*pixel) for pixel in flat]).reshape(images.shape).astype(images.dtype)


def rgb_to_hsv(images: np.ndarray) -> np.ndarray:
    return _per_pixel(images, colorsys.rgb_to_hsv)


def hsv_to_rgb(images: np.ndarray) -> np.ndarray:
    return _per_pixel(images, colorsys.hsv_to_rgb)


def crop_images(
    images: np.ndarray, top_cropping: int, bottom_cropping: int, left_cropping: int, target_width: int
) -> np.ndarray:
    height = images.shape[-3]
    return images[..., top_cropping : height - bottom_cropping, left_cropping : left_cropping + target_width, :]


def pad_images(
    images: np.ndarray, top_padding: int, target_height: int, left_padding: int, right_padding: int
) -> np.ndarray:
    bottom = target_height - images.shape[-3] - top_padding
    widths = [(0, 0)] * (images.ndim - 3) + [(top_padding, bottom), (left_padding, right_padding), (0, 0)]
    return np.pad(images, widths)


def map_reference(f: Callable, xs: np.ndarray) -> np.ndarray:
    return np.stack([np.asarray(f(x)) for x in xs])


# -- canonical forms for results that are not unique ----------------------------
def zeros(results: list) -> list:
    """Keeps only shape and dtype (for `empty`, whose values are unspecified)."""
    return [np.zeros_like(r) for r in results]


def _column_signs(u: np.ndarray) -> np.ndarray:
    """+-1 per column of `u` that makes its entry of largest magnitude positive."""
    rows = np.argmax(np.abs(u), axis=-2)[..., None, :]
    signs = np.sign(np.take_along_axis(u, rows, axis=-2))
    return np.where(signs == 0, 1, signs)


def qr_canonical(results: list) -> list:
    """Q and R with R's diagonal made non-negative."""
    q, r = results
    k = min(r.shape[-2:])
    signs = np.sign(np.diagonal(r[..., :k, :k], axis1=-2, axis2=-1))
    signs = np.where(signs == 0, 1, signs)
    q, r = q.copy(), r.copy()
    q[..., :k] *= signs[..., None, :]
    r[..., :k, :] *= signs[..., :, None]
    return [q, r]


def eigh_canonical(results: list) -> list:
    w, v = results
    return [w, v * _column_signs(v)]


def svd_canonical(results: list) -> list:
    """U's first `k` columns and Vh's first `k` rows, signs fixed by U (distinct singular values)."""
    u, s, vh = results
    k = s.shape[-1]
    signs = _column_signs(u[..., :k])
    return [u[..., :k] * signs, s, vh[..., :k, :] * np.swapaxes(signs, -1, -2)]
