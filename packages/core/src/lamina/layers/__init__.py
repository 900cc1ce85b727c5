"""`lamina.layers`: the building blocks of models, as `keras.layers`."""

from lamina.layers.activations.activation import Activation as Activation
from lamina.layers.core.dense import Dense as Dense
from lamina.layers.core.identity import Identity as Identity
from lamina.layers.core.input_layer import Input as Input
from lamina.layers.core.input_layer import InputLayer as InputLayer
from lamina.layers.input_spec import InputSpec as InputSpec
from lamina.layers.layer import Layer as Layer
from lamina.layers.merging.concatenate import Concatenate as Concatenate
from lamina.layers.merging.elementwise import Add as Add
from lamina.layers.merging.elementwise import Average as Average
from lamina.layers.merging.elementwise import Maximum as Maximum
from lamina.layers.merging.elementwise import Minimum as Minimum
from lamina.layers.merging.elementwise import Multiply as Multiply
from lamina.layers.merging.elementwise import Subtract as Subtract
from lamina.layers.regularization.dropout import Dropout as Dropout
from lamina.layers.reshaping.flatten import Flatten as Flatten
from lamina.layers.reshaping.reshape import Reshape as Reshape

# -- core (EinsumDense, Embedding, Masking, Lambda) --
# -- convolutional --
# -- pooling --
# -- normalization --
# -- regularization (beyond Dropout) --
# -- attention --
# -- rnn --
# -- reshaping (beyond Flatten, Reshape) --
# -- merging (Dot) --
# -- activation layers --
# -- preprocessing --

__all__ = [
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Dense",
    "Dropout",
    "Flatten",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "Maximum",
    "Minimum",
    "Multiply",
    "Reshape",
    "Subtract",
]
