"""`LSTMCell` and `LSTM`: Long Short-Term Memory (Hochreiter & Schmidhuber, 1997).

The kernels hold the four gates side by side in the order input, forget,
cell candidate, output (`i, f, c, o`), as in Keras, so weights move between
the two unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina import activations, constraints, initializers, ops, random, regularizers
from lamina.initializers import Initializer
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell, check_rate, check_units
from lamina.layers.rnn.rnn import RNN, cell_property


class _UnitForgetBias(Initializer):
    """`bias_initializer` for the input, candidate and output gates; ones for the forget gate."""

    def __init__(self, bias_initializer: Any, units: int) -> None:
        self.bias_initializer = bias_initializer
        self.units = units

    def generate(self, shape: tuple, dtype: str) -> np.ndarray:
        units = self.units
        parts = [
            ops.convert_to_numpy(self.bias_initializer((units,), dtype=dtype)),
            np.ones((units,), dtype),
            ops.convert_to_numpy(self.bias_initializer((2 * units,), dtype=dtype)),
        ]
        return np.concatenate(parts).astype(dtype)


class LSTMCell(Layer, DropoutRNNCell):
    """One step of an LSTM; its states are `[h, c]` (output and carry).

    Args:
        units: positive int, dimensionality of the output and of each state.
        activation: activation of the candidate and the output (default "tanh").
        recurrent_activation: activation of the gates (default "sigmoid").
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of `kernel` (default "glorot_uniform").
        recurrent_initializer: initializer of `recurrent_kernel` (default "orthogonal").
        bias_initializer: initializer of `bias` (default "zeros").
        unit_forget_bias: add 1 to the forget gate's bias at initialization
            (Jozefowicz et al., 2015); uses zeros for the other gates' bias.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout: fraction in [0, 1) of the inputs to drop (training only).
        recurrent_dropout: fraction in [0, 1) of the previous output to drop.
        seed: optional int seed of the dropout masks.

    Call arguments:
        inputs: a `(batch, features)` tensor, the input of one step.
        states: `[h, c]`, each `(batch, units)`.
        training: whether dropout applies.

    Example:
        ```python
        rnn = lamina.layers.RNN(lamina.layers.LSTMCell(4), return_state=True)
        output, h, c = rnn(np.zeros((32, 10, 8), "float32"))
        ```
    """

    def __init__(
        self,
        units: int,
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
        check_units(units)
        dropout = check_rate("dropout", dropout)
        recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        # Keras's `implementation` (1: one matmul per gate, 2: fused) changes
        # nothing but where dropout masks apply; it is not part of the config.
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.units = units
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
        # With recurrent dropout every gate gets its own masks (Gal & Ghahramani).
        self.implementation = 1 if recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape: Any) -> None:
        units = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 4 * units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, 4 * units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            initializer = _UnitForgetBias(self.bias_initializer, units) if self.unit_forget_bias else None
            self.bias = self.add_weight(
                shape=(4 * units,),
                name="bias",
                initializer=initializer or self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _gates(self, inputs: Any, h_tm1: Any, training: Any) -> list:
        """The four gate pre-activations `[z_i, z_f, z_c, z_o]`, dropout applied."""
        dropping = bool(training) and 0.0 < self.dropout < 1.0
        recurrent_dropping = bool(training) and 0.0 < self.recurrent_dropout < 1.0
        if self.implementation == 1 and (dropping or recurrent_dropping):
            masks = self.get_dropout_mask(inputs) if dropping else None
            recurrent_masks = self.get_recurrent_dropout_mask(h_tm1) if recurrent_dropping else None
            kernels = ops.split(self.kernel, 4, axis=1)
            recurrent_kernels = ops.split(self.recurrent_kernel, 4, axis=1)
            biases = ops.split(self.bias, 4, axis=0) if self.bias is not None else [None] * 4
            gates = []
            for k in range(4):
                x = inputs * masks[k] if masks is not None else inputs
                h = h_tm1 * recurrent_masks[k] if recurrent_masks is not None else h_tm1
                z = ops.matmul(x, kernels[k]) + ops.matmul(h, recurrent_kernels[k])
                gates.append(z + biases[k] if biases[k] is not None else z)
            return gates
        if dropping:
            mask = self.get_dropout_mask(inputs)
            inputs = inputs * (mask[0] if isinstance(mask, list) else mask)
        z = ops.add(ops.matmul(inputs, self.kernel), ops.matmul(h_tm1, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        return ops.split(z, 4, axis=-1)

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        h_tm1, c_tm1 = ops.convert_to_tensor(states[0]), ops.convert_to_tensor(states[1])
        z_i, z_f, z_c, z_o = self._gates(inputs, h_tm1, training)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size: Any = None) -> list:
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(_lstm_config(self))
        config["seed"] = self.seed
        return config


def _lstm_config(cell: LSTMCell) -> dict:
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        "unit_forget_bias": cell.unit_forget_bias,
        "kernel_initializer": initializers.serialize(cell.kernel_initializer),
        "recurrent_initializer": initializers.serialize(cell.recurrent_initializer),
        "bias_initializer": initializers.serialize(cell.bias_initializer),
        "kernel_regularizer": regularizers.serialize(cell.kernel_regularizer),
        "recurrent_regularizer": regularizers.serialize(cell.recurrent_regularizer),
        "bias_regularizer": regularizers.serialize(cell.bias_regularizer),
        "kernel_constraint": constraints.serialize(cell.kernel_constraint),
        "recurrent_constraint": constraints.serialize(cell.recurrent_constraint),
        "bias_constraint": constraints.serialize(cell.bias_constraint),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


def can_fuse(layer: Any, mask: Any, training: Any) -> bool:
    """Whether `layer` (LSTM or GRU) may ask its backend for a fused kernel.

    Only the standard cell qualifies (tanh and sigmoid), without a mask,
    unrolling, or dropout in this call; `use_cudnn=False` opts out.
    """
    cell = layer.cell
    if layer.use_cudnn is False or mask is not None or layer.unroll:
        return False
    if cell.activation is not activations.tanh or cell.recurrent_activation is not activations.sigmoid:
        return False
    return not (training and (cell.dropout or cell.recurrent_dropout))


def variable_tensor(variable: Any) -> Any:
    return None if variable is None else ops.convert_to_tensor(variable)


def check_use_cudnn(use_cudnn: Any) -> Any:
    """Validates Keras's `use_cudnn` argument (accepted for compatibility; no effect)."""
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            f"Received an invalid value for argument `use_cudnn`, expected one of 'auto', True or False. "
            f"Received: use_cudnn={use_cudnn!r}"
        )
    return use_cudnn


class LSTM(RNN):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997).

    Args:
        units: positive int, dimensionality of the output.
        activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, unit_forget_bias,
            kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, seed: as in `LSTMCell`.
        activity_regularizer: optional regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll,
            zero_output_for_mask: as in `RNN`.
        use_cudnn: "auto" or True: run the backend's fused kernel (torch's
            `torch.lstm`, cuDNN on a GPU) where the layer allows it (tanh and
            sigmoid activations, no mask, no dropout in the call, not
            unrolled); False: always the generic loop.

    Call arguments:
        sequences: a `(batch, time, features)` tensor.
        initial_state: optional list `[h, c]` of `(batch, units)` tensors.
        mask: optional boolean `(batch, time)` tensor.
        training: whether dropout applies.

    Example:
        ```python
        lstm = lamina.layers.LSTM(4, return_sequences=True, return_state=True)
        sequence, h, c = lstm(np.random.random((32, 10, 8)).astype("float32"))
        sequence.shape, h.shape, c.shape     # (32, 10, 4), (32, 4), (32, 4)
        ```
    """

    def __init__(
        self,
        units: int,
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
        unroll: bool = False,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
            implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)
        self.use_cudnn = check_use_cudnn(use_cudnn)

    units = cell_property("units")
    activation = cell_property("activation")
    recurrent_activation = cell_property("recurrent_activation")
    use_bias = cell_property("use_bias")
    unit_forget_bias = cell_property("unit_forget_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def inner_loop(self, sequences: Any, initial_state: list, mask: Any, training: Any = False) -> tuple:
        if can_fuse(self, mask, training):
            cell = self.cell
            fused = self._backend.fused_lstm(
                sequences,
                initial_state[0],
                initial_state[1],
                variable_tensor(cell.kernel),
                variable_tensor(cell.recurrent_kernel),
                variable_tensor(cell.bias),
                self.go_backwards,
            )
            if fused is not None:
                return fused
        return super().inner_loop(sequences, initial_state, mask, training=training)

    def get_config(self) -> dict:
        config = self._rnn_config()
        config.update(_lstm_config(self.cell))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["seed"] = self.cell.seed
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> LSTM:
        return cls(**config)
