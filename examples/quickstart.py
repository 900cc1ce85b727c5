"""Quickstart: train an MLP on scikit-learn's handwritten digits.

Runs on whichever backend LAMINA_BACKEND names (jax, torch or tensorflow)
and prints the test accuracy. The data ships with scikit-learn: no network.
"""

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import lamina as keras

keras.utils.set_random_seed(0)

images, labels = load_digits(return_X_y=True)
images = images.astype("float32") / 16.0
x_train, x_test, y_train, y_test = train_test_split(images, labels, test_size=0.25, random_state=0, stratify=labels)

model = keras.Sequential(
    [
        keras.Input(shape=(64,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.summary()
model.fit(x_train, y_train, batch_size=32, epochs=30, validation_split=0.1, verbose=2)

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"backend: {keras.config.backend()}  test loss: {loss:.4f}  test accuracy: {accuracy:.4f}")
