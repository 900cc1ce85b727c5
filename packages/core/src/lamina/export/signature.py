"""What an exported function takes and returns: `ExportSpec`s from a model.

An exported artifact runs the model's inference call, `model(inputs,
training=False)`. Its inputs have the structure of the model's inputs (one
tensor, a list or a dict), each described by an `ExportSpec`: a shape whose
first axis (the batch) is always dynamic, a dtype and a name. Artifacts
with flat, named inputs (ONNX, a SavedModel's `serving_default` signature)
use the names in `tree.flatten` order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lamina import tree
from lamina.backend import dtypes


@dataclass(frozen=True)
class ExportSpec:
    """The shape, dtype and name of one input of an exported function.

    Args:
        shape: a tuple of ints, with None for dynamic axes (the first axis,
            the batch, is always dynamic).
        dtype: a dtype name such as "float32".
        name: the input's name in artifacts with named inputs.

    Example:
        ```python
        spec = lamina.export.ExportSpec((None, 28, 28, 1), "float32", "image")
        model.export("model.onnx", format="onnx", input_signature=[spec])
        ```
    """

    shape: tuple
    dtype: str = "float32"
    name: str = "inputs"


_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


def _clean_name(name: Any, fallback: str) -> str:
    text = _NAME.sub("_", str(name)) if name else ""
    if not text or not (text[0].isalnum() or text[0] == "."):
        text = fallback if not text else f"input_{text}"
    return text


def _is_spec_leaf(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _to_spec(value: Any, name: str) -> ExportSpec:
    """An ExportSpec from an InputSpec, a symbolic tensor, a framework spec or a tensor."""
    shape = getattr(value, "shape", None)
    if shape is None:
        raise ValueError(
            f"Cannot make an export input from {value!r}: it has no shape. Pass "
            "`lamina.InputSpec(shape=(None, ...), dtype=...)`, a `lamina.export.ExportSpec`, "
            "a symbolic tensor or an example array."
        )
    shape = tuple(None if d is None else int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape))
    if not shape:
        raise ValueError(
            f"Export inputs need a batch axis; received a scalar input spec {value!r}. "
            "Give each input a shape like (None, features)."
        )
    dtype = getattr(value, "dtype", None)
    dtype = dtypes.standardize_dtype(dtype) if dtype is not None else "float32"
    own_name = getattr(value, "name", None)
    return ExportSpec((None,) + shape[1:], dtype, _clean_name(own_name, name) if own_name else name)


def _unique_names(specs: Any) -> Any:
    flat = tree.flatten(specs)
    seen: dict[str, int] = {}
    renamed = []
    for spec in flat:
        count = seen.get(spec.name, 0)
        seen[spec.name] = count + 1
        renamed.append(spec if count == 0 else ExportSpec(spec.shape, spec.dtype, f"{spec.name}_{count}"))
    return tree.pack_sequence_as(specs, renamed)


def _from_structure(structure: Any) -> Any:
    flat = tree.flatten(structure)
    if isinstance(structure, dict) and len(flat) == len(structure):
        names = [_clean_name(key, f"input_{i}") for i, key in enumerate(sorted(structure))]
    else:
        names = ["inputs"] if len(flat) == 1 else [f"input_{i}" for i in range(len(flat))]
    specs = [leaf if isinstance(leaf, ExportSpec) else _to_spec(leaf, name) for leaf, name in zip(flat, names)]
    return _unique_names(tree.pack_sequence_as(structure, specs))


def model_input_signature(model: Any, input_signature: Any = None) -> Any:
    """The inputs of `model`'s exported function, as a structure of `ExportSpec`s.

    Args:
        model: a Sequential, Functional or subclassed model.
        input_signature: optional. The inputs' specs, as a structure (one
            spec, a list or a dict) of `ExportSpec`, `lamina.InputSpec`,
            symbolic tensors, framework specs (`tf.TensorSpec`,
            `jax.ShapeDtypeStruct`) or example arrays. A one-element list
            wrapping that structure (Keras's convention of one entry per
            positional argument) is accepted too. Without it, Sequential and
            Functional models use their `Input`s, and subclassed models the
            inputs they were first called with.

    Returns:
        The structure of `ExportSpec`s, batch axes dynamic.
    """
    if input_signature is not None:
        structure = input_signature
        if isinstance(structure, (list, tuple)) and len(structure) == 1 and not _is_spec_leaf(structure):
            structure = structure[0]
        if (
            isinstance(structure, (list, tuple))
            and structure
            and all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in structure)
        ):
            raise ValueError(
                f"`input_signature` must describe tensors, not be a bare shape. Received: {input_signature!r}. "
                f"Pass `[lamina.InputSpec(shape={tuple(structure)!r}, dtype='float32')]`."
            )
        if isinstance(structure, (list, tuple)) and not structure:
            raise ValueError("`input_signature` is empty. Pass one spec per model input.")
        return _from_structure(structure)
    structure = None
    try:
        structure = model.input
    except (AttributeError, ValueError):
        structure = None
    if structure is not None and all(_is_spec_leaf(t) for t in tree.flatten(structure)):
        return _from_structure(structure)
    recorded = getattr(model, "_call_input_spec", None)
    if recorded is not None and all(_is_spec_leaf(t) for t in tree.flatten(recorded)):
        return _from_structure(recorded)
    raise ValueError(
        f"Cannot tell the inputs of model '{model.name}' ({type(model).__name__}): it has no `Input` and has "
        "not been called on data. Call it once on a batch (`model(x[:1])`) or pass "
        "`input_signature=[lamina.InputSpec(shape=(None, ...), dtype='float32')]`."
    )


def input_names(signature: Any) -> list[str]:
    """The names of the flat inputs, in `tree.flatten` order."""
    return [spec.name for spec in tree.flatten(signature)]


def output_names(outputs: Any) -> list[str]:
    """Names of the flat outputs of `outputs` (the model's output structure).

    A dict of outputs is named by its keys (in `tree.flatten` order, sorted);
    anything else is output_0, output_1, ... as in Keras's SavedModels.
    """
    flat = tree.flatten(outputs)
    if isinstance(outputs, dict) and len(flat) == len(outputs):
        return [_clean_name(key, f"output_{i}") for i, key in enumerate(sorted(outputs))]
    return [f"output_{i}" for i in range(len(flat))]
