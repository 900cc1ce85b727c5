"""Entry point of the lamina-tensorflow plugin: registers the backend and its exporters lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register("tensorflow", "lamina_tensorflow.backend:TensorFlowBackend", requires=("tensorflow",))


@hookimpl
def register_exporters(register: Callable) -> None:
    register(
        "tf_saved_model",
        "lamina_tensorflow.export:SavedModelExporter",
        backends=("tensorflow",),
        requires=("tensorflow",),
    )
    register(
        "tf2onnx",
        "lamina_tensorflow.export:Tf2OnnxExporter",
        backends=("tensorflow",),
        format="onnx",
        requires=("tensorflow", "tf2onnx", "onnx"),
        install="pip install tf2onnx onnx",
    )
