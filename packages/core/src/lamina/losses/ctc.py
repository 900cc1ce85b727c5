"""Connectionist Temporal Classification (CTC) loss."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.losses.loss import Loss, LossFunctionWrapper

# Stands for log(0) in the forward recursion: finite, so that no NaN appears.
_LOG_ZERO = -1e5


def _ctc_negative_log_likelihood(labels: Any, logits: Any, blank: int = 0) -> Any:
    """`-log p(labels | logits)` per sequence, by the CTC forward recursion in log space.

    `labels` (batch, max_label_length) holds class ids padded with `blank`
    (which is also the CTC blank); `logits` (batch, time, classes) are
    unnormalized. Every time step of `logits` counts.
    """
    log_probs = ops.log_softmax(logits, axis=-1)
    dtype = ops.dtype(log_probs)
    batch, _, _ = ops.shape(log_probs)
    max_length = ops.shape(labels)[1]
    label_lengths = ops.sum(ops.cast(ops.not_equal(labels, blank), "int32"), axis=-1)
    # The label sequence with blanks between and around the labels: length 2L + 1.
    states = 2 * max_length + 1
    interleaved = ops.reshape(ops.stack([ops.full_like(labels, blank), labels], axis=-1), (batch, 2 * max_length))
    extended = ops.concatenate([interleaved, ops.full_like(labels[:, :1], blank)], axis=1)
    # A state may skip the blank before it when it is a label that differs from the label two states back.
    previous_label = ops.concatenate([ops.full_like(extended[:, :2], blank), extended[:, :-2]], axis=1)
    can_skip = ops.logical_and(ops.not_equal(extended, blank), ops.not_equal(extended, previous_label))
    # log p(state's symbol) at every time step: (time, batch, states).
    emissions = ops.take_along_axis(
        log_probs, ops.broadcast_to(ops.expand_dims(extended, 1), (batch, ops.shape(log_probs)[1], states)), axis=2
    )
    emissions = ops.transpose(emissions, (1, 0, 2))
    log_zero = ops.full((batch, 1), _LOG_ZERO, dtype=dtype)
    first_states = ops.less(ops.expand_dims(ops.arange(states), 0), 2)
    initial = ops.where(first_states, emissions[0], ops.full((batch, states), _LOG_ZERO, dtype=dtype))

    def step(alpha: Any, emission: Any) -> tuple:
        shift_1 = ops.concatenate([log_zero, alpha[:, :-1]], axis=1)
        shift_2 = ops.concatenate([log_zero, log_zero, alpha[:, :-2]], axis=1)
        shift_2 = ops.where(can_skip, shift_2, ops.full_like(shift_2, _LOG_ZERO))
        alpha = ops.add(ops.logaddexp(ops.logaddexp(alpha, shift_1), shift_2), emission)
        return alpha, None

    final, _ = ops.scan(step, initial, emissions[1:])
    # The sequence ends on the last label or on the blank after it.
    last = ops.expand_dims(2 * label_lengths, -1)
    end_blank = ops.take_along_axis(final, last, axis=1)[:, 0]
    end_label = ops.take_along_axis(final, ops.maximum(last - 1, 0), axis=1)[:, 0]
    end_label = ops.where(ops.greater(label_lengths, 0), end_label, ops.full_like(end_label, _LOG_ZERO))
    return ops.negative(ops.logaddexp(end_blank, end_label))


def ctc(y_true: Any, y_pred: Any) -> Any:
    """CTC loss per sequence.

    Args:
        y_true: integer labels of shape `(batch_size, max_label_length)`,
            padded with 0 (class 0 is the CTC blank).
        y_pred: logits of shape `(batch_size, time_steps, num_classes)`.

    Returns:
        The negative log-likelihood of each label sequence, shape `(batch_size,)`.
    """
    if len(ops.shape(y_true)) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in integer "
            f"format. Received: y_true.shape={tuple(ops.shape(y_true))}"
        )
    if len(ops.shape(y_pred)) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, num_classes)`. "
            f"Received: y_pred.shape={tuple(ops.shape(y_pred))}"
        )
    y_pred = ops.convert_to_tensor(y_pred)
    if ops.dtype(y_pred) in ("float16", "bfloat16"):
        y_pred = ops.cast(y_pred, "float32")
    y_true = ops.cast(ops.convert_to_tensor(y_true), "int32")
    return _ctc_negative_log_likelihood(y_true, y_pred, blank=0)


class CTC(LossFunctionWrapper):
    """CTC loss: aligns unsegmented label sequences with per-step predictions.

    `y_true` holds integer labels `(batch_size, max_label_length)` padded
    with 0, the blank class; `y_pred` holds logits
    `(batch_size, time_steps, num_classes)`.

    Example:
        ```python
        model.compile(optimizer="adam", loss=lamina.losses.CTC())
        ```
    """

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "ctc", dtype: Any = None) -> None:
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)
