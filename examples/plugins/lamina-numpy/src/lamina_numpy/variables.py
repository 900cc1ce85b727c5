"""Variables on NumPy: the value is a `NumpyTensor`, replaced on assignment.

Values are private copies, so changing an array that was assigned (or one
read back with `variable.numpy()`) never changes the variable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend import Variable
from lamina_numpy.tensor import array, wrap


class NumpyVariable(Variable):
    """A Lamina Variable holding a NumPy array (as a `NumpyTensor`).

    Example:
        ```python
        import numpy as np

        import lamina

        lamina.config.set_backend("numpy")
        v = lamina.Variable(np.zeros(3, "float32"))
        v.assign_add(np.ones(3, "float32"))
        ```
    """

    def _initialize(self, value: Any) -> None:
        self._value = wrap(np.array(array(value)))

    def _direct_assign(self, value: Any) -> None:
        self._value = wrap(np.array(array(value, self._dtype)))
