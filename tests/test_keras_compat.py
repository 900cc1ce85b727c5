"""Keras 3 programs, unchanged but for `import lamina as keras`, on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np

import lamina as keras


def test_sequential_guide_program(backend: Any) -> None:
    from keras_like_data import classification

    (x_train, y_train), (x_val, y_val) = classification()
    model = keras.Sequential(name="my_sequential")
    model.add(keras.Input(shape=(20,)))
    model.add(keras.layers.Dense(32, activation="relu", name="layer1"))
    model.add(keras.layers.Dense(16, activation="relu", name="layer2"))
    model.add(keras.layers.Dense(4, name="layer3"))
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=10, validation_data=(x_val, y_val), verbose=0)
    assert history.history["val_sparse_categorical_accuracy"][-1] > 0.8
    results = model.evaluate(x_val, y_val, batch_size=128, verbose=0)
    assert len(results) == 2
    assert model.predict(x_val[:3], verbose=0).shape == (3, 4)


def test_functional_guide_program_with_named_inputs_and_outputs(backend: Any) -> None:
    num_tags, num_words, num_departments = 12, 50, 4
    title_input = keras.Input(shape=(num_words,), name="title")
    body_input = keras.Input(shape=(num_words,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = keras.layers.Dense(16, activation="relu")(title_input)
    body_features = keras.layers.Dense(16, activation="relu")(body_input)
    x = (
        keras.layers.concatenate([title_features, body_features, tags_input])
        if hasattr(keras.layers, "concatenate")
        else keras.layers.Concatenate()([title_features, body_features, tags_input])
    )
    priority_pred = keras.layers.Dense(1, name="priority")(x)
    department_pred = keras.layers.Dense(num_departments, name="department")(x)
    model = keras.Model(
        inputs=[title_input, body_input, tags_input], outputs={"priority": priority_pred, "department": department_pred}
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    rng = np.random.default_rng(0)
    title_data = rng.integers(0, 2, size=(64, num_words)).astype("float32")
    body_data = rng.integers(0, 2, size=(64, num_words)).astype("float32")
    tags_data = rng.integers(0, 2, size=(64, num_tags)).astype("float32")
    priority_targets = rng.random(size=(64, 1)).astype("float32")
    dept_targets = np.eye(num_departments, dtype="float32")[rng.integers(0, num_departments, size=64)]
    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=32,
        verbose=0,
    )
    assert np.isfinite(history.history["loss"]).all()
    predictions = model.predict({"title": title_data, "body": body_data, "tags": tags_data}, verbose=0)
    assert predictions["priority"].shape == (64, 1) and predictions["department"].shape == (64, 4)


def test_subclassing_guide_program(backend: Any) -> None:
    from keras_like_data import classification

    class Linear(keras.layers.Layer):
        def __init__(self, units: int = 32, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape: Any) -> None:
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs: Any) -> Any:
            return keras.ops.matmul(inputs, self.w) + self.b

    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs: Any) -> Any:
            self.add_loss(1e-3 * keras.ops.mean(inputs))
            return inputs

    class MLP(keras.Model):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.linear_1 = Linear(32)
            self.regularize = ActivityRegularizationLayer()
            self.linear_2 = Linear(4)

        def call(self, inputs: Any) -> Any:
            x = keras.ops.relu(self.linear_1(inputs))
            return self.linear_2(self.regularize(x))

    (x_train, y_train), (x_val, y_val) = classification()
    model = MLP()
    model.compile(
        optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    history = model.fit(x_train, y_train, epochs=10, batch_size=64, validation_split=0.1, verbose=0)
    assert history.history["accuracy"][-1] > 0.8
    model(x_val[:2])
    assert len(model.losses) == 1  # the activity loss of the last call
    loss, accuracy = model.evaluate(x_val, y_val, verbose=0)
    assert accuracy > 0.75
