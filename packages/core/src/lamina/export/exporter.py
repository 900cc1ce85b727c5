"""`Exporter`: what an exporter plugin implements."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from lamina.backend import state


class Exporter:
    """Writes models of some backends to one deployable format.

    A backend (or any plugin) subclasses this and registers the subclass
    through the `register_exporters` hook, naming the format it writes and
    the backends whose models it reads:

    ```python
    @hookimpl
    def register_exporters(register):
        register("tf2onnx", "my_plugin.export:Tf2OnnxExporter", backends=("tensorflow",),
                 format="onnx", requires=("tf2onnx",), install="pip install tf2onnx")
    ```

    `format` defaults to the registered name, so several exporters (one per
    backend) can provide the same format under different names. `requires`
    lists modules the exporter imports, and `install` the pip command that
    provides them; both appear in the error a user gets when they are missing.

    Example:
        ```python
        class NpzExporter(lamina.export.Exporter):
            format = "npz"

            def export(self, model, filepath, signature, **kwargs):
                numpy.savez(filepath, *model.get_weights())
        ```
    """

    #: The format this exporter writes (the `format=` users pass).
    format: ClassVar[str] = ""
    #: Whether it writes a folder (a SavedModel) rather than one file.
    writes_folder: ClassVar[bool] = False
    #: The usual file ending of its files (".onnx"), for tools that name them.
    extension: ClassVar[str] = ""

    def export(self, model: Any, filepath: str, signature: Any, **kwargs: Any) -> None:
        """Writes `model`'s inference function to `filepath`.

        Args:
            model: the model, on one of the backends the exporter was
                registered for.
            filepath: where to write (a file or a folder, as the format wants).
            signature: the inputs, a structure of `ExportSpec`s (the batch
                axis dynamic), from `model_input_signature`.
            **kwargs: format-specific options from `model.export(...)`.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement `export`.")


def inference_function(model: Any) -> Callable[[Any], Any]:
    """`fn(inputs) -> outputs`: the model's call in inference mode, on its backend.

    Exporters trace this function with their framework's tracer
    (`tf.function`, `torch.export`, `jax.export`). Each call first clears
    the layers' caches of validated input shapes, which would otherwise tie
    a symbolic batch size to the size of an earlier call (see `tracing`).
    """

    def call(inputs: Any) -> Any:
        _clear_shape_checks(model)
        with state.backend_scope(model.backend):
            return model(inputs, training=False)

    return call


def _clear_shape_checks(model: Any) -> None:
    # Layers remember the last input shape they validated and compare new
    # shapes with it; under a tracer that comparison would fix a dynamic
    # batch axis to the size seen before (torch.export specializes it).
    for layer in model._flatten_layers(include_self=True):
        if "_validated_shape" in vars(layer):
            layer._validated_shape = None


@contextlib.contextmanager
def tracing(model: Any) -> Iterator[None]:
    """Prepares `model` to be traced with symbolic shapes, and cleans up after."""
    _clear_shape_checks(model)
    try:
        yield
    finally:
        _clear_shape_checks(model)


def write_atomically(filepath: str, write: Callable[[str], None]) -> None:
    """Calls `write(temporary_path)` and renames the result to `filepath`.

    A reader never sees a half-written file, and an existing file is only
    replaced once the new one is complete.
    """
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    base, extension = os.path.splitext(os.path.basename(filepath))
    temporary = os.path.join(directory, f".{base}.{os.getpid()}.tmp{extension}")
    try:
        write(temporary)
        os.replace(temporary, filepath)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_folder_atomically(folderpath: str, write: Callable[[str], None]) -> None:
    """Calls `write(temporary_folder)` and moves the result to `folderpath`.

    An existing folder (or file) at `folderpath` is replaced only once the
    new folder is complete.
    """
    parent = os.path.dirname(os.path.abspath(folderpath))
    os.makedirs(parent, exist_ok=True)
    temporary = os.path.join(parent, f".{os.path.basename(folderpath)}.{os.getpid()}.tmp")
    if os.path.exists(temporary):
        shutil.rmtree(temporary)
    try:
        write(temporary)
        if os.path.isdir(folderpath):
            shutil.rmtree(folderpath)
        elif os.path.exists(folderpath):
            os.remove(folderpath)
        os.replace(temporary, folderpath)
    finally:
        if os.path.exists(temporary):
            shutil.rmtree(temporary)
