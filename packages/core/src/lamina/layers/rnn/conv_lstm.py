"""`ConvLSTMCell` and `ConvLSTM`: an LSTM whose transformations are convolutions.

The base of `ConvLSTM1D`, `ConvLSTM2D` and `ConvLSTM3D` (Shi et al., 2015).
The input convolution uses the layer's strides, padding and dilation; the
recurrent convolution keeps the state's size (stride 1, "same" padding).
Gates are stacked on the kernels' last axis in the order `i, f, c, o`.
"""

from __future__ import annotations

from typing import Any

from lamina import activations, constraints, initializers, ops, random, regularizers, tree
from lamina.backend.contract.nn_ops import conv_output_size
from lamina.layers.convolutional.arguments import (
    standardize_data_format,
    standardize_padding,
    standardize_positive_int,
    standardize_tuple,
)
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell, check_rate
from lamina.layers.rnn.lstm import _UnitForgetBias
from lamina.layers.rnn.rnn import RNN, cell_property


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One step of a convolutional LSTM; its states are `[h, c]` feature maps.

    Args:
        rank: number of spatial axes (1, 2 or 3).
        filters: positive int, number of output channels.
        kernel_size: int or tuple of `rank` ints.
        strides: int or tuple of `rank` ints (of the input convolution).
        padding: "valid" or "same" (of the input convolution).
        data_format: "channels_last" or "channels_first" (default:
            `lamina.config.image_data_format()`).
        dilation_rate: int or tuple of `rank` ints (not with strides > 1).
        activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, unit_forget_bias,
            kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
            dropout, recurrent_dropout, seed: as in `LSTMCell`.

    Example:
        ```python
        cell = ConvLSTMCell(rank=2, filters=4, kernel_size=3, padding="same")
        layer = lamina.layers.RNN(cell)
        ```
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        if rank not in (1, 2, 3):
            raise ValueError(f"ConvLSTM supports 1, 2 or 3 spatial axes. Received: rank={rank!r}")
        standardize_positive_int(filters, "filters")
        dropout = check_rate("dropout", dropout)
        recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        strides = standardize_tuple(strides, rank, "strides")
        dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        if max(strides) > 1 and max(dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` is not compatible with `dilation_rate > 1`: pass `strides=1` or `dilation_rate=1`. "
                f"Received: strides={strides}, dilation_rate={dilation_rate}"
            )
        super().__init__(**kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = dilation_rate
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.dropout_mask_count = 4
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.state_size = -1  # feature maps: shapes come from `get_initial_state`

    def _split_input_shape(self, inputs_shape: Any) -> tuple:
        if self.data_format == "channels_first":
            return tuple(inputs_shape[2:]), inputs_shape[1]
        return tuple(inputs_shape[1:-1]), inputs_shape[-1]

    def build(self, inputs_shape: Any, states_shape: Any = None) -> None:
        spatial, channels = self._split_input_shape(tuple(inputs_shape))
        if None in spatial:
            raise ValueError(
                f"ConvLSTM layers need static spatial dimensions. Received: input_shape={tuple(inputs_shape)}"
            )
        if channels is None:
            raise ValueError(
                f"The channel dimension of the inputs to '{self.name}' should be defined. Found None. "
                f"Full input shape received: {tuple(inputs_shape)}"
            )
        self.spatial_dims = spatial
        self.input_dim = channels
        self.kernel = self.add_weight(
            shape=self.kernel_size + (channels, 4 * self.filters),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, 4 * self.filters),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            initializer = _UnitForgetBias(self.bias_initializer, self.filters) if self.unit_forget_bias else None
            self.bias = self.add_weight(
                shape=(4 * self.filters,),
                name="bias",
                initializer=initializer or self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _conv(self, x: Any, kernel: Any, bias: Any = None) -> Any:
        y = ops.conv(
            x,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        if bias is None:
            return y
        if self.data_format == "channels_last":
            return y + bias
        return y + ops.reshape(bias, (1, self.filters) + (1,) * self.rank)

    def _recurrent_conv(self, h: Any, kernel: Any) -> Any:
        return ops.conv(h, kernel, strides=1, padding="same", data_format=self.data_format)

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        h_tm1, c_tm1 = ops.convert_to_tensor(states[0]), ops.convert_to_tensor(states[1])
        if training and 0.0 < self.dropout < 1.0:
            inputs_per_gate = [inputs * mask for mask in self.get_dropout_mask(inputs)]
        else:
            inputs_per_gate = [inputs] * 4
        if training and 0.0 < self.recurrent_dropout < 1.0:
            states_per_gate = [h_tm1 * mask for mask in self.get_recurrent_dropout_mask(h_tm1)]
        else:
            states_per_gate = [h_tm1] * 4
        kernels = ops.split(self.kernel, 4, axis=self.rank + 1)
        recurrent_kernels = ops.split(self.recurrent_kernel, 4, axis=self.rank + 1)
        biases = ops.split(self.bias, 4) if self.bias is not None else [None] * 4
        z_i, z_f, z_c, z_o = (
            self._conv(inputs_per_gate[k], kernels[k], biases[k])
            + self._recurrent_conv(states_per_gate[k], recurrent_kernels[k])
            for k in range(4)
        )
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def compute_output_shape(self, inputs_shape: Any, states_shape: Any = None) -> tuple:
        spatial, _ = self._split_input_shape(tuple(inputs_shape))
        out = tuple(
            conv_output_size(n, k, s, self.padding, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        batch = inputs_shape[0]
        if self.data_format == "channels_last":
            shape = (batch, *out, self.filters)
        else:
            shape = (batch, self.filters, *out)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size: Any = None) -> list:
        if self.data_format == "channels_last":
            input_shape = (batch_size, *self.spatial_dims, self.input_dim)
        else:
            input_shape = (batch_size, self.input_dim, *self.spatial_dims)
        shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(shape, dtype=self.compute_dtype), ops.zeros(shape, dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(_conv_lstm_config(self))
        config["seed"] = self.seed
        return config


def _conv_lstm_config(cell: ConvLSTMCell) -> dict:
    return {
        "filters": cell.filters,
        "kernel_size": cell.kernel_size,
        "strides": cell.strides,
        "padding": cell.padding,
        "data_format": cell.data_format,
        "dilation_rate": cell.dilation_rate,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "unit_forget_bias": cell.unit_forget_bias,
        "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
        "kernel_constraint": constraints.serialize(cell.kernel_constraint),
        "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
        "bias_constraint": constraints.serialize(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


class ConvLSTM(RNN):
    """Base of the convolutional LSTM layers (`ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`).

    Args:
        rank: number of spatial axes.
        filters, kernel_size, strides, padding, data_format, dilation_rate,
            activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, unit_forget_bias,
            kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
            dropout, recurrent_dropout, seed: as in `ConvLSTMCell`.
        activity_regularizer: optional regularizer of the output.
        return_sequences, return_state, go_backwards, stateful: as in `RNN`
            (`unroll` and `zero_output_for_mask` are accepted too).

    Example:
        ```python
        layer = lamina.layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
        layer(np.zeros((2, 5, 8, 8, 3), "float32")).shape   # (2, 5, 8, 8, 4)
        ```
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        **kwargs: Any,
    ) -> None:
        cell = ConvLSTMCell(
            rank=rank,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            name="conv_lstm_cell",
            dtype=kwargs.get("dtype"),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=rank + 3)

    filters = cell_property("filters")
    kernel_size = cell_property("kernel_size")
    strides = cell_property("strides")
    padding = cell_property("padding")
    data_format = cell_property("data_format")
    dilation_rate = cell_property("dilation_rate")
    activation = cell_property("activation")
    recurrent_activation = cell_property("recurrent_activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    unit_forget_bias = cell_property("unit_forget_bias")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch_size, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch_size, *sequences_shape[2:])
        state_shape = tuple(self.cell.compute_output_shape(step_shape)[0][1:])
        output_shape = (batch_size, steps, *state_shape) if self.return_sequences else (batch_size, *state_shape)
        if self.return_state:
            return output_shape, (batch_size, *state_shape), (batch_size, *state_shape)
        return output_shape

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    def get_config(self) -> dict:
        config = self._rnn_config()
        config.update(_conv_lstm_config(self.cell))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["seed"] = self.cell.seed
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> ConvLSTM:
        return cls(**config)
