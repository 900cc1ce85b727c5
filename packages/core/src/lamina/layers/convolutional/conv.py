"""`Conv1D`, `Conv2D`, `Conv3D`: convolution layers over 1, 2 and 3 spatial axes."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """1D convolution layer (temporal convolution).

    Convolves `filters` kernels of `kernel_size` steps over the inputs
    `(batch, steps, channels)` (or `(batch, channels, steps)` with
    "channels_first"), adds a bias and applies `activation`.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 1 int.
        strides: int or tuple of 1 int (default 1).
        padding: "valid", "same" or "causal" (output `t` only sees inputs up
            to `t`: the inputs are left-padded by `dilation_rate * (kernel_size - 1)`).
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 1 int.
        groups: positive int dividing the input channels and `filters`.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in `Dense`.

    Example:
        ```python
        x = lamina.Input((10, 128))
        lamina.layers.Conv1D(32, 3, activation="relu")(x).shape   # (None, 8, 32)
        ```
    """

    _allows_causal = True

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )

    def convolution_op(self, inputs: Any) -> Any:
        if self.padding != "causal":
            return super().convolution_op(inputs)
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        steps = ((left, 0),)
        widths = ((0, 0),) + steps + ((0, 0),) if self.data_format == "channels_last" else ((0, 0), (0, 0)) + steps
        return ops.conv(
            ops.pad(inputs, widths),
            self.kernel,
            strides=self.strides,
            padding="valid",
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )


class Conv2D(BaseConv):
    """2D convolution layer (spatial convolution over images).

    Convolves `filters` kernels over inputs `(batch, height, width, channels)`
    (or `(batch, channels, height, width)`), adds a bias and applies
    `activation`.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints (default 1).
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 2 ints.
        groups: positive int dividing the input channels and `filters`.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in `Dense`.

    Example:
        ```python
        x = lamina.Input((28, 28, 1))
        lamina.layers.Conv2D(32, 3, padding="same")(x).shape   # (None, 28, 28, 32)
        ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=2,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class Conv3D(BaseConv):
    """3D convolution layer (spatial convolution over volumes).

    Convolves `filters` kernels over inputs `(batch, depth, height, width,
    channels)` (or channels first), adds a bias and applies `activation`.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 3 ints.
        strides: int or tuple of 3 ints (default 1).
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 3 ints.
        groups: positive int dividing the input channels and `filters`.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in `Dense`.

    Example:
        ```python
        x = lamina.Input((8, 16, 16, 1))
        lamina.layers.Conv3D(4, 3)(x).shape   # (None, 6, 14, 14, 4)
        ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = (1, 1, 1),
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank=3,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )
