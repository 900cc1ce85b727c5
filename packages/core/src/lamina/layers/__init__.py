"""`lamina.layers`: the building blocks of models, as `keras.layers`."""

from lamina.layers.activations.activation import Activation as Activation
from lamina.layers.activations.elu import ELU as ELU
from lamina.layers.activations.leaky_relu import LeakyReLU as LeakyReLU
from lamina.layers.activations.prelu import PReLU as PReLU
from lamina.layers.activations.relu import ReLU as ReLU
from lamina.layers.activations.softmax import Softmax as Softmax
from lamina.layers.attention.additive_attention import AdditiveAttention as AdditiveAttention
from lamina.layers.attention.attention import Attention as Attention
from lamina.layers.attention.grouped_query_attention import GroupedQueryAttention as GroupedQueryAttention
from lamina.layers.attention.grouped_query_attention import GroupQueryAttention as GroupQueryAttention
from lamina.layers.attention.multi_head_attention import MultiHeadAttention as MultiHeadAttention
from lamina.layers.core.dense import Dense as Dense
from lamina.layers.core.einsum_dense import EinsumDense as EinsumDense
from lamina.layers.core.embedding import Embedding as Embedding
from lamina.layers.core.identity import Identity as Identity
from lamina.layers.core.input_layer import Input as Input
from lamina.layers.core.input_layer import InputLayer as InputLayer
from lamina.layers.core.lambda_layer import Lambda as Lambda
from lamina.layers.core.masking import Masking as Masking
from lamina.layers.input_spec import InputSpec as InputSpec
from lamina.layers.layer import Layer as Layer
from lamina.layers.merging.concatenate import Concatenate as Concatenate
from lamina.layers.merging.dot import Dot as Dot
from lamina.layers.merging.elementwise import Add as Add
from lamina.layers.merging.elementwise import Average as Average
from lamina.layers.merging.elementwise import Maximum as Maximum
from lamina.layers.merging.elementwise import Minimum as Minimum
from lamina.layers.merging.elementwise import Multiply as Multiply
from lamina.layers.merging.elementwise import Subtract as Subtract
from lamina.layers.normalization.batch_normalization import BatchNormalization as BatchNormalization
from lamina.layers.normalization.group_normalization import GroupNormalization as GroupNormalization
from lamina.layers.normalization.layer_normalization import LayerNormalization as LayerNormalization
from lamina.layers.normalization.rms_normalization import RMSNormalization as RMSNormalization
from lamina.layers.normalization.unit_normalization import UnitNormalization as UnitNormalization
from lamina.layers.regularization.activity_regularization import ActivityRegularization as ActivityRegularization
from lamina.layers.regularization.alpha_dropout import AlphaDropout as AlphaDropout
from lamina.layers.regularization.dropout import Dropout as Dropout
from lamina.layers.regularization.gaussian_dropout import GaussianDropout as GaussianDropout
from lamina.layers.regularization.gaussian_noise import GaussianNoise as GaussianNoise
from lamina.layers.regularization.spatial_dropout import SpatialDropout1D as SpatialDropout1D
from lamina.layers.regularization.spatial_dropout import SpatialDropout2D as SpatialDropout2D
from lamina.layers.regularization.spatial_dropout import SpatialDropout3D as SpatialDropout3D
from lamina.layers.reshaping.flatten import Flatten as Flatten
from lamina.layers.reshaping.permute import Permute as Permute
from lamina.layers.reshaping.repeat_vector import RepeatVector as RepeatVector
from lamina.layers.reshaping.reshape import Reshape as Reshape

__all__ = [
    "Activation",
    "ActivityRegularization",
    "Add",
    "AdditiveAttention",
    "AlphaDropout",
    "Attention",
    "Average",
    "BatchNormalization",
    "Concatenate",
    "Dense",
    "Dot",
    "Dropout",
    "EinsumDense",
    "ELU",
    "Embedding",
    "Flatten",
    "GaussianDropout",
    "GaussianNoise",
    "GroupedQueryAttention",
    "GroupNormalization",
    "GroupQueryAttention",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "Masking",
    "Maximum",
    "Minimum",
    "MultiHeadAttention",
    "Multiply",
    "Permute",
    "PReLU",
    "ReLU",
    "RepeatVector",
    "Reshape",
    "RMSNormalization",
    "Softmax",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "Subtract",
    "UnitNormalization",
]
