"""Entry point of the lamina-jax plugin: registers the backend and its exporters lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register("jax", "lamina_jax.backend:JaxBackend", requires=("jax",))


@hookimpl
def register_exporters(register: Callable) -> None:
    register("jax", "lamina_jax.export:JaxExportExporter", backends=("jax",), requires=("jax",))
    register(
        "jax2tf",
        "lamina_jax.export:Jax2TfSavedModelExporter",
        backends=("jax",),
        format="tf_saved_model",
        requires=("jax", "tensorflow"),
        install='pip install "lamina[tensorflow]"',
    )
