"""Core layers."""

from lamina.layers.core.dense import Dense as Dense
from lamina.layers.core.einsum_dense import EinsumDense as EinsumDense
from lamina.layers.core.embedding import Embedding as Embedding
from lamina.layers.core.identity import Identity as Identity
from lamina.layers.core.input_layer import Input as Input
from lamina.layers.core.input_layer import InputLayer as InputLayer
from lamina.layers.core.lambda_layer import Lambda as Lambda
from lamina.layers.core.masking import Masking as Masking
from lamina.layers.core.wrapper import Wrapper as Wrapper

__all__ = ["Dense", "EinsumDense", "Embedding", "Identity", "Input", "InputLayer", "Lambda", "Masking", "Wrapper"]
