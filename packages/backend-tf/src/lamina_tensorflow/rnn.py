"""An LSTM for TensorFlow graphs (`Backend.fused_lstm`): unrolled short sequences.

TensorFlow has no fast whole-sequence LSTM kernel on the CPU (measured:
`tf.raw_ops.BlockLSTM`, forward and gradient, is ~35 % slower than the graph
below for 50 steps of 128 units). The generic loop of the `LSTM` layer runs
as a `tf.while_loop`, which pays ~9 µs per iteration forward and backward in
TensorList bookkeeping. For a sequence of static length up to
`MAX_UNROLLED_STEPS`, inside a `tf.function`, this hook instead projects
the inputs of all time steps with one matmul and unrolls the recurrence in
the traced graph, as the hand-written loop in TensorFlow's own examples does:
~7 % faster per training step for 50 steps, at the price of a larger graph
(trace time grows with the length). Longer or dynamic sequences, eager calls
and XLA keep the layer's generic loop.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

# Longest sequence unrolled into the graph. Beyond it the graph (and the
# first step's trace time) grows for a vanishing per-step gain.
MAX_UNROLLED_STEPS = 100


def _can_unroll(sequences: tf.Tensor, tensors: list) -> bool:
    if tf.executing_eagerly() or not all(isinstance(t, tf.Tensor) for t in tensors):
        return False
    if not sequences.dtype.is_floating or any(t.dtype != sequences.dtype for t in tensors):
        return False
    steps = sequences.shape[1]
    return steps is not None and 0 < steps <= MAX_UNROLLED_STEPS


def fused_lstm(
    sequences: Any, h: Any, c: Any, kernel: Any, recurrent_kernel: Any, bias: Any, go_backwards: bool
) -> tuple | None:
    tensors = [sequences, h, c, kernel, recurrent_kernel] + ([] if bias is None else [bias])
    if not _can_unroll(sequences, tensors):
        return None
    features, gates = kernel.shape[0], kernel.shape[1]
    batch = tf.shape(sequences)[0]
    projected = tf.matmul(tf.reshape(sequences, (-1, features)), kernel)
    if bias is not None:
        projected = tf.nn.bias_add(projected, bias)
    projected = tf.reshape(projected, (batch, sequences.shape[1], gates))
    steps = tf.unstack(projected, axis=1)
    if go_backwards:
        steps = steps[::-1]
    outputs = []
    for step in steps:
        i, f, g, o = tf.split(step + tf.matmul(h, recurrent_kernel), 4, axis=-1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        outputs.append(h)
    return h, tf.stack(outputs, axis=1), [h, c]
