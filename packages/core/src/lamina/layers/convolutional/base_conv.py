"""`BaseConv`: what every convolution layer shares.

Argument validation, the channel axis, the input spec, kernel and bias
creation, the bias-plus-activation epilogue, output-shape arithmetic and the
configuration. The concrete families (`Conv1D`-`Conv3D`, their transposes,
depthwise and separable convolutions) override the hooks `_kernel_shape`,
`_output_channels`, `convolution_op`, `_create_kernels` and `_kernel_config`.
"""

from __future__ import annotations

from typing import Any

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.backend.contract.conv_arithmetic import conv_output_size
from lamina.layers.convolutional.arguments import (
    standardize_data_format,
    standardize_padding,
    standardize_positive_int,
    standardize_tuple,
)
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseConv(Layer):
    """Abstract N-D convolution layer: `activation(conv(inputs, kernel) + bias)`.

    Args:
        rank: number of spatial axes (1, 2 or 3).
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of `rank` ints, the window size.
        strides: int or tuple of `rank` ints. `strides > 1` cannot be combined
            with `dilation_rate > 1`.
        padding: "valid" (no padding) or "same" (output size
            `ceil(input_size / stride)`, extra padding at the end); "causal"
            for `Conv1D`.
        data_format: "channels_last" (`(batch, *spatial, channels)`) or
            "channels_first"; default `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of `rank` ints.
        groups: positive int dividing both the input channels and `filters`;
            each group of input channels is convolved with its own
            `filters // groups` filters.
        activation: activation function or name (default: none).
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers (defaults
            "glorot_uniform" and "zeros").
        kernel_regularizer, bias_regularizer, activity_regularizer: optional
            regularizers.
        kernel_constraint, bias_constraint: optional constraints.

    Example:
        ```python
        class Conv2D(BaseConv):
            def __init__(self, filters, kernel_size, **kwargs):
                super().__init__(rank=2, filters=filters, kernel_size=kernel_size, **kwargs)
        ```
    """

    # Whether `padding="causal"` is accepted (Conv1D only, as in Keras).
    _allows_causal = False
    # Whether strides and dilations may both exceed 1 (depthwise and separable only, as in Keras).
    _allows_strided_dilation = False

    def __init__(
        self,
        rank: int,
        filters: int | None,
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
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank is not None:
            raise ValueError(
                f"LoRA is not supported by Lamina's {type(self).__name__} yet. "
                f"Received: lora_rank={lora_rank}, lora_alpha={lora_alpha}. Remove `lora_rank`."
            )
        self.rank = rank
        self.filters = None if filters is None else standardize_positive_int(filters, "filters")
        self.groups = standardize_positive_int(groups, "groups")
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={self.groups}, filters={self.filters}. Choose `filters` as a multiple of `groups`."
            )
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if not self._allows_strided_dilation and max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}. "
                "Set one of them to 1."
            )
        self.padding = standardize_padding(padding, allow_causal=self._allows_causal)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)

    # -- hooks of the concrete families ------------------------------------------
    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _kernel_shape(self, channels: int) -> tuple:
        return self.kernel_size + (channels // self.groups, self.filters)

    def _output_channels(self, channels: int | None) -> int | None:
        return self.filters

    def _create_kernels(self, channels: int) -> None:
        self.kernel = self.add_weight(
            name="kernel",
            shape=self._kernel_shape(channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )

    def convolution_op(self, inputs: Any) -> Any:
        """The convolution itself (without bias and activation)."""
        return ops.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _output_spatial(self, spatial: tuple) -> tuple:
        return tuple(
            conv_output_size(n, k, s, "same" if self.padding == "causal" else self.padding, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def _kernel_config(self) -> dict:
        return {
            "filters": self.filters,
            "groups": self.groups,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
        }

    # -- the layer --------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Inputs to {type(self).__name__} layer '{self.name}' must have rank {self.rank + 2} "
                f"(batch, {self.rank} spatial axes, channels). Received input shape {input_shape}."
            )
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to {type(self).__name__} layer '{self.name}' should be "
                f"defined ({self.data_format}). Found None. Full input shape received: {input_shape}"
            )
        if channels % self.groups:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input of layer '{self.name}' has {channels} channels "
                f"(full input shape is {input_shape})."
            )
        self.compute_output_shape(input_shape)  # rejects inputs too small for the kernel
        self._create_kernels(channels)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self._output_channels(channels),),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})

    def call(self, inputs: Any) -> Any:
        outputs = self.convolution_op(inputs)
        if self.bias is not None:
            if self.data_format == "channels_last":
                bias = self.bias
            else:
                bias = ops.reshape(self.bias, (-1,) + (1,) * self.rank)
            outputs = ops.add(outputs, bias)
        if self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            spatial, channels = input_shape[1:-1], input_shape[-1]
        else:
            spatial, channels = input_shape[2:], input_shape[1]
        output_spatial = self._output_spatial(spatial)
        if any(size is not None and size <= 0 for size in output_spatial):
            raise ValueError(
                f"Computed output size of {type(self).__name__} layer '{self.name}' would be zero or negative: "
                f"input shape {input_shape}, kernel_size={self.kernel_size}, strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}, padding={self.padding!r} give spatial output "
                f"{output_spatial}. Use larger inputs, a smaller kernel or padding='same'."
            )
        out_channels = self._output_channels(channels)
        if self.data_format == "channels_last":
            return (input_shape[0],) + output_spatial + (out_channels,)
        return (input_shape[0], out_channels) + output_spatial

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        config.update(self._kernel_config())
        return config
