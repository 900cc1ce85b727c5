"""`get_source_inputs`: the `Input` tensors a symbolic tensor was computed from."""

from __future__ import annotations

from typing import Any

__all__ = ["get_source_inputs"]


def get_source_inputs(tensor: Any) -> Any:
    """Returns the list of input tensors needed to compute `tensor`.

    Walks the graph recorded by layer calls back to `Input` tensors (each
    listed once, in discovery order). A non-symbolic value is returned as is.

    Example:
        >>> x = lamina.Input((3,))
        >>> y = lamina.layers.Dense(2)(x)
        >>> lamina.utils.get_source_inputs(y)[0] is x
        True
    """
    history = getattr(tensor, "_history", None)
    if not hasattr(tensor, "_history"):
        return tensor
    if history is None or not history[0]._inbound_nodes:
        return [tensor]
    operation, node_index, _ = history
    node = operation._inbound_nodes[node_index]
    if node.is_input:
        return list(node.outputs)
    sources: list = []
    for parent in node.input_tensors:
        for found in get_source_inputs(parent):
            if all(found is not seen for seen in sources):
                sources.append(found)
    return sources
