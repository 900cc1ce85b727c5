"""The native JAX contender: a `jax.jit` train step over a parameter pytree, with optax.

The model is a pure function of its parameters (`jax.lax` convolutions and
`lax.scan` for the LSTM); the step is `jax.value_and_grad` plus
`optax.adam`, jitted with the parameters and optimizer state donated, as
the JAX and optax docs write it. Batches are NumPy arrays gathered with a
per-epoch permutation (what `fit(..., shuffle=True)` does) and handed to
the jitted step. If optax is not installed, a hand-written Adam stands in
(the results record which).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from workloads import D_MODEL, FFN, HEADS, KEY_DIM, LEARNING_RATE, LSTM_UNITS, NUM_CLASSES, WORKLOADS

try:
    import optax
except ImportError:  # pragma: no cover - depends on the environment
    optax = None

VARIANTS = ("native",)
OPTIMIZER = "optax.adam" if optax is not None else "hand-written Adam (optax not installed: pip install optax)"


def _dense(rng: np.random.Generator, fan_in: int, fan_out: int) -> dict:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return {
        "w": jnp.asarray(rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32")),
        "b": jnp.zeros((fan_out,), "float32"),
    }


def _conv(rng: np.random.Generator, channels_in: int, channels_out: int) -> dict:
    fan_in, fan_out = 9 * channels_in, 9 * channels_out
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return {
        "w": jnp.asarray(rng.uniform(-limit, limit, (3, 3, channels_in, channels_out)).astype("float32")),
        "b": jnp.zeros((channels_out,), "float32"),
    }


def init_params(name: str, seed: int = 0) -> dict:
    """The workload's parameters as a dict pytree."""
    rng = np.random.default_rng(seed)
    if name == "mlp":
        return {"d1": _dense(rng, 784, 512), "d2": _dense(rng, 512, 512), "d3": _dense(rng, 512, NUM_CLASSES)}
    if name == "convnet":
        return {"c1": _conv(rng, 1, 32), "c2": _conv(rng, 32, 64), "d": _dense(rng, 5 * 5 * 64, NUM_CLASSES)}
    if name == "lstm":
        features = WORKLOADS["lstm"].input_shape[-1]
        cell = _dense(rng, features, 4 * LSTM_UNITS)
        cell["u"] = _dense(rng, LSTM_UNITS, 4 * LSTM_UNITS)["w"]
        return {"cell": cell, "d": _dense(rng, LSTM_UNITS, NUM_CLASSES)}
    if name == "transformer":

        def ln() -> dict:  # distinct arrays: the jitted step donates its inputs
            return {"g": jnp.ones((D_MODEL,), "float32"), "b": jnp.zeros((D_MODEL,), "float32")}

        return {
            "q": _dense(rng, D_MODEL, HEADS * KEY_DIM),
            "k": _dense(rng, D_MODEL, HEADS * KEY_DIM),
            "v": _dense(rng, D_MODEL, HEADS * KEY_DIM),
            "o": _dense(rng, HEADS * KEY_DIM, D_MODEL),
            "ln1": ln(),
            "f1": _dense(rng, D_MODEL, FFN),
            "f2": _dense(rng, FFN, D_MODEL),
            "ln2": ln(),
            "d": _dense(rng, D_MODEL, NUM_CLASSES),
        }
    raise ValueError(f"Unknown workload {name!r}.")


def _linear(p: dict, x: jax.Array) -> jax.Array:
    return x @ p["w"] + p["b"]


def _conv2d(p: dict, x: jax.Array) -> jax.Array:
    y = lax.conv_general_dilated(x, p["w"], (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["b"]


def _max_pool(x: jax.Array) -> jax.Array:
    return lax.reduce_window(x, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")


def _layer_norm(p: dict, x: jax.Array) -> jax.Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) * lax.rsqrt(var + 1e-5) * p["g"] + p["b"]


def _lstm(p: dict, x: jax.Array) -> jax.Array:
    batch = x.shape[0]
    units = LSTM_UNITS

    def cell(carry: tuple, x_t: jax.Array) -> tuple:
        h, c = carry
        z = x_t @ p["w"] + h @ p["u"] + p["b"]
        # Slices, not `jnp.split`: its gradient inside `lax.scan` is ~2x slower on CPU.
        i, f = jax.nn.sigmoid(z[:, :units]), jax.nn.sigmoid(z[:, units : 2 * units])
        g, o = jnp.tanh(z[:, 2 * units : 3 * units]), jax.nn.sigmoid(z[:, 3 * units :])
        c = f * c + i * g
        h = o * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((batch, units), x.dtype)
    (h, _), _ = lax.scan(cell, (zeros, zeros), jnp.swapaxes(x, 0, 1))
    return h


def _attention(p: dict, x: jax.Array) -> jax.Array:
    batch, time, _ = x.shape
    q = _linear(p["q"], x).reshape(batch, time, HEADS, KEY_DIM)
    k = _linear(p["k"], x).reshape(batch, time, HEADS, KEY_DIM)
    v = _linear(p["v"], x).reshape(batch, time, HEADS, KEY_DIM)
    scores = jnp.einsum("bthd,bshd->bhts", q, k) / math.sqrt(KEY_DIM)
    out = jnp.einsum("bhts,bshd->bthd", jax.nn.softmax(scores, axis=-1), v)
    return _linear(p["o"], out.reshape(batch, time, HEADS * KEY_DIM))


def apply(name: str, params: dict, x: jax.Array) -> jax.Array:
    """Logits of the workload's model."""
    if name == "mlp":
        h = jax.nn.relu(_linear(params["d1"], x))
        h = jax.nn.relu(_linear(params["d2"], h))
        return _linear(params["d3"], h)
    if name == "convnet":
        h = _max_pool(jax.nn.relu(_conv2d(params["c1"], x)))
        h = _max_pool(jax.nn.relu(_conv2d(params["c2"], h)))
        return _linear(params["d"], h.reshape(h.shape[0], -1))
    if name == "lstm":
        return _linear(params["d"], _lstm(params["cell"], x))
    if name == "transformer":
        h = _layer_norm(params["ln1"], x + _attention(params, x))
        h = _layer_norm(params["ln2"], h + _linear(params["f2"], jax.nn.relu(_linear(params["f1"], h))))
        return _linear(params["d"], h.mean(axis=1))
    raise ValueError(f"Unknown workload {name!r}.")


def _cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    if optax is not None:
        return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()
    log_probs = jax.nn.log_softmax(logits)
    return -jnp.take_along_axis(log_probs, labels[:, None].astype("int32"), axis=-1).mean()


class _HandAdam:
    """Adam as `optax.adam` computes it, for environments without optax."""

    def init(self, params: Any) -> tuple:
        zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
        return (jnp.zeros((), "int32"), zeros, zeros)

    def update(self, grads: Any, state: tuple, params: Any) -> tuple:
        count, mu, nu = state
        count = count + 1
        mu = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, mu, grads)
        nu = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, nu, grads)
        c1, c2 = 1 - 0.9**count, 1 - 0.999**count
        updates = jax.tree_util.tree_map(lambda m, v: -LEARNING_RATE * (m / c1) / (jnp.sqrt(v / c2) + 1e-8), mu, nu)
        return updates, (count, mu, nu)


class NativeJax:
    """Parameters, optimizer state and a jitted step; `epoch()` trains one shuffled pass."""

    def __init__(self, variant: str, name: str, x: np.ndarray, y: np.ndarray) -> None:
        self.name = name
        self.batch_size = WORKLOADS[name].batch_size
        self.x, self.y = x, y
        optimizer = optax.adam(LEARNING_RATE) if optax is not None else _HandAdam()
        self.params = init_params(name)
        self.opt_state = optimizer.init(self.params)

        def loss_fn(params: dict, xb: jax.Array, yb: jax.Array) -> jax.Array:
            return _cross_entropy(apply(name, params, xb), yb)

        @partial(jax.jit, donate_argnums=(0, 1))
        def train_step(params: dict, opt_state: Any, xb: jax.Array, yb: jax.Array) -> tuple:
            loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            params = jax.tree_util.tree_map(lambda p, u: p + u, params, updates)
            return params, opt_state, loss

        self._train_step = train_step
        self._forward = jax.jit(partial(apply, name))

    def epoch(self) -> float:
        n = self.x.shape[0]
        order = np.random.permutation(n)
        loss: Any = None
        for start in range(0, n, self.batch_size):
            index = order[start : start + self.batch_size]
            self.params, self.opt_state, loss = self._train_step(
                self.params, self.opt_state, self.x[index], self.y[index]
            )
        return float(loss)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self._forward(self.params, x))


def make(variant: str, name: str, x: np.ndarray, y: np.ndarray) -> NativeJax:
    return NativeJax(variant, name, x, y)


def eager_linear() -> tuple[Any, Any]:
    """`(call, x)`: the ops a `Dense(8)` wraps (`x @ w + b`, eager) on an 8x8 input."""
    x = jnp.ones((8, 8))
    w, b = jnp.ones((8, 8)), jnp.zeros((8,))
    return (lambda v: (v @ w + b).block_until_ready()), x
