"""Image ops (resize, affine transforms, ...), as `keras.ops.image`.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.image_ops`).
"""

from lamina.backend.contract import ImageOps
from lamina.ops.dispatch import make_op

_C = ImageOps

affine_transform = make_op(_C.affine_transform, __name__)
map_coordinates = make_op(_C.map_coordinates, __name__)
resize = make_op(_C.resize, __name__)
