"""The seam between the core and the backends.

The core talks to torch, jax and tensorflow only through the `Backend`
contract in `lamina.backend.contract`. This package holds that contract, the
registry of installed backends, backend selection and scopes, and the
backend-independent parts of variables and symbolic tensors.
"""

from lamina.backend.config import epsilon as epsilon
from lamina.backend.config import floatx as floatx
from lamina.backend.config import image_data_format as image_data_format
from lamina.backend.config import set_epsilon as set_epsilon
from lamina.backend.config import set_floatx as set_floatx
from lamina.backend.config import set_image_data_format as set_image_data_format
from lamina.backend.contract import Backend as Backend
from lamina.backend.dtypes import is_float as is_float_dtype
from lamina.backend.dtypes import is_int as is_int_dtype
from lamina.backend.dtypes import result_type as result_type
from lamina.backend.dtypes import standardize_dtype as standardize_dtype
from lamina.backend.naming import get_uid as get_uid
from lamina.backend.naming import name_scope as name_scope
from lamina.backend.registry import BackendNotInstalledError as BackendNotInstalledError
from lamina.backend.registry import get_backend as get_backend
from lamina.backend.registry import installed_backends as installed_backends
from lamina.backend.scopes import StatelessScope as StatelessScope
from lamina.backend.scopes import SymbolicScope as SymbolicScope
from lamina.backend.selection import active_name as backend
from lamina.backend.selection import set_backend as set_backend
from lamina.backend.state import backend_scope as backend_scope
from lamina.backend.state import current as current_backend
from lamina.backend.symbolic import KerasTensor as KerasTensor
from lamina.backend.symbolic import SymbolicTensor as SymbolicTensor
from lamina.backend.symbolic import is_symbolic as is_keras_tensor
from lamina.backend.variables import Variable as Variable

__all__ = [
    "epsilon",
    "floatx",
    "image_data_format",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "Backend",
    "result_type",
    "standardize_dtype",
    "name_scope",
    "BackendNotInstalledError",
    "get_backend",
    "installed_backends",
    "StatelessScope",
    "SymbolicScope",
    "backend",
    "set_backend",
    "backend_scope",
    "current_backend",
    "KerasTensor",
    "SymbolicTensor",
    "is_keras_tensor",
    "Variable",
    "clear_session",
    "get_uid",
    "is_float_dtype",
    "is_int_dtype",
]


def clear_session(free_memory: bool = True) -> None:
    """Resets generated layer names and global random state (see `lamina.utils.clear_session`)."""
    from lamina.utils.session import clear_session as _clear_session

    _clear_session(free_memory=free_memory)
