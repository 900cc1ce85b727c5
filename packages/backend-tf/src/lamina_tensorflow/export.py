"""Exporters for models on TensorFlow: SavedModel (native) and ONNX (tf2onnx).

The SavedModel holds the model's `tf.Variable`s and two endpoints:
`serve(inputs)`, taking the model's input structure, and the
`serving_default` signature, taking flat named inputs and returning a dict
of named outputs (for TF Serving). Both accept any batch size.
"""

from __future__ import annotations

import logging
from typing import Any

import tensorflow as tf

from lamina import tree
from lamina.export import Exporter, inference_function
from lamina.export.exporter import write_atomically, write_folder_atomically
from lamina.export.signature import input_names, output_names
from lamina_tensorflow.core import to_tf_dtype


def tensor_specs(signature: Any) -> Any:
    """The `tf.TensorSpec` structure for a structure of `ExportSpec`s."""
    return tree.map_structure(lambda s: tf.TensorSpec(s.shape, to_tf_dtype(s.dtype), name=s.name), signature)


def flat_function(call: Any, signature: Any) -> tf.types.experimental.GenericFunction:
    """A `tf.function` of flat named inputs returning a dict of named outputs."""
    specs = tensor_specs(signature)

    def flat_call(*flat: Any) -> dict:
        outputs = call(tree.pack_sequence_as(specs, list(flat)))
        return dict(zip(output_names(outputs), tree.flatten(outputs)))

    return tf.function(flat_call, input_signature=tree.flatten(specs))


class SavedModelExporter(Exporter):
    """Writes a TensorFlow SavedModel folder (`tf.saved_model.load` reads it).

    Keyword options: none.
    """

    format = "tf_saved_model"
    writes_folder = True

    def export(self, model: Any, filepath: str, signature: Any, **kwargs: Any) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized options for the 'tf_saved_model' format: {sorted(kwargs)}")
        module = tf.Module()
        # Tracked attributes: the SavedModel stores these variables once, and
        # both endpoints read them.
        module.lamina_variables = [variable.value for variable in model.variables]
        call = inference_function(model)
        module.serve = tf.function(call, input_signature=[tensor_specs(signature)])
        serving_default = flat_function(module.serve, signature).get_concrete_function()
        write_folder_atomically(
            filepath, lambda path: tf.saved_model.save(module, path, signatures={"serving_default": serving_default})
        )


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


class Tf2OnnxExporter(Exporter):
    """Writes an ONNX file from a model on TensorFlow, with tf2onnx.

    Inputs are flat and named as the model's inputs; outputs are named
    output_0, output_1, ... (or by the keys of a dict of outputs). tf2onnx
    cannot convert every TensorFlow graph: recurrent layers (LSTM, GRU, whose
    `tf.while_loop` it cannot map) fail with an error naming the nodes; export
    such models from the torch backend instead.

    Keyword options: `opset_version` (default: tf2onnx's choice).
    """

    format = "onnx"
    extension = ".onnx"

    def export(
        self, model: Any, filepath: str, signature: Any, opset_version: int | None = None, **kwargs: Any
    ) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized options for the 'onnx' format (tf2onnx): {sorted(kwargs)}")
        import onnx
        import tf2onnx

        function = flat_function(inference_function(model), signature)
        concrete = function.get_concrete_function()
        outputs = sorted(concrete.structured_outputs)  # tf.nest order
        # tf2onnx logs the nodes it cannot convert and goes on; collect those
        # errors (instead of printing them) and fail on them below.
        errors = _ErrorRecords()
        logger = logging.getLogger("tf2onnx")
        handlers, propagate = list(logger.handlers), logger.propagate
        logger.handlers, logger.propagate = [errors], False
        try:
            proto, _ = tf2onnx.convert.from_function(
                function, input_signature=tree.flatten(tensor_specs(signature)), opset=opset_version
            )
        finally:
            logger.handlers, logger.propagate = handlers, propagate
        if errors.messages:
            raise ValueError(
                f"tf2onnx could not convert model '{model.name}' to ONNX: {'; '.join(errors.messages[:3])}. "
                "Recurrent layers that run a `tf.while_loop` (GRU, SimpleRNN, and LSTMs over sequences of "
                "unknown length or longer than 100 steps) are what tf2onnx cannot map. "
                "Export the model from the torch backend instead: "
                "`lamina.models.clone_model(model, backend='torch').export(path, format='onnx')`."
            )
        _rename_outputs(proto, [str(name) for name in outputs])
        _rename_inputs(proto, input_names(signature))
        onnx.checker.check_model(proto)
        write_atomically(filepath, lambda path: onnx.save(proto, path))


def _rename_value(graph: Any, old: str, new: str) -> None:
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
        for i, name in enumerate(node.output):
            if name == old:
                node.output[i] = new


def _rename_outputs(proto: Any, names: list[str]) -> None:
    graph = proto.graph
    for output, name in zip(graph.output, names):
        if output.name != name:
            _rename_value(graph, output.name, name)
            output.name = name


def _rename_inputs(proto: Any, names: list[str]) -> None:
    graph = proto.graph
    for graph_input, name in zip(graph.input, names):
        if graph_input.name != name:
            _rename_value(graph, graph_input.name, name)
            graph_input.name = name
