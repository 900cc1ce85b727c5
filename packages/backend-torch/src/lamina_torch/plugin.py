"""Entry point of the lamina-torch plugin: registers the backend and its exporters lazily."""

from collections.abc import Callable

from lamina.plugins import hookimpl


@hookimpl
def register_backends(register: Callable) -> None:
    register("torch", "lamina_torch.backend:TorchBackend", requires=("torch",))


@hookimpl
def register_exporters(register: Callable) -> None:
    register("torch", "lamina_torch.export:TorchExportExporter", backends=("torch",), requires=("torch",))
    register(
        "onnx",
        "lamina_torch.export:TorchOnnxExporter",
        backends=("torch",),
        requires=("torch", "onnx", "onnxscript"),
        install="pip install onnx onnxscript",
    )
