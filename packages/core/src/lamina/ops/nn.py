"""Neural-network ops: activations, softmax, one-hot, cross-entropies, convolutions, pooling.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.nn_ops`)."""

from lamina.backend.contract import NNOps
from lamina.ops.dispatch import make_op

_C = NNOps

average_pool = make_op(_C.average_pool, __name__)
batch_normalization = make_op(_C.batch_normalization, __name__)
binary_crossentropy = make_op(_C.binary_crossentropy, __name__)
categorical_crossentropy = make_op(_C.categorical_crossentropy, __name__)
celu = make_op(_C.celu, __name__)
conv = make_op(_C.conv, __name__)
conv_transpose = make_op(_C.conv_transpose, __name__)
depth_to_space = make_op(_C.depth_to_space, __name__)
depthwise_conv = make_op(_C.depthwise_conv, __name__)
dot_product_attention = make_op(_C.dot_product_attention, __name__)
elu = make_op(_C.elu, __name__)
gelu = make_op(_C.gelu, __name__)
glu = make_op(_C.glu, __name__)
hard_shrink = make_op(_C.hard_shrink, __name__)
hard_sigmoid = make_op(_C.hard_sigmoid, __name__)
hard_silu = make_op(_C.hard_silu, __name__)
hard_swish = make_op(_C.hard_swish, __name__)
hard_tanh = make_op(_C.hard_tanh, __name__)
layer_normalization = make_op(_C.layer_normalization, __name__)
leaky_relu = make_op(_C.leaky_relu, __name__)
log_sigmoid = make_op(_C.log_sigmoid, __name__)
log_softmax = make_op(_C.log_softmax, __name__)
max_pool = make_op(_C.max_pool, __name__)
moments = make_op(_C.moments, __name__)
multi_hot = make_op(_C.multi_hot, __name__)
normalize = make_op(_C.normalize, __name__)
one_hot = make_op(_C.one_hot, __name__)
psnr = make_op(_C.psnr, __name__)
relu = make_op(_C.relu, __name__)
relu6 = make_op(_C.relu6, __name__)
rms_normalization = make_op(_C.rms_normalization, __name__)
selu = make_op(_C.selu, __name__)
separable_conv = make_op(_C.separable_conv, __name__)
sigmoid = make_op(_C.sigmoid, __name__)
silu = make_op(_C.silu, __name__)
soft_shrink = make_op(_C.soft_shrink, __name__)
softmax = make_op(_C.softmax, __name__)
softplus = make_op(_C.softplus, __name__)
softsign = make_op(_C.softsign, __name__)
space_to_depth = make_op(_C.space_to_depth, __name__)
sparse_categorical_crossentropy = make_op(_C.sparse_categorical_crossentropy, __name__)
sparse_plus = make_op(_C.sparse_plus, __name__)
sparse_sigmoid = make_op(_C.sparse_sigmoid, __name__)
sparsemax = make_op(_C.sparsemax, __name__)
squareplus = make_op(_C.squareplus, __name__)
swish = make_op(_C.swish, __name__)
tanh_shrink = make_op(_C.tanh_shrink, __name__)
threshold = make_op(_C.threshold, __name__)
