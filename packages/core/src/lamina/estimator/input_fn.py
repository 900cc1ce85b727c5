"""Calling an `input_fn` and turning what it returns into `fit` arguments."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


class ModeKeys:
    """The mode an `input_fn` is called for (its optional `mode` argument), as in TensorFlow."""

    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


def call_input_fn(input_fn: Callable, mode: str, params: dict, config: Any) -> Any:
    """Calls `input_fn`, passing `mode`, `params` and `config` if it takes them."""
    if not callable(input_fn):
        raise TypeError(
            f"`input_fn` must be a function returning the data. Received: {input_fn!r}. "
            "Wrap the data: `input_fn=lambda: (x, y)`."
        )
    try:
        parameters = inspect.signature(input_fn).parameters
    except (TypeError, ValueError):
        parameters = {}
    available = {"mode": mode, "params": params, "config": config}
    kwargs = {name: value for name, value in available.items() if name in parameters}
    return input_fn(**kwargs)


def _is_stream(data: Any) -> bool:
    """A dataset or iterator, which yields its own batches (features, labels)."""
    if isinstance(data, (tuple, list, dict)):
        return False
    if hasattr(data, "__array__") or hasattr(data, "to_numpy"):
        return False
    return hasattr(data, "__iter__") or hasattr(data, "__next__")


def split_data(data: Any) -> tuple[Any, Any, Any]:
    """`(x, y, sample_weight)` for `fit`/`evaluate` from an input_fn's result.

    A tuple of two or three items is `(features, labels[, sample_weights])`;
    a dataset, generator or other iterable yields its own batches; anything
    else (an array, a list or dict of arrays) is features without labels.
    """
    if isinstance(data, tuple) and len(data) in (2, 3) and not _is_stream(data[0]):
        return data[0], data[1], data[2] if len(data) == 3 else None
    return data, None, None


def features_of(data: Any) -> Any:
    """The features in an input_fn's result for prediction (labels dropped)."""
    x, _, _ = split_data(data)
    return x
