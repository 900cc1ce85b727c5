"""Linear algebra ops.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.linalg_ops`)."""

from lamina.backend.contract import LinalgOps
from lamina.ops.dispatch import make_op

_C = LinalgOps

cholesky = make_op(_C.cholesky, __name__)
cholesky_inverse = make_op(_C.cholesky_inverse, __name__)
det = make_op(_C.det, __name__)
eigh = make_op(_C.eigh, __name__)
inv = make_op(_C.inv, __name__)
lstsq = make_op(_C.lstsq, __name__)
matrix_rank = make_op(_C.matrix_rank, __name__)
norm = make_op(_C.norm, __name__)
pinv = make_op(_C.pinv, __name__)
qr = make_op(_C.qr, __name__)
solve = make_op(_C.solve, __name__)
solve_triangular = make_op(_C.solve_triangular, __name__)
svd = make_op(_C.svd, __name__)
