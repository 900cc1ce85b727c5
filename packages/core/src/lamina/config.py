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
from lamina.dtype_policies.dtype_policy import dtype_policy as dtype_policy
from lamina.dtype_policies.dtype_policy import set_dtype_policy as set_dtype_policy
from lamina.saving.serialization import enable_unsafe_deserialization as enable_unsafe_deserialization
from lamina.trainers.run_limits import max_epochs as max_epochs
from lamina.trainers.run_limits import max_steps_per_epoch as max_steps_per_epoch
from lamina.trainers.run_limits import set_max_epochs as set_max_epochs
from lamina.trainers.run_limits import set_max_steps_per_epoch as set_max_steps_per_epoch
from lamina.utils.io_utils import disable_interactive_logging as disable_interactive_logging
from lamina.utils.io_utils import enable_interactive_logging as enable_interactive_logging
from lamina.utils.io_utils import is_interactive_logging_enabled as is_interactive_logging_enabled
from lamina.utils.traceback_utils import disable_traceback_filtering as disable_traceback_filtering
from lamina.utils.traceback_utils import enable_traceback_filtering as enable_traceback_filtering
from lamina.utils.traceback_utils import is_traceback_filtering_enabled as is_traceback_filtering_enabled

__all__ = [
    "backend",
    "dtype_policy",
    "epsilon",
    "floatx",
    "image_data_format",
    "installed_backends",
    "lamina_home",
    "set_backend",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "is_interactive_logging_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]
