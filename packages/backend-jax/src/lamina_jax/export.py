"""Exporters for models on JAX: `jax.export` (StableHLO) and SavedModel (jax2tf).

Both trace the model's inference call with `jax.jit` over inputs whose batch
axis is a symbolic dimension, with the weights folded in as constants, so
the artifact is self-contained:

```python
exported = jax.export.deserialize(bytearray(open(path, "rb").read()))
outputs = exported.call(inputs)
```
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
from jax import export as jax_export

from lamina import tree
from lamina.export import Exporter, inference_function
from lamina.export.exporter import write_atomically, write_folder_atomically
from lamina.export.signature import output_names


def _symbolic_specs(signature: Any) -> Any:
    """`jax.ShapeDtypeStruct`s with a shared symbolic batch axis (and one per other dynamic axis)."""
    flat = tree.flatten(signature)
    names = ["batch"]
    for index, spec in enumerate(flat):
        names += [f"d{index}_{axis}" for axis, size in enumerate(spec.shape[1:], start=1) if size is None]
    symbols = dict(zip(names, jax_export.symbolic_shape(", ".join(names))))
    specs = []
    for index, spec in enumerate(flat):
        shape = [symbols["batch"]] + [
            symbols[f"d{index}_{axis}"] if size is None else size for axis, size in enumerate(spec.shape[1:], start=1)
        ]
        specs.append(jax.ShapeDtypeStruct(tuple(shape), jnp.dtype(spec.dtype)))
    return tree.pack_sequence_as(signature, specs)


def export_function(model: Any, signature: Any, platforms: Any = None) -> jax_export.Exported:
    """`model`'s inference call as a `jax.export.Exported` with a symbolic batch axis."""
    call = inference_function(model)
    try:
        exporter = jax_export.export(jax.jit(call), platforms=tuple(platforms) if platforms else None)
        return exporter(_symbolic_specs(signature))
    except Exception as error:
        raise ValueError(
            f"jax.export could not trace model '{model.name}' with a symbolic batch axis: "
            f"{type(error).__name__}: {str(error).strip().splitlines()[0]}. A layer probably needs a "
            "concrete batch size there (e.g. `int(x.shape[0])`); keep shapes symbolic."
        ) from error


class JaxExportExporter(Exporter):
    """Writes serialized `jax.export` StableHLO (`jax.export.deserialize` reads it).

    `jax.export.deserialize(bytearray(data)).call(inputs)` runs the model;
    `inputs` has the structure of the model's inputs. The module is lowered
    for the current platform unless `platforms=("cpu", "cuda", ...)` is given.

    Keyword options: `platforms` (a tuple of platform names).
    """

    format = "jax"
    extension = ".jax"

    def export(self, model: Any, filepath: str, signature: Any, platforms: Any = None, **kwargs: Any) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized options for the 'jax' format: {sorted(kwargs)}")
        data = export_function(model, signature, platforms).serialize()

        def write(path: str) -> None:
            with open(path, "wb") as handle:
                handle.write(data)

        write_atomically(filepath, write)


class Jax2TfSavedModelExporter(Exporter):
    """Writes a TensorFlow SavedModel from a model on JAX, through `jax2tf`.

    The SavedModel wraps the model's StableHLO (an `XlaCallModule` op) and
    has the same endpoints as one written from the TensorFlow backend:
    `serve(inputs)` and the `serving_default` signature. Needs TensorFlow.

    Keyword options: none.
    """

    format = "tf_saved_model"
    writes_folder = True

    def export(self, model: Any, filepath: str, signature: Any, **kwargs: Any) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized options for the 'tf_saved_model' format (jax2tf): {sorted(kwargs)}")
        import tensorflow as tf
        from jax.experimental import jax2tf

        def polymorphic_shape(index: int, spec: Any) -> str:
            axes = [f"d{index}_{axis}" if size is None else str(size) for axis, size in enumerate(spec.shape[1:], 1)]
            return "(" + ", ".join(["batch", *axes]) + ")"

        flat = tree.flatten(signature)
        shapes = tree.pack_sequence_as(signature, [polymorphic_shape(i, spec) for i, spec in enumerate(flat)])
        converted = jax2tf.convert(inference_function(model), polymorphic_shapes=[shapes], with_gradient=False)
        specs = tree.map_structure(lambda s: tf.TensorSpec(s.shape, tf.as_dtype(s.dtype), name=s.name), signature)
        module = tf.Module()
        module.serve = tf.function(converted, input_signature=[specs], autograph=False)

        def flat_call(*values: Any) -> dict:
            outputs = module.serve(tree.pack_sequence_as(specs, list(values)))
            return dict(zip(output_names(outputs), tree.flatten(outputs)))

        serving_default = tf.function(flat_call, input_signature=tree.flatten(specs)).get_concrete_function()
        write_folder_atomically(
            filepath, lambda path: tf.saved_model.save(module, path, signatures={"serving_default": serving_default})
        )
