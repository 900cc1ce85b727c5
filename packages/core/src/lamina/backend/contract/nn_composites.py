"""Composed neural-network ops (`lamina.ops` nn namespace) that Keras 3 adds.

`NNCompositeOps` is a mixin of `NNOps`: activations, normalizations,
pixel shuffles and attention, each a default written with the numpy
namespace, so any backend (third-party ones included) gets it. A backend may
override any of them in its `NNOps` subclass with a fused kernel.
"""

from __future__ import annotations

import math
from typing import Any

from lamina.backend.contract.base import OpNamespace

Tensor = Any


def masked_logit(dtype: str) -> float:
    """The logit that attention gives masked positions in `dtype`: large and finite
    (not -inf), so that a fully masked row attends uniformly instead of giving NaN."""
    return -0.7 * (65500.0 if dtype == "float16" else 3.38953e38)


class NNCompositeOps(OpNamespace):
    """Activations, normalizations, layout ops and attention composed from numpy ops."""

    @property
    def _np(self) -> Any:
        return self.backend.numpy

    # -- activations -------------------------------------------------------
    def hard_swish(self, x: Tensor) -> Tensor:
        """Alias of `hard_silu`."""
        return self.hard_silu(x)

    def celu(self, x: Tensor, alpha: float = 1.0) -> Tensor:
        """Continuously differentiable ELU: `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`."""
        np_ = self._np
        x = _float_tensor(self, x)
        negative = np_.multiply(alpha, np_.expm1(np_.divide(np_.minimum(x, 0.0), alpha)))
        return np_.add(np_.maximum(x, 0.0), negative)

    def glu(self, x: Tensor, axis: int = -1) -> Tensor:
        """Gated linear unit: `a * sigmoid(b)` for the two halves `a, b` of `axis`."""
        x = _float_tensor(self, x)
        if self.backend.core.shape(x)[axis] % 2:
            raise ValueError(
                f"`glu` splits axis {axis} in two halves, so its size must be even. "
                f"Received shape {self.backend.core.shape(x)}"
            )
        a, b = self._np.split(x, 2, axis=axis)
        return self._np.multiply(a, self.sigmoid(b))

    def hard_tanh(self, x: Tensor) -> Tensor:
        """Hard tanh: `x` clipped to `[-1, 1]`."""
        return self._np.clip(_float_tensor(self, x), -1.0, 1.0)

    def hard_shrink(self, x: Tensor, threshold: float = 0.5) -> Tensor:
        """`x` where `abs(x) > threshold`, else 0."""
        np_ = self._np
        x = _float_tensor(self, x)
        return np_.where(np_.greater(np_.abs(x), threshold), x, np_.zeros_like(x))

    def soft_shrink(self, x: Tensor, threshold: float = 0.5) -> Tensor:
        """Shrinks `x` towards 0 by `threshold` (0 inside `[-threshold, threshold]`)."""
        np_ = self._np
        x = _float_tensor(self, x)
        shrunk = np_.subtract(x, np_.multiply(np_.sign(x), threshold))
        return np_.where(np_.greater(np_.abs(x), threshold), shrunk, np_.zeros_like(x))

    def tanh_shrink(self, x: Tensor) -> Tensor:
        """`x - tanh(x)`."""
        x = _float_tensor(self, x)
        return self._np.subtract(x, self._np.tanh(x))

    def sparse_plus(self, x: Tensor) -> Tensor:
        """0 for `x <= -1`, `x` for `x >= 1`, `(x + 1)**2 / 4` in between."""
        np_ = self._np
        x = _float_tensor(self, x)
        middle = np_.multiply(np_.square(np_.add(x, 1.0)), 0.25)
        result = np_.where(np_.greater_equal(x, 1.0), x, middle)
        return np_.where(np_.less_equal(x, -1.0), np_.zeros_like(x), result)

    def sparse_sigmoid(self, x: Tensor) -> Tensor:
        """0 for `x <= -1`, 1 for `x >= 1`, `(x + 1) / 2` in between."""
        return self._np.clip(self._np.multiply(self._np.add(_float_tensor(self, x), 1.0), 0.5), 0.0, 1.0)

    def squareplus(self, x: Tensor, b: float = 4) -> Tensor:
        """Squareplus: `(x + sqrt(x**2 + b)) / 2`."""
        np_ = self._np
        x = _float_tensor(self, x)
        return np_.multiply(np_.add(x, np_.sqrt(np_.add(np_.square(x), b))), 0.5)

    def threshold(self, x: Tensor, threshold: float, default_value: float) -> Tensor:
        """`x` where `x > threshold`, else `default_value`."""
        np_ = self._np
        x = self.backend.core.convert_to_tensor(x)
        fill = self.backend.core.cast(default_value, self.backend.core.dtype(x))
        return np_.where(np_.greater(x, threshold), x, fill)

    def sparsemax(self, x: Tensor, axis: int = -1) -> Tensor:
        """Sparsemax: the Euclidean projection of `x` onto the probability simplex along `axis`."""
        np_ = self._np
        x = _float_tensor(self, x)
        ndim = len(self.backend.core.shape(x))
        axis = axis % ndim
        ordered = np_.negative(np_.sort(np_.negative(x), axis=axis))
        running = np_.cumsum(ordered, axis=axis)
        ranks_shape = [1] * ndim
        ranks_shape[axis] = -1
        size = self.backend.core.shape(x)[axis]
        ranks = np_.reshape(np_.arange(1, size + 1, dtype=self.backend.core.dtype(x)), ranks_shape)
        support = np_.greater(np_.subtract(ordered, np_.divide(np_.subtract(running, 1.0), ranks)), 0.0)
        count = np_.sum(self.backend.core.cast(support, self.backend.core.dtype(x)), axis=axis, keepdims=True)
        total = np_.sum(np_.where(support, running, np_.zeros_like(running)), axis=axis, keepdims=True)
        tau = np_.divide(np_.subtract(total, 1.0), count)
        return np_.maximum(np_.subtract(x, tau), 0.0)

    # -- normalizations -----------------------------------------------------
    def normalize(self, x: Tensor, axis: Any = -1, order: int = 2, epsilon: float | None = None) -> Tensor:
        """Scales `x` to unit `order`-norm along `axis` (norms below `epsilon` count as `epsilon`)."""
        if not isinstance(order, int) or isinstance(order, bool) or order < 1:
            raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
        from lamina.backend.config import epsilon as default_epsilon

        np_ = self._np
        x = _float_tensor(self, x)
        if len(self.backend.core.shape(x)) == 0:
            x = np_.expand_dims(x, 0)
        epsilon = default_epsilon() if epsilon is None else epsilon
        if order == 2:
            inverse = self.backend.math.rsqrt(np_.sum(np_.square(x), axis=axis, keepdims=True))
            return np_.multiply(x, np_.minimum(inverse, 1.0 / epsilon))
        norm = np_.power(np_.sum(np_.power(np_.abs(x), order), axis=axis, keepdims=True), 1.0 / order)
        return np_.divide(x, np_.maximum(norm, epsilon))

    def batch_normalization(
        self,
        x: Tensor,
        mean: Tensor,
        variance: Tensor,
        axis: int,
        offset: Tensor | None = None,
        scale: Tensor | None = None,
        epsilon: float = 1e-3,
    ) -> Tensor:
        """Normalizes `x` with the given per-`axis` statistics, then scales and offsets it."""
        np_ = self._np
        core = self.backend.core
        x = core.convert_to_tensor(x)
        shape = [1] * len(core.shape(x))
        shape[axis] = -1

        def along_axis(v: Tensor) -> Tensor:
            return np_.reshape(core.cast(v, core.dtype(x)), shape)

        inverse = self.backend.math.rsqrt(np_.add(along_axis(variance), epsilon))
        if scale is not None:
            inverse = np_.multiply(inverse, along_axis(scale))
        shift = np_.negative(np_.multiply(along_axis(mean), inverse))
        if offset is not None:
            shift = np_.add(shift, along_axis(offset))
        return np_.add(np_.multiply(x, inverse), shift)

    def layer_normalization(
        self,
        x: Tensor,
        gamma: Tensor | None = None,
        beta: Tensor | None = None,
        axis: Any = -1,
        epsilon: float | None = None,
        **kwargs: Any,
    ) -> Tensor:
        """Normalizes `x` to zero mean and unit variance over `axis`, then applies `gamma` and `beta`.

        `rms_scaling=True` (deprecated in Keras) divides by the root of the variance only.
        """
        rms_scaling = kwargs.pop("rms_scaling", False)
        if kwargs:
            raise TypeError(f"Unexpected arguments to `layer_normalization`: {sorted(kwargs)}")
        from lamina.backend.config import epsilon as default_epsilon
        from lamina.backend.dtypes import result_type

        np_ = self._np
        core = self.backend.core
        x = core.convert_to_tensor(x)
        original = core.dtype(x)
        x = core.cast(x, result_type(original, "float32"))
        epsilon = default_epsilon() if epsilon is None else epsilon
        ndim = len(core.shape(x))
        axes = sorted(a % ndim for a in ([axis] if isinstance(axis, int) else axis))
        broadcast = [1] * ndim
        for a in axes:
            broadcast[a] = core.shape(x)[a]

        def aligned(v: Tensor | None) -> Tensor | None:
            if v is None:
                return None
            v = core.cast(v, core.dtype(x))
            if len(core.shape(v)) != ndim and axes != [ndim - 1]:
                v = np_.reshape(v, broadcast)
            return v

        gamma, beta = aligned(gamma), aligned(beta)
        mean, variance = self.moments(x, axes=axes, keepdims=True)
        inverse = self.backend.math.rsqrt(np_.add(variance, epsilon))
        if gamma is not None:
            inverse = np_.multiply(inverse, gamma)
        if rms_scaling:
            return core.cast(np_.multiply(x, inverse), original)
        shift = np_.negative(np_.multiply(mean, inverse))
        if beta is not None:
            shift = np_.add(shift, beta)
        return core.cast(np_.add(np_.multiply(x, inverse), shift), original)

    def rms_normalization(
        self, x: Tensor, scale: Tensor | None = None, axis: Any = -1, epsilon: float | None = None
    ) -> Tensor:
        """Divides `x` by its root mean square over `axis`, then multiplies by `scale`."""
        from lamina.backend.config import epsilon as default_epsilon
        from lamina.backend.dtypes import result_type

        np_ = self._np
        core = self.backend.core
        x = core.convert_to_tensor(x)
        original = core.dtype(x)
        x = core.cast(x, result_type(original, "float32"))
        if len(core.shape(x)) == 0:
            x = np_.expand_dims(x, 0)
        epsilon = default_epsilon() if epsilon is None else epsilon
        axis = tuple(sorted(axis)) if isinstance(axis, (tuple, list)) else axis
        mean_square = np_.mean(np_.square(x), axis=axis, keepdims=True)
        outputs = np_.multiply(x, self.backend.math.rsqrt(np_.add(mean_square, epsilon)))
        if scale is not None:
            outputs = np_.multiply(outputs, core.cast(scale, core.dtype(x)))
        return core.cast(outputs, original)

    def psnr(self, x1: Tensor, x2: Tensor, max_val: float) -> Tensor:
        """Peak signal-to-noise ratio (dB) between `x1` and `x2` over all elements."""
        np_ = self._np
        core = self.backend.core
        x1, x2 = core.convert_to_tensor(x1), core.convert_to_tensor(x2)
        if tuple(core.shape(x1)) != tuple(core.shape(x2)):
            raise ValueError(
                f"`psnr` needs inputs of the same shape. Received shapes {core.shape(x1)} and {core.shape(x2)}"
            )
        max_val = core.cast(max_val, core.dtype(x2))
        mse = np_.mean(np_.square(np_.subtract(x1, x2)))
        return np_.subtract(np_.multiply(20.0, np_.log10(max_val)), np_.multiply(10.0, np_.log10(mse)))

    # -- adaptive pooling ---------------------------------------------------
    def adaptive_average_pool(self, inputs: Tensor, output_size: Any, data_format: str | None = None) -> Tensor:
        """Mean over the bins that split each spatial axis into `output_size` parts.

        Bin `i` of an axis of size `n` covers `[floor(i * n / out), ceil((i + 1) * n / out))`,
        as in PyTorch's `adaptive_avg_pool` and Keras.
        """
        return self._adaptive_pool(inputs, output_size, data_format, "average")

    def adaptive_max_pool(self, inputs: Tensor, output_size: Any, data_format: str | None = None) -> Tensor:
        """Maximum over the bins that split each spatial axis into `output_size` parts
        (the bins of `adaptive_average_pool`)."""
        return self._adaptive_pool(inputs, output_size, data_format, "max")

    def _adaptive_pool(self, inputs: Tensor, output_size: Any, data_format: str | None, mode: str) -> Tensor:
        # Separable: one axis at a time. Bins of an axis have two widths, `small`
        # and `small + 1`; a stride-1 pool of each width, concatenated, and a
        # gather of each bin's start give the axis in three ops (Keras's method).
        core, np_ = self.backend.core, self._np
        x = core.convert_to_tensor(inputs)
        sizes, data_format = adaptive_pool_sizes(core.shape(x), output_size, data_format)
        pool = self.backend.nn.max_pool if mode == "max" else self.backend.nn.average_pool
        rank = len(sizes)
        first_spatial = 1 if data_format == "channels_last" else 2
        for k, out in enumerate(sizes):
            axis = first_spatial + k
            n = core.shape(x)[axis]
            if n == out:
                continue
            if n % out == 0:  # equal, disjoint bins: one strided pool
                window = tuple(n // out if i == k else 1 for i in range(rank))
                x = pool(x, window, strides=window, padding="valid", data_format=data_format)
                continue
            starts, widths = adaptive_pool_bins(n, out)
            parts, offsets, offset = [], {}, 0
            for width in sorted(set(widths)):
                window = tuple(width if i == k else 1 for i in range(rank))
                parts.append(pool(x, window, strides=1, padding="valid", data_format=data_format))
                offsets[width] = offset
                offset += n - width + 1
            pooled = parts[0] if len(parts) == 1 else np_.concatenate(parts, axis=axis)
            gather = [start + offsets[width] for start, width in zip(starts, widths)]
            x = np_.take(pooled, core.convert_to_tensor(gather, dtype="int32"), axis=axis)
        return x

    # -- layout and encodings -----------------------------------------------
    def depth_to_space(self, x: Tensor, block_size: int, data_format: str = "channels_last") -> Tensor:
        """Moves blocks of channels into `block_size` x `block_size` spatial blocks (pixel shuffle)."""
        np_ = self._np
        b = block_size
        if data_format == "channels_last":
            _, h, w, c = self.backend.core.shape(x)
            x = np_.reshape(x, (-1, h, w, b, b, c // (b * b)))
            x = np_.transpose(x, (0, 1, 3, 2, 4, 5))
            return np_.reshape(x, (-1, h * b, w * b, c // (b * b)))
        _, c, h, w = self.backend.core.shape(x)
        x = np_.reshape(x, (-1, c // (b * b), b, b, h, w))
        x = np_.transpose(x, (0, 1, 4, 2, 5, 3))
        return np_.reshape(x, (-1, c // (b * b), h * b, w * b))

    def space_to_depth(self, x: Tensor, block_size: int, data_format: str = "channels_last") -> Tensor:
        """Moves `block_size` x `block_size` spatial blocks into channels (pixel unshuffle)."""
        np_ = self._np
        b = block_size
        if data_format == "channels_last":
            _, h, w, c = self.backend.core.shape(x)
            x = np_.reshape(x, (-1, h // b, b, w // b, b, c))
            x = np_.transpose(x, (0, 1, 3, 2, 4, 5))
            return np_.reshape(x, (-1, h // b, w // b, c * b * b))
        _, c, h, w = self.backend.core.shape(x)
        x = np_.reshape(x, (-1, c, h // b, b, w // b, b))
        x = np_.transpose(x, (0, 1, 3, 5, 2, 4))
        return np_.reshape(x, (-1, c * b * b, h // b, w // b))

    def multi_hot(
        self,
        inputs: Tensor,
        num_classes: int | None = None,
        axis: int = -1,
        dtype: Any = None,
        sparse: bool = False,
        **kwargs: Any,
    ) -> Tensor:
        """Encodes integer class ids as multi-hot vectors (the last axis of `inputs` is reduced)."""
        if num_classes is None:
            num_classes = kwargs.pop("num_tokens", None)
        if num_classes is None:
            raise ValueError("`multi_hot` needs `num_classes`. Received: num_classes=None")
        core = self.backend.core
        inputs = core.convert_to_tensor(inputs)
        if len(core.shape(inputs)) <= 1:
            inputs = self._np.expand_dims(inputs, 0)
            squeeze = True
        else:
            squeeze = False
        encoded = self.one_hot(inputs, num_classes, axis=axis, dtype=dtype)
        reduce_axis = -2 if axis == -1 else (len(core.shape(inputs)) - 1 if axis < 0 else 1)
        result = self._np.max(encoded, axis=reduce_axis)
        return self._np.squeeze(result, 0) if squeeze else result

    # -- attention -----------------------------------------------------------
    def _attention_fusable(
        self, query: Tensor, key: Tensor, value: Tensor, flash_attention: Any, attn_logits_soft_cap: Any
    ) -> bool:
        """Whether a backend's fused attention kernel may take these arguments: 4-D
        tensors of one floating dtype, no logit soft cap, no flash kernel asked for.
        Backends add their kernel's own limits."""
        core = self.backend.core
        dtype = core.dtype(query)
        return (
            attn_logits_soft_cap is None
            and not flash_attention
            and len(core.shape(query)) == 4
            and "float" in dtype
            and core.dtype(key) == dtype == core.dtype(value)
        )

    def dot_product_attention(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        bias: Tensor | None = None,
        mask: Tensor | None = None,
        scale: float | None = None,
        is_causal: bool = False,
        flash_attention: bool | None = None,
        attn_logits_soft_cap: float | None = None,
    ) -> Tensor:
        """Scaled dot-product attention on `(batch, length, heads, head_dim)` tensors.

        `mask` (bool, broadcastable to `(batch, heads, query_length, key_length)`)
        keeps the positions where it is true; `is_causal` hides future keys.
        The default implementation has no flash-attention kernel.
        """
        from lamina.backend.dtypes import result_type

        if flash_attention:
            raise ValueError(
                f"The {self.backend.name!r} backend has no flash-attention kernel. "
                "Received: flash_attention=True; pass flash_attention=None or False."
            )
        np_ = self._np
        core = self.backend.core
        query, key, value = (core.convert_to_tensor(t) for t in (query, key, value))
        if len(core.shape(query)) != 4:
            raise ValueError(
                "`dot_product_attention` expects 4-D inputs (batch, length, heads, head_dim). "
                f"Received: query.shape={core.shape(query)}"
            )
        dtype = result_type(core.dtype(query), core.dtype(key), core.dtype(value))
        query, key, value = (core.cast(t, dtype) for t in (query, key, value))
        scale = 1.0 / math.sqrt(core.shape(key)[-1]) if scale is None else scale
        # Batched matmuls over (batch, heads) rather than einsums: TensorFlow's
        # einsum gradient is ~1.6x slower on CPU; XLA sees the same dot either way.
        heads_first = (0, 2, 1, 3)
        logits = np_.matmul(np_.transpose(query, heads_first), np_.transpose(key, (0, 2, 3, 1)))
        logits = core.cast(logits, result_type(dtype, "float32"))
        logits = np_.multiply(logits, scale)
        if attn_logits_soft_cap is not None:
            logits = np_.multiply(np_.tanh(np_.divide(logits, attn_logits_soft_cap)), attn_logits_soft_cap)
        if bias is not None:
            logits = np_.add(logits, core.cast(bias, core.dtype(logits)))
        keep = None
        if mask is not None:
            keep = core.cast(mask, "bool")
        if is_causal:
            t, s = core.shape(logits)[2], core.shape(logits)[3]
            causal = core.cast(np_.tril(np_.ones((t, s), dtype="int32")), "bool")
            keep = causal if keep is None else np_.logical_and(keep, causal)
        if keep is not None:
            logits = np_.where(keep, logits, core.cast(masked_logit(core.dtype(logits)), core.dtype(logits)))
        probabilities = core.cast(self.softmax(core.cast(logits, "float32"), axis=-1), dtype)
        return np_.transpose(np_.matmul(probabilities, np_.transpose(value, heads_first)), heads_first)


def _float_tensor(namespace: OpNamespace, x: Any) -> Tensor:
    """`x` as a tensor, cast to `floatx()` unless it already is floating point."""
    core = namespace.backend.core
    x = core.convert_to_tensor(x)
    if "float" not in core.dtype(x):
        from lamina.backend.config import floatx

        x = core.cast(x, floatx())
    return x


def adaptive_pool_bins(size: int, output_size: int) -> tuple[list[int], list[int]]:
    """Starts and widths of the `output_size` bins of an axis of `size` elements
    (bin `i`: `[floor(i * size / output_size), ceil((i + 1) * size / output_size))`)."""
    starts = [i * size // output_size for i in range(output_size)]
    ends = [-(-(i + 1) * size // output_size) for i in range(output_size)]
    return starts, [end - start for start, end in zip(starts, ends)]


def adaptive_pool_sizes(shape: Any, output_size: Any, data_format: str | None) -> tuple[tuple[int, ...], str]:
    """`output_size` as one positive int per spatial axis of `shape`, and the resolved data format."""
    from lamina.backend.contract.conv_arithmetic import resolve_data_format

    data_format = resolve_data_format(data_format, "adaptive_pool")
    rank = len(shape) - 2
    if rank not in (1, 2, 3):
        raise ValueError(
            f"Adaptive pooling takes inputs of rank 3, 4 or 5 (batch, 1-3 spatial axes, channels). "
            f"Received an input of shape {tuple(shape)}"
        )
    sizes = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != rank or not all(isinstance(v, int) and v > 0 for v in sizes):
        raise ValueError(
            f"`output_size` must be a positive int or a tuple of {rank} positive ints for an input with "
            f"{rank} spatial axes. Received: output_size={output_size!r}"
        )
    spatial = tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])
    for n in spatial:
        if n is not None and n < 1:
            raise ValueError(
                f"Adaptive pooling needs non-empty spatial axes. Received an input of shape {tuple(shape)}"
            )
    return sizes, data_format
