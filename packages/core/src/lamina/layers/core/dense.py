"""`Dense`: the densely-connected layer, `activation(inputs @ kernel + bias)`."""

from __future__ import annotations

from typing import Any

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Dense(Layer):
    """Just your regular densely-connected layer.

    Applies `activation(dot(inputs, kernel) + bias)` on the last axis of inputs
    of any rank.

    Args:
        units: positive int, dimensionality of the output.
        activation: activation function or name (default: none).
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer of the kernel (default "glorot_uniform").
        bias_initializer: initializer of the bias (default "zeros").
        kernel_regularizer, bias_regularizer: optional regularizers.
        activity_regularizer: optional regularizer on the output.
        kernel_constraint, bias_constraint: optional constraints.

    Example:
        ```python
        model = lamina.Sequential([lamina.Input((16,)), lamina.layers.Dense(32, activation="relu")])
        model.output_shape   # (None, 32)
        ```
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. Received: units={units}"
            )
        if lora_rank is not None or quantization_config is not None:
            raise ValueError(
                "LoRA and quantization are not supported by Lamina's Dense yet. "
                f"Received: lora_rank={lora_rank}, quantization_config={quantization_config}"
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the inputs to Dense layer '{self.name}' should be "
                f"defined. Found None. Full input shape received: {tuple(input_shape)}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        x = None
        if self.bias is not None:
            x = self._backend.fused_dense(inputs, self.kernel, self.bias)
        if x is None:
            x = ops.matmul(inputs, self.kernel)
            if self.bias is not None:
                x = ops.add(x, self.bias)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config
