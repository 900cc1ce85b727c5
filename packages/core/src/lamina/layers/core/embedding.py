"""`Embedding`: turns integer ids into dense vectors of fixed size."""

from __future__ import annotations

import warnings
from typing import Any

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.layer import Layer


def _get_initializer(identifier: Any) -> Any:
    # Keras's alias "uniform" (its Embedding default) names RandomUniform.
    if identifier == "uniform":
        return initializers.RandomUniform()
    if identifier == "normal":
        return initializers.RandomNormal()
    return initializers.get(identifier)


class Embedding(Layer):
    """Looks up a trainable `(input_dim, output_dim)` table by integer id.

    Inputs of shape `(batch, ...)` with ids in `[0, input_dim)` give outputs of
    shape `(batch, ..., output_dim)`.

    Args:
        input_dim: positive int, the vocabulary size (largest id + 1).
        output_dim: positive int, the size of each vector.
        embeddings_initializer: initializer of the table (default "uniform",
            Keras's name for `RandomUniform(-0.05, 0.05)`).
        embeddings_regularizer: optional regularizer of the table.
        embeddings_constraint: optional constraint on the table.
        mask_zero: whether id 0 is padding: the layer then outputs the mask
            `inputs != 0`, which later layers (RNNs, Softmax, ...) use.
            Id 0 cannot then be a word of the vocabulary (input_dim should be
            vocabulary size + 1).
        weights: optional initial value of the table, `[array]` or `array`.

    Example:
        ```python
        layer = lamina.layers.Embedding(input_dim=1000, output_dim=64, mask_zero=True)
        layer(np.array([[4, 9, 0]])).shape   # (1, 3, 64), mask [[True, True, False]]
        ```
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        weights: Any = None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config: Any = None,
        **kwargs: Any,
    ) -> None:
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"Received an invalid value for `{name}`, expected a positive integer. "
                    f"Received: {name}={value!r} (of type {type(value).__name__})"
                )
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` of Embedding is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        if lora_rank is not None or quantization_config is not None:
            raise ValueError(
                "LoRA and quantization are not supported by Lamina's Embedding yet. "
                f"Received: lora_rank={lora_rank}, quantization_config={quantization_config}"
            )
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = _get_initializer(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def call(self, inputs: Any) -> Any:
        if ops.dtype(inputs) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs: Any) -> SymbolicTensor:
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), self.compute_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                "quantization_config": None,
            }
        )
        return config
