"""`MultiHeadAttention`: scaled dot-product attention over several learned projections."""

from __future__ import annotations

import math
import string
from typing import Any

from lamina import constraints, initializers, ops, random, regularizers
from lamina.backend import masking
from lamina.backend.symbolic import SymbolicTensor
from lamina.layers.attention._masks import combine_masks, expand_mask, masked_softmax
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.layer import Layer


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _normalize_attention_axes(attention_axes: tuple | None, rank: int) -> tuple[int, ...]:
    """Attention axes of the projected tensors of `rank` (batch, ..., heads, channels)."""
    if attention_axes is None:
        return tuple(range(1, rank - 2))
    return tuple(axis if axis >= 0 else (rank - 1) + axis for axis in attention_axes)


def _projection_equation(free_dims: int, bound_dims: int, output_dims: int) -> tuple[str, str, int]:
    """Einsum equation of a projection: keeps `free_dims`, contracts `bound_dims`, adds `output_dims`.

    Returns `(equation, bias_axes, output_rank)`, e.g. `("abc,cde->abde", "de", 4)`.
    """
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims : free_dims + bound_dims]
    added = letters[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{added}->{free}{added}", added, free_dims + output_dims


def _attention_equations(rank: int, attention_axes: tuple[int, ...]) -> tuple[str, str, int]:
    """Einsum equations of the scores (key, query -> scores) and of the combination.

    The projected tensors have shape `(batch, <other dims>, <attention dims>,
    heads, channels)`; every axis except the attention axes and the channels
    is a batch axis of the attention. Returns `(dot_product_equation,
    combine_equation, scores_rank)`.
    """
    letters = string.ascii_lowercase
    target = letters[:rank]
    batch_axes = [i for i in range(rank) if i not in attention_axes and i != rank - 1]
    source = ""
    offset = rank
    for i in range(rank):
        if i in batch_axes or i == rank - 1:
            source += target[i]
        else:
            source += letters[offset]
            offset += 1
    product = (
        "".join(target[i] for i in batch_axes)
        + "".join(target[i] for i in attention_axes)
        + "".join(source[i] for i in attention_axes)
    )
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


class MultiHeadAttention(Layer):
    """Multi-head attention, as in "Attention Is All You Need" (Vaswani et al., 2017).

    `query`, `key` and `value` are projected to `num_heads` heads (of size
    `key_dim` for queries and keys, `value_dim` for values); each head
    computes `softmax(query @ key^T / sqrt(key_dim)) @ value`, and the heads
    are projected back to the query's feature size (or to `output_shape`).
    With `query`, `key` and `value` the same tensor this is self-attention.

    Args:
        num_heads: positive int, number of attention heads.
        key_dim: positive int, size of each head for query and key.
        value_dim: size of each head for value (default: `key_dim`).
        dropout: float in [0, 1), dropout rate of the attention weights.
        use_bias: whether the projections have biases.
        output_shape: int or tuple, shape of the output besides the batch and
            attended dimensions (default: the query's feature size).
        attention_axes: int or tuple, axes of the query/value over which
            attention applies (default: all but the batch and feature axes).
        sliding_window: optional positive int: each query position attends
            only to key positions closer than `sliding_window`.
        flash_attention: accepted for Keras compatibility; Lamina always
            computes the explicit attention (like `flash_attention=False`),
            but rejects `dropout` and `return_attention_scores` with
            `flash_attention=True` as Keras does.
        kernel_initializer, bias_initializer: initializers of the projections.
        kernel_regularizer, bias_regularizer, activity_regularizer: optional
            regularizers of the projections.
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
        attention_mask: optional boolean mask broadcastable to `(B, T, S)`
            (or to `(B, heads, T, S)`): 1 where a query may attend to a key.
        return_attention_scores: if True, return `(output, scores)`, with
            scores of shape `(B, heads, T, S)`.
        training: whether dropout is applied.
        use_causal_mask: if True, query position `i` cannot attend to key
            positions `j > i`.

    All given masks are combined with a logical AND.

    Example:
        ```python
        layer = lamina.layers.MultiHeadAttention(num_heads=2, key_dim=2)
        target = lamina.Input((8, 16))
        source = lamina.Input((4, 16))
        output, scores = layer(target, source, return_attention_scores=True)
        output.shape, scores.shape   # (None, 8, 16), (None, 2, 8, 4)
        ```
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: Any = None,
        attention_axes: Any = None,
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
        if not _positive_int(num_heads):
            raise ValueError(
                "Received an invalid value for argument `num_heads`, expected a positive integer. "
                f"Received: num_heads={num_heads}"
            )
        if not _positive_int(key_dim):
            raise ValueError(
                "Received an invalid value for argument `key_dim`, expected a positive integer. "
                f"Received: key_dim={key_dim}"
            )
        if value_dim is not None and not _positive_int(value_dim):
            raise ValueError(
                "Received an invalid value for argument `value_dim`, expected a positive integer or "
                f"`None`. Received: value_dim={value_dim}"
            )
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout < 1:
            raise ValueError(
                f"Received an invalid value for argument `dropout`, expected a float in [0, 1). Received: dropout={dropout}"
            )
        if sliding_window is not None and not _positive_int(sliding_window):
            raise ValueError(
                f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={sliding_window}"
            )
        if flash_attention and dropout > 0.0:
            raise ValueError(
                "Dropout is not supported when flash attention is enabled. Please set dropout to 0.0 "
                "to use flash attention."
            )
        # The projections carry the activity regularizer, as in Keras.
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            elif isinstance(output_shape, (list, tuple)):
                output_shape = tuple(output_shape)
            else:
                raise ValueError(
                    f"Invalid `output_shape`: {output_shape}. When specified, the `output_shape` should "
                    "be of type tuple, list, or int."
                )
        self._output_shape = output_shape
        if isinstance(attention_axes, int) and not isinstance(attention_axes, bool):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                f"`attention_axes` must be an int, list, or tuple. Received: attention_axes={attention_axes}"
            )
        self._attention_axes = attention_axes
        self._sliding_window = sliding_window
        self._flash_attention = bool(flash_attention)
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        if dropout > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))

    @property
    def num_heads(self) -> int:
        return self._num_heads

    @property
    def key_dim(self) -> int:
        return self._key_dim

    @property
    def value_dim(self) -> int:
        return self._value_dim

    @property
    def dropout(self) -> float:
        return self._dropout

    @property
    def use_bias(self) -> bool:
        return self._use_bias

    @property
    def attention_axes(self) -> Any:
        return self._attention_axes

    # The projections live in public attributes (`query_dense`, ...): Keras saves
    # them under those names (public before private), so weight files line up.
    # The private names Keras code also uses read the same layers.
    @property
    def _query_dense(self) -> Layer:
        return self.query_dense

    @property
    def _key_dense(self) -> Layer:
        return self.key_dense

    @property
    def _value_dense(self) -> Layer:
        return self.value_dense

    @property
    def _output_dense(self) -> Layer:
        return self.output_dense

    # -- building ------------------------------------------------------------------
    def _sublayer_kwargs(self) -> dict:
        # Fresh initializer objects per projection: a seeded initializer reused
        # would give every projection the same values.
        return {
            "kernel_initializer": self._kernel_initializer.from_config(self._kernel_initializer.get_config()),
            "bias_initializer": self._bias_initializer.from_config(self._bias_initializer.get_config()),
            "kernel_regularizer": self._kernel_regularizer,
            "bias_regularizer": self._bias_regularizer,
            "activity_regularizer": self._activity_regularizer,
            "kernel_constraint": self._kernel_constraint,
            "bias_constraint": self._bias_constraint,
            "dtype": self.dtype,
        }

    def _projection(self, input_rank: int, heads_dim: int, name: str, activation: Any = None) -> Layer:
        equation, bias_axes, output_rank = _projection_equation(input_rank - 1, bound_dims=1, output_dims=2)
        return EinsumDense(
            equation,
            output_shape=[None] * (output_rank - 3) + [self._num_heads, heads_dim],
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def build(self, query_shape: Any, value_shape: Any, key_shape: Any = None) -> None:
        """Creates the projections for inputs of these shapes (`key_shape` defaults to `value_shape`)."""
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(value_shape, key_shape)
        self.query_dense = self._projection(len(query_shape), self._key_dim, "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._projection(len(key_shape), self._key_dim, "key")
        self.key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = self._projection(len(query_shape), self._value_dim, "gate", activation="sigmoid")
            self._gate_dense.build(query_shape)
        self.value_dense = self._projection(len(value_shape), self._value_dim, "value")
        self.value_dense.build(value_shape)
        self._build_attention(len(query_shape) + 1)
        self.output_dense = self._make_output_dense(query_shape, self._sublayer_kwargs(), "attention_output")
        projected = list(self.query_dense.compute_output_shape(query_shape))
        projected[-1] = self._value_dim
        self.output_dense.build(tuple(projected))

    def _make_output_dense(self, query_shape: tuple, common_kwargs: dict, name: str | None = None) -> Layer:
        """The projection from `(..., heads, value_dim)` back to the output shape."""
        output_shape = self._output_shape if self._output_shape else [query_shape[-1]]
        equation, bias_axes, output_rank = _projection_equation(
            len(query_shape) - 1, bound_dims=2, output_dims=len(output_shape)
        )
        return EinsumDense(
            equation,
            output_shape=[None] * (output_rank - 1 - len(output_shape)) + list(output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name=name,
            **common_kwargs,
        )

    def _build_attention(self, rank: int) -> None:
        """Prepares the attention computation for projected tensors of `rank`."""
        self._resolved_attention_axes = _normalize_attention_axes(self._attention_axes, rank)
        self._dot_product_equation, self._combine_equation, scores_rank = _attention_equations(
            rank, self._resolved_attention_axes
        )
        count = len(self._resolved_attention_axes)
        self._softmax_axes = tuple(range(scores_rank - count, scores_rank))

    @staticmethod
    def _check_shapes(value_shape: tuple, key_shape: tuple) -> None:
        if tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]:
            raise ValueError(
                "All dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={tuple(value_shape)} and key_shape={tuple(key_shape)}"
            )

    # -- calling ------------------------------------------------------------------
    def _masked_softmax(self, attention_scores: Any, attention_mask: Any = None) -> Any:
        if attention_mask is not None:
            # Missing axes (the heads, and batch axes) are added before the attention axes.
            axis = -len(self._resolved_attention_axes) * 2 - 1
            attention_mask = expand_mask(attention_mask, len(attention_scores.shape), axis)
        return masked_softmax(attention_scores, attention_mask, self._softmax_axes)

    def _compute_attention(
        self,
        query: Any,
        key: Any,
        value: Any,
        attention_mask: Any = None,
        training: bool | None = None,
        return_attention_scores: bool = False,
    ) -> tuple[Any, Any]:
        """Attention of projected `query` `(B, T, N, key_dim)` on `key`/`value` `(B, S, N, dim)`.

        Returns `(attention_output, attention_scores)`; subclasses may
        override it for a custom attention.
        """
        dropping = bool(training) and self._dropout > 0
        if not (return_attention_scores or dropping) and tuple(self._resolved_attention_axes) == (1,):
            # One `ops.dot_product_attention` (a fused kernel where the backend has
            # one: torch's scaled_dot_product_attention), as Keras does. The backend
            # picks the kernel: `flash_attention` stays a request, not a demand.
            if attention_mask is not None:
                attention_mask = expand_mask(attention_mask, 4, -3)
            output = ops.dot_product_attention(
                query,
                key,
                value,
                mask=attention_mask,
                scale=self._inverse_sqrt_key_dim,
            )
            return output, None
        query = ops.multiply(query, self._inverse_sqrt_key_dim)
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        weights = scores
        if training and self._dropout > 0:
            weights = random.dropout(scores, self._dropout, seed=self.seed_generator)
        return ops.einsum(self._combine_equation, weights, value), scores

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
            sliding_window=self._sliding_window,
        )

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
        gate = self._gate_dense(query) if self._use_gate else None
        query = self.query_dense(query)
        key = self.key_dense(key)
        value = self.value_dense(value)
        output, scores = self._compute_attention(
            query, key, value, attention_mask, training=training, return_attention_scores=return_attention_scores
        )
        if gate is not None:
            output = ops.multiply(output, gate)
        output = self.output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    # -- shapes and configuration -----------------------------------------------------
    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> tuple:
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(value_shape, key_shape)
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _scores_shape(self, query_shape: tuple, key_shape: tuple) -> tuple:
        rank = len(query_shape) + 1
        axes = _normalize_attention_axes(self._attention_axes, rank)
        projected = query_shape[:-1] + (self._num_heads,)
        batch = tuple(projected[i] for i in range(rank - 1) if i not in axes)
        return batch + tuple(query_shape[i] for i in axes) + tuple(key_shape[i] for i in axes)

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
        output_shape = self.compute_output_shape(tuple(query.shape), tuple(value.shape), key_shape)
        output = SymbolicTensor(output_shape, self.compute_dtype)
        if return_attention_scores:
            scores_shape = self._scores_shape(tuple(query.shape), key_shape or tuple(value.shape))
            return output, SymbolicTensor(scores_shape, self.compute_dtype)
        return output

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "num_heads": self._num_heads,
                "key_dim": self._key_dim,
                "value_dim": self._value_dim,
                "dropout": self._dropout,
                "use_bias": self._use_bias,
                "use_gate": self._use_gate,
                "output_shape": self._output_shape,
                "attention_axes": self._attention_axes,
                "sliding_window": self._sliding_window,
                "kernel_initializer": initializers.serialize(self._kernel_initializer),
                "bias_initializer": initializers.serialize(self._bias_initializer),
                "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self._bias_regularizer),
                "activity_regularizer": regularizers.serialize(self._activity_regularizer),
                "kernel_constraint": constraints.serialize(self._kernel_constraint),
                "bias_constraint": constraints.serialize(self._bias_constraint),
                "seed": self.seed,
            }
        )
        return config
