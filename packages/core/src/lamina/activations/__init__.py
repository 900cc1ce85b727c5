"""`lamina.activations`: activation functions, as `keras.activations`."""

from __future__ import annotations

from typing import Any

from lamina.activations.activations import celu as celu
from lamina.activations.activations import elu as elu
from lamina.activations.activations import exponential as exponential
from lamina.activations.activations import gelu as gelu
from lamina.activations.activations import glu as glu
from lamina.activations.activations import hard_shrink as hard_shrink
from lamina.activations.activations import hard_sigmoid as hard_sigmoid
from lamina.activations.activations import hard_silu as hard_silu
from lamina.activations.activations import hard_swish as hard_swish
from lamina.activations.activations import hard_tanh as hard_tanh
from lamina.activations.activations import leaky_relu as leaky_relu
from lamina.activations.activations import linear as linear
from lamina.activations.activations import log_sigmoid as log_sigmoid
from lamina.activations.activations import log_softmax as log_softmax
from lamina.activations.activations import mish as mish
from lamina.activations.activations import relu as relu
from lamina.activations.activations import relu6 as relu6
from lamina.activations.activations import selu as selu
from lamina.activations.activations import sigmoid as sigmoid
from lamina.activations.activations import silu as silu
from lamina.activations.activations import soft_shrink as soft_shrink
from lamina.activations.activations import softmax as softmax
from lamina.activations.activations import softplus as softplus
from lamina.activations.activations import softsign as softsign
from lamina.activations.activations import sparse_plus as sparse_plus
from lamina.activations.activations import sparse_sigmoid as sparse_sigmoid
from lamina.activations.activations import sparsemax as sparsemax
from lamina.activations.activations import squareplus as squareplus
from lamina.activations.activations import swish as swish
from lamina.activations.activations import tanh as tanh
from lamina.activations.activations import tanh_shrink as tanh_shrink
from lamina.activations.activations import threshold as threshold

ALL_OBJECTS: dict[str, Any] = {
    fn.__name__: fn
    for fn in (
        elu,
        exponential,
        gelu,
        hard_sigmoid,
        hard_silu,
        leaky_relu,
        linear,
        log_sigmoid,
        log_softmax,
        mish,
        relu,
        relu6,
        selu,
        sigmoid,
        silu,
        softmax,
        softplus,
        softsign,
        tanh,
        celu,
        glu,
        hard_shrink,
        hard_tanh,
        soft_shrink,
        sparse_plus,
        sparse_sigmoid,
        sparsemax,
        squareplus,
        tanh_shrink,
        threshold,
    )
}
ALL_OBJECTS.update({"swish": silu, "hard_swish": hard_silu})
_NAMES = {fn: name for name, fn in ALL_OBJECTS.items() if fn.__name__ == name}

__all__ = sorted(ALL_OBJECTS) + ["get", "serialize", "deserialize"]


def get(identifier: Any) -> Any:
    """Returns the activation function named by `identifier` (None gives `linear`)."""
    if identifier is None:
        return linear
    from lamina.saving.lookup import resolve

    return resolve(identifier, ALL_OBJECTS, "activation", instantiate=False)


def serialize(activation: Any) -> Any:
    """Built-in activations serialize to their name; others to a config."""
    if activation in _NAMES:
        return _NAMES[activation]
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(activation)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    from lamina.saving.serialization import deserialize_keras_object

    return deserialize_keras_object(config, module_objects=ALL_OBJECTS, custom_objects=custom_objects)
