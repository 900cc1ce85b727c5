"""Entry point of the lamina-numpy plugin: registers the backend by import path.

Registration is cheap on purpose: nothing from `lamina_numpy.backend` is
imported until someone selects the backend (`LAMINA_BACKEND=numpy`,
`lamina.config.set_backend("numpy")`, `lamina conformance numpy`).
"""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register(
        "numpy",
        "lamina_numpy.backend:NumpyBackend",
        requires=("numpy",),
        install_hint="pip install lamina-numpy",
    )
