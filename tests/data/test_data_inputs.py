"""Every kind of training data trains the same model to the same weights as NumPy arrays.

20 samples in batches of 8 (the last one partial, as Keras makes it), no
shuffling, two epochs; the weights after `fit` must match those trained on
the NumPy arrays, on every backend.
"""

from __future__ import annotations

import math
import threading
import warnings
from typing import Any

import numpy as np
import pytest

import lamina

SAMPLES = 20
BATCH = 8
EPOCHS = 2


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.25).astype("float32")
    return x, y


def make_model() -> Any:
    inputs = lamina.Input((3,))
    hidden = lamina.layers.Dense(4, activation="tanh")(inputs)
    model = lamina.Model(inputs, lamina.layers.Dense(1)(hidden))
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def batches(x: np.ndarray, y: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(x[i : i + BATCH], y[i : i + BATCH]) for i in range(0, len(x), BATCH)]


def reference_weights() -> list[np.ndarray]:
    x, y = make_data()
    model = make_model()
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return model.get_weights()


def assert_same_weights(model: Any) -> None:
    for got, want in zip(model.get_weights(), reference_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


class ArrayBatches(lamina.utils.PyDataset):
    """A PyDataset over in-memory arrays, counting its epoch hooks."""

    def __init__(self, x: Any, y: Any, batch_size: int = BATCH, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_begun = 0
        self.epochs_ended = 0
        self.threads: set[str] = set()

    def __len__(self) -> int:
        return math.ceil(len(self.y) / self.batch_size)

    def __getitem__(self, index: int) -> tuple:
        self.threads.add(threading.current_thread().name)
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        x = self.x[rows] if not isinstance(self.x, dict) else {k: v[rows] for k, v in self.x.items()}
        return x, self.y[rows]

    def on_epoch_begin(self) -> None:
        self.epochs_begun += 1

    def on_epoch_end(self) -> None:
        self.epochs_ended += 1


# -- NumPy-like inputs --------------------------------------------------------------------------
def test_pandas_frame_and_series(trainable_backend: Any) -> None:
    pandas = pytest.importorskip("pandas")
    x, y = make_data()
    model = make_model()
    frame = pandas.DataFrame(x, columns=["a", "b", "c"])
    series = pandas.Series(y[:, 0])
    model.fit(frame, series, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    assert_same_weights(model)
    np.testing.assert_allclose(model.predict(frame, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_pandas_float64_frame_is_cast_to_floatx(trainable_backend: Any) -> None:
    pandas = pytest.importorskip("pandas")
    x, y = make_data()
    model = make_model()
    model.fit(pandas.DataFrame(x.astype("float64")), pandas.DataFrame(y.astype("float64")),
              batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)  # fmt: skip
    assert_same_weights(model)


def test_lists_and_dicts_of_arrays(trainable_backend: Any) -> None:
    x, y = make_data()
    parts = {"left": x[:, :2], "right": x[:, 2:]}
    weights = None
    for data in (parts, [parts["left"], parts["right"]]):
        left = lamina.Input((2,), name="left")
        right = lamina.Input((1,), name="right")
        merged = lamina.layers.Concatenate()([left, right])
        model = lamina.Model([left, right], lamina.layers.Dense(1)(merged))
        model.set_weights([np.ones((3, 1), "float32"), np.zeros((1,), "float32")])
        model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
        model.fit(data, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        if weights is None:
            weights = model.get_weights()
        else:
            for got, want in zip(model.get_weights(), weights):
                np.testing.assert_allclose(got, want, rtol=1e-6)
    # ...and the same as the single-input model on the concatenated array.
    single = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    single.set_weights([np.ones((3, 1), "float32"), np.zeros((1,), "float32")])
    single.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
    single.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    for got, want in zip(single.get_weights(), weights):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# -- Python generators ---------------------------------------------------------------------------
def test_generator_with_steps_per_epoch_and_partial_batch(trainable_backend: Any) -> None:
    x, y = make_data()

    def forever() -> Any:
        while True:
            yield from batches(x, y)

    model = make_model()
    sizes: list[int] = []
    spy = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: sizes.append(batch))
    model.fit(forever(), steps_per_epoch=3, epochs=EPOCHS, verbose=0, callbacks=[spy])
    assert sizes == [0, 1, 2] * EPOCHS
    assert_same_weights(model)


def test_finite_generator_one_epoch(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    model.fit(iter(batches(x, y)), epochs=1, verbose=0)
    reference = make_model()
    reference.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_generator_rejects_separate_targets_and_class_weight(backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    with pytest.raises(ValueError, match="`y` should not be passed"):
        model.fit(iter(batches(x, y)), y, verbose=0)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(iter(batches(x, y)), class_weight={0: 1.0}, verbose=0)


# -- PyDataset ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "options",
    [{}, {"workers": 2, "max_queue_size": 2}, {"workers": 2, "use_multiprocessing": True}],
    ids=["in-loop", "threads", "processes"],
)
def test_py_dataset(trainable_backend: Any, options: dict) -> None:
    x, y = make_data()
    dataset = ArrayBatches(x, y, **options)
    model = make_model()
    with warnings.catch_warnings():
        # The process pool forks (as Keras's does); the workers only run the dataset's NumPy code.
        warnings.filterwarnings("ignore", message=r"os\.fork\(\) was called")
        warnings.filterwarnings("ignore", message=r"This process .* is multi-threaded")
        model.fit(dataset, epochs=EPOCHS, shuffle=False, verbose=0)
    assert_same_weights(model)
    assert dataset.epochs_ended == EPOCHS
    if options.get("workers", 1) > 1 and not options.get("use_multiprocessing"):
        assert dataset.threads - {threading.current_thread().name}  # batches were built by worker threads


def test_py_dataset_validation_evaluate_and_predict(trainable_backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    history = model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0,
                        validation_data=ArrayBatches(x, y, workers=2))  # fmt: skip
    expected = model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    got = model.evaluate(ArrayBatches(x, y), verbose=0, return_dict=True)
    np.testing.assert_allclose(got["loss"], expected["loss"], rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"][0], expected["loss"], rtol=1e-5)
    predictions = model.predict(ArrayBatches(x, y), verbose=0)
    np.testing.assert_allclose(predictions, model.predict(x, batch_size=BATCH, verbose=0), rtol=1e-6)


def test_py_dataset_steps_per_epoch_continues_across_epochs(trainable_backend: Any) -> None:
    x, y = make_data()  # 3 batches per pass

    class Recording(ArrayBatches):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.indices: list[int] = []

        def __getitem__(self, index: int) -> tuple:
            self.indices.append(index)
            return super().__getitem__(index)

    dataset = Recording(x, y)
    model = make_model()
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(dataset, steps_per_epoch=2, epochs=3, shuffle=False, verbose=0)
    # As Keras: epoch 2 goes on from batch 2 and ends early at the end of the pass; epoch 3 starts anew.
    assert dataset.indices == [0, 1, 2, 0, 1]


def test_arrays_with_steps_per_epoch_continue_across_epochs_as_keras(trainable_backend: Any) -> None:
    """Arrays are not cycled within an epoch: epoch 2 goes on from batch 2 and ends
    early at the end of the data; epoch 3 starts a new pass. Keras 3 is the reference."""
    from lamina.testing.layer_test_case import keras_module

    keras = keras_module()
    x, y = make_data()  # 3 batches per pass
    model = make_model()
    reference = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)])
    reference.set_weights(model.get_weights())
    reference.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(x, y, batch_size=BATCH, steps_per_epoch=2, epochs=3, shuffle=False, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = reference.fit(x, y, batch_size=BATCH, steps_per_epoch=2, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_py_dataset_dict_batches_and_class_weight(trainable_backend: Any) -> None:
    x, y = make_data()
    labels = (y > 0).astype("float32")

    def classifier() -> Any:
        inputs = {"features": lamina.Input((3,), name="features")}
        model = lamina.Model(inputs, lamina.layers.Dense(1, activation="sigmoid")(inputs["features"]))
        model.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros((1,), "float32")])
        model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="binary_crossentropy")
        return model

    model = classifier()
    model.fit(ArrayBatches({"features": x}, labels), class_weight={0: 1.0, 1: 3.0}, epochs=1, shuffle=False, verbose=0)
    reference = classifier()
    reference.fit({"features": x}, labels, batch_size=BATCH, class_weight={0: 1.0, 1: 3.0}, epochs=1,
                  shuffle=False, verbose=0)  # fmt: skip
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_py_dataset_errors(backend: Any) -> None:
    x, y = make_data()
    model = make_model()
    with pytest.raises(ValueError, match="`y` should not be passed"):
        model.fit(ArrayBatches(x, y), y, verbose=0)

    class Endless(lamina.utils.PyDataset):
        @property
        def num_batches(self) -> None:
            return None

        def __getitem__(self, index: int) -> tuple:
            return x[:BATCH], y[:BATCH]

    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(Endless(), epochs=1, verbose=0)

    class Bad(ArrayBatches):
        def __getitem__(self, index: int) -> Any:
            return "not a batch"

    with pytest.raises(ValueError, match="must return a tuple or a dict"):
        model.fit(Bad(x, y), epochs=1, verbose=0)


def test_sequence_alias_and_missing_super_init_warning(backend: Any) -> None:
    assert lamina.utils.Sequence is lamina.utils.PyDataset

    class NoSuper(lamina.utils.PyDataset):
        def __init__(self) -> None:
            pass

        def __len__(self) -> int:
            return 1

    with pytest.warns(UserWarning, match="super"):
        assert NoSuper().workers == 1


# -- tf.data and torch DataLoader ----------------------------------------------------------------
def test_tf_data_dataset(trainable_backend: Any) -> None:
    tf = pytest.importorskip("tensorflow")
    x, y = make_data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH)
    model = make_model()
    spy: list[int] = []
    callback = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: spy.append(batch))
    model.fit(dataset, epochs=EPOCHS, verbose=0, callbacks=[callback])
    assert spy == [0, 1, 2] * EPOCHS
    assert_same_weights(model)
    np.testing.assert_allclose(model.predict(dataset, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    # A repeated dataset with steps_per_epoch gives the same batches.
    repeated = make_model()
    repeated.fit(dataset.repeat(), steps_per_epoch=3, epochs=EPOCHS, verbose=0)
    assert_same_weights(repeated)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        make_model().fit(dataset.repeat(), epochs=1, verbose=0)


def test_tf_data_dataset_as_validation_data(trainable_backend: Any) -> None:
    tf = pytest.importorskip("tensorflow")
    x, y = make_data()
    model = make_model()
    history = model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0,
                        validation_data=tf.data.Dataset.from_tensor_slices((x, y)).batch(BATCH))  # fmt: skip
    expected = model.evaluate(x, y, batch_size=BATCH, verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][0], expected[0], rtol=1e-5)


def test_torch_data_loader(trainable_backend: Any) -> None:
    torch = pytest.importorskip("torch")
    x, y = make_data()
    data = torch.utils.data.TensorDataset(torch.from_numpy(x.astype("float64")), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(data, batch_size=BATCH, shuffle=False)
    model = make_model()
    spy: list[int] = []
    callback = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: spy.append(batch))
    model.fit(loader, epochs=EPOCHS, verbose=0, callbacks=[callback])
    assert spy == [0, 1, 2] * EPOCHS
    assert_same_weights(model)
    np.testing.assert_allclose(model.predict(loader, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(loader, class_weight={0: 1.0}, verbose=0)


def test_torch_data_loader_drop_last(trainable_backend: Any) -> None:
    torch = pytest.importorskip("torch")
    x, y = make_data()
    data = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(data, batch_size=BATCH, shuffle=False, drop_last=True)
    model = make_model()
    model.fit(loader, epochs=1, verbose=0)
    reference = make_model()
    reference.fit(x[:16], y[:16], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_torch_batches_stay_torch_tensors_on_torch(trainable_backend: Any) -> None:
    torch = pytest.importorskip("torch")
    from lamina.trainers.data_adapters import get_data_adapter

    x, y = make_data()
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x.astype("float64")), torch.from_numpy(y)), batch_size=BATCH
    )
    adapter = get_data_adapter(loader)
    assert adapter.num_batches == 3 and adapter.batch_size == BATCH
    first_x, first_y = next(adapter.get_iterator())
    if trainable_backend.name == "torch":
        assert isinstance(first_x, torch.Tensor) and first_x.dtype == torch.float32
    else:
        assert isinstance(first_x, np.ndarray) and first_x.dtype == np.float32
    assert tuple(first_x.shape) == (BATCH, 3)
