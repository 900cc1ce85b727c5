"""Step (a) of the plugin kit: train a small model on a training backend and save it.

Run in an environment with a training backend (the nox session "plugin-kit"
uses torch):

    LAMINA_BACKEND=torch python tests/plugin_kit/train_reference.py OUT_DIR

Writes `OUT_DIR/model.keras`, the inputs `OUT_DIR/x.npy` and the trained
model's predictions `OUT_DIR/expected.npy`, which `test_numpy_backend.py`
compares against the model loaded on the NumPy backend.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import lamina
from lamina import layers


def build_model() -> lamina.Model:
    """Dense, Conv2D, pooling, BatchNormalization and LSTM in one small model."""
    images = lamina.Input((12, 12, 3), name="images")
    x = layers.Conv2D(8, 3, padding="same", activation="relu")(images)
    x = layers.BatchNormalization()(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(8, 3, strides=1, padding="valid", activation="relu")(x)
    x = layers.AveragePooling2D(2)(x)
    x = layers.Reshape((4, 8))(x)  # 2x2 positions as a sequence of 4 steps
    x = layers.LSTM(6)(x)
    x = layers.Dense(16, activation="relu")(x)
    outputs = layers.Dense(3, activation="softmax", name="classes")(x)
    return lamina.Model(images, outputs, name="plugin_kit_reference")


def main(out_dir: str) -> None:
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    x_train = rng.normal(size=(96, 12, 12, 3)).astype("float32")
    y_train = (x_train.mean(axis=(1, 2, 3)) > 0).astype("int32") + (x_train[:, 0, 0, 0] > 1).astype("int32")
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=16, epochs=3, verbose=0)
    x = rng.normal(size=(20, 12, 12, 3)).astype("float32")
    expected = model.predict(x, verbose=0)
    model.save(folder / "model.keras")
    np.save(folder / "x.npy", x)
    np.save(folder / "expected.npy", expected)
    print(f"Trained on {lamina.config.backend()}; saved {folder / 'model.keras'} and predictions {expected.shape}.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python train_reference.py OUT_DIR")
    main(sys.argv[1])
