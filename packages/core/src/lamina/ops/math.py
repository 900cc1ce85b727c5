"""Math ops beyond NumPy: logsumexp, top_k, erf, ...

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.math_ops`)."""

from lamina.backend.contract import MathOps
from lamina.ops.dispatch import make_op

_C = MathOps

erf = make_op(_C.erf, __name__)
erfc = make_op(_C.erfc, __name__)
erfinv = make_op(_C.erfinv, __name__)
in_top_k = make_op(_C.in_top_k, __name__)
logdet = make_op(_C.logdet, __name__)
logsumexp = make_op(_C.logsumexp, __name__)
rsqrt = make_op(_C.rsqrt, __name__)
segment_max = make_op(_C.segment_max, __name__)
segment_sum = make_op(_C.segment_sum, __name__)
top_k = make_op(_C.top_k, __name__)
