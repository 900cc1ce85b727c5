"""Exporters for models on PyTorch: `torch.export` programs (.pt2) and ONNX.

Both trace the model's inference call with `torch.export` (non-strict) and
a dynamic batch axis. The model's variables become the program's
parameters and buffers (its `state_dict`), so the artifact is
self-contained: `torch.export.load(path).module()(inputs)` runs it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
import torch

from lamina import tree
from lamina.backend import StatelessScope
from lamina.export import Exporter, inference_function
from lamina.export.exporter import write_atomically
from lamina.export.signature import input_names, output_names
from lamina_torch.core import DEFAULT_DEVICE, to_torch_dtype

#: Size of dynamic axes in the example inputs that are traced. Not 0 or 1,
#: which torch.export would specialize.
_EXAMPLE_BATCH = 2
_EXAMPLE_OTHER = 8


class _InferenceModule(torch.nn.Module):
    """Runs a Lamina model in inference mode, reading its variables from this module.

    The variables are registered as parameters (float, trainable) and
    buffers (the rest), and the model reads them through a `StatelessScope`,
    so that `torch.export` records them as the program's state rather than
    as anonymous constants.
    """

    def __init__(self, model: Any, signature: Any, flat_inputs: bool) -> None:
        super().__init__()
        self._call = inference_function(model)
        self._signature = signature
        self._flat_inputs = flat_inputs
        self._variables = []
        self._names = []
        used: set[str] = set()
        for index, variable in enumerate(model.variables):
            name = re.sub(r"\W", "_", variable.path or f"variable_{index}")
            if name in used or not name or name[0].isdigit():
                name = f"v{index}_{name}"
            used.add(name)
            tensor = variable.value.detach()
            if variable.trainable and (tensor.is_floating_point() or tensor.is_complex()):
                self.register_parameter(name, torch.nn.Parameter(tensor, requires_grad=False))
            else:
                self.register_buffer(name, tensor)
            self._variables.append(variable)
            self._names.append(name)

    def forward(self, *args: Any) -> Any:
        inputs = tree.pack_sequence_as(self._signature, list(args)) if self._flat_inputs else args[0]
        mapping = [(variable, getattr(self, name)) for variable, name in zip(self._variables, self._names)]
        with StatelessScope(mapping):
            outputs = self._call(inputs)
        if self._flat_inputs:
            return tuple(tree.flatten(outputs))
        return outputs


def _device(model: Any) -> torch.device:
    """Where the model's variables live (the program is traced there)."""
    for variable in model.variables:
        return variable.value.device
    return torch.device(DEFAULT_DEVICE)


def _example(spec: Any, device: Any) -> torch.Tensor:
    shape = [_EXAMPLE_BATCH] + [_EXAMPLE_OTHER if d is None else d for d in spec.shape[1:]]
    dtype = to_torch_dtype(spec.dtype)
    if dtype.is_floating_point:
        generator = np.random.default_rng(0)
        return torch.from_numpy(generator.normal(size=shape).astype(spec.dtype)).to(device)
    return torch.zeros(shape, dtype=dtype, device=device)


def _dynamic_shapes(spec: Any, batch: Any) -> dict:
    axes = {0: batch}
    for axis, size in enumerate(spec.shape[1:], start=1):
        if size is None:
            axes[axis] = torch.export.Dim.AUTO
    return axes


def export_program(model: Any, signature: Any, flat_inputs: bool) -> torch.export.ExportedProgram:
    """Traces `model`'s inference call into an `ExportedProgram` with a dynamic batch axis."""
    module = _InferenceModule(model, signature, flat_inputs).eval()
    batch = torch.export.Dim("batch", min=1)
    device = _device(model)
    if flat_inputs:
        specs = tree.flatten(signature)
        args = tuple(_example(spec, device) for spec in specs)
        dynamic_shapes: Any = tuple(_dynamic_shapes(spec, batch) for spec in specs)
    else:
        args = (tree.map_structure(lambda spec: _example(spec, device), signature),)
        dynamic_shapes = (tree.map_structure(lambda spec: _dynamic_shapes(spec, batch), signature),)
    try:
        with torch.no_grad():
            # `forward(*args)`: the dynamic shapes of its one (variadic) parameter.
            return torch.export.export(module, args, dynamic_shapes=(dynamic_shapes,), strict=False)
    except Exception as error:
        message = str(error).strip()
        hint = ""
        if "specialized" in message or "Constraints violated" in message:
            hint = (
                " Some code turned the batch size into a Python int (e.g. `int(x.shape[0])`, or a "
                "shape compared with a concrete one); it must stay symbolic for a dynamic batch axis."
            )
        raise ValueError(
            f"torch.export could not trace model '{model.name}' with a dynamic batch axis: "
            f"{type(error).__name__}: {message.splitlines()[0] if message else ''}.{hint}"
        ) from error


class TorchExportExporter(Exporter):
    """Writes a `torch.export` program (`.pt2`; `torch.export.load` reads it).

    `torch.export.load(path).module()(inputs)` runs the model; `inputs` has
    the structure of the model's inputs and lives on the device the model
    was on when exported (the program is traced there).

    Keyword options: none.
    """

    format = "torch"
    extension = ".pt2"

    def export(self, model: Any, filepath: str, signature: Any, **kwargs: Any) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized options for the 'torch' format: {sorted(kwargs)}")
        program = export_program(model, signature, flat_inputs=False)
        write_atomically(filepath, lambda path: torch.export.save(program, path))


class TorchOnnxExporter(Exporter):
    """Writes an ONNX file with `torch.onnx.export` (the dynamo exporter).

    Inputs are flat and named as the model's inputs; outputs are named
    output_0, output_1, ... (or by the keys of a dict of outputs).

    Keyword options: `opset_version` (default: torch's choice).
    """

    format = "onnx"
    extension = ".onnx"

    def export(
        self, model: Any, filepath: str, signature: Any, opset_version: int | None = None, **kwargs: Any
    ) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized options for the 'onnx' format (torch): {sorted(kwargs)}")
        import onnx

        with torch.no_grad():
            # Before tracing: layers' shape caches hold symbolic sizes afterwards.
            example = tree.map_structure(lambda spec: _example(spec, _device(model)), signature)
            names = output_names(inference_function(model)(example))
        program = export_program(model, signature, flat_inputs=True)
        options: dict[str, Any] = {"input_names": input_names(signature), "output_names": names}
        if opset_version is not None:
            options["opset_version"] = opset_version
        # torch.onnx warns about every torchvision op it cannot register when
        # torchvision is not installed; those ops are not in Lamina models.
        registration = logging.getLogger("torch.onnx._internal.exporter._registration")
        level = registration.level
        registration.setLevel(logging.ERROR)
        try:
            onnx_program = torch.onnx.export(program, dynamo=True, verbose=False, **options)
        finally:
            registration.setLevel(level)

        def write(path: str) -> None:
            onnx_program.save(path)
            onnx.checker.check_model(path)

        write_atomically(filepath, write)
