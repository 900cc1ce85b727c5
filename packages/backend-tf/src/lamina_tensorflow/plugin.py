"""Entry point of the lamina-tensorflow plugin: registers the backend lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register("tensorflow", "lamina_tensorflow.backend:TensorFlowBackend", requires=("tensorflow",))
