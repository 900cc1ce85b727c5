"""A private stand-in for `EinsumDense`, for the projections of the attention layers.

`MultiHeadAttention` and `GroupedQueryAttention` project their inputs with
`EinsumDense` sublayers in Keras. Until `lamina.layers.EinsumDense` exists,
they use `EinsumProjection`: same constructor arguments, and the same
weights (`kernel`, then `bias`) with the same shapes, so weight lists and
files line up with Keras. It covers the equations those layers build
(`"<input>,<kernel>-><output>"` without ellipsis); switching to
`EinsumDense` is a one-line import change in each layer.
"""

from __future__ import annotations

import re
from typing import Any

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.initializers import VarianceScaling
from lamina.layers.layer import Layer

_EQUATION = re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")


def analyze_equation(
    equation: str, bias_axes: str | None, input_shape: tuple, output_shape: Any
) -> tuple[list, list | None, list, list, list]:
    """Kernel shape, bias shape, full output shape and the kernel's input/output axes.

    Follows `EinsumDense`: the output shape excludes the batch dimension, the
    kernel takes each dimension from the output (when the output has it) or
    the input, and the bias spans the output from its first bias axis on
    (size 1 on the axes not in `bias_axes`).
    """
    match = _EQUATION.match(equation.replace(" ", ""))
    if match is None:
        raise ValueError(
            f"Invalid einsum equation '{equation}': the attention projections expect the form "
            "'<input>,<kernel>-><output>' with letters only, e.g. 'abc,cde->abde'."
        )
    input_spec, kernel_spec, output_spec = match.groups()
    if len(input_spec) != len(input_shape):
        raise ValueError(
            f"Einsum equation '{equation}' expects inputs of rank {len(input_spec)}. "
            f"Received: input_shape={tuple(input_shape)}"
        )
    output_shape = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    full_output = [input_shape[0], *output_shape]
    if len(full_output) != len(output_spec):
        raise ValueError(
            f"Einsum equation '{equation}' has an output of rank {len(output_spec)}, but "
            f"output_shape={tuple(output_shape)} (plus the batch dimension) has rank {len(full_output)}."
        )
    for index, char in enumerate(output_spec):
        if char in input_spec:
            size = input_shape[input_spec.index(char)]
            if full_output[index] is None:
                full_output[index] = size
            elif size is not None and full_output[index] != size:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{char}'. "
                    f"Input shape is {size}, and output shape is {full_output[index]}."
                )
    kernel_shape, input_axes, output_axes = [], [], []
    for index, char in enumerate(kernel_spec):
        if char in output_spec:
            kernel_shape.append(full_output[output_spec.index(char)])
            output_axes.append(index)
        elif char in input_spec:
            kernel_shape.append(input_shape[input_spec.index(char)])
            input_axes.append(index)
        else:
            raise ValueError(
                f"Weight dimension '{char}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'."
            )
    bias_shape = None
    if bias_axes:
        missing = [char for char in bias_axes if char not in output_spec]
        if missing:
            raise ValueError(
                f"Bias dimension '{missing[0]}' was requested, but is not part of the output spec '{output_spec}'."
            )
        first = min(output_spec.index(char) for char in bias_axes)
        bias_shape = [
            full_output[first + offset] if char in bias_axes else 1 for offset, char in enumerate(output_spec[first:])
        ]
    return kernel_shape, bias_shape, full_output, input_axes, output_axes


class EinsumProjection(Layer):
    """`activation(einsum(equation, inputs, kernel) + bias)`, weights laid out as `EinsumDense`."""

    def __init__(
        self,
        equation: str,
        output_shape: Any,
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.full_output_shape: tuple | None = None

    def build(self, input_shape: Any) -> None:
        kernel_shape, bias_shape, full_output, input_axes, output_axes = analyze_equation(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        self.full_output_shape = tuple(full_output)
        kernel_initializer = self.kernel_initializer
        if isinstance(kernel_initializer, VarianceScaling) and (
            kernel_initializer.input_axes is None or kernel_initializer.output_axes is None
        ):
            # Fans of a multi-axis kernel come from its input and output axes.
            config = kernel_initializer.get_config()
            config.update({"input_axes": input_axes, "output_axes": output_axes})
            kernel_initializer = type(kernel_initializer).from_config(config)
        self.kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple:
        _, _, full_output, _, _ = analyze_equation(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        return tuple(full_output)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "equation": self.equation,
                "output_shape": self.partial_output_shape,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config
