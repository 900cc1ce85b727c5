"""`Operation`: anything callable on tensors that a Functional graph records.

Layers are Operations. Calling a `lamina.ops` function on symbolic tensors
creates an `OpCall` Operation, so Keras-style code such as
`y = ops.mean(x, axis=1)` between layers becomes part of the model.
"""

from __future__ import annotations

from typing import Any

from lamina.backend import naming, state, symbolic
from lamina.ops.node import Node

__all__ = ["Operation", "OpCall"]


class Operation:
    """Base of layers and recorded op calls."""

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = naming.auto_name(naming.to_snake_case(type(self).__name__))
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name!r} (of type {type(name).__name__})"
            )
        self.name = name
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if symbolic.any_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args: Any, **kwargs: Any) -> Any:
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        return symbolic.compute_output_spec(state.current(), self.call, *args, **kwargs)

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> Operation:
        return cls(**config)


class OpCall(Operation):
    """A `lamina.ops` function called on symbolic tensors."""

    def __init__(self, namespace: str, op_name: str, name: str | None = None) -> None:
        self.namespace = namespace
        self.op_name = op_name
        super().__init__(name=name or naming.auto_name(op_name))

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(getattr(state.current(), self.namespace), self.op_name)(*args, **kwargs)

    def get_config(self) -> dict:
        return {"namespace": self.namespace, "op_name": self.op_name, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> OpCall:
        from lamina.backend.contract.backend import NAMESPACES, Backend

        namespace = config.get("namespace")
        op_name = config.get("op_name")
        if namespace not in NAMESPACES or op_name not in getattr(Backend, f"{namespace}_ops").op_names():
            raise ValueError(f"Unknown op in config: {namespace}.{op_name}.")
        return cls(namespace, op_name, name=config.get("name"))

    def __repr__(self) -> str:
        return f"<OpCall ops.{self.op_name} name={self.name}>"
