"""`export_model`: a model's inference function to a deployable artifact."""

from __future__ import annotations

import os
from typing import Any

from lamina.export import registry
from lamina.export.exporter import tracing
from lamina.export.signature import model_input_signature


def export_model(
    model: Any,
    filepath: str | os.PathLike,
    format: str = "tf_saved_model",  # noqa: A002 - Keras's argument name
    verbose: bool | None = None,
    input_signature: Any = None,
    **kwargs: Any,
) -> str:
    """Exports `model(inputs, training=False)` to `filepath` in `format`.

    The artifact runs without Lamina, in its own runtime, and accepts any
    batch size. Formats come from exporter plugins; the first-party backends
    provide:

    | format | backends | loads with |
    |---|---|---|
    | "tf_saved_model" | tensorflow; jax (through jax2tf) | `tf.saved_model.load` |
    | "torch" | torch | `torch.export.load` (a `.pt2` file) |
    | "jax" | jax | `jax.export.deserialize` (serialized StableHLO) |
    | "onnx" | torch (`torch.onnx`); tensorflow (tf2onnx) | `onnxruntime.InferenceSession` |

    `lamina.export.formats_for_backend(name)` lists what a backend can
    produce with the plugins installed.

    Args:
        model: a built Sequential, Functional or subclassed model.
        filepath: where to write (a folder for "tf_saved_model", a file otherwise).
        format: a format name, or the name of one exporter ("tf2onnx").
        verbose: print where the artifact was written (default True).
        input_signature: the inputs' specs, needed for subclassed models that
            were never called; see `model_input_signature`.
        **kwargs: options of the format's exporter (e.g. `opset_version` for "onnx").

    Returns:
        The path written.

    Example:
        ```python
        lamina.export.export_model(model, "model.onnx", format="onnx")
        ```
    """
    if not getattr(model, "built", False):
        raise ValueError(
            f"Model '{model.name}' is not built, so it has no weights to export. Call it on a batch "
            "of data (`model(x[:1])`) or `model.build(input_shape)` first."
        )
    backend = model.backend.name
    entry = registry.find_exporter(format, backend)
    missing = registry.missing_requirements(entry)
    if missing:
        install = entry.options.get("install") or f"pip install {' '.join(missing)}"
        raise ImportError(
            f"Exporting to {registry.format_of(entry)!r} from the {backend!r} backend needs "
            f"{', '.join(missing)}, which is not installed. Install it with: {install}"
        )
    signature = model_input_signature(model, input_signature)
    path = os.fspath(filepath)
    exporter = entry.load()()
    with tracing(model):
        exporter.export(model, path, signature, **kwargs)
    if verbose is None or verbose:
        print(f"Saved a {registry.format_of(entry)!r} artifact of model '{model.name}' at {path}")
    return path
