"""The benchmark's workloads: shapes, data and the Keras-API model.

One definition serves two contenders: `build_keras_model(lamina, name)` and
`build_keras_model(keras, name)` build the same layers, because Lamina's API
is Keras 3's. The native loops (`native_torch`, `native_jax`, `native_tf`)
build the same architecture in each framework's own idiom.

Data are random, generated in memory with NumPy from a fixed seed, so that
every contender sees the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

NUM_CLASSES = 10
LEARNING_RATE = 1e-3


@dataclass(frozen=True)
class Workload:
    """One training workload: input shape (without batch), batch size and steps per timed epoch.

    Example:
        ```python
        workload = WORKLOADS["mlp"]
        x, y = workload.data(steps=10)
        ```
    """

    name: str
    input_shape: tuple[int, ...]
    batch_size: int
    steps: int  # steps per timed epoch in a full run
    description: str

    def data(self, steps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """`steps` batches of float32 inputs and int64 labels in [0, 10)."""
        rng = np.random.default_rng(seed)
        n = self.batch_size * steps
        x = rng.standard_normal((n, *self.input_shape)).astype("float32")
        y = rng.integers(0, NUM_CLASSES, size=(n,)).astype("int64")
        return x, y


WORKLOADS: dict[str, Workload] = {
    "mlp": Workload("mlp", (784,), 128, 60, "MLP 784-512-512-10, batch 128"),
    "convnet": Workload(
        "convnet",
        (28, 28, 1),
        64,
        20,
        "Conv 32 3x3 relu, MaxPool 2, Conv 64 3x3 relu, MaxPool 2, Flatten, Dense 10; 28x28x1, batch 64",
    ),
    "lstm": Workload("lstm", (50, 32), 64, 10, "LSTM 128 units over 50 steps of 32 features, Dense 10, batch 64"),
    "transformer": Workload(
        "transformer",
        (64, 128),
        32,
        15,
        "Encoder block: sequence 64, d_model 128, 4 heads (key_dim 32), LayerNorm, FFN 256, residuals, "
        "GlobalAveragePooling1D, Dense 10; batch 32",
    ),
}

# Transformer sizes, shared by every implementation.
HEADS = 4
D_MODEL = 128
KEY_DIM = D_MODEL // HEADS
FFN = 256
LSTM_UNITS = 128


def build_keras_model(k: Any, name: str) -> Any:
    """The workload's model written with the Keras 3 API of module `k` (`lamina` or `keras`)."""
    layers = k.layers
    shape = WORKLOADS[name].input_shape
    if name == "mlp":
        return k.Sequential(
            [
                k.Input(shape=shape),
                layers.Dense(512, activation="relu"),
                layers.Dense(512, activation="relu"),
                layers.Dense(NUM_CLASSES),
            ]
        )
    if name == "convnet":
        return k.Sequential(
            [
                k.Input(shape=shape),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dense(NUM_CLASSES),
            ]
        )
    if name == "lstm":
        return k.Sequential([k.Input(shape=shape), layers.LSTM(LSTM_UNITS), layers.Dense(NUM_CLASSES)])
    if name == "transformer":
        inputs = k.Input(shape=shape)
        attention = layers.MultiHeadAttention(num_heads=HEADS, key_dim=KEY_DIM)(inputs, inputs)
        x = layers.LayerNormalization(epsilon=1e-5)(layers.Add()([inputs, attention]))
        ffn = layers.Dense(FFN, activation="relu")(x)
        ffn = layers.Dense(D_MODEL)(ffn)
        x = layers.LayerNormalization(epsilon=1e-5)(layers.Add()([x, ffn]))
        x = layers.GlobalAveragePooling1D()(x)
        return k.Model(inputs, layers.Dense(NUM_CLASSES)(x))
    raise ValueError(f"Unknown workload {name!r}; expected one of {sorted(WORKLOADS)}.")


def compile_keras_model(k: Any, model: Any, jit_compile: Any = "auto") -> None:
    """Adam(1e-3) and sparse categorical cross-entropy on logits, no metrics (loss only)."""
    model.compile(
        optimizer=k.optimizers.Adam(LEARNING_RATE),
        loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
