"""`GRUCell` and `GRU`: Gated Recurrent Unit (Cho et al., 2014).

The kernels hold the gates side by side in the order update, reset,
candidate (`z, r, h`), as in Keras. With `reset_after=True` (the default,
cuDNN-compatible) the bias has shape `(2, 3 * units)`: the input bias and
the recurrent bias, and the reset gate multiplies the recurrent term after
the matrix multiplication.
"""

from __future__ import annotations

from typing import Any

from lamina import activations, constraints, initializers, ops, random, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell, check_rate, check_units
from lamina.layers.rnn.lstm import can_fuse, check_use_cudnn, variable_tensor
from lamina.layers.rnn.rnn import RNN, cell_property


class GRUCell(Layer, DropoutRNNCell):
    """One step of a GRU; its state is the previous output `h`.

    Args:
        units: positive int, dimensionality of the output and the state.
        activation: activation of the candidate (default "tanh").
        recurrent_activation: activation of the update and reset gates
            (default "sigmoid").
        use_bias: whether to add bias vectors.
        kernel_initializer: initializer of `kernel` (default "glorot_uniform").
        recurrent_initializer: initializer of `recurrent_kernel` (default "orthogonal").
        bias_initializer: initializer of `bias` (default "zeros").
        kernel_regularizer, recurrent_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: optional constraints.
        dropout: fraction in [0, 1) of the inputs to drop (training only).
        recurrent_dropout: fraction in [0, 1) of the previous state to drop.
        reset_after: apply the reset gate after the recurrent matrix
            multiplication (True, two bias vectors) or before it (False).
        seed: optional int seed of the dropout masks.

    Call arguments:
        inputs: a `(batch, features)` tensor, the input of one step.
        states: the previous state, `[h]` (or `h`).
        training: whether dropout applies.

    Example:
        ```python
        rnn = lamina.layers.RNN(lamina.layers.GRUCell(4))
        rnn(np.zeros((32, 10, 8), "float32")).shape    # (32, 4)
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
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        check_units(units)
        dropout = check_rate("dropout", dropout)
        recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.implementation = 1 if recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.reset_after = reset_after
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.state_size = units
        self.output_size = units

    def build(self, input_shape: Any) -> None:
        units = self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 3 * units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(units, 3 * units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            # reset_after: separate input and recurrent biases, one row each.
            self.bias = self.add_weight(
                shape=(2, 3 * units) if self.reset_after else (3 * units,),
                name="bias",
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _biases(self) -> tuple:
        if self.bias is None:
            return None, None
        if not self.reset_after:
            return self.bias, None
        return self.bias[0], self.bias[1]

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        nested = isinstance(states, (list, tuple))
        h_tm1 = ops.convert_to_tensor(states[0] if nested else states)
        units = self.units
        input_bias, recurrent_bias = self._biases()
        dropping = bool(training) and 0.0 < self.dropout < 1.0
        recurrent_dropping = bool(training) and 0.0 < self.recurrent_dropout < 1.0
        kernel_z, kernel_r, kernel_h = ops.split(self.kernel, 3, axis=1)
        recurrent_zr, recurrent_h = ops.split(self.recurrent_kernel, [2 * units], axis=1)

        if self.implementation == 1 and (dropping or recurrent_dropping):
            masks = self.get_dropout_mask(inputs) if dropping else None
            recurrent_masks = self.get_recurrent_dropout_mask(h_tm1) if recurrent_dropping else None
            x = [inputs * masks[k] if masks is not None else inputs for k in range(3)]
            h = [h_tm1 * recurrent_masks[k] if recurrent_masks is not None else h_tm1 for k in range(3)]
            x_z, x_r, x_h = (ops.matmul(x[k], kernel) for k, kernel in enumerate((kernel_z, kernel_r, kernel_h)))
            if input_bias is not None:
                b_z, b_r, b_h = ops.split(input_bias, 3, axis=0)
                x_z, x_r, x_h = x_z + b_z, x_r + b_r, x_h + b_h
            recurrent_z_kernel, recurrent_r_kernel = ops.split(recurrent_zr, 2, axis=1)
            rec_z = ops.matmul(h[0], recurrent_z_kernel)
            rec_r = ops.matmul(h[1], recurrent_r_kernel)
            h_for_candidate = h[2]
        else:
            if dropping:
                mask = self.get_dropout_mask(inputs)
                inputs = inputs * (mask[0] if isinstance(mask, list) else mask)
            matrix_x = ops.matmul(inputs, self.kernel)
            if input_bias is not None:
                matrix_x = ops.add(matrix_x, input_bias)
            x_z, x_r, x_h = ops.split(matrix_x, 3, axis=-1)
            rec_z, rec_r = ops.split(ops.matmul(h_tm1, recurrent_zr), 2, axis=-1)
            h_for_candidate = h_tm1

        if recurrent_bias is not None:
            rb_z, rb_r, rb_h = ops.split(recurrent_bias, 3, axis=0)
            rec_z, rec_r = rec_z + rb_z, rec_r + rb_r
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = ops.matmul(h_for_candidate, recurrent_h)
            if recurrent_bias is not None:
                rec_h = rec_h + rb_h
            rec_h = r * rec_h
        else:
            rec_h = ops.matmul(r * h_for_candidate, recurrent_h)
        candidate = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1.0 - z) * candidate
        return h, [h] if nested else h

    def get_initial_state(self, batch_size: Any = None) -> list:
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(_gru_config(self))
        config["seed"] = self.seed
        return config


def _gru_config(cell: GRUCell) -> dict:
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
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
        "reset_after": cell.reset_after,
    }


class GRU(RNN):
    """Gated Recurrent Unit layer (Cho et al., 2014).

    Args:
        units: positive int, dimensionality of the output.
        activation, recurrent_activation, use_bias, kernel_initializer,
            recurrent_initializer, bias_initializer, kernel_regularizer,
            recurrent_regularizer, bias_regularizer, kernel_constraint,
            recurrent_constraint, bias_constraint, dropout,
            recurrent_dropout, reset_after, seed: as in `GRUCell`.
        activity_regularizer: optional regularizer of the output.
        return_sequences, return_state, go_backwards, stateful, unroll,
            zero_output_for_mask: as in `RNN`.
        use_cudnn: "auto" or True: run the backend's fused kernel (torch's
            `torch.gru`, cuDNN on a GPU) where the layer allows it
            (`reset_after=True`, tanh and sigmoid activations, no mask, no
            dropout in the call, not unrolled); False: always the generic loop.

    Call arguments:
        sequences: a `(batch, time, features)` tensor.
        initial_state: optional list with the initial state `(batch, units)`.
        mask: optional boolean `(batch, time)` tensor.
        training: whether dropout applies.

    Example:
        ```python
        gru = lamina.layers.GRU(4, return_sequences=True, return_state=True)
        sequence, state = gru(np.random.random((32, 10, 8)).astype("float32"))
        sequence.shape, state.shape     # (32, 10, 4), (32, 4)
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
        reset_after: bool = True,
        use_cudnn: Any = "auto",
        **kwargs: Any,
    ) -> None:
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
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
            reset_after=reset_after,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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
    reset_after = cell_property("reset_after")

    def inner_loop(self, sequences: Any, initial_state: list, mask: Any, training: Any = False) -> tuple:
        if self.cell.reset_after and can_fuse(self, mask, training):
            cell = self.cell
            fused = self._backend.fused_gru(
                sequences,
                initial_state[0],
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
        config.update(_gru_config(self.cell))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        config["seed"] = self.cell.seed
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> GRU:
        return cls(**config)
