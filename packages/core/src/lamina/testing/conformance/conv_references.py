"""NumPy references for the convolution and pooling ops of the conformance suite.

Written as plain loops over output (or input) positions, independently of
the contract's default implementations, so that both are checked against
something simple. Inputs may be channels-last or channels-first; the
arithmetic runs channels-last.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _as_tuple(value: Any, rank: int) -> tuple:
    return (value,) * rank if isinstance(value, int) else tuple(value)


def _channels_last(x: np.ndarray, data_format: str) -> np.ndarray:
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def _restore(x: np.ndarray, data_format: str) -> np.ndarray:
    return x if data_format == "channels_last" else np.moveaxis(x, -1, 1)


def _same_pads(size: int, extent: int, stride: int) -> tuple:
    """TensorFlow's "same": ceil(size / stride) outputs, the odd element padded at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + extent - size, 0)
    return total // 2, total - total // 2


def conv(
    x: np.ndarray,
    kernel: np.ndarray,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
) -> np.ndarray:
    """Grouped N-D cross-correlation; `groups = channels // kernel.shape[-2]`."""
    x = _channels_last(x.astype("float64"), data_format)
    rank = x.ndim - 2
    strides, dilation = _as_tuple(strides, rank), _as_tuple(dilation_rate, rank)
    window = kernel.shape[:rank]
    extents = [(k - 1) * d + 1 for k, d in zip(window, dilation)]
    if padding == "same":
        pads = [_same_pads(n, e, s) for n, e, s in zip(x.shape[1:-1], extents, strides)]
        x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    in_per_group, filters = kernel.shape[-2], kernel.shape[-1]
    groups = x.shape[-1] // in_per_group
    per_group = filters // groups
    out_sizes = [(n - e) // s + 1 for n, e, s in zip(x.shape[1:-1], extents, strides)]
    out = np.zeros((x.shape[0], *out_sizes, filters))
    for position in np.ndindex(*out_sizes):
        taps = tuple(slice(p * s, p * s + e, d) for p, s, e, d in zip(position, strides, extents, dilation))
        patch = x[(slice(None), *taps)]  # (batch, *window, channels)
        for g in range(groups):
            inputs = patch[..., g * in_per_group : (g + 1) * in_per_group]
            weights = kernel[..., g * per_group : (g + 1) * per_group]
            out[(slice(None), *position, slice(g * per_group, (g + 1) * per_group))] = np.tensordot(
                inputs, weights, axes=rank + 1
            )
    return _restore(out, data_format).astype("float32")


def depthwise_conv(
    x: np.ndarray,
    kernel: np.ndarray,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
) -> np.ndarray:
    """Each channel `c` convolved with `kernel[..., c, :]`; outputs ordered `c * multiplier + m`."""
    last = _channels_last(x, data_format)
    outputs = [
        conv(last[..., c : c + 1], kernel[..., c : c + 1, :], strides, padding, "channels_last", dilation_rate)
        for c in range(last.shape[-1])
    ]
    return _restore(np.concatenate(outputs, axis=-1), data_format)


def separable_conv(
    x: np.ndarray,
    depthwise_kernel: np.ndarray,
    pointwise_kernel: np.ndarray,
    strides: Any = 1,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
) -> np.ndarray:
    """Depthwise convolution, then a 1x1 convolution."""
    depthwise = depthwise_conv(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(depthwise, pointwise_kernel, 1, "valid", data_format)


def conv_transpose(
    x: np.ndarray,
    kernel: np.ndarray,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    data_format: str = "channels_last",
    dilation_rate: Any = 1,
) -> np.ndarray:
    """Scatters every input element times the kernel, then crops as TensorFlow does.

    `kernel` is `(*kernel_size, out_channels, in_channels)`. The output length
    per axis is Keras's: `(n - 1) * s + max(k, s)` ("valid"), `n * s`
    ("same"), or with `output_padding` `(n - 1) * s + k + p` ("valid") and
    `(n - 1) * s + k % 2 + p` ("same"), `k` being the dilated kernel size.
    The crop at the start is half the surplus of the full output, rounded down.
    """
    x = _channels_last(x.astype("float64"), data_format)
    rank = x.ndim - 2
    strides, dilation = _as_tuple(strides, rank), _as_tuple(dilation_rate, rank)
    extra = (None,) * rank if output_padding is None else _as_tuple(output_padding, rank)
    window = kernel.shape[:rank]
    extents = [(k - 1) * d + 1 for k, d in zip(window, dilation)]
    full_sizes = [(n - 1) * s + e for n, s, e in zip(x.shape[1:-1], strides, extents)]
    full = np.zeros((x.shape[0], *full_sizes, kernel.shape[-2]))
    for position in np.ndindex(*x.shape[1:-1]):
        value = x[(slice(None), *position)]  # (batch, in_channels)
        for tap in np.ndindex(*window):
            target = tuple(p * s + t * d for p, s, t, d in zip(position, strides, tap, dilation))
            full[(slice(None), *target)] += value @ kernel[tap].T
    out = full
    for axis, (n, s, e, p) in enumerate(zip(x.shape[1:-1], strides, extents, extra), start=1):
        if padding == "valid":
            size = (n - 1) * s + max(e, s) if p is None else (n - 1) * s + e + p
        else:
            size = n * s if p is None else (n - 1) * s + e % 2 + p
        start = max(out.shape[axis] - size, 0) // 2
        kept = np.take(out, np.arange(start, min(start + size, out.shape[axis])), axis=axis)
        missing = size - kept.shape[axis]
        widths = [(0, 0)] * out.ndim
        widths[axis] = (0, missing)
        out = np.pad(kept, widths)
    return _restore(out, data_format).astype("float32")


def pool(
    x: np.ndarray,
    pool_size: Any,
    strides: Any = None,
    padding: str = "valid",
    data_format: str = "channels_last",
    mode: str = "max",
) -> np.ndarray:
    """Max or average over windows; "same" windows only see (and count) real elements."""
    x = _channels_last(x.astype("float64"), data_format)
    rank = x.ndim - 2
    window = _as_tuple(pool_size, rank)
    strides = window if strides is None else _as_tuple(strides, rank)
    sizes = x.shape[1:-1]
    if padding == "same":
        out_sizes = [-(-n // s) for n, s in zip(sizes, strides)]
        before = [_same_pads(n, k, s)[0] for n, k, s in zip(sizes, window, strides)]
    else:
        out_sizes = [(n - k) // s + 1 for n, k, s in zip(sizes, window, strides)]
        before = [0] * rank
    out = np.zeros((x.shape[0], *out_sizes, x.shape[-1]))
    for position in np.ndindex(*out_sizes):
        starts = [p * s - b for p, s, b in zip(position, strides, before)]
        taps = tuple(slice(max(a, 0), min(a + k, n)) for a, k, n in zip(starts, window, sizes))
        patch = x[(slice(None), *taps)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *position)] = patch.max(axis=1) if mode == "max" else patch.mean(axis=1)
    return _restore(out, data_format).astype("float32")


def max_pool(
    x: np.ndarray, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str = "channels_last"
) -> np.ndarray:
    return pool(x, pool_size, strides, padding, data_format, "max")


def average_pool(
    x: np.ndarray, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: str = "channels_last"
) -> np.ndarray:
    return pool(x, pool_size, strides, padding, data_format, "average")


def _adaptive_pool(x: np.ndarray, output_size: Any, data_format: str, mode: str) -> np.ndarray:
    """Max or mean over bins `[floor(i * n / out), ceil((i + 1) * n / out))` per spatial axis."""
    x = _channels_last(x.astype("float64"), data_format)
    rank = x.ndim - 2
    out_sizes = _as_tuple(output_size, rank)
    sizes = x.shape[1:-1]
    out = np.zeros((x.shape[0], *out_sizes, x.shape[-1]))
    for position in np.ndindex(*out_sizes):
        bins = tuple(slice(i * n // o, -(-(i + 1) * n // o)) for i, n, o in zip(position, sizes, out_sizes))
        patch = x[(slice(None), *bins)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *position)] = patch.max(axis=1) if mode == "max" else patch.mean(axis=1)
    return _restore(out, data_format).astype("float32")


def adaptive_max_pool(x: np.ndarray, output_size: Any, data_format: str = "channels_last") -> np.ndarray:
    return _adaptive_pool(x, output_size, data_format, "max")


def adaptive_average_pool(x: np.ndarray, output_size: Any, data_format: str = "channels_last") -> np.ndarray:
    return _adaptive_pool(x, output_size, data_format, "average")
