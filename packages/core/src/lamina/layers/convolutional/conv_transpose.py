"""`Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: transposed convolutions.

A transposed convolution maps each input position to a `kernel_size`
window of the output (the gradient of a convolution with respect to its
input), so strides upsample: "same" padding gives `input_size * stride`
outputs.
"""

from __future__ import annotations

from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.contract.conv_arithmetic import conv_transpose_output_size
from lamina.layers.convolutional.arguments import standardize_tuple
from lamina.layers.convolutional.base_conv import BaseConv


class BaseConvTranspose(BaseConv):
    """Abstract N-D transposed convolution layer.

    Args:
        rank: number of spatial axes.
        filters: positive int, the number of output channels.
        kernel_size, strides, padding ("valid" or "same"), data_format,
            dilation_rate: as in `BaseConv`.
        output_padding: None, or int or tuple of `rank` ints, each strictly
            less than the stride: extra output elements at the end of each
            spatial axis. None infers the output size (`input * stride` with
            "same").
        activation, use_bias, initializers, regularizers, constraints: as in
            `BaseConv`.

    Example:
        ```python
        x = lamina.Input((7, 7, 16))
        lamina.layers.Conv2DTranspose(8, 3, strides=2, padding="same")(x).shape   # (None, 14, 14, 8)
        ```
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
            rank=rank,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = standardize_tuple(output_padding, rank, "output_padding", allow_zero=True)
            for axis, (extra, stride) in enumerate(zip(self.output_padding, self.strides)):
                if extra >= stride:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all dimensions. "
                        f"At dimension {axis}, `output_padding` is {extra} but `strides` is {stride}. "
                        f"Received: output_padding={self.output_padding}, strides={self.strides}"
                    )

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (self.filters, channels)

    def convolution_op(self, inputs: Any) -> Any:
        return ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _output_spatial(self, spatial: tuple) -> tuple:
        extra = self.output_padding or (None,) * self.rank
        return tuple(
            conv_transpose_output_size(n, k, s, self.padding, p, d)
            for n, k, s, p, d in zip(spatial, self.kernel_size, self.strides, extra, self.dilation_rate)
        )

    def _kernel_config(self) -> dict:
        return {
            "filters": self.filters,
            "output_padding": self.output_padding,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
        }


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution layer (sometimes called deconvolution).

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 1 int.
        strides: int or tuple of 1 int (the upsampling factor).
        padding: "valid" or "same".
        output_padding: None, or int or tuple of 1 int smaller than `strides`.
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 1 int.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in `Conv1D`.

    Example:
        ```python
        x = lamina.Input((10, 8))
        lamina.layers.Conv1DTranspose(4, 3, strides=2, padding="same")(x).shape   # (None, 20, 4)
        ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution layer (upsampling convolution over images).

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints.
        strides: int or tuple of 2 ints (the upsampling factors).
        padding: "valid" or "same".
        output_padding: None, or int or tuple of 2 ints smaller than `strides`.
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 2 ints.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in `Conv2D`.

    Example:
        ```python
        x = lamina.Input((7, 7, 16))
        lamina.layers.Conv2DTranspose(8, 3, strides=2, padding="same")(x).shape   # (None, 14, 14, 8)
        ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
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
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution layer (upsampling convolution over volumes).

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 3 ints.
        strides: int or tuple of 3 ints (the upsampling factors).
        padding: "valid" or "same".
        output_padding: None, or int or tuple of 3 ints smaller than `strides`.
        data_format: "channels_last" or "channels_first".
        dilation_rate: int or tuple of 3 ints.
        activation, use_bias, kernel_initializer, bias_initializer,
        kernel_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, bias_constraint: as in `Conv3D`.

    Example:
        ```python
        x = lamina.Input((4, 4, 4, 8))
        lamina.layers.Conv3DTranspose(2, 2, strides=2)(x).shape   # (None, 8, 8, 8, 2)
        ```
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1, 1),
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1, 1),
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
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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
