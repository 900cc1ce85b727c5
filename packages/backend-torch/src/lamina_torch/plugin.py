"""Entry point of the lamina-torch plugin: registers the backend lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register("torch", "lamina_torch.backend:TorchBackend", requires=("torch",))
