"""Image ops every backend provides (`lamina.ops` image namespace).

Images are tensors of rank 4 (a batch) or 3 (one image) in `data_format`
"channels_last" (default, `(batch, height, width, channels)`) or
"channels_first" (`(batch, channels, height, width)`). The semantics are
those of `keras.ops.image` on its JAX backend: half-pixel resizing as
`jax.image.resize`, and sampling with the boundary rules of
`jax.scipy.ndimage.map_coordinates`.

Every op has a default written with the numpy namespace, so a new backend
gets them for free; backends replace the private hooks (`_resize_images`,
`_affine_sample`) or whole ops with framework kernels where those give the
same numbers.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from lamina.backend import config, dtypes
from lamina.backend.contract.base import OpNamespace

Tensor = Any

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
AFFINE_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def standardize_data_format(data_format: str | None) -> str:
    """Returns "channels_last" or "channels_first" (None means the global default)."""
    if data_format is None:
        return config.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    return value


# -- host-side helpers: index and weight tables computed with NumPy ---------------


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius: float) -> Any:
    def kernel(x: np.ndarray) -> np.ndarray:
        x = np.abs(x)
        safe = np.where(x > 1e-3, x, 1.0)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi**2 * safe**2)
        return np.where(x > radius, 0.0, np.where(x > 1e-3, value, 1.0))

    return kernel


_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0)}


def resize_weights(in_size: int, out_size: int, interpolation: str, antialias: bool) -> np.ndarray:
    """The `(in_size, out_size)` matrix that resizes one axis, as `jax.image.resize`.

    Output pixel `j` samples the input at `(j + 0.5) * in_size / out_size - 0.5`
    (half-pixel centres); each column holds the kernel weights of that sample,
    normalised to sum to one. With `antialias`, downsampling widens the kernel
    by the scale factor.
    """
    kernel = _KERNELS[interpolation]
    scale = out_size / in_size
    inverse = 1.0 / scale
    kernel_scale = max(inverse, 1.0) if antialias else 1.0
    samples = (np.arange(out_size, dtype="float64") + 0.5) * inverse - 0.5
    distance = np.abs(samples[np.newaxis, :] - np.arange(in_size, dtype="float64")[:, np.newaxis]) / kernel_scale
    weights = kernel(distance)
    total = np.sum(weights, axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000.0 * np.finfo(np.float32).eps, weights / np.where(total != 0, total, 1), 0.0)
    inside = (samples >= -0.5) & (samples <= in_size - 0.5)
    return np.where(inside[np.newaxis, :], weights, 0.0).astype("float32")


def nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """Input index of each output pixel for "nearest" resizing (half-pixel centres)."""
    offsets = (np.arange(out_size, dtype="float32") + np.float32(0.5)) * np.float32(in_size) / np.float32(out_size)
    return np.floor(offsets).astype("int32")


def aspect_ratio_box(height: int, width: int, target_height: int, target_width: int, pad: bool) -> tuple:
    """Crop box `(top, left, box_height, box_width)`, or the padding `(top, left)`, as Keras computes it."""
    if pad:
        pad_height = max(height, int(float(width * target_height) / target_width))
        pad_width = max(width, int(float(height * target_width) / target_height))
        return int(float(pad_height - height) / 2), int(float(pad_width - width) / 2)
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return (
        int(float(height - crop_height) / 2),
        int(float(width - crop_width) / 2),
        crop_height,
        crop_width,
    )


class ImageOps(OpNamespace):
    namespace = "image"

    # -- resize ---------------------------------------------------------------------
    def resize(
        self,
        images: Tensor,
        size: Any,
        interpolation: str = "bilinear",
        antialias: bool = False,
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        data_format: str | None = None,
    ) -> Tensor:
        """Resizes images to `size = (height, width)`.

        Args:
            images: a 3-D (one image) or 4-D (batch) tensor.
            size: `(height, width)` of the output.
            interpolation: "bilinear" (default), "nearest", "bicubic",
                "lanczos3" or "lanczos5". Pixel centres are at half-integer
                positions (as `jax.image.resize` and `tf.image.resize`).
            antialias: widen the kernel when downsampling.
            crop_to_aspect_ratio: first crop the largest centred window with
                the target aspect ratio.
            pad_to_aspect_ratio: first pad the short side evenly with
                `fill_value` to reach the target aspect ratio.
            fill_mode: only "constant" is supported.
            fill_value: value of the padding.
            data_format: "channels_last" or "channels_first".

        Returns:
            The resized images, in the dtype of `images` (integer results
            are rounded and saturated).
        """
        data_format = standardize_data_format(data_format)
        if interpolation not in RESIZE_INTERPOLATIONS:
            raise ValueError(
                f"Invalid value for argument `interpolation`. Expected one of {RESIZE_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        if fill_mode != "constant":
            raise ValueError(
                f"Invalid value for argument `fill_mode`. Only 'constant' is supported. Received: fill_mode={fill_mode!r}"
            )
        if pad_to_aspect_ratio and crop_to_aspect_ratio:
            raise ValueError(
                "Only one of `pad_to_aspect_ratio` and `crop_to_aspect_ratio` can be True. "
                f"Received: crop_to_aspect_ratio={crop_to_aspect_ratio}, pad_to_aspect_ratio={pad_to_aspect_ratio}"
            )
        if len(tuple(size)) != 2 or not all(isinstance(s, (int, np.integer)) and s > 0 for s in size):
            raise ValueError(
                f"Argument `size` must be a tuple of two positive integers (height, width). Received: size={size}"
            )
        target_height, target_width = int(size[0]), int(size[1])
        core = self.backend.core
        np_ = self.backend.numpy
        images = core.convert_to_tensor(images)
        images, unbatched = self._batched(images)
        h_axis, w_axis = (1, 2) if data_format == "channels_last" else (2, 3)
        shape = core.shape(images)
        height, width = shape[h_axis], shape[w_axis]
        if crop_to_aspect_ratio:
            top, left, box_height, box_width = aspect_ratio_box(height, width, target_height, target_width, pad=False)
            key = [slice(None)] * 4
            key[h_axis] = slice(top, top + box_height)
            key[w_axis] = slice(left, left + box_width)
            images = core.getitem(images, tuple(key))
        elif pad_to_aspect_ratio:
            top, left = aspect_ratio_box(height, width, target_height, target_width, pad=True)
            if top > 0 or left > 0:
                pad_width = [(0, 0)] * 4
                pad_width[h_axis] = (top, top) if top > 0 else (0, 0)
                pad_width[w_axis] = (left, left) if top == 0 and left > 0 else (0, 0)
                images = np_.pad(images, pad_width, constant_values=fill_value)
        shape = core.shape(images)
        input_dtype = core.dtype(images)
        if (shape[h_axis], shape[w_axis]) == (target_height, target_width):
            resized = images
        elif interpolation == "nearest":
            resized = self._resize_nearest(images, target_height, target_width, h_axis, w_axis)
        else:
            if not dtypes.is_float(input_dtype):
                images = core.cast(images, "float32")
            resized = self._resize_images(images, target_height, target_width, interpolation, antialias, data_format)
            if not dtypes.is_float(input_dtype):
                # Back to the input's integer dtype: round, then saturate.
                limits = np.iinfo(input_dtype) if input_dtype != "bool" else np.iinfo("uint8")
                resized = np_.clip(np_.round(resized), float(limits.min), float(limits.max))
                resized = core.cast(resized, input_dtype)
        return np_.squeeze(resized, axis=0) if unbatched else resized

    def _resize_nearest(self, images: Tensor, height: int, width: int, h_axis: int, w_axis: int) -> Tensor:
        core = self.backend.core
        np_ = self.backend.numpy
        shape = core.shape(images)
        for axis, size in ((h_axis, height), (w_axis, width)):
            if shape[axis] != size:
                indices = core.convert_to_tensor(nearest_indices(shape[axis], size))
                images = np_.take(images, indices, axis=axis)
        return images

    def _resize_images(
        self, images: Tensor, height: int, width: int, interpolation: str, antialias: bool, data_format: str
    ) -> Tensor:
        """Resizes a float 4-D batch with a separable kernel (hook for native kernels)."""
        core = self.backend.core
        np_ = self.backend.numpy
        dtype = core.dtype(images)
        h_axis, w_axis = (1, 2) if data_format == "channels_last" else (2, 3)
        shape = core.shape(images)
        subscripts = "abcd"
        for axis, size, letter in ((h_axis, height, "y"), (w_axis, width, "x")):
            if shape[axis] == size:
                continue
            matrix = core.convert_to_tensor(resize_weights(shape[axis], size, interpolation, antialias), dtype=dtype)
            out = subscripts[:axis] + letter + subscripts[axis + 1 :]
            images = np_.einsum(f"{subscripts},{subscripts[axis]}{letter}->{out}", images, matrix)
        return images

    # -- affine transforms ---------------------------------------------------------------
    def affine_transform(
        self,
        images: Tensor,
        transform: Tensor,
        interpolation: str = "bilinear",
        fill_mode: str = "constant",
        fill_value: float = 0,
        data_format: str | None = None,
    ) -> Tensor:
        """Applies projective transforms to images.

        Args:
            images: a 3-D (one image) or 4-D (batch) tensor.
            transform: `(8,)` or `(batch, 8)`: `[a0, a1, a2, b0, b1, b2, c0, c1]`
                maps each output pixel `(x, y)` to the input point
                `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)` with
                `k = c0 x + c1 y + 1` (the inverse of the image's motion). The
                projective division follows `tf.raw_ops.ImageProjectiveTransformV3`;
                Keras's JAX and NumPy backends ignore `c0` and `c1`, so results
                agree with them for affine transforms (`c0 = c1 = 0`).
            interpolation: "bilinear" (default) or "nearest".
            fill_mode: how points outside the input are filled:
                "constant" (`fill_value`), "nearest" (edge pixel), "wrap"
                (tile), "mirror" (reflect about the edge pixel's centre,
                `d c b | a b c d | c b a`) or "reflect" (about the edge,
                `c b a | a b c d | d c b`).
            fill_value: the value for "constant".
            data_format: "channels_last" or "channels_first".

        Returns:
            Transformed images, same shape and dtype.
        """
        data_format = standardize_data_format(data_format)
        if interpolation not in AFFINE_INTERPOLATIONS:
            raise ValueError(
                f"Invalid value for argument `interpolation`. Expected one of {tuple(AFFINE_INTERPOLATIONS)}. "
                f"Received: interpolation={interpolation!r}"
            )
        if fill_mode not in FILL_MODES:
            raise ValueError(
                f"Invalid value for argument `fill_mode`. Expected one of {FILL_MODES}. Received: fill_mode={fill_mode!r}"
            )
        core = self.backend.core
        np_ = self.backend.numpy
        images = core.convert_to_tensor(images)
        transform = core.convert_to_tensor(transform)
        if len(core.shape(transform)) not in (1, 2) or core.shape(transform)[-1] != 8:
            raise ValueError(
                "Invalid transform shape: expected (8,) for one transform or (batch, 8) for a batch. "
                f"Received: transform.shape={core.shape(transform)}"
            )
        images, unbatched = self._batched(images)
        if len(core.shape(transform)) == 1:
            transform = np_.expand_dims(transform, 0)
        if data_format == "channels_first":
            images = np_.transpose(images, (0, 2, 3, 1))
        input_dtype = core.dtype(images)
        compute_dtype = "float64" if input_dtype == "float64" else "float32"
        out = self._affine_sample(
            core.cast(images, compute_dtype) if input_dtype != compute_dtype else images,
            core.cast(transform, compute_dtype),
            AFFINE_INTERPOLATIONS[interpolation],
            fill_mode,
            float(fill_value),
        )
        if input_dtype != compute_dtype:
            if not dtypes.is_float(input_dtype):
                out = _round_half_away_from_zero(np_, out)
            out = core.cast(out, input_dtype)
        if data_format == "channels_first":
            out = np_.transpose(out, (0, 3, 1, 2))
        return np_.squeeze(out, axis=0) if unbatched else out

    def _affine_sample(
        self, images: Tensor, transform: Tensor, order: int, fill_mode: str, fill_value: float
    ) -> Tensor:
        """Samples a float `(batch, height, width, channels)` batch at the transformed grid (hook)."""
        _, height, width, _ = self.backend.core.shape(images)
        y_in, x_in = affine_coordinates(self.backend, transform, height, width)
        return self._sample_2d(images, y_in, x_in, order, fill_mode, fill_value)

    def _sample_2d(
        self, images: Tensor, y_in: Tensor, x_in: Tensor, order: int, fill_mode: str, fill_value: float
    ) -> Tensor:
        """Samples `images[b, y_in, x_in, :]` with `jax.scipy.ndimage.map_coordinates` rules."""
        core = self.backend.core
        np_ = self.backend.numpy
        batch, height, width, channels = core.shape(images)
        flat = np_.reshape(images, (batch * height * width, channels))
        base = np_.reshape(np_.arange(batch, dtype="int32") * (height * width), (batch, 1, 1))
        y_nodes = _interpolation_nodes(np_, core, y_in, order)
        x_nodes = _interpolation_nodes(np_, core, x_in, order)
        result = None
        for (y_index, y_weight), (x_index, x_weight) in itertools.product(y_nodes, x_nodes):
            fixed_y = _fix_index(np_, y_index, height, fill_mode)
            fixed_x = _fix_index(np_, x_index, width, fill_mode)
            gathered = np_.take(flat, np_.add(base, np_.add(np_.multiply(fixed_y, width), fixed_x)), axis=0)
            if fill_mode == "constant":
                valid = np_.logical_and(
                    np_.logical_and(np_.greater_equal(y_index, 0), np_.less(y_index, height)),
                    np_.logical_and(np_.greater_equal(x_index, 0), np_.less(x_index, width)),
                )
                gathered = np_.where(np_.expand_dims(valid, -1), gathered, core.cast(fill_value, core.dtype(images)))
            if order == 0:
                term = gathered
            else:
                term = np_.multiply(np_.expand_dims(np_.multiply(y_weight, x_weight), -1), gathered)
            result = term if result is None else np_.add(result, term)
        return result

    # -- map_coordinates -------------------------------------------------------------------
    def map_coordinates(
        self, inputs: Tensor, coordinates: Tensor, order: int, fill_mode: str = "constant", fill_value: float = 0.0
    ) -> Tensor:
        """Samples `inputs` at `coordinates`, as `jax.scipy.ndimage.map_coordinates`.

        Args:
            inputs: an N-D tensor.
            coordinates: `(N, ...)`: for each output point, its N (fractional)
                indices into `inputs`.
            order: 0 (nearest, rounding half away from zero) or 1 (linear).
            fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect"
                (see `affine_transform`).
            fill_value: the value for "constant".

        Returns:
            A tensor of shape `coordinates.shape[1:]` and the dtype of `inputs`.
        """
        core = self.backend.core
        inputs = core.convert_to_tensor(inputs)
        coordinates = core.convert_to_tensor(coordinates)
        shape = core.shape(inputs)
        if len(core.shape(coordinates)) < 2 or core.shape(coordinates)[0] != len(shape):
            raise ValueError(
                "`coordinates` must have shape (inputs.ndim, ...): one row of indices per input axis. "
                f"Received: inputs.shape={shape}, coordinates.shape={core.shape(coordinates)}"
            )
        if order not in (0, 1):
            raise ValueError(f"Invalid value for argument `order`. Expected 0 or 1. Received: order={order}")
        if fill_mode not in FILL_MODES:
            raise ValueError(
                f"Invalid value for argument `fill_mode`. Expected one of {FILL_MODES}. Received: fill_mode={fill_mode!r}"
            )
        return self._map_coordinates(inputs, coordinates, order, fill_mode, fill_value)

    def _map_coordinates(
        self, inputs: Tensor, coordinates: Tensor, order: int, fill_mode: str, fill_value: float
    ) -> Tensor:
        """Gathers `inputs` at validated `coordinates` (hook for native kernels)."""
        core = self.backend.core
        np_ = self.backend.numpy
        shape = core.shape(inputs)
        input_dtype = core.dtype(inputs)
        compute_dtype = input_dtype if dtypes.is_float(input_dtype) else "float32"
        values = np_.reshape(core.cast(inputs, compute_dtype), (-1,))
        coordinates = core.cast(coordinates, compute_dtype)
        nodes = [
            _interpolation_nodes(np_, core, np_.take(coordinates, axis_index, axis=0), order)
            for axis_index in range(len(shape))
        ]
        strides = [int(np.prod(shape[axis + 1 :])) for axis in range(len(shape))]
        result = None
        for combination in itertools.product(*nodes):
            flat_index = None
            valid = None
            weight = None
            for axis, (index, node_weight) in enumerate(combination):
                fixed = np_.multiply(_fix_index(np_, index, shape[axis], fill_mode), strides[axis])
                flat_index = fixed if flat_index is None else np_.add(flat_index, fixed)
                if fill_mode == "constant":
                    inside = np_.logical_and(np_.greater_equal(index, 0), np_.less(index, shape[axis]))
                    valid = inside if valid is None else np_.logical_and(valid, inside)
                if node_weight is not None:
                    weight = node_weight if weight is None else np_.multiply(weight, node_weight)
            term = np_.take(values, flat_index)
            if valid is not None:
                term = np_.where(valid, term, core.cast(fill_value, compute_dtype))
            if weight is not None:
                term = np_.multiply(weight, term)
            result = term if result is None else np_.add(result, term)
        if not dtypes.is_float(input_dtype):
            result = _round_half_away_from_zero(np_, result)
        return core.cast(result, input_dtype)

    # -- colour spaces, cropping and padding -----------------------------------------
    def rgb_to_grayscale(self, images: Tensor, data_format: str | None = None) -> Tensor:
        """Converts RGB images to one-channel grayscale (weights 0.2989, 0.5870, 0.1140)."""
        np_ = self.backend.numpy
        core = self.backend.core
        images = core.convert_to_tensor(images)
        axis = self._channels_axis(images, data_format)
        channels = core.shape(images)[axis]
        if channels not in (1, 3):
            raise ValueError(
                "Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
                f"Received input with shape: images.shape={core.shape(images)}"
            )
        if channels == 1:
            return np_.copy(images)
        original = core.dtype(images)
        compute = dtypes.result_type(original, float)
        weights = core.convert_to_tensor(np.array([0.2989, 0.5870, 0.1140]), dtype=compute)
        gray = np_.tensordot(core.cast(images, compute), weights, axes=([axis % len(core.shape(images))], [0]))
        return core.cast(np_.expand_dims(gray, axis), original)

    def rgb_to_hsv(self, images: Tensor, data_format: str | None = None) -> Tensor:
        """Converts float RGB images (values in [0, 1]) to HSV (hue in [0, 1))."""
        np_ = self.backend.numpy
        images = self._float_images(images, "rgb_to_hsv")
        axis = self._channels_axis(images, data_format)
        eps = float(
            np.finfo(
                "float32" if self.backend.core.dtype(images) == "bfloat16" else self.backend.core.dtype(images)
            ).eps
        )
        images = np_.where(np_.less(np_.abs(images), eps), 0.0, images)
        red, green, blue = (np_.squeeze(c, axis) for c in np_.split(images, 3, axis=axis))
        value = np_.maximum(np_.maximum(red, green), blue)
        spread = np_.subtract(value, np_.minimum(np_.minimum(red, green), blue))
        positive_value = np_.greater(value, 0.0)
        positive_spread = np_.greater(spread, 0.0)
        saturation = np_.where(positive_value, np_.divide(spread, np_.where(positive_value, value, 1.0)), 0.0)
        norm = np_.divide(1.0, np_.multiply(6.0, np_.where(positive_spread, spread, 1.0)))
        hue = np_.where(
            np_.equal(value, green),
            np_.add(np_.multiply(norm, np_.subtract(blue, red)), 2.0 / 6.0),
            np_.add(np_.multiply(norm, np_.subtract(red, green)), 4.0 / 6.0),
        )
        hue = np_.where(np_.equal(value, red), np_.multiply(norm, np_.subtract(green, blue)), hue)
        wrap = self.backend.core.cast(np_.less(hue, 0.0), self.backend.core.dtype(hue))
        hue = np_.add(np_.where(positive_spread, hue, 0.0), wrap)
        return np_.stack([hue, saturation, value], axis=axis)

    def hsv_to_rgb(self, images: Tensor, data_format: str | None = None) -> Tensor:
        """Converts float HSV images (hue in [0, 1)) to RGB."""
        np_ = self.backend.numpy
        images = self._float_images(images, "hsv_to_rgb")
        axis = self._channels_axis(images, data_format)
        hue, saturation, value = (np_.squeeze(c, axis) for c in np_.split(images, 3, axis=axis))
        sector = np_.multiply(np_.mod(hue, 1.0), 6.0)
        red = np_.clip(np_.subtract(np_.abs(np_.subtract(sector, 3.0)), 1.0), 0.0, 1.0)
        green = np_.clip(np_.subtract(2.0, np_.abs(np_.subtract(sector, 2.0))), 0.0, 1.0)
        blue = np_.clip(np_.subtract(2.0, np_.abs(np_.subtract(sector, 4.0))), 0.0, 1.0)
        grey = np_.subtract(1.0, saturation)
        planes = [np_.multiply(np_.add(grey, np_.multiply(saturation, c)), value) for c in (red, green, blue)]
        return np_.stack(planes, axis=axis)

    def crop_images(
        self,
        images: Tensor,
        top_cropping: int | None = None,
        left_cropping: int | None = None,
        bottom_cropping: int | None = None,
        right_cropping: int | None = None,
        target_height: int | None = None,
        target_width: int | None = None,
        data_format: str | None = None,
    ) -> Tensor:
        """Crops images; give two of top/bottom/target height and two of left/right/target width."""
        height_axis, width_axis = self._spatial_axes(images, data_format)
        shape = self.backend.core.shape(images)
        top, height = _two_of_three(
            "cropping",
            "top_cropping",
            top_cropping,
            "bottom_cropping",
            bottom_cropping,
            "target_height",
            target_height,
            shape[height_axis],
            crop=True,
        )
        left, width = _two_of_three(
            "cropping",
            "left_cropping",
            left_cropping,
            "right_cropping",
            right_cropping,
            "target_width",
            target_width,
            shape[width_axis],
            crop=True,
        )
        key = [slice(None)] * len(shape)
        key[height_axis] = slice(top, top + height)
        key[width_axis] = slice(left, left + width)
        return self.backend.core.getitem(images, tuple(key))

    def pad_images(
        self,
        images: Tensor,
        top_padding: int | None = None,
        left_padding: int | None = None,
        bottom_padding: int | None = None,
        right_padding: int | None = None,
        target_height: int | None = None,
        target_width: int | None = None,
        data_format: str | None = None,
    ) -> Tensor:
        """Pads images with zeros; give two of top/bottom/target height and two of left/right/target width."""
        height_axis, width_axis = self._spatial_axes(images, data_format)
        shape = self.backend.core.shape(images)
        top, height = _two_of_three(
            "padding",
            "top_padding",
            top_padding,
            "bottom_padding",
            bottom_padding,
            "target_height",
            target_height,
            shape[height_axis],
            crop=False,
        )
        left, width = _two_of_three(
            "padding",
            "left_padding",
            left_padding,
            "right_padding",
            right_padding,
            "target_width",
            target_width,
            shape[width_axis],
            crop=False,
        )
        widths = [(0, 0)] * len(shape)
        widths[height_axis] = (top, height - shape[height_axis] - top)
        widths[width_axis] = (left, width - shape[width_axis] - left)
        return self.backend.numpy.pad(images, widths)

    def _channels_axis(self, images: Tensor, data_format: str | None) -> int:
        rank = len(self.backend.core.shape(images))
        if rank not in (3, 4):
            raise ValueError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received input with shape: images.shape={self.backend.core.shape(images)}"
            )
        return -1 if standardize_data_format(data_format) == "channels_last" else -3

    def _spatial_axes(self, images: Tensor, data_format: str | None) -> tuple:
        rank = len(self.backend.core.shape(images))
        channels_axis = self._channels_axis(images, data_format) % rank
        return (rank - 3, rank - 2) if channels_axis == rank - 1 else (rank - 2, rank - 1)

    def _float_images(self, images: Tensor, op: str) -> Tensor:
        images = self.backend.core.convert_to_tensor(images)
        if not dtypes.is_float(self.backend.core.dtype(images)):
            raise ValueError(
                f"`{op}` expects floating-point images. Received: images.dtype={self.backend.core.dtype(images)}; "
                "cast them first, e.g. `ops.cast(images, 'float32') / 255`."
            )
        return images

    # -- helpers -------------------------------------------------------------------------
    def _batched(self, images: Tensor) -> tuple:
        rank = len(self.backend.core.shape(images))
        if rank not in (3, 4):
            raise ValueError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received input with shape: images.shape={self.backend.core.shape(images)}"
            )
        if rank == 3:
            return self.backend.numpy.expand_dims(images, 0), True
        return images, False


def _two_of_three(
    kind: str,
    before_name: str,
    before: Any,
    after_name: str,
    after: Any,
    target_name: str,
    target: Any,
    size: int,
    crop: bool,
) -> tuple:
    """Resolves `(offset, target)` from exactly two of before/after/target (crop or pad one axis)."""
    given = sum(value is not None for value in (before, after, target))
    if given != 2:
        raise ValueError(
            f"Exactly two of `{before_name}`, `{after_name}` and `{target_name}` must be set. "
            f"Received: {before_name}={before}, {after_name}={after}, {target_name}={target}"
        )
    sign = -1 if crop else 1
    if target is None:
        target = size + sign * (before + after)
    elif before is None:
        before = sign * (target - size) - after
    for name, value in ((before_name, before), (target_name, target)):
        if value < 0:
            raise ValueError(
                f"The {kind} arguments give {name}={value}, which must be >= 0 for an axis of size {size}."
            )
    remainder = size - before - target if crop else target - before - size
    if remainder < 0:
        raise ValueError(
            f"The {kind} arguments do not fit an axis of size {size}: {before_name}={before}, {target_name}={target}."
        )
    return before, target


def affine_coordinates(backend: Any, transform: Tensor, height: int, width: int) -> tuple:
    """Input coordinates `(y_in, x_in)`, each `(batch, height, width)`, of every output pixel."""
    np_ = backend.numpy
    core = backend.core
    dtype = core.dtype(transform)

    def column(i: int) -> Tensor:
        return np_.reshape(np_.take(transform, i, axis=1), (-1, 1, 1))

    ys = np_.reshape(core.convert_to_tensor(np.arange(height, dtype="float32"), dtype=dtype), (1, height, 1))
    xs = np_.reshape(core.convert_to_tensor(np.arange(width, dtype="float32"), dtype=dtype), (1, 1, width))
    a0, a1, a2, b0, b1, b2, c0, c1 = (column(i) for i in range(8))
    x_in = np_.add(np_.add(np_.multiply(a0, xs), np_.multiply(a1, ys)), a2)
    y_in = np_.add(np_.add(np_.multiply(b0, xs), np_.multiply(b1, ys)), b2)
    k = np_.add(np_.add(np_.multiply(c0, xs), np_.multiply(c1, ys)), 1.0)
    return np_.divide(y_in, k), np_.divide(x_in, k)


def _round_half_away_from_zero(np_: Any, x: Tensor) -> Tensor:
    return np_.multiply(np_.sign(x), np_.floor(np_.add(np_.abs(x), 0.5)))


def _interpolation_nodes(np_: Any, core: Any, coordinate: Tensor, order: int) -> list:
    """`[(int32 index, weight or None), ...]` of the pixels that contribute to `coordinate`."""
    if order == 0:
        return [(core.cast(_round_half_away_from_zero(np_, coordinate), "int32"), None)]
    lower = np_.floor(coordinate)
    upper_weight = np_.subtract(coordinate, lower)
    lower_weight = np_.subtract(1.0, upper_weight)
    index = core.cast(lower, "int32")
    return [(index, lower_weight), (np_.add(index, 1), upper_weight)]


def _fix_index(np_: Any, index: Tensor, size: int, fill_mode: str) -> Tensor:
    """Maps an integer index into `[0, size)` following `fill_mode`."""
    if fill_mode == "constant":
        return np_.clip(index, 0, size - 1)  # out-of-range reads are masked
    if fill_mode == "nearest":
        return np_.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return np_.mod(index, size)
    if fill_mode == "mirror":
        return _mirror(np_, index, size)
    # "reflect": mirror about the half-pixel edge, `c b a | a b c d | d c b`.
    return np_.floor_divide(np_.subtract(_mirror(np_, np_.add(np_.multiply(index, 2), 1), 2 * size + 1), 1), 2)


def _mirror(np_: Any, index: Tensor, size: int) -> Tensor:
    if size == 1:
        return np_.multiply(index, 0)
    period = size - 1
    return np_.abs(np_.subtract(np_.mod(np_.add(index, period), 2 * period), period))
