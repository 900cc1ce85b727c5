"""`DepthwiseConv1D`, `DepthwiseConv2D`: one set of filters per input channel."""

from __future__ import annotations

from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.convolutional.arguments import standardize_positive_int
from lamina.layers.convolutional.base_conv import BaseConv


class BaseDepthwiseConv(BaseConv):
    """Abstract depthwise convolution: each input channel gets `depth_multiplier` filters.

    The kernel has shape `(*kernel_size, channels, depth_multiplier)`; output
    channel `c * depth_multiplier + m` is input channel `c` convolved with
    `kernel[..., c, m]`, so the layer outputs `channels * depth_multiplier`
    channels.

    Args:
        rank: number of spatial axes.
        depth_multiplier: positive int, filters per input channel.
        kernel_size, strides, padding ("valid" or "same"), data_format,
            dilation_rate, activation, use_bias, bias_initializer,
            bias_regularizer, activity_regularizer, bias_constraint: as in
            `BaseConv`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint:
            for the depthwise kernel.

    Example:
        ```python
        x = lamina.Input((8, 8, 3))
        lamina.layers.DepthwiseConv2D(3, depth_multiplier=2)(x).shape   # (None, 6, 6, 6)
        ```
    """

    _allows_strided_dilation = True

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        depth_multiplier = standardize_positive_int(depth_multiplier, "depth_multiplier")
        super().__init__(
            rank=rank,
            filters=None,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        self.depth_multiplier = depth_multiplier

    # Keras's attribute names for the kernel's initializer, regularizer and constraint.
    @property
    def depthwise_initializer(self) -> Any:
        return self.kernel_initializer

    @property
    def depthwise_regularizer(self) -> Any:
        return self.kernel_regularizer

    @property
    def depthwise_constraint(self) -> Any:
        return self.kernel_constraint

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (channels, self.depth_multiplier)

    def _output_channels(self, channels: int | None) -> int | None:
        return None if channels is None else channels * self.depth_multiplier

    def convolution_op(self, inputs: Any) -> Any:
        return ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _kernel_config(self) -> dict:
        return {
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.kernel_initializer),
            "depthwise_regularizer": regularizers.serialize(self.kernel_regularizer),
            "depthwise_constraint": constraints.serialize(self.kernel_constraint),
        }


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution: each input channel convolved with its own filters.

    Args:
        kernel_size: int or tuple of 1 int.
        strides: int or tuple of 1 int.
        padding: "valid" or "same".
        depth_multiplier: filters per input channel (output channels are
            `channels * depth_multiplier`).
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 1 int.
        activation, use_bias: as in `Conv1D`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint:
            for the `(kernel_size, channels, depth_multiplier)` kernel.
        bias_initializer, bias_regularizer, bias_constraint,
        activity_regularizer: as in `Conv1D`.

    Example:
        ```python
        x = lamina.Input((10, 4))
        lamina.layers.DepthwiseConv1D(3, depth_multiplier=2)(x).shape   # (None, 8, 8)
        ```
    """

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            depth_multiplier=depth_multiplier,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution: each input channel convolved with its own filters.

    Args:
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints.
        padding: "valid" or "same".
        depth_multiplier: filters per input channel (output channels are
            `channels * depth_multiplier`).
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 2 ints.
        activation, use_bias: as in `Conv2D`.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint:
            for the `(*kernel_size, channels, depth_multiplier)` kernel.
        bias_initializer, bias_regularizer, bias_constraint,
        activity_regularizer: as in `Conv2D`.

    Example:
        ```python
        x = lamina.Input((8, 8, 3))
        lamina.layers.DepthwiseConv2D(3, padding="same")(x).shape   # (None, 8, 8, 3)
        ```
    """

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=2,
            depth_multiplier=depth_multiplier,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
