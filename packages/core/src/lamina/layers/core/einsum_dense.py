"""`EinsumDense`: a dense layer whose contraction is any einsum equation."""

from __future__ import annotations

import re
from typing import Any

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.initializers.random_initializers import VarianceScaling
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

# Accepted forms, with "..." written as "0": "ab,bc->ac", "0ab,bc->0ac" (left
# ellipsis) and "ab0,bc->ac0" (right ellipsis).
_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), False),
)


def analyze_einsum_string(equation: str, bias_axes: str | None, input_shape: Any, output_shape: Any) -> tuple:
    """Works out the kernel, bias and full output shapes of an EinsumDense layer.

    Args:
        equation: the layer's equation, e.g. "abc,cd->abd".
        bias_axes: the output letters the bias spans, or None.
        input_shape: the full input shape (batch first).
        output_shape: the output shape without the batch axis (and without
            the axes an ellipsis stands for).

    Returns:
        `(kernel_shape, bias_shape, full_output_shape, kernel_input_axes,
        kernel_output_axes)`; `bias_shape` is None without `bias_axes`.
    """
    dotted = equation.replace("...", "0")
    found = next(((p.match(dotted), left) for p, left in _FORMS if p.match(dotted)), None)
    if found is None:
        raise ValueError(
            f"Invalid einsum equation '{equation}'. Equations must be in the form [X],[Y]->[Z], "
            "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
        )
    match, left_elided = found
    input_spec, kernel_spec, output_spec = match.groups()
    input_shape = list(input_shape)
    elided = len(input_shape) - len(input_spec)
    full_output = [input_shape[0]] + list(output_shape)
    if elided > 0 and left_elided:
        # The elided axes sit right after the batch axis.
        full_output[1:1] = input_shape[1:elided]
    elif elided > 0:
        full_output += input_shape[len(input_shape) - elided :]

    if left_elided:
        input_index = {c: i + elided - len(input_shape) for i, c in enumerate(input_spec)}
        output_index = {c: i + elided for i, c in enumerate(output_spec)}
    else:
        input_index = {c: i for i, c in enumerate(input_spec)}
        output_index = {c: i for i, c in enumerate(output_spec)}

    for c in output_spec:
        # Output sizes left as None take the input's size on axes the input shares.
        if full_output[output_index[c]] is None and c in input_index:
            full_output[output_index[c]] = input_shape[input_index[c]]
    for c in input_spec:
        if c in output_index:
            given, expected = full_output[output_index[c]], input_shape[input_index[c]]
            if given is not None and given != expected:
                raise ValueError(
                    f"Input shape and output shape do not match at shared dimension '{c}'. Input shape is "
                    f"{expected}, and output shape is {given}."
                )
    for c in output_spec:
        if c not in input_spec and c not in kernel_spec:
            raise ValueError(
                f"Dimension '{c}' was specified in the output '{output_spec}' but has no corresponding dim in "
                f"the input spec '{input_spec}' or weight spec '{kernel_spec}'."
            )

    kernel_shape, kernel_input_axes, kernel_output_axes = [], [], []
    for i, c in enumerate(kernel_spec):
        if c in output_index:
            kernel_shape.append(full_output[output_index[c]])
            kernel_output_axes.append(i)
        elif c in input_index:
            kernel_shape.append(input_shape[input_index[c]])
            kernel_input_axes.append(i)
        else:
            raise ValueError(
                f"Weight dimension '{c}' did not have a match in either the input spec '{input_spec}' or the "
                f"output spec '{output_spec}'. For this layer, the weight must be fully specified."
            )

    bias_shape = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in output_spec:
                raise ValueError(
                    f"Bias dimension '{c}' was requested, but is not part of the output spec '{output_spec}'."
                )
        offset = elided if left_elided else 0
        sizes = {c: full_output[i + offset] for i, c in enumerate(output_spec)}
        # The bias spans from the first bias letter to the end of the output spec.
        first = min(output_spec.find(c) for c in bias_axes)
        bias_shape = [sizes[c] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left_elided:
            bias_shape += [1] * max(elided, 0)
    return kernel_shape, bias_shape, full_output, kernel_input_axes, kernel_output_axes


class EinsumDense(Layer):
    """A dense layer computing `activation(einsum(equation, inputs, kernel) + bias)`.

    The equation names the input, kernel and output axes, so the layer can
    project any axes of any rank (e.g. the heads of an attention layer).

    Args:
        equation: an einsum equation such as "ab,bc->ac", "...b,bc->...c" or
            "abc,cd->abd": input spec, kernel spec, output spec.
        output_shape: the output shape without the batch axis (and without
            axes an ellipsis stands for); an int for one axis. None entries
            take the input's size.
        activation: activation function or name (default: none).
        bias_axes: the output letters the bias spans (e.g. "c"), or None for
            no bias.
        kernel_initializer, bias_initializer: initializers.
        kernel_regularizer, bias_regularizer: optional regularizers.
        activity_regularizer: optional regularizer on the output.
        kernel_constraint, bias_constraint: optional constraints.

    Example:
        ```python
        layer = lamina.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")
        layer(np.ones((2, 5, 16))).shape   # (2, 5, 4, 8)
        ```
    """

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
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        gptq_unpacked_column_size: int | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if lora_rank is not None or quantization_config is not None or gptq_unpacked_column_size is not None:
            raise ValueError(
                "LoRA and quantization are not supported by Lamina's EinsumDense yet. "
                f"Received: lora_rank={lora_rank}, quantization_config={quantization_config}"
            )
        if not isinstance(equation, str) or not any(p.match(equation.replace("...", "0")) for p, _ in _FORMS):
            raise ValueError(
                f"Invalid einsum equation {equation!r}. Equations must be in the form [X],[Y]->[Z], "
                "...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
            )
        if isinstance(output_shape, int) and not isinstance(output_shape, bool):
            output_shape = (output_shape,)
        if not isinstance(output_shape, (list, tuple)) or not all(
            d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in output_shape
        ):
            raise ValueError(
                "Received an invalid value for `output_shape`, expected a positive integer or a tuple of "
                f"positive integers and None. Received: output_shape={output_shape!r}"
            )
        output_letters = equation.split("->")[-1].replace("...", "")
        if bias_axes is not None and (
            not isinstance(bias_axes, str) or any(c not in output_letters for c in bias_axes)
        ):
            raise ValueError(
                f"Received an invalid value for `bias_axes`: each letter must appear in the output spec "
                f"'{output_letters}' of the equation. Received: bias_axes={bias_axes!r}"
            )
        self.equation = equation
        self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape: Any) -> None:
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        if None in kernel_shape or (bias_shape is not None and None in bias_shape):
            raise ValueError(
                f"EinsumDense layer '{self.name}' cannot size its weights: kernel shape {tuple(kernel_shape)}, "
                f"bias shape {bias_shape}, from input shape {tuple(input_shape)}. Give the missing sizes in "
                "`output_shape`, or inputs with defined sizes on the contracted axes."
            )
        self.input_spec = InputSpec(ndim=len(input_shape))
        kernel_initializer = self.kernel_initializer
        if isinstance(kernel_initializer, VarianceScaling) and (
            kernel_initializer.input_axes is None or kernel_initializer.output_axes is None
        ):
            # Fans are computed over the kernel's input and output axes, not its last two.
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
        _, _, output_shape, _, _ = analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        return tuple(output_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "output_shape": self.partial_output_shape,
                "equation": self.equation,
                "activation": activations.serialize(self.activation),
                "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "quantization_config": None,
            }
        )
        return config
