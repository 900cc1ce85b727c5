"""Nodes record calls on symbolic tensors so Functional models can replay them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lamina import tree
from lamina.backend.symbolic import SymbolicTensor

if TYPE_CHECKING:
    from lamina.ops.operation import Operation


class Node:
    """One call of an Operation (a layer or an op) on symbolic tensors.

    Attributes:
        operation: what was called.
        call_args, call_kwargs: the arguments, symbolic tensors included.
        outputs: the flat list of symbolic outputs.
    """

    def __init__(
        self, operation: Operation, call_args: tuple = (), call_kwargs: dict | None = None, outputs: Any = None
    ) -> None:
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.output_structure = outputs
        self.outputs = [t for t in tree.flatten(outputs) if isinstance(t, SymbolicTensor)]
        self.input_tensors = [
            t for t in tree.flatten((self.call_args, self.call_kwargs)) if isinstance(t, SymbolicTensor)
        ]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for index, tensor in enumerate(self.outputs):
            tensor._history = (operation, node_index, index)
        for tensor in self.input_tensors:
            if tensor._history is not None:
                tensor._history[0]._outbound_nodes.append(self)

    @property
    def is_input(self) -> bool:
        """True for the node of an `InputLayer` (no inputs of its own)."""
        return not self.input_tensors

    @property
    def parent_nodes(self) -> list[Node]:
        parents = []
        for tensor in self.input_tensors:
            if tensor._history is not None:
                operation, node_index, _ = tensor._history
                parents.append(operation._inbound_nodes[node_index])
        return parents

    def __repr__(self) -> str:
        return f"<Node {self.operation.name} inputs={len(self.input_tensors)} outputs={len(self.outputs)}>"
