"""`GroupedQueryAttention`: multi-head attention where groups of query heads share a key/value head."""

from __future__ import annotations

import math
from typing import Any

from lamina import constraints, initializers, ops, random, regularizers
from lamina.backend import masking
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.attention._masks import combine_masks, expand_mask, masked_softmax
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.layer import Layer


def _check_positive_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"Received an invalid value for argument `{name}`, expected a positive integer. Received: {name}={value}"
        )


class GroupedQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023).

    Like `MultiHeadAttention` on inputs of shape `(batch, length, dim)`, but
    with fewer key/value heads than query heads: each of the
    `num_key_value_heads` key/value heads serves
    `num_query_heads // num_key_value_heads` query heads. With one key/value
    head this is multi-query attention; with as many as query heads it is
    multi-head attention.

    Args:
        head_dim: positive int, size of each attention head.
        num_query_heads: positive int, number of query heads.
        num_key_value_heads: positive int dividing `num_query_heads`, number of
            key and value heads.
        dropout: float in [0, 1), dropout rate of the attention weights.
        use_bias: whether the projections have biases.
        sliding_window: optional positive int: each query position attends
            only to key positions closer than `sliding_window`.
        flash_attention: accepted for Keras compatibility; Lamina always
            computes the explicit attention, but rejects `dropout` and
            `return_attention_scores` with `flash_attention=True` as Keras does.
        kernel_initializer, bias_initializer: initializers of the projections.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional
            regularizers.
        kernel_constraint, bias_constraint: optional constraints.
        use_gate: if True, gate the attention output with
            `sigmoid(query projection)` before the output projection.
        seed: optional int seed of the dropout.

    Call arguments:
        query: tensor `(B, T, dim)`.
        value: tensor `(B, S, dim)`.
        key: optional tensor `(B, S, dim)` (default: `value`).
        query_mask, value_mask, key_mask: optional boolean `(B, T)` / `(B, S)`
            padding masks (default: the masks attached to the inputs).
        attention_mask: optional boolean mask broadcastable to `(B, T, S)`.
        return_attention_scores: if True, return `(output, scores)`, with
            scores of shape `(B, num_query_heads, T, S)`.
        training: whether dropout is applied.
        use_causal_mask: if True, position `i` cannot attend to `j > i`.

    Example:
        ```python
        layer = lamina.layers.GroupedQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        x = lamina.Input((8, 16))
        layer(x, x).shape   # (None, 8, 16)
        ```
    """

    # Keras exports this class as `keras.layers.GroupQueryAttention`.
    _keras_class_name = "GroupQueryAttention"

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        _check_positive_int("head_dim", head_dim)
        _check_positive_int("num_query_heads", num_query_heads)
        _check_positive_int("num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "`num_query_heads` must be divisible by `num_key_value_heads`. Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}. "
                "Choose a number of key/value heads that divides the number of query heads."
            )
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout < 1:
            raise ValueError(
                f"Received an invalid value for argument `dropout`, expected a float in [0, 1). Received: dropout={dropout}"
            )
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or isinstance(sliding_window, bool) or sliding_window <= 0
        ):
            raise ValueError(
                f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={sliding_window}"
            )
        if flash_attention and dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 "
                "to use flash attention."
            )
        # As in Keras, the activity regularizer applies to the layer's output and to each projection.
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        self._flash_attention = bool(flash_attention)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        self._dot_product_equation = "bquh,bkuh->buqk"
        self._combine_equation = "buqk,bkuh->bquh"

    def _sublayer_kwargs(self) -> dict:
        # Fresh initializer objects per projection (a reused seeded one repeats its values).
        return {
            "kernel_initializer": self.kernel_initializer.from_config(self.kernel_initializer.get_config()),
            "bias_initializer": self.bias_initializer.from_config(self.bias_initializer.get_config()),
            "kernel_regularizer": self.kernel_regularizer,
            "bias_regularizer": self.bias_regularizer,
            "activity_regularizer": self.activity_regularizer,
            "kernel_constraint": self.kernel_constraint,
            "bias_constraint": self.bias_constraint,
            "dtype": self.dtype,
        }

    def build(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        """Creates the projections (einsum letters: b batch, q/k lengths, m model dim, u/v heads, h head dim)."""
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self.feature_dim = query_shape[-1]
        self._query_dense = EinsumDense(
            "bqm,muh->bquh",
            output_shape=(None, self.num_query_heads, self.head_dim),
            bias_axes="uh" if self.use_bias else None,
            name="query",
            **self._sublayer_kwargs(),
        )
        self._query_dense.build(query_shape)
        self._key_dense = EinsumDense(
            "bkm,mvh->bkvh",
            output_shape=(None, self.num_key_value_heads, self.head_dim),
            bias_axes="vh" if self.use_bias else None,
            name="key",
            **self._sublayer_kwargs(),
        )
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = EinsumDense(
                "bqm,muh->bquh",
                output_shape=(None, self.num_query_heads, self.head_dim),
                bias_axes="uh" if self.use_bias else None,
                activation="sigmoid",
                name="gate",
                **self._sublayer_kwargs(),
            )
            self._gate_dense.build(query_shape)
        self._value_dense = EinsumDense(
            "bkm,mvh->bkvh",
            output_shape=(None, self.num_key_value_heads, self.head_dim),
            bias_axes="vh" if self.use_bias else None,
            name="value",
            **self._sublayer_kwargs(),
        )
        self._value_dense.build(value_shape)
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))

    def _compute_attention_mask(
        self,
        query: Any,
        value: Any,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        use_causal_mask: bool = False,
    ) -> Any:
        """The `(B, T, S)` mask: the padding, causal, sliding-window and explicit masks ANDed."""
        return combine_masks(
            query,
            value,
            query_mask=query_mask,
            value_mask=value_mask,
            key_mask=key_mask,
            attention_mask=attention_mask,
            use_causal_mask=use_causal_mask,
            sliding_window=self.sliding_window,
        )

    def _compute_attention(
        self, query: Any, key: Any, value: Any, attention_mask: Any = None, training: bool | None = None
    ) -> tuple[Any, Any]:
        """Attention of `query` `(B, T, Nq, H)` on repeated `key`/`value` `(B, S, Nq, H)`."""
        query = ops.multiply(query, self._inverse_sqrt_head_dim)
        scores = ops.einsum(self._dot_product_equation, query, key)  # (B, Nq, T, S)
        if attention_mask is not None:
            attention_mask = expand_mask(attention_mask, len(scores.shape), -3)
        scores = masked_softmax(scores, attention_mask, (-1,))
        weights = scores
        if training and self.dropout > 0:
            weights = random.dropout(scores, self.dropout, seed=self.seed_generator)
        return ops.einsum(self._combine_equation, weights, value), scores

    def call(
        self,
        query: Any,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "Returning attention scores is not supported when flash attention is enabled. "
                "Please disable flash attention to access attention scores."
            )
        # Padding masks default to the masks attached to the inputs.
        if query_mask is None:
            query_mask = masking.get_mask(query)
        if value_mask is None:
            value_mask = masking.get_mask(value)
        if key is None:
            key = value
        elif key_mask is None:
            key_mask = masking.get_mask(key)
        attention_mask = self._compute_attention_mask(
            query,
            value,
            query_mask=query_mask,
            value_mask=value_mask,
            key_mask=key_mask,
            attention_mask=attention_mask,
            use_causal_mask=use_causal_mask,
        )
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)
        key = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        value = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        output, scores = self._compute_attention(query, key, value, attention_mask=attention_mask, training=training)
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> tuple:
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        return query_shape

    def compute_output_spec(
        self,
        query: Any,
        value: Any,
        key: Any = None,
        query_mask: Any = None,
        value_mask: Any = None,
        key_mask: Any = None,
        attention_mask: Any = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        key_shape = tuple(key.shape) if key is not None else None
        output = SymbolicTensor(
            self.compute_output_shape(tuple(query.shape), tuple(value.shape), key_shape), self.compute_dtype
        )
        if return_attention_scores:
            source_length = (key_shape or tuple(value.shape))[1]
            scores_shape = (query.shape[0], self.num_query_heads, query.shape[1], source_length)
            return output, SymbolicTensor(scores_shape, self.compute_dtype)
        return output

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads,
                "use_bias": self.use_bias,
                "use_gate": self.use_gate,
                "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed,
            }
        )
        return config


# Keras 3 exports this layer as `keras.layers.GroupQueryAttention` (the class is
# named `GroupedQueryAttention`); both names work in Lamina.
GroupQueryAttention = GroupedQueryAttention
