"""Entry point of the lamina-jax plugin: registers the backend lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register("jax", "lamina_jax.backend:JaxBackend", requires=("jax",))
