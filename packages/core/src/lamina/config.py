"""`lamina.config`: backend choice and global settings, as `keras.config`.

Example:
    ```python
    lamina.config.backend()              # "jax"
    lamina.config.set_backend("torch")   # new layers and ops use torch
    ```
"""

from lamina.backend.config import epsilon as epsilon
from lamina.backend.config import floatx as floatx
from lamina.backend.config import image_data_format as image_data_format
from lamina.backend.config import set_epsilon as set_epsilon
from lamina.backend.config import set_floatx as set_floatx
from lamina.backend.config import set_image_data_format as set_image_data_format
from lamina.backend.registry import installed_backends as installed_backends
from lamina.backend.selection import active_name as backend
from lamina.backend.selection import lamina_home as lamina_home
from lamina.backend.selection import set_backend as set_backend

__all__ = [
    "backend",
    "epsilon",
    "floatx",
    "image_data_format",
    "installed_backends",
    "lamina_home",
    "set_backend",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
