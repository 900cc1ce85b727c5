"""Export of trained models to deployable artifacts, through exporter plugins.

`model.export(path, format=...)` (or `export_model`) writes the model's
inference call to a format that runs without Lamina: a TensorFlow
SavedModel, a `torch.export` program, serialized `jax.export` StableHLO or
ONNX. Backends provide exporters through the `register_exporters` hook.
"""

from lamina.export.exporter import Exporter as Exporter
from lamina.export.exporter import inference_function as inference_function
from lamina.export.exporting import export_model as export_model
from lamina.export.registry import EXPORTERS as EXPORTERS
from lamina.export.registry import formats_for_backend as formats_for_backend
from lamina.export.signature import ExportSpec as ExportSpec
from lamina.export.signature import model_input_signature as model_input_signature

__all__ = [
    "EXPORTERS",
    "ExportSpec",
    "Exporter",
    "export_model",
    "formats_for_backend",
    "inference_function",
    "model_input_signature",
]
