"""`lamina.mixed_precision`: Keras's legacy mixed-precision names.

Example:
    ```python
    lamina.mixed_precision.set_global_policy("mixed_float16")
    lamina.mixed_precision.global_policy()  # <DTypePolicy "mixed_float16">
    ```
"""

from __future__ import annotations

from lamina.dtype_policies.dtype_policy import DTypePolicy as DTypePolicy
from lamina.dtype_policies.dtype_policy import DTypePolicy as Policy
from lamina.dtype_policies.dtype_policy import dtype_policy as dtype_policy
from lamina.dtype_policies.dtype_policy import dtype_policy as global_policy
from lamina.dtype_policies.dtype_policy import set_dtype_policy as set_dtype_policy
from lamina.dtype_policies.dtype_policy import set_dtype_policy as set_global_policy
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer as LossScaleOptimizer

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
