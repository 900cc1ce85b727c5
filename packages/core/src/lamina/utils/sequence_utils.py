"""`pad_sequences`: variable-length sequences to one 2D (or more) array."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["pad_sequences"]


def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Pads (or truncates) sequences to a common length, as `keras.utils.pad_sequences`.

    Args:
        sequences: A list of sequences (lists or arrays; items may themselves
            be arrays of one common shape).
        maxlen: The length to pad/truncate to; default the longest sequence.
        dtype: The dtype of the result (strings via `object`/`str` dtypes).
        padding: `"pre"` or `"post"`: pad before or after each sequence.
        truncating: `"pre"` or `"post"`: drop values from the start or the end
            of sequences longer than `maxlen`.
        value: The padding value.

    Returns:
        A NumPy array of shape `(len(sequences), maxlen) + item_shape`.

    Example:
        >>> lamina.utils.pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"`sequences` must be a list of sequences. Received: sequences={sequences!r}")
    if padding not in ("pre", "post"):
        raise ValueError(f'`padding` must be "pre" or "post". Received: padding={padding!r}')
    if truncating not in ("pre", "post"):
        raise ValueError(f'`truncating` must be "pre" or "post". Received: truncating={truncating!r}')
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0):
        raise ValueError(f"`maxlen` must be a non-negative integer or None. Received: maxlen={maxlen!r}")
    lengths = []
    item_shape: tuple = ()
    for index, sequence in enumerate(sequences):
        if not hasattr(sequence, "__len__"):
            raise ValueError(
                f"`sequences` must be a list of sequences; item {index} has no length. Received: {sequence!r}"
            )
        lengths.append(len(sequence))
        if len(sequence) and not item_shape:
            item_shape = np.asarray(sequence).shape[1:]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.issubdtype(np.dtype(dtype), np.object_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with a string padding `value` {value!r}. "
            "Use `dtype=object` (or a string dtype) for text sequences."
        )
    result = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if not len(sequence) or maxlen == 0:
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {index} is different from "
                f"expected shape {item_shape}. Give every item of every sequence the same shape."
            )
        if padding == "post":
            result[index, : len(kept)] = kept
        else:
            result[index, -len(kept) :] = kept
    return result
