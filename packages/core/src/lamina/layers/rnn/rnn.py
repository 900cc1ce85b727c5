"""`RNN`: runs a recurrent cell over the time axis of a sequence."""

from __future__ import annotations

from typing import Any

from lamina import ops, tree
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer
from lamina.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from lamina.layers.rnn.rnn_loop import default_previous_output, normalize_mask, rnn_loop
from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells


class _StateVariables:
    """Holds a stateful RNN's state variables outside the tracked attributes.

    As in Keras, these variables are not weights: `get_weights`, saved
    weight files and the optimizer never see them.
    """

    __slots__ = ("variables",)

    def __init__(self) -> None:
        self.variables: Any = None


def cell_property(name: str) -> property:
    """A read-only property forwarding `name` to `self.cell`."""
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


class RNN(Layer):
    """Base class for recurrent layers: applies a cell to every time step.

    Args:
        cell: an RNN cell (a layer with `state_size`, optionally `output_size`
            and `get_initial_state(batch_size)`, and
            `call(inputs, states, training=None)` returning
            `(output, new_states)`), or a list of cells (stacked with
            `StackedRNNCells`).
        return_sequences: return the output of every step
            `(batch, time, output_size)` instead of the last one.
        return_state: also return the final states (`[output, *states]`).
        go_backwards: process the sequence backwards and return the
            reversed sequence.
        stateful: reuse the final states of a batch as the initial states
            of the next (needs a fixed batch size; see `reset_state`).
        unroll: unroll the loop (faster for short sequences, more memory).
        zero_output_for_mask: output zeros at masked steps (with
            `return_sequences`) instead of repeating the previous output.

    Call arguments:
        sequences: a tensor of shape `(batch, time, features)`.
        initial_state: optional list of initial state tensors.
        mask: optional boolean `(batch, time)` tensor; masked steps keep the
            states and repeat the previous output.
        training: passed to the cell (dropout).

    Example:
        ```python
        class MinimalCell(lamina.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.state_size = units

            def build(self, input_shape):
                self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
                self.recurrent_kernel = self.add_weight(shape=(self.units, self.units))

            def call(self, inputs, states):
                h = ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
                return h, [h]

        outputs = lamina.layers.RNN(MinimalCell(32))(lamina.Input((None, 5)))   # (None, 32)
        ```
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell!r}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (an integer, or a list of integers, "
                f"one per state tensor). Received: cell={cell!r}"
            )
        if not isinstance(state_size, (int, list, tuple)):
            raise ValueError(
                "The RNN cell's `state_size` must be an integer or a list/tuple of integers "
                f"(one per state tensor). Received: state_size={state_size!r}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)
        self._state_variables = _StateVariables()
        self._expected_batch_size: int | None = None

    # -- states ----------------------------------------------------------------
    @property
    def states(self) -> Any:
        """The state variables of a stateful layer (None otherwise or before build)."""
        return self._state_variables.variables

    def get_initial_state(self, batch_size: Any) -> list:
        """Zero states for a batch (or the cell's own `get_initial_state`)."""
        get_initial_state = getattr(self.cell, "get_initial_state", None)
        if get_initial_state is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [ops.zeros((batch_size, size), dtype=dtype) for size in self.state_size]
        states = get_initial_state(batch_size=batch_size)
        return list(states) if tree.is_nested(states) else [states]

    def _extra_state_variables(self) -> list:
        # Stateful RNN states: carried by compiled steps, not saved as weights.
        return tree.flatten(self.states) if self.states is not None else []

    def _create_state_variables(self, batch_size: int) -> None:
        def make(value: Any) -> Any:
            return self._backend.Variable(
                initializer="zeros",
                shape=tuple(ops.shape(value)),
                dtype=self.variable_dtype,
                trainable=False,
                name="rnn_state",
            )

        self._state_variables.variables = tree.map_structure(make, self.get_initial_state(batch_size))
        self._expected_batch_size = batch_size

    def reset_state(self) -> None:
        """Sets the states of a stateful layer back to zeros."""
        if self.states is not None:
            for variable in tree.flatten(self.states):
                variable.assign(ops.zeros_like(variable.value))

    def reset_states(self) -> None:
        """Alias of `reset_state`."""
        self.reset_state()

    # -- building and shapes -----------------------------------------------------
    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        f"Layer '{self.name}' is stateful (`stateful=True`), which needs a fixed batch size, "
                        f"but the inputs have a dynamic batch size: shape={tuple(sequences_shape)}. Pass "
                        "`batch_size=...` to `lamina.Input` (or `batch_shape=`) for the model's first layer."
                    )
                self._create_state_variables(int(sequences_shape[0]))

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape: list = []
        for size in self.state_size:
            if isinstance(size, (list, tuple)):
                states_shape.append([(batch_size, s) for s in size])
            else:
                states_shape.append((batch_size, size))
        output_size = self._output_size()
        output_shape = (batch_size, length, output_size) if self.return_sequences else (batch_size, output_size)
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def _output_size(self) -> int:
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
            if isinstance(output_size, (list, tuple)):
                output_size = output_size[0]
        if not isinstance(output_size, int):
            raise ValueError(f"The cell's `output_size` must be an integer. Received: output_size={output_size!r}")
        return output_size

    def _check_unroll(self, timesteps: Any) -> None:
        if self.unroll and not isinstance(timesteps, int):
            raise ValueError(
                f"Layer '{self.name}' cannot unroll (`unroll=True`) a sequence whose number of time steps is "
                "unknown. Give the time dimension in the model's `Input` (e.g. `Input((10, 8))`) or use "
                "`unroll=False`."
            )

    def compute_output_spec(
        self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None
    ) -> Any:
        self._check_unroll(sequences.shape[1])
        shapes = self.compute_output_shape(tuple(sequences.shape))

        def spec(shape: Any) -> Any:
            if isinstance(shape, list):
                return [spec(s) for s in shape]
            return SymbolicTensor(shape, self.compute_dtype)

        if self.return_state:
            return tuple(spec(s) for s in shapes)
        return spec(shapes)

    def compute_mask(self, inputs: Any, mask: Any) -> Any:
        mask = tree.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            # One entry per returned tensor (stacked cells return nested states).
            return [output_mask] + [None for _ in tree.flatten(self.state_size)]
        return output_mask

    # -- calling -----------------------------------------------------------------
    def inner_loop(self, sequences: Any, initial_state: list, mask: Any, training: Any = False) -> tuple:
        """Runs the cell over the sequence; returns `(last_output, outputs, states)`."""
        cell = self.cell
        cell_kwargs = {}
        if not isinstance(cell, Layer) or cell._call_has_training:
            cell_kwargs["training"] = training
        call_cell = cell if callable(cell) else cell.call

        def step(inputs: Any, states: list) -> tuple:
            output, new_states = call_cell(inputs, states, **cell_kwargs)
            return output, new_states

        initial_output = None
        if mask is not None:
            initial_output = default_previous_output(initial_state)
            output_size = getattr(cell, "output_size", None)
            shape = ops.shape(initial_output)
            if isinstance(output_size, int) and (len(shape) != 2 or shape[-1] != output_size):
                initial_output = ops.zeros((ops.shape(sequences)[0], output_size), dtype=self.compute_dtype)
        return rnn_loop(
            step,
            sequences,
            initial_state,
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            zero_output_for_mask=self.zero_output_for_mask,
            initial_output=initial_output,
        )

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False) -> Any:
        self._check_unroll(ops.shape(sequences)[1])
        batch_size = ops.shape(sequences)[0]
        if initial_state is None:
            if self.stateful:
                # A copy, so that assigning the new states cannot alter tensors
                # the gradient computation still needs.
                initial_state = tree.map_structure(lambda v: ops.copy(v.value), self.states)
            else:
                initial_state = self.get_initial_state(batch_size)
        if self.stateful and isinstance(batch_size, int) and batch_size != self._expected_batch_size:
            raise ValueError(
                f"Layer '{self.name}' is stateful, so the batch size of its inputs must stay the batch size of "
                f"its states. Expected batch size: {self._expected_batch_size}. Received: {batch_size}."
            )
        if not tree.is_nested(initial_state):
            initial_state = [initial_state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = tree.map_structure(lambda s: ops.convert_to_tensor(s, dtype=dtype), list(initial_state))
        mask = normalize_mask(mask)

        if training:
            _prepare_dropout_masks(self.cell, sequences[:, 0], initial_state)
        try:
            last_output, outputs, states = self.inner_loop(sequences, initial_state, mask, training=training)
        finally:
            _reset_dropout_masks(self.cell)
        last_output = ops.cast(last_output, self.compute_dtype)
        outputs = ops.cast(outputs, self.compute_dtype)
        states = tree.map_structure(lambda s: ops.cast(s, self.compute_dtype), states)

        if self.stateful:
            for variable, value in zip(tree.flatten(self.states), tree.flatten(states)):
                variable.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    # -- configuration -------------------------------------------------------------
    def _rnn_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "go_backwards": self.go_backwards,
                "stateful": self.stateful,
                "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask,
            }
        )
        return config

    def get_config(self) -> dict:
        from lamina.saving import serialize_keras_object

        config = self._rnn_config()
        config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> RNN:
        from lamina.saving import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


def _prepare_dropout_masks(cell: Any, step_input: Any, states: Any) -> None:
    """Draws the cells' dropout masks before the loop (none are drawn inside it)."""
    if isinstance(cell, DropoutRNNCell):
        state = states[0] if isinstance(states, (list, tuple)) else states
        cell.get_dropout_mask(step_input)
        cell.get_recurrent_dropout_mask(state)
    if isinstance(cell, StackedRNNCells):
        batch_size = ops.shape(step_input)[0]
        for inner, inner_states in zip(cell.cells, states):
            inner_states = list(inner_states) if tree.is_nested(inner_states) else [inner_states]
            _prepare_dropout_masks(inner, step_input, inner_states)
            # The next cell's input has the shape of this cell's output.
            size = getattr(inner, "output_size", None)
            if isinstance(size, int):
                step_input = ops.zeros((batch_size, size), dtype=ops.dtype(step_input))
            else:
                step_input, _ = (inner if callable(inner) else inner.call)(step_input, inner_states)


def _reset_dropout_masks(cell: Any) -> None:
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        for inner in cell.cells:
            _reset_dropout_masks(inner)
