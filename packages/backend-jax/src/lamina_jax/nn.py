"""Neural-network ops on JAX (`jax.nn` where it matches Keras)."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from lamina.backend.contract import NNOps
from lamina_jax.core import convert, to_jax_dtype
from lamina_jax.numpy import _float


class JaxNNOps(NNOps):
    def relu(self, x: Any) -> jax.Array:
        return jax.nn.relu(convert(x))

    def relu6(self, x: Any) -> jax.Array:
        return jax.nn.relu6(convert(x))

    def sigmoid(self, x: Any) -> jax.Array:
        return jax.nn.sigmoid(_float(x))

    def softplus(self, x: Any) -> jax.Array:
        return jax.nn.softplus(_float(x))

    def softsign(self, x: Any) -> jax.Array:
        return jax.nn.soft_sign(_float(x))

    def silu(self, x: Any) -> jax.Array:
        return jax.nn.silu(_float(x))

    def log_sigmoid(self, x: Any) -> jax.Array:
        return jax.nn.log_sigmoid(_float(x))

    def leaky_relu(self, x: Any, negative_slope: float = 0.2) -> jax.Array:
        return jax.nn.leaky_relu(_float(x), negative_slope=negative_slope)

    def hard_sigmoid(self, x: Any) -> jax.Array:
        return jax.nn.hard_sigmoid(_float(x))

    def elu(self, x: Any, alpha: float = 1.0) -> jax.Array:
        return jax.nn.elu(_float(x), alpha=alpha)

    def selu(self, x: Any) -> jax.Array:
        return jax.nn.selu(_float(x))

    def gelu(self, x: Any, approximate: bool = True) -> jax.Array:
        return jax.nn.gelu(_float(x), approximate=approximate)

    def softmax(self, x: Any, axis: Any = -1) -> jax.Array:
        return jax.nn.softmax(_float(x), axis=axis)

    def log_softmax(self, x: Any, axis: Any = -1) -> jax.Array:
        return jax.nn.log_softmax(_float(x), axis=axis)

    def one_hot(self, x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> jax.Array:
        if sparse:
            raise ValueError("Sparse one_hot is not supported on the JAX backend; use sparse=False.")
        return jax.nn.one_hot(convert(x), num_classes, axis=axis, dtype=to_jax_dtype(dtype))

    def categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> jax.Array:
        target = convert(target)
        output = convert(output)
        if target.shape != output.shape:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape. "
                f"Received: target.shape={target.shape}, output.shape={output.shape}"
            )
        return super().categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)

    def sparse_categorical_crossentropy(
        self, target: Any, output: Any, from_logits: bool = False, axis: int = -1
    ) -> jax.Array:
        target = convert(target)
        output = convert(output)
        if target.ndim == output.ndim and target.shape[-1] == 1:
            target = jnp.squeeze(target, axis=-1)
        if target.ndim != output.ndim - 1:
            raise ValueError(
                "Argument `output` must have rank (ndim) `target.ndim + 1`. "
                f"Received: target.shape={target.shape}, output.shape={output.shape}"
            )
        if from_logits:
            log_prob = jax.nn.log_softmax(output, axis=axis)
        else:
            from lamina.backend.config import epsilon

            output = output / jnp.sum(output, axis=axis, keepdims=True)
            log_prob = jnp.log(jnp.clip(output, epsilon(), 1.0 - epsilon()))
        one_hot = jax.nn.one_hot(target.astype(jnp.int32), output.shape[axis], axis=axis, dtype=output.dtype)
        return -jnp.sum(one_hot * log_prob, axis=axis)
