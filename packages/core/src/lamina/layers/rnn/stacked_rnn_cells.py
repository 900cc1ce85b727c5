"""`StackedRNNCells`: several RNN cells run as one, each feeding the next."""

from __future__ import annotations

from typing import Any

from lamina import ops, tree
from lamina.layers.layer import Layer


class StackedRNNCells(Layer):
    """Wraps a list of RNN cells so that they behave as a single cell.

    At each step the first cell reads the input, every other cell reads the
    output of the cell before it; the states are one entry per cell.

    Args:
        cells: list of RNN cells.

    Example:
        ```python
        cells = [lamina.layers.LSTMCell(8), lamina.layers.LSTMCell(4)]
        rnn = lamina.layers.RNN(lamina.layers.StackedRNNCells(cells))
        rnn(np.zeros((2, 5, 3), "float32")).shape    # (2, 4)
        ```
    """

    def __init__(self, cells: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError("`StackedRNNCells` needs at least one cell. Received: cells=[]")
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError(f"All cells must have a `call` method. Received a cell without one: {cell!r}")
            if "state_size" not in dir(cell):
                raise ValueError(f"All cells must have a `state_size` attribute. Received a cell without one: {cell!r}")
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> Any:
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size: Any = None) -> list:
        states = []
        for cell in self.cells:
            get_initial_state = getattr(cell, "get_initial_state", None)
            if get_initial_state is not None:
                cell_states = get_initial_state(batch_size=batch_size)
                # One state per int `state_size`, as `compute_output_shape` reports.
                if isinstance(cell.state_size, int) and tree.is_nested(cell_states) and len(cell_states) == 1:
                    cell_states = cell_states[0]
                states.append(cell_states)
            elif isinstance(cell.state_size, int):
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append([ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in cell.state_size])
        return states

    def build(self, input_shape: Any) -> None:
        batch_size = tree.flatten(input_shape)[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
            input_shape = (batch_size, _output_size(cell))

    def call(self, inputs: Any, states: list, training: Any = False) -> tuple:
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_nested = tree.is_nested(cell_states)
            cell_states = list(cell_states) if was_nested else [cell_states]
            kwargs = {}
            if not isinstance(cell, Layer) or cell._call_has_training:
                kwargs["training"] = training
            inputs, cell_states = (cell if callable(cell) else cell.call)(inputs, cell_states, **kwargs)
            if tree.is_nested(cell_states) and len(cell_states) == 1 and not was_nested:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def get_config(self) -> dict:
        from lamina.saving import serialize_keras_object

        config = super().get_config()
        config["cells"] = [serialize_keras_object(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> StackedRNNCells:
        from lamina.saving import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _output_size(cell: Any) -> Any:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    if isinstance(cell.state_size, (list, tuple)):
        return cell.state_size[0]
    return cell.state_size
