"""`Functional`: a model defined by a graph of layer calls on symbolic tensors."""

from __future__ import annotations

from typing import Any

from lamina import tree
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model
from lamina.ops.node import Node
from lamina.ops.operation import Operation


def _node_of(tensor: SymbolicTensor) -> Node:
    operation, node_index, _ = tensor._history
    return operation._inbound_nodes[node_index]


def _ordered_nodes(inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]) -> list[Node]:
    """Nodes between `inputs` and `outputs`, each after the nodes it depends on."""
    input_ids = {id(t) for t in inputs}
    order: list[Node] = []
    done: set[int] = set()
    for output in outputs:
        stack: list[tuple[Node, bool]] = [(_node_of(output), False)]
        while stack:
            node, expanded = stack.pop()
            if id(node) in done:
                continue
            if expanded:
                done.add(id(node))
                order.append(node)
                continue
            stack.append((node, True))
            for tensor in node.input_tensors:
                if id(tensor) in input_ids:
                    continue
                if tensor._history is None:
                    raise ValueError(f"Tensor {tensor} was not produced by a layer or an Input.")
                stack.append((_node_of(tensor), False))
            if node.is_input and not any(id(t) in input_ids for t in node.outputs):
                raise ValueError(
                    f"Graph disconnected: cannot find the input for tensor {node.outputs[0]!r} "
                    f"(from layer '{node.operation.name}'). Pass it in `inputs` of the Model."
                )
    return order


class _NodePlan:
    """What `Functional._run` needs of a node, worked out once (eager calls repeat it per batch)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        operation = node.operation
        self.is_layer = isinstance(operation, Layer)
        # True when each argument is one symbolic tensor (else nested: `tree` maps them).
        args = node.call_args
        self.flat_args = all(isinstance(a, SymbolicTensor) for a in args)
        self.constant_kwargs = not any(isinstance(v, SymbolicTensor) for v in tree.flatten(node.call_kwargs))
        self.first_arg_ids = [id(t) for t in tree.flatten(args[0])] if args else []
        self.single_output = isinstance(node.output_structure, SymbolicTensor)
        # A layer whose compute_mask is Layer's returns None without an input mask.
        self.computes_masks = self.is_layer and type(operation).compute_mask is not Layer.compute_mask


class Functional(Model):
    """A model from symbolic inputs and outputs.

    Args:
        inputs: a symbolic tensor from `lamina.Input`, or a list/dict of them.
        outputs: symbolic tensors computed from `inputs` (single, list or dict).
        name: the model's name.

    Example:
        ```python
        inputs = lamina.Input((784,))
        hidden = lamina.layers.Dense(64, activation="relu")(inputs)
        outputs = lamina.layers.Dense(10)(hidden)
        model = lamina.Model(inputs, outputs)
        ```
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, **kwargs: Any) -> None:
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments for a functional Model: {sorted(kwargs)}")
        Model.__init__(self, name=name, trainable=trainable)
        for label, structure in (("inputs", inputs), ("outputs", outputs)):
            for tensor in tree.flatten(structure):
                if not isinstance(tensor, SymbolicTensor):
                    raise ValueError(
                        f"All `{label}` of a functional Model must be symbolic tensors (from "
                        f"`lamina.Input` and layer calls). Received: {tensor!r} of type {type(tensor).__name__}"
                    )
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        for tensor in self._inputs:
            if tensor._history is None or not isinstance(tensor._history[0], InputLayer):
                raise ValueError(
                    f"Model inputs must come from `lamina.Input`. Received: {tensor!r}, which was "
                    "computed by a layer. Use the Input tensors as `inputs`."
                )
        self._nodes = _ordered_nodes(self._inputs, self._outputs)
        self._plans: list[_NodePlan] | None = None
        self._operations: list[Operation] = []
        seen: set[int] = set()
        for node in self._nodes:
            if id(node.operation) not in seen:
                seen.add(id(node.operation))
                self._operations.append(node.operation)
        for tensor in self._inputs:
            layer = tensor._history[0]
            if id(layer) not in seen:
                seen.add(id(layer))
                self._operations.insert(0, layer)
        if isinstance(outputs, dict):
            self._output_names = list(outputs)
        else:
            self._output_names = [t._history[0].name for t in self._outputs]
        self.built = True
        self._build_shapes = {"input_shape": tree.map_structure(lambda t: list(t.shape), self._inputs_struct)}

    # -- structure ------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """All layers of the graph, Input layers included, in graph order."""
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def _layers(self) -> list[Layer]:
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return list(self._inputs)

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return list(self._outputs)

    @property
    def input(self) -> Any:
        return self._inputs_struct

    @property
    def output(self) -> Any:
        return self._outputs_struct

    @property
    def input_shape(self) -> Any:
        return tree.map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self) -> Any:
        return tree.map_structure(lambda t: t.shape, self._outputs_struct)

    @property
    def input_names(self) -> list[str]:
        if isinstance(self._inputs_struct, dict):
            return list(self._inputs_struct)
        return [t._history[0].name for t in self._inputs]

    # -- running the graph ---------------------------------------------------------
    def _flatten_inputs(self, inputs: Any) -> list:
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                if len(self._inputs) == 1:
                    return [inputs]
                raise ValueError(
                    f"Model '{self.name}' expects a dict of inputs with keys {list(self._inputs_struct)}. "
                    f"Received: {type(inputs).__name__}"
                )
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}' is missing inputs {missing}. Received keys: {sorted(inputs)}")
            return [inputs[k] for k in tree.flatten({k: k for k in self._inputs_struct})]
        if isinstance(inputs, dict):
            names = self.input_names
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Model '{self.name}' is missing inputs {missing}. Received keys: {sorted(inputs)}")
            return [inputs[n] for n in names]
        flat = tree.flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self._inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self._inputs)} input(s), but it received {len(flat)} input tensors."
            )
        return flat

    def _run(self, inputs: Any, mask: Any, symbolic: bool) -> Any:
        values: dict[int, Any] = {}
        masks: dict[int, Any] = {}
        flat_masks = tree.flatten(mask) if mask is not None else [None] * len(self._inputs)
        for tensor, value, value_mask in zip(self._inputs, self._flatten_inputs(inputs), flat_masks):
            values[id(tensor)] = value
            if value_mask is not None:
                masks[id(tensor)] = value_mask

        def lookup(x: Any) -> Any:
            return values.get(id(x), x) if isinstance(x, SymbolicTensor) else x

        plans = getattr(self, "_plans", None)  # absent on objects restored without __init__
        if plans is None:
            plans = self._plans = [_NodePlan(node) for node in self._nodes if not node.is_input]
        for plan in plans:
            node, operation = plan.node, plan.node.operation
            if plan.flat_args:  # the common case: each argument one tensor
                args = tuple(values.get(id(a), a) for a in node.call_args)
            else:
                args = tree.map_structure(lookup, node.call_args)
            kwargs = dict(node.call_kwargs) if plan.constant_kwargs else tree.map_structure(lookup, node.call_kwargs)
            input_mask = None
            if masks:
                first_masks = [masks.get(i) for i in plan.first_arg_ids]
                if any(m is not None for m in first_masks):
                    input_mask = first_masks[0] if len(first_masks) == 1 else first_masks
            if input_mask is not None and plan.is_layer and operation._call_has_mask and "mask" not in kwargs:
                kwargs["mask"] = input_mask
            if symbolic:
                outputs = operation.compute_output_spec(*args, **kwargs)
            else:
                outputs = operation(*args, **kwargs)
            output_mask = None
            if plan.is_layer and not symbolic and (input_mask is not None or plan.computes_masks):
                output_mask = operation.compute_mask(args[0] if args else None, input_mask)
            flat_outputs = [outputs] if plan.single_output else tree.flatten(outputs)
            for index, (tensor, value) in enumerate(zip(node.outputs, flat_outputs)):
                values[id(tensor)] = value
                if output_mask is not None:
                    masks[id(tensor)] = output_mask[index] if isinstance(output_mask, (list, tuple)) else output_mask
        return tree.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._outputs])

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        return self._run(inputs, mask, symbolic=False)

    def compute_output_spec(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        return self._run(inputs, None, symbolic=True)

    # -- configuration -------------------------------------------------------------------
    def get_config(self) -> dict:
        from lamina.saving.serialization import serialize_keras_object

        model_nodes = {id(node) for node in self._nodes}
        for tensor in self._inputs:
            model_nodes.add(id(_node_of(tensor)))

        def node_index(operation: Operation, node: Node) -> int:
            own = [n for n in operation._inbound_nodes if id(n) in model_nodes]
            return own.index(node)

        def tensor_config(x: Any) -> Any:
            if isinstance(x, SymbolicTensor):
                operation, index, tensor_index = x._history
                node = operation._inbound_nodes[index]
                return {
                    "class_name": "__keras_tensor__",
                    "config": {
                        "shape": list(x.shape),
                        "dtype": x.dtype,
                        "keras_history": [operation.name, node_index(operation, node), tensor_index],
                    },
                }
            return serialize_keras_object(x)

        layers = []
        for operation in self._operations:
            entry = serialize_keras_object(operation)
            entry["name"] = operation.name
            nodes = []
            for node in operation._inbound_nodes:
                if id(node) not in model_nodes or node.is_input:
                    continue
                nodes.append(
                    {
                        "args": [tree.map_structure(tensor_config, a) for a in node.call_args],
                        "kwargs": {k: tree.map_structure(tensor_config, v) for k, v in node.call_kwargs.items()},
                    }
                )
            entry["inbound_nodes"] = nodes
            layers.append(entry)

        def history(t: SymbolicTensor) -> list:
            operation, index, tensor_index = t._history
            return [operation.name, node_index(operation, operation._inbound_nodes[index]), tensor_index]

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layers,
            "input_layers": tree.map_structure(history, self._inputs_struct),
            "output_layers": tree.map_structure(history, self._outputs_struct),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Functional:
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)

    def get_build_config(self) -> dict | None:
        return None
