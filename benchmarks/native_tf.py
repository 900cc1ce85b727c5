"""The native TensorFlow contender: a `tf.function` step with `tf.GradientTape`.

The model is a `tf.Module` of `tf.Variable`s using `tf.nn` ops (no Keras:
`tf.keras` is Keras 3 itself since TF 2.16); Adam is TensorFlow's own fused
kernel, `tf.raw_ops.ResourceApplyAdam` (what `tf.compat.v1.train.AdamOptimizer`
runs). Two variants: `native` (`tf.function`) and `native_xla`
(`tf.function(jit_compile=True)`); the report takes the faster. Batches are
NumPy arrays gathered with a per-epoch permutation (what `fit(...,
shuffle=True)` does), converted with `tf.convert_to_tensor`. The LSTM runs
its 50 time steps unrolled inside the traced function. (Dense layers on
sequences flatten to one `tf.matmul`: the gradient of `tf.einsum` with an
ellipsis is ~100x slower on CPU.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import tensorflow as tf
from workloads import D_MODEL, FFN, HEADS, KEY_DIM, LEARNING_RATE, LSTM_UNITS, NUM_CLASSES, WORKLOADS

VARIANTS = ("native", "native_xla")


def _uniform(rng: np.random.Generator, shape: tuple, fan_in: int, fan_out: int) -> tf.Variable:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return tf.Variable(rng.uniform(-limit, limit, shape).astype("float32"))


class _Dense(tf.Module):
    def __init__(self, rng: np.random.Generator, fan_in: int, fan_out: int) -> None:
        super().__init__()
        self.w = _uniform(rng, (fan_in, fan_out), fan_in, fan_out)
        self.b = tf.Variable(tf.zeros((fan_out,)))

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        if len(x.shape) > 2:  # (batch, time, features): one matmul over the flattened rows
            flat = tf.matmul(tf.reshape(x, (-1, x.shape[-1])), self.w)
            return tf.reshape(tf.nn.bias_add(flat, self.b), (-1, *x.shape[1:-1], self.w.shape[-1]))
        return tf.nn.bias_add(tf.matmul(x, self.w), self.b)


class _Conv(tf.Module):
    def __init__(self, rng: np.random.Generator, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.w = _uniform(rng, (3, 3, channels_in, channels_out), 9 * channels_in, 9 * channels_out)
        self.b = tf.Variable(tf.zeros((channels_out,)))

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        return tf.nn.bias_add(tf.nn.conv2d(x, self.w, 1, "VALID"), self.b)


class _LayerNorm(tf.Module):
    def __init__(self) -> None:
        super().__init__()
        self.g = tf.Variable(tf.ones((D_MODEL,)))
        self.b = tf.Variable(tf.zeros((D_MODEL,)))

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
        return tf.nn.batch_normalization(x, mean, var, self.b, self.g, 1e-5)


class Model(tf.Module):
    """The workload's architecture as a `tf.Module`."""

    def __init__(self, name: str, seed: int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.kind = name
        if name == "mlp":
            self.d1, self.d2, self.d3 = _Dense(rng, 784, 512), _Dense(rng, 512, 512), _Dense(rng, 512, NUM_CLASSES)
        elif name == "convnet":
            self.c1, self.c2 = _Conv(rng, 1, 32), _Conv(rng, 32, 64)
            self.d = _Dense(rng, 5 * 5 * 64, NUM_CLASSES)
        elif name == "lstm":
            features = WORKLOADS["lstm"].input_shape[-1]
            self.kernel = _Dense(rng, features, 4 * LSTM_UNITS)
            self.recurrent = _uniform(rng, (LSTM_UNITS, 4 * LSTM_UNITS), LSTM_UNITS, 4 * LSTM_UNITS)
            self.d = _Dense(rng, LSTM_UNITS, NUM_CLASSES)
        elif name == "transformer":
            self.q, self.k, self.v = (_Dense(rng, D_MODEL, HEADS * KEY_DIM) for _ in range(3))
            self.o = _Dense(rng, HEADS * KEY_DIM, D_MODEL)
            self.ln1, self.ln2 = _LayerNorm(), _LayerNorm()
            self.f1, self.f2 = _Dense(rng, D_MODEL, FFN), _Dense(rng, FFN, D_MODEL)
            self.d = _Dense(rng, D_MODEL, NUM_CLASSES)
        else:
            raise ValueError(f"Unknown workload {name!r}.")

    def _attention(self, x: tf.Tensor) -> tf.Tensor:
        # As TensorFlow's Transformer tutorial: split heads with a transpose to
        # (batch, heads, time, depth), then `tf.matmul(q, k, transpose_b=True)`.
        def heads(t: tf.Tensor) -> tf.Tensor:
            return tf.transpose(tf.reshape(t, (-1, t.shape[1], HEADS, KEY_DIM)), (0, 2, 1, 3))

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        scores = tf.matmul(q, k, transpose_b=True) / math.sqrt(KEY_DIM)
        out = tf.transpose(tf.matmul(tf.nn.softmax(scores, axis=-1), v), (0, 2, 1, 3))
        return self.o(tf.reshape(out, (-1, x.shape[1], HEADS * KEY_DIM)))

    def __call__(self, x: tf.Tensor) -> tf.Tensor:
        if self.kind == "mlp":
            return self.d3(tf.nn.relu(self.d2(tf.nn.relu(self.d1(x)))))
        if self.kind == "convnet":
            h = tf.nn.max_pool2d(tf.nn.relu(self.c1(x)), 2, 2, "VALID")
            h = tf.nn.max_pool2d(tf.nn.relu(self.c2(h)), 2, 2, "VALID")
            return self.d(tf.reshape(h, (-1, 5 * 5 * 64)))
        if self.kind == "lstm":
            projected = self.kernel(x)
            h = c = tf.zeros((tf.shape(x)[0], LSTM_UNITS))
            for projected_t in tf.unstack(projected, axis=1):
                i, f, g, o = tf.split(projected_t + tf.matmul(h, self.recurrent), 4, axis=-1)
                c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
                h = tf.sigmoid(o) * tf.tanh(c)
            return self.d(h)
        h = self.ln1(x + self._attention(x))
        h = self.ln2(h + self.f2(tf.nn.relu(self.f1(h))))
        return self.d(tf.reduce_mean(h, axis=1))


class _Adam:
    """Adam through TensorFlow's fused `ResourceApplyAdam` kernel."""

    def __init__(self, variables: list) -> None:
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.iterations = tf.Variable(0.0)

    def apply(self, grads: list, variables: list) -> None:
        t = self.iterations.assign_add(1.0)
        beta1_power, beta2_power = tf.pow(0.9, t), tf.pow(0.999, t)
        for var, m, v, grad in zip(variables, self.m, self.v, grads):
            tf.raw_ops.ResourceApplyAdam(
                var=var.handle,
                m=m.handle,
                v=v.handle,
                beta1_power=beta1_power,
                beta2_power=beta2_power,
                lr=LEARNING_RATE,
                beta1=0.9,
                beta2=0.999,
                epsilon=1e-7,
                grad=grad,
            )


class NativeTF:
    """Model, optimizer and a `tf.function` step; `epoch()` trains one shuffled pass."""

    def __init__(self, variant: str, name: str, x: np.ndarray, y: np.ndarray) -> None:
        self.batch_size = WORKLOADS[name].batch_size
        self.x, self.y = x, y
        self.model = Model(name)
        variables = list(self.model.trainable_variables)
        self.optimizer = _Adam(variables)
        model, optimizer = self.model, self.optimizer
        jit = variant == "native_xla"

        @tf.function(jit_compile=jit)
        def train_step(xb: tf.Tensor, yb: tf.Tensor) -> tf.Tensor:
            with tf.GradientTape() as tape:
                logits = model(xb)
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, logits))
            optimizer.apply(tape.gradient(loss, variables), variables)
            return loss

        self._train_step = train_step
        self._forward = tf.function(model.__call__, jit_compile=jit)

    def epoch(self) -> float:
        n = self.x.shape[0]
        order = np.random.permutation(n)
        loss: Any = None
        for start in range(0, n, self.batch_size):
            index = order[start : start + self.batch_size]
            loss = self._train_step(tf.convert_to_tensor(self.x[index]), tf.convert_to_tensor(self.y[index]))
        return float(loss)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self._forward(tf.convert_to_tensor(x)).numpy()


def make(variant: str, name: str, x: np.ndarray, y: np.ndarray) -> NativeTF:
    return NativeTF(variant, name, x, y)


def eager_linear() -> tuple[Any, Any]:
    """`(call, x)`: the ops a `Dense(8)` wraps (`tf.matmul` + `tf.nn.bias_add`, eager) on an 8x8 input.

    The weights are `tf.Variable`s, as in a `tf.Module`: reading a variable is part of
    the native op's cost in TensorFlow (about 8 µs per read, eager).
    """
    x = tf.ones((8, 8))
    w, b = tf.Variable(tf.ones((8, 8))), tf.Variable(tf.zeros((8,)))
    return (lambda v: tf.nn.bias_add(tf.matmul(v, w), b)), x
