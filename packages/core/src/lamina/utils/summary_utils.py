"""`model.summary()`: a table of layers, output shapes and parameter counts (rich)."""

from __future__ import annotations

import math
from typing import Any


def _format_shape(layer: Any) -> str:
    nodes = [n for n in getattr(layer, "_inbound_nodes", []) if n.outputs]
    if not nodes:
        return "?"
    shapes = [tuple(t.shape) for t in nodes[0].outputs]
    text = ", ".join(str(s) for s in shapes)
    return text if len(shapes) == 1 else f"[{text}]"


def _count(variables: list) -> int:
    return int(sum(math.prod(v.shape) for v in variables))


def _readable_size(count: int, dtype_bytes: int = 4) -> str:
    size = float(count * dtype_bytes)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} TB"


def _connections(layer: Any) -> str:
    nodes = [n for n in getattr(layer, "_inbound_nodes", []) if not n.is_input]
    if not nodes:
        return "-"
    parts = []
    for tensor in nodes[0].input_tensors:
        if tensor._history is not None:
            operation, node_index, tensor_index = tensor._history
            parts.append(f"{operation.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) or "-"


def print_summary(
    model: Any,
    line_length: int | None = None,
    print_fn: Any = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
) -> None:
    """Prints the summary of `model` (through `print_fn` if given)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from lamina.layers.core.input_layer import InputLayer
    from lamina.models.functional import Functional

    functional = isinstance(model, Functional) and (
        len(model.inputs) > 1 or any(len(n.input_tensors) > 1 for n in model._nodes)
    )
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, title=f'Model: "{model.name}"', title_justify="left")
    table.add_column("Layer (type)")
    table.add_column("Output Shape")
    table.add_column("Param #", justify="right")
    if functional:
        table.add_column("Connected to")
    if show_trainable:
        table.add_column("Trainable")

    def add_rows(layer: Any, depth: int) -> None:
        if isinstance(layer, InputLayer) and not functional and not isinstance(model, Functional):
            return
        count = _count(layer.weights) if (layer.built or layer.weights) else 0
        row = [
            f"{'  ' * depth}{layer.name} ({type(layer).__name__})",
            _format_shape(layer),
            f"{count:,}" if layer.built else "0 (unbuilt)",
        ]
        if functional:
            row.append(_connections(layer))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        table.add_row(*row)
        if expand_nested and hasattr(layer, "layers") and layer is not model:
            for inner in layer.layers:
                add_rows(inner, depth + 1)

    for layer in model.layers:
        add_rows(layer, 0)
    trainable = _count(model.trainable_weights)
    non_trainable = _count(model.non_trainable_weights)
    optimizer_count = 0
    if getattr(model, "optimizer", None) is not None and model.optimizer.built:
        optimizer_count = _count(model.optimizer.variables)
    lines = [
        f" Total params: {trainable + non_trainable + optimizer_count:,} ({_readable_size(trainable + non_trainable + optimizer_count)})",
        f" Trainable params: {trainable:,} ({_readable_size(trainable)})",
        f" Non-trainable params: {non_trainable:,} ({_readable_size(non_trainable)})",
    ]
    if optimizer_count:
        lines.append(f" Optimizer params: {optimizer_count:,} ({_readable_size(optimizer_count)})")
    console = Console(
        width=line_length or None,
        record=print_fn is not None,
        highlight=False,
        force_terminal=False if print_fn else None,
    )
    if print_fn is not None:
        with console.capture() as capture:
            console.print(table)
            for line in lines:
                console.print(line)
        for line in capture.get().rstrip("\n").split("\n"):
            print_fn(line)
        return
    console.print(table)
    for line in lines:
        console.print(line)
