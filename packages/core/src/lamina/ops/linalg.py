"""Linear algebra ops.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.linalg_ops`)."""

from lamina.backend.contract import LinalgOps
from lamina.ops.dispatch import make_op

_C = LinalgOps

cholesky = make_op(_C.cholesky, __name__)
det = make_op(_C.det, __name__)
inv = make_op(_C.inv, __name__)
norm = make_op(_C.norm, __name__)
solve = make_op(_C.solve, __name__)
