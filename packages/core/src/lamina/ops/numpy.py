"""NumPy-like ops: creation, element-wise math, reductions, products, shapes.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.numpy_ops`)."""

from lamina.backend.contract import NumpyOps
from lamina.ops.dispatch import make_op

_C = NumpyOps

abs = make_op(_C.abs, __name__)
absolute = make_op(_C.absolute, __name__)
add = make_op(_C.add, __name__)
all = make_op(_C.all, __name__)
amax = make_op(_C.amax, __name__)
amin = make_op(_C.amin, __name__)
any = make_op(_C.any, __name__)
arange = make_op(_C.arange, __name__)
arccos = make_op(_C.arccos, __name__)
arccosh = make_op(_C.arccosh, __name__)
arcsin = make_op(_C.arcsin, __name__)
arcsinh = make_op(_C.arcsinh, __name__)
arctan = make_op(_C.arctan, __name__)
arctan2 = make_op(_C.arctan2, __name__)
arctanh = make_op(_C.arctanh, __name__)
argmax = make_op(_C.argmax, __name__)
argmin = make_op(_C.argmin, __name__)
argsort = make_op(_C.argsort, __name__)
broadcast_to = make_op(_C.broadcast_to, __name__)
ceil = make_op(_C.ceil, __name__)
clip = make_op(_C.clip, __name__)
concatenate = make_op(_C.concatenate, __name__)
copy = make_op(_C.copy, __name__)
cos = make_op(_C.cos, __name__)
cosh = make_op(_C.cosh, __name__)
count_nonzero = make_op(_C.count_nonzero, __name__)
cumprod = make_op(_C.cumprod, __name__)
cumsum = make_op(_C.cumsum, __name__)
diagonal = make_op(_C.diagonal, __name__)
divide = make_op(_C.divide, __name__)
dot = make_op(_C.dot, __name__)
einsum = make_op(_C.einsum, __name__)
equal = make_op(_C.equal, __name__)
exp = make_op(_C.exp, __name__)
expand_dims = make_op(_C.expand_dims, __name__)
expm1 = make_op(_C.expm1, __name__)
eye = make_op(_C.eye, __name__)
flip = make_op(_C.flip, __name__)
floor = make_op(_C.floor, __name__)
floor_divide = make_op(_C.floor_divide, __name__)
full = make_op(_C.full, __name__)
full_like = make_op(_C.full_like, __name__)
greater = make_op(_C.greater, __name__)
greater_equal = make_op(_C.greater_equal, __name__)
identity = make_op(_C.identity, __name__)
isfinite = make_op(_C.isfinite, __name__)
isinf = make_op(_C.isinf, __name__)
isnan = make_op(_C.isnan, __name__)
less = make_op(_C.less, __name__)
less_equal = make_op(_C.less_equal, __name__)
linspace = make_op(_C.linspace, __name__)
log = make_op(_C.log, __name__)
log10 = make_op(_C.log10, __name__)
log1p = make_op(_C.log1p, __name__)
log2 = make_op(_C.log2, __name__)
logaddexp = make_op(_C.logaddexp, __name__)
logical_and = make_op(_C.logical_and, __name__)
logical_not = make_op(_C.logical_not, __name__)
logical_or = make_op(_C.logical_or, __name__)
logical_xor = make_op(_C.logical_xor, __name__)
matmul = make_op(_C.matmul, __name__)
max = make_op(_C.max, __name__)
maximum = make_op(_C.maximum, __name__)
mean = make_op(_C.mean, __name__)
min = make_op(_C.min, __name__)
minimum = make_op(_C.minimum, __name__)
mod = make_op(_C.mod, __name__)
moveaxis = make_op(_C.moveaxis, __name__)
multiply = make_op(_C.multiply, __name__)
nan_to_num = make_op(_C.nan_to_num, __name__)
negative = make_op(_C.negative, __name__)
not_equal = make_op(_C.not_equal, __name__)
ones = make_op(_C.ones, __name__)
ones_like = make_op(_C.ones_like, __name__)
outer = make_op(_C.outer, __name__)
pad = make_op(_C.pad, __name__)
power = make_op(_C.power, __name__)
prod = make_op(_C.prod, __name__)
ravel = make_op(_C.ravel, __name__)
reciprocal = make_op(_C.reciprocal, __name__)
repeat = make_op(_C.repeat, __name__)
reshape = make_op(_C.reshape, __name__)
roll = make_op(_C.roll, __name__)
round = make_op(_C.round, __name__)
sign = make_op(_C.sign, __name__)
sin = make_op(_C.sin, __name__)
sinh = make_op(_C.sinh, __name__)
sort = make_op(_C.sort, __name__)
split = make_op(_C.split, __name__)
sqrt = make_op(_C.sqrt, __name__)
square = make_op(_C.square, __name__)
squeeze = make_op(_C.squeeze, __name__)
stack = make_op(_C.stack, __name__)
std = make_op(_C.std, __name__)
subtract = make_op(_C.subtract, __name__)
sum = make_op(_C.sum, __name__)
swapaxes = make_op(_C.swapaxes, __name__)
take = make_op(_C.take, __name__)
take_along_axis = make_op(_C.take_along_axis, __name__)
tan = make_op(_C.tan, __name__)
tanh = make_op(_C.tanh, __name__)
tensordot = make_op(_C.tensordot, __name__)
tile = make_op(_C.tile, __name__)
trace = make_op(_C.trace, __name__)
transpose = make_op(_C.transpose, __name__)
tril = make_op(_C.tril, __name__)
triu = make_op(_C.triu, __name__)
true_divide = make_op(_C.true_divide, __name__)
var = make_op(_C.var, __name__)
where = make_op(_C.where, __name__)
zeros = make_op(_C.zeros, __name__)
zeros_like = make_op(_C.zeros_like, __name__)


def ndim(x):
    """Returns the number of dimensions of `x` (works on symbolic tensors)."""
    return len(_shape_of(x))


def size(x):
    """Returns the number of elements of `x` (None if a dimension is unknown)."""
    total = 1
    for dim in _shape_of(x):
        if dim is None:
            return None
        total *= dim
    return total


def _shape_of(x):
    from lamina.ops.core import shape

    return shape(x)
