"""`ReversibleEmbedding`: an `Embedding` that also projects back to the vocabulary."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.backend import masking
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.core.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An embedding that can be called in reverse, from `output_dim` back to
    `input_dim` (the logits of a language model's head), as in Keras 3.

    `layer(ids)` looks up embeddings as `Embedding` does; `layer(hidden, reverse=True)`
    multiplies by the transposed embeddings (`tie_weights=True`, the default) or by
    a separate trainable `reverse_embeddings` matrix of shape `(output_dim, input_dim)`.
    No bias.

    Args:
        input_dim: vocabulary size (largest id + 1).
        output_dim: embedding size.
        tie_weights: share the embeddings with the reverse projection.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint,
            mask_zero: as for `Embedding` (the initializer also initializes
            `reverse_embeddings`).
        reverse_dtype: dtype of the reverse projection's computation (default:
            the layer's compute dtype).
        logit_soft_cap: if set, reverse calls return
            `tanh(logits / logit_soft_cap) * logit_soft_cap`.

    Example:
        ```python
        embedding = lamina.layers.ReversibleEmbedding(100, 32)
        hidden = embedding(np.random.randint(100, size=(16, 50)))   # (16, 50, 32)
        logits = embedding(hidden, reverse=True)                      # (16, 50, 100)
        ```
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        reverse_dtype: Any = None,
        logit_soft_cap: float | None = None,
        **kwargs: Any,
    ) -> None:
        weights = kwargs.pop("weights", None)  # set once `tie_weights` decides what there is to build
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, list) else [weights])

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings",
                shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer,
                trainable=True,
            )

    def call(self, inputs: Any, reverse: bool = False) -> Any:
        if not reverse:
            outputs = super().call(inputs)
            # The mask belongs to the lookup only: set here, not by `compute_mask`,
            # which would also mask the logits of reverse calls.
            mask = super().compute_mask(inputs)
            if mask is not None:
                masking.set_mask(outputs, mask)
            return outputs
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.multiply(ops.tanh(ops.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        return logits

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None

    def compute_output_shape(self, input_shape: Any, reverse: bool = False) -> tuple:
        if reverse:
            return tuple(input_shape)[:-1] + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs: Any, reverse: bool = False) -> SymbolicTensor:
        dtype = self.reverse_dtype if reverse and self.reverse_dtype is not None else self.compute_dtype
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape), reverse=reverse), dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap,
            }
        )
        return config
