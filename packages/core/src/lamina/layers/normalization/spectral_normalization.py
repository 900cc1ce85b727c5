"""`SpectralNormalization`: divides a wrapped layer's kernel by its largest singular value."""

from __future__ import annotations

from typing import Any

from lamina import initializers, ops
from lamina.backend.dtypes import standardize_dtype
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class SpectralNormalization(Wrapper):
    """Constrains the spectral norm of a layer's kernel (Miyato et al., 2018).

    The wrapped layer needs a `kernel` (Dense, Conv*) or `embeddings`
    (Embedding) weight. The kernel is viewed as a matrix `W` of shape
    `(-1, kernel.shape[-1])`; a persistent vector `u` (a non-trainable weight
    `vector_u`, shape `(1, kernel.shape[-1])`) tracks its leading right
    singular vector. In training, each call runs `power_iterations` steps of
    the power method (`v = normalize(u W^T)`, `u = normalize(v W)`),
    estimates `sigma = v W u^T`, stores `u` and replaces the kernel by
    `kernel / sigma` before calling the layer, as Keras 3 does (an all-zero
    kernel is left alone). In inference the layer runs with its current
    kernel.

    Args:
        layer: the layer to wrap, with a `kernel` or `embeddings` weight.
        power_iterations: the number of power-method steps per training call
            (a positive integer, default 1).

    Example:
        ```python
        layer = lamina.layers.SpectralNormalization(lamina.layers.Dense(8))
        y = layer(np.ones((2, 4), "float32"), training=True)  # kernel now has spectral norm ~1
        ```
    """

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs: Any) -> None:
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or isinstance(power_iterations, bool) or power_iterations <= 0:
            raise ValueError(
                "`power_iterations` should be greater than zero (a positive integer). "
                f"Received: power_iterations={power_iterations!r}"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"SpectralNormalization needs a layer with a `kernel` or `embeddings` weight; "
                f"{type(self.layer).__name__} has neither. Wrap e.g. a Dense, Conv2D or Embedding layer."
            )
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=self.kernel.dtype,
        )

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training:
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        outputs = self.layer(inputs)
        input_dtype = standardize_dtype(inputs.dtype)
        # Keras casts the output to the input dtype; Lamina does so for float inputs only
        # (an Embedding's int ids would otherwise truncate its vectors).
        return ops.cast(outputs, input_dtype) if "float" in input_dtype else outputs

    def normalized_weights(self) -> tuple:
        """The updated `(vector_u, kernel)`: one power-method estimate of the kernel's spectral norm."""
        kernel = ops.convert_to_tensor(self.kernel)
        old_u = ops.convert_to_tensor(self.vector_u)
        weights = ops.reshape(kernel, (-1, self.kernel_shape[-1]))
        vector_u = old_u
        for _ in range(self.power_iterations):
            vector_v = ops.normalize(ops.matmul(vector_u, ops.transpose(weights)), axis=None)
            vector_u = ops.normalize(ops.matmul(vector_v, weights), axis=None)
        vector_u = ops.stop_gradient(vector_u)
        vector_v = ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        # Keras leaves an all-zero kernel (and `u`) as they are instead of dividing by sigma = 0.
        all_zero = ops.all(ops.equal(kernel, 0))
        safe_sigma = ops.where(all_zero, ops.ones_like(sigma), sigma)
        new_kernel = ops.where(all_zero, kernel, ops.reshape(kernel / safe_sigma, self.kernel_shape))
        new_u = ops.where(all_zero, old_u, vector_u)
        return ops.cast(new_u, self.vector_u.dtype), ops.cast(new_kernel, self.kernel.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["power_iterations"] = self.power_iterations
        return config
