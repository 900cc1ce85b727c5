"""Convolution and pooling arithmetic shared by the nn contract and the backends.

Argument checking and normalization (one int per spatial axis, "valid" or
"same", the resolved data format), kernel-shape checks, and the padding and
output-size formulas of Keras: "same" pads as TensorFlow does (the extra
element of an odd total at the end), and transposed convolutions follow
Keras's output sizes. Pure Python (and NumPy); no backend is involved.
"""

from __future__ import annotations

from typing import Any


def spatial_tuple(value: Any, rank: int, name: str, op: str = "conv", allow_zero: bool = False) -> tuple:
    """Returns `value` (an int or a sequence of `rank` ints) as a tuple of `rank` ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        values = (value,) * rank
    else:
        try:
            values = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            values = ()
        if len(values) != rank:
            raise ValueError(
                f"Argument `{name}` of `ops.{op}` must be an int or a tuple of {rank} ints "
                f"(one per spatial axis). Received: {name}={value!r}"
            )
    smallest = 0 if allow_zero else 1
    if any(v < smallest for v in values):
        raise ValueError(
            f"Argument `{name}` of `ops.{op}` must hold integers >= {smallest}. Received: {name}={value!r}"
        )
    return values


def resolve_data_format(data_format: Any, op: str = "conv") -> str:
    """Returns "channels_last" or "channels_first" (None: `image_data_format()`)."""
    if data_format is None:
        from lamina.backend.config import image_data_format

        return image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"Argument `data_format` of `ops.{op}` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return value


def resolve_padding(padding: Any, op: str = "conv") -> str:
    """Returns "valid" or "same" (case-insensitive input)."""
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in ("valid", "same"):
        raise ValueError(f"Argument `padding` of `ops.{op}` must be 'valid' or 'same'. Received: padding={padding!r}")
    return value


def _check_rank(ndim: int, op: str) -> int:
    if ndim not in (3, 4, 5):
        raise ValueError(
            f"`ops.{op}` takes inputs of rank 3, 4 or 5 (batch, 1 to 3 spatial axes, channels). "
            f"Received inputs of rank {ndim}."
        )
    return ndim - 2


def normalize_conv_arguments(
    ndim: int, strides: Any, padding: Any, data_format: Any, dilation_rate: Any, op: str = "conv"
) -> tuple:
    """Checks and normalizes convolution arguments for inputs of rank `ndim`.

    Returns `(strides, padding, data_format, dilation_rate)` with tuples of
    one int per spatial axis, "valid"/"same" and the resolved data format.
    """
    rank = _check_rank(ndim, op)
    return (
        spatial_tuple(strides, rank, "strides", op),
        resolve_padding(padding, op),
        resolve_data_format(data_format, op),
        spatial_tuple(dilation_rate, rank, "dilation_rate", op),
    )


def normalize_pool_arguments(
    ndim: int, pool_size: Any, strides: Any, padding: Any, data_format: Any, op: str = "max_pool"
) -> tuple:
    """Returns `(pool_size, strides, padding, data_format)` normalized (strides default to pool_size)."""
    rank = _check_rank(ndim, op)
    window = spatial_tuple(pool_size, rank, "pool_size", op)
    strides = window if strides is None else spatial_tuple(strides, rank, "strides", op)
    return window, strides, resolve_padding(padding, op), resolve_data_format(data_format, op)


def normalize_output_padding(output_padding: Any, rank: int) -> tuple | None:
    """None, or `output_padding` as a tuple of `rank` non-negative ints."""
    if output_padding is None:
        return None
    return spatial_tuple(output_padding, rank, "output_padding", "conv_transpose", allow_zero=True)


def conv_groups(channels: Any, kernel_shape: Any, rank: int, op: str = "conv") -> int:
    """The number of groups of a convolution: `channels // kernel_in_channels`."""
    kernel_shape = tuple(kernel_shape)
    if len(kernel_shape) != rank + 2:
        raise ValueError(
            f"The kernel of `ops.{op}` must have rank {rank + 2} (kernel size per spatial axis, "
            f"in_channels, out_channels) for inputs with {rank} spatial axes. "
            f"Received: kernel.shape={kernel_shape}"
        )
    kernel_in = kernel_shape[-2]
    if channels is None:
        return 1
    if kernel_in <= 0 or channels % kernel_in:
        raise ValueError(
            f"The number of input channels ({channels}) of `ops.{op}` must be a multiple of the "
            f"kernel's in_channels (kernel.shape[-2]={kernel_in}); their ratio is the number of groups. "
            f"Received: kernel.shape={kernel_shape}"
        )
    groups = channels // kernel_in
    if kernel_shape[-1] % groups:
        raise ValueError(
            f"`ops.{op}` with {groups} groups needs out_channels (kernel.shape[-1]={kernel_shape[-1]}) "
            f"divisible by {groups}. Received: kernel.shape={kernel_shape}"
        )
    return groups


def check_depthwise_kernel(channels: Any, kernel_shape: Any, rank: int, op: str = "depthwise_conv") -> None:
    """Checks that a depthwise kernel is `(*kernel_size, channels, depth_multiplier)`."""
    kernel_shape = tuple(kernel_shape)
    if len(kernel_shape) != rank + 2 or (channels is not None and kernel_shape[-2] != channels):
        raise ValueError(
            f"The kernel of `ops.{op}` must have shape (*kernel_size, channels, depth_multiplier) "
            f"with {rank} kernel dimensions and channels={channels}. Received: kernel.shape={kernel_shape}"
        )


def check_conv_transpose_kernel(channels: Any, kernel_shape: Any, rank: int) -> None:
    """Checks that a transposed-convolution kernel is `(*kernel_size, out_channels, channels)`."""
    kernel_shape = tuple(kernel_shape)
    if len(kernel_shape) != rank + 2 or (channels is not None and kernel_shape[-1] != channels):
        raise ValueError(
            "The kernel of `ops.conv_transpose` must have shape (*kernel_size, out_channels, in_channels) "
            f"with {rank} kernel dimensions and in_channels={channels} (the input's channels). "
            f"Received: kernel.shape={kernel_shape}"
        )


def dilated_size(kernel_size: int, dilation: int) -> int:
    """The extent of a kernel of `kernel_size` taps spread `dilation` apart."""
    return (kernel_size - 1) * dilation + 1


def conv_output_size(size: Any, kernel_size: int, stride: int, padding: str, dilation: int = 1) -> Any:
    """Output length of a convolution or pooling along one axis (None stays None)."""
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    return (size - dilated_size(kernel_size, dilation)) // stride + 1


def same_padding(size: int, kernel_size: int, stride: int, dilation: int = 1) -> tuple:
    """`(before, after)` padding of "same": `ceil(size / stride)` outputs, extra at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + dilated_size(kernel_size, dilation) - size, 0)
    return total // 2, total - total // 2


def conv_transpose_padding(
    kernel_size: int, stride: int, dilation: int, padding: str, output_padding: int | None
) -> tuple:
    """`(before, after)` padding of the stride-dilated input of a transposed convolution.

    A transposed convolution equals a "valid" convolution with the flipped
    kernel over the input dilated by `stride` and padded by these amounts
    (as `jax.lax.conv_transpose` takes them). Backends that compute the
    full output `(size - 1) * stride + k` instead crop `k - 1 - before`
    elements at the start and `k - 1 - after` at the end (a negative crop
    means zeros to add).
    """
    k = dilated_size(kernel_size, dilation)
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    if output_padding is None:
        total = stride + k - 2
    else:
        total = k + k % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, k - 1)
    return before, total - before


def conv_transpose_output_size(
    size: Any, kernel_size: int, stride: int, padding: str, output_padding: int | None, dilation: int = 1
) -> Any:
    """Output length of a transposed convolution along one axis (None stays None)."""
    if size is None:
        return None
    before, after = conv_transpose_padding(kernel_size, stride, dilation, padding, output_padding)
    return (size - 1) * stride + 1 + before + after - dilated_size(kernel_size, dilation) + 1


def pool_window_counts(spatial: Any, window: tuple, strides: tuple) -> Any:
    """How many input elements each "same"-padded pooling window covers (a NumPy array)."""
    import numpy as np

    counts = None
    for axis, (size, k, s) in enumerate(zip(spatial, window, strides)):
        before, _ = same_padding(size, k, s)
        starts = np.arange(-(-size // s)) * s - before
        covered = np.minimum(starts + k, size) - np.maximum(starts, 0)
        shape = [1] * len(window)
        shape[axis] = len(covered)
        covered = covered.reshape(shape).astype("float32")
        counts = covered if counts is None else counts * covered
    return counts
