"""`rnn_loop`: iterates a step function over the time axis with `ops.scan`.

The recurrent layers (`RNN` and everything built on it) run their cells
through this one function. It works on batch-major sequences
`(batch, time, ...)`, handles masks the way Keras does (a masked step
keeps the previous states and repeats the previous output, or outputs
zeros), and supports going backwards and unrolling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina import ops, tree


def _time_major(x: Any) -> Any:
    return ops.swapaxes(x, 0, 1)


def _step_mask(mask: Any, like: Any) -> Any:
    """Reshapes a `(batch,)` mask so that it broadcasts against `like`."""
    rank = len(ops.shape(like))
    if rank <= 1:
        return mask
    return ops.reshape(mask, (-1,) + (1,) * (rank - 1))


def _same_structure(template: Any, values: Any) -> Any:
    """`values` packed like `template` (cells may return a tuple for a list)."""
    if not tree.is_nested(values):
        values = [values]
    return tree.pack_sequence_as(template, tree.flatten(values))


def normalize_mask(mask: Any) -> Any:
    """A boolean `(batch, time)` mask from a mask of rank 2 or more (or None).

    A step counts as masked when all entries beyond the time axis are false.
    """
    if mask is None:
        return None
    if tree.is_nested(mask):
        mask = tree.flatten(mask)[0]
        if mask is None:
            return None
    mask = ops.convert_to_tensor(mask)
    if ops.dtype(mask) != "bool":
        mask = ops.cast(mask, "bool")
    rank = len(ops.shape(mask))
    if rank > 2:
        mask = ops.any(mask, axis=tuple(range(2, rank)))
    return mask


def default_previous_output(states: list) -> Any:
    """The "previous output" a masked first step repeats: the first state.

    For stacked cells (nested states) it is the first state of the last
    cell, as in Keras.
    """
    first = states[0]
    if tree.is_nested(first):
        first = tree.flatten(states[-1])[0]
    return first


def rnn_loop(
    step_function: Callable,
    inputs: Any,
    initial_states: list,
    go_backwards: bool = False,
    mask: Any = None,
    unroll: bool = False,
    zero_output_for_mask: bool = False,
    initial_output: Any = None,
) -> tuple:
    """Runs `output, states = step_function(inputs_t, states)` for every step.

    Args:
        step_function: maps a step's input `(batch, ...)` and the states (a
            list, possibly nested) to `(output, new_states)`, with
            `new_states` of the same structure as the states.
        inputs: tensor (or structure of tensors) of shape `(batch, time, ...)`.
        initial_states: list of state tensors (possibly nested).
        go_backwards: process the sequence from the last step to the first;
            the returned `outputs` are in processing (reversed) order.
        mask: optional `(batch, time)` boolean mask; at a masked step the
            states stay unchanged and the output repeats the previous one
            (or is zero with `zero_output_for_mask`).
        unroll: unroll the loop (a Python loop or a fully unrolled scan).
        zero_output_for_mask: output zeros at masked steps.
        initial_output: the "previous output" before the first step (for
            masks); by default the first state (see `default_previous_output`).

    Returns:
        `(last_output, outputs, final_states)`, where `outputs` has shape
        `(batch, time, ...)`.

    Example:
        ```python
        def step(x_t, states):
            h = ops.tanh(x_t + states[0])
            return h, [h]

        last, outputs, states = rnn_loop(step, x, [ops.zeros((batch, features))])
        ```
    """
    sequence = tree.map_structure(_time_major, inputs)
    if go_backwards:
        sequence = tree.map_structure(lambda x: ops.flip(x, axis=0), sequence)
    initial_states = list(initial_states)
    scan_unroll = True if unroll else 1

    if mask is None:

        def step(states: list, x_t: Any) -> tuple:
            output, new_states = step_function(x_t, states)
            return _same_structure(states, new_states), output

        final_states, outputs = ops.scan(step, initial_states, sequence, unroll=scan_unroll)
    else:
        mask = _time_major(normalize_mask(mask))
        if go_backwards:
            mask = ops.flip(mask, axis=0)
        if initial_output is None:
            initial_output = default_previous_output(initial_states)

        def masked_step(carry: tuple, x: tuple) -> tuple:
            states, previous_output = carry
            x_t, mask_t = x
            output, new_states = step_function(x_t, states)
            new_states = tree.map_structure(
                lambda new, old: ops.where(_step_mask(mask_t, new), new, old),
                _same_structure(states, new_states),
                states,
            )
            fallback = ops.zeros_like(output) if zero_output_for_mask else previous_output
            output = ops.where(_step_mask(mask_t, output), output, fallback)
            return (new_states, output), output

        (final_states, _), outputs = ops.scan(
            masked_step, (initial_states, initial_output), (sequence, mask), unroll=scan_unroll
        )
    last_output = outputs[-1]
    return last_output, _time_major(outputs), list(final_states)
