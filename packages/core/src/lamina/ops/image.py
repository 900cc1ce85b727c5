"""Image ops (resize, affine transforms, ...), as `keras.ops.image`.

Each function dispatches to the active backend; on symbolic tensors it
infers the output shape instead. Documentation lives in the contract
(`lamina.backend.contract.image_ops`).
"""

from lamina.backend.contract import ImageOps
from lamina.ops.dispatch import make_op

_C = ImageOps

affine_transform = make_op(_C.affine_transform, __name__)
crop_images = make_op(_C.crop_images, __name__)
hsv_to_rgb = make_op(_C.hsv_to_rgb, __name__)
map_coordinates = make_op(_C.map_coordinates, __name__)
pad_images = make_op(_C.pad_images, __name__)
resize = make_op(_C.resize, __name__)
rgb_to_grayscale = make_op(_C.rgb_to_grayscale, __name__)
rgb_to_hsv = make_op(_C.rgb_to_hsv, __name__)
