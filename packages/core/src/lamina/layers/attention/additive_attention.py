"""`AdditiveAttention`: Bahdanau-style attention over `[query, value(, key)]`."""

from __future__ import annotations

from typing import Any

from lamina import ops
from lamina.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    Like `Attention`, but the score of a query position `i` and a key
    position `j` is `sum(scale * tanh(query[i] + key[j]))` over the features,
    where `scale` is a learned vector of size `dim` (or 1 when
    `use_scale=False`).

    Args:
        use_scale: if True (default), learn the per-feature `scale` vector.
        dropout: float in [0, 1), fraction of the attention weights dropped
            during training.
        seed: optional int seed of the dropout.

    Call arguments: as `Attention` (`inputs=[query, value(, key)]`, `mask`,
    `training`, `return_attention_scores`, `use_causal_mask`).

    Example:
        ```python
        query = lamina.Input((4, 8))
        value = lamina.Input((6, 8))
        output = lamina.layers.AdditiveAttention()([query, value])
        output.shape   # (None, 4, 8)
        ```
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._validate_inputs(input_shape)
        dim = tuple(input_shape[0])[-1]
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(dim,), initializer="glorot_uniform")

    def _calculate_scores(self, query: Any, key: Any) -> Any:
        # Broadcast (batch, Tq, 1, dim) against (batch, 1, Tv, dim).
        features = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.use_scale:
            features = ops.multiply(self.scale, features)
        return ops.sum(features, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
