"""Image ops (resize, affine transforms, ...), as `keras.ops.image`.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.image_ops`).
"""

from lamina.backend.contract import ImageOps

_C = ImageOps
