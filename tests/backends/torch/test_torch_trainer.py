"""Training on PyTorch: `TorchStepFunctions` and the fused optimizer updates.

The fused updates (`lamina_torch.optimizers`) must give the weights and
optimizer state the generic `update_step` rules give; the steps must train,
evaluate and predict like the other backends, with Keras-on-torch style
`train_step` overrides and `jit_compile=True` (torch.compile).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import lamina as keras  # noqa: E402
from lamina import layers  # noqa: E402
from lamina.backend import get_backend  # noqa: E402
from lamina.backend.scopes import StatelessScope  # noqa: E402
from lamina_torch import optimizers as torch_optimizers  # noqa: E402
from lamina_torch.backend import TorchBackend  # noqa: E402
from lamina_torch.trainer import TorchStepFunctions, convert_batch  # noqa: E402


@pytest.fixture(scope="module")
def digits() -> tuple:
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    from sklearn.model_selection import train_test_split

    x, y = sklearn_datasets.load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y, test_size=0.25, random_state=0, stratify=y)


def digits_mlp() -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((64,)),
            layers.Dense(64, activation="relu"),
            layers.Dropout(0.1),
            layers.Dense(10, activation="softmax"),
        ]
    )


def numbers(seed: int = 0, samples: int = 48, features: int = 6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("int64") + (x[:, 3] > 0.5).astype("int64")
    return x, y


def small_model(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(8, activation="tanh"),
            layers.Dense(3),
        ]
    )


# -- wiring -----------------------------------------------------------------------


def test_backend_makes_torch_step_functions() -> None:
    model = small_model()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert isinstance(model._get_step_functions(), TorchStepFunctions)


def test_convert_batch_shares_numpy_memory_and_keeps_dtypes() -> None:
    x = np.arange(12, dtype="float32").reshape(4, 3)
    y = np.arange(4, dtype="int64")
    tx, ty, none = convert_batch((x, y, None))
    assert none is None
    assert tx.dtype == torch.float32 and ty.dtype == torch.int64
    if tx.device.type == "cpu":
        x[0, 0] = 100.0
        assert tx[0, 0] == 100.0
    reversed_rows = convert_batch((x[::-1],))[0]
    np.testing.assert_array_equal(reversed_rows.cpu().numpy(), x[::-1])
    nested = convert_batch({"a": x, "b": [y, 3]})
    assert isinstance(nested["a"], torch.Tensor) and nested["b"][1] == 3


# -- fit / evaluate / predict ----------------------------------------------------


def test_digits_mlp_fits_evaluates_and_predicts(digits: tuple) -> None:
    x_train, x_test, y_train, y_test = digits
    keras.utils.set_random_seed(1)
    model = digits_mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=10, batch_size=32, validation_split=0.1, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < history.history["loss"][0] / 3
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.9
    probabilities = model.predict(x_test, batch_size=100, verbose=0)
    assert probabilities.shape == (len(x_test), 10)
    assert (probabilities.argmax(1) == y_test).mean() == pytest.approx(accuracy, abs=1e-6)


def test_partial_last_batch_counts_samples_not_batches() -> None:
    x, y = numbers(samples=50)
    model = small_model()
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)  # 16, 16, 16, 2
    assert len(history.history["loss"]) == 2
    logits = model.predict(x, batch_size=16, verbose=0)
    assert logits.shape == (50, 3)
    np.testing.assert_allclose(logits, model(x).detach().cpu().numpy(), rtol=1e-5, atol=1e-6)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected_loss = -log_probs[np.arange(50), y].mean()
    expected_accuracy = (logits.argmax(axis=1) == y).mean()
    result = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert result["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert result["accuracy"] == pytest.approx(expected_accuracy, abs=1e-6)


def test_train_function_returns_tensors_and_leaves_no_grads() -> None:
    x, y = numbers()
    model = small_model()
    model.compile(
        optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    steps = model._get_step_functions()
    logs = steps.make_train_function()((x[:16], y[:16]))
    assert set(logs) == {"loss", "accuracy"}
    assert all(isinstance(value, torch.Tensor) and not value.requires_grad for value in logs.values())
    # The default step uses torch.autograd.grad: nothing accumulates in `.grad`.
    assert all(v.value.grad is None for v in model.trainable_variables)


def test_train_on_batch_test_on_batch_predict_on_batch() -> None:
    x, y = numbers()
    model = small_model()
    model.compile(
        optimizer=keras.optimizers.SGD(0.05), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    first = model.train_on_batch(x, y)
    for _ in range(20):
        last = model.train_on_batch(x, y)
    assert isinstance(first, float) and last < first
    assert model.test_on_batch(x, y) == pytest.approx(model.evaluate(x, y, batch_size=len(x), verbose=0), rel=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x), model.predict(x, verbose=0), rtol=1e-6)


class RunningMean(keras.layers.Layer):
    """Keeps a moving average of its inputs in a non-trainable variable (like BatchNormalization)."""

    def build(self, input_shape: Any) -> None:
        self.moving_mean = self.add_weight(shape=(input_shape[-1],), initializer="zeros", trainable=False)

    def call(self, inputs: Any, training: bool = False) -> Any:
        if training:
            mean = keras.ops.mean(inputs, axis=0)
            self.moving_mean.assign(self.moving_mean * 0.5 + mean * 0.5)
        return inputs - self.moving_mean


def test_state_updates_in_the_forward_pass_and_frozen_layers() -> None:
    x, y = numbers()
    keras.utils.set_random_seed(0)
    frozen = layers.Dense(8, activation="relu")
    model = keras.Sequential([keras.Input((6,)), frozen, RunningMean(), layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    moving_mean = model.layers[1].moving_mean.numpy().copy()
    assert not np.allclose(moving_mean, 0.0)
    # Freezing between fits counts, like Keras on torch.
    frozen.trainable = False
    kernel = frozen.kernel.numpy().copy()
    head = model.layers[2].kernel.numpy().copy()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    np.testing.assert_array_equal(frozen.kernel.numpy(), kernel)
    assert not np.allclose(model.layers[2].kernel.numpy(), head)
    assert not np.allclose(model.layers[1].moving_mean.numpy(), moving_mean)


def test_callback_freezing_a_layer_counts_from_the_next_epoch() -> None:
    x, y = numbers()
    model = small_model()
    model.compile(
        optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    first = model.layers[0]
    kernels = []

    class Freeze(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            kernels.append(first.kernel.numpy().copy())
            if epoch == 1:
                first.trainable = False

    model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[Freeze()])
    kernels.append(first.kernel.numpy().copy())
    assert not np.allclose(kernels[0], kernels[1])
    np.testing.assert_array_equal(kernels[1], kernels[2])
    np.testing.assert_array_equal(kernels[2], kernels[3])


def test_unused_trainable_variable_gets_a_zero_gradient() -> None:
    class WithSpare(keras.layers.Layer):
        def build(self, input_shape: Any) -> None:
            self.w = self.add_weight(shape=(input_shape[-1], 3), initializer="ones")
            self.spare = self.add_weight(shape=(2,), initializer="ones")

        def call(self, inputs: Any) -> Any:
            return keras.ops.matmul(inputs, self.w)

    x, y = numbers()
    model = keras.Sequential([keras.Input((6,)), WithSpare()])
    model.compile(
        optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    np.testing.assert_array_equal(model.layers[0].spare.numpy(), np.ones(2, "float32"))
    assert not np.allclose(model.layers[0].w.numpy(), 1.0)


# -- fused optimizer updates -----------------------------------------------------------

OPTIMIZERS: dict[str, Callable[[], Any]] = {
    "sgd": lambda: keras.optimizers.SGD(0.1),
    "sgd_momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: keras.optimizers.Adam(0.01),
    "adamw": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.05),
    "adam_amsgrad": lambda: keras.optimizers.Adam(0.01, amsgrad=True),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01),
    "rmsprop_momentum": lambda: keras.optimizers.RMSprop(0.01, momentum=0.9),
    "rmsprop_centered": lambda: keras.optimizers.RMSprop(0.01, centered=True, momentum=0.5),
    "adam_clipnorm": lambda: keras.optimizers.Adam(0.01, clipnorm=0.1),
    "sgd_schedule": lambda: keras.optimizers.SGD(
        lambda step: 0.1 * 0.5 ** (keras.ops.cast(step, "float32") / 2), momentum=0.5
    ),
    "adam_schedule": lambda: keras.optimizers.Adam(lambda step: 0.01 * 0.5 ** (keras.ops.cast(step, "float32") / 2)),
}


def train_state(make_optimizer: Callable[[], Any], steps: int = 6) -> tuple[list, list]:
    x, y = numbers(samples=16 * steps)
    model = small_model(seed=3)
    model.compile(optimizer=make_optimizer(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    weights = [v.numpy() for v in model.trainable_variables]
    slots = [v.numpy() for v in model.optimizer.variables]
    return weights, slots


def generic_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TorchBackend, "fused_optimizer_update", lambda self, *args: False)


def no_generic_rule(monkeypatch: pytest.MonkeyPatch, make_optimizer: Callable[[], Any]) -> None:
    def refuse(self: Any, *args: Any) -> None:
        raise AssertionError(f"{type(self).__name__}.update_step ran: the fused update was not used")

    monkeypatch.setattr(type(make_optimizer()), "update_step", refuse)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fused_update_matches_the_generic_rule(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    make = OPTIMIZERS[name]
    with monkeypatch.context() as patch:
        no_generic_rule(patch, make)
        fused_weights, fused_slots = train_state(make)
    with monkeypatch.context() as patch:
        generic_only(patch)
        weights, slots = train_state(make)
    assert len(fused_slots) == len(slots)
    for got, expected in zip(fused_weights + fused_slots, weights + slots):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    # The weights did move.
    initial = [v.numpy() for v in small_model(seed=3).trainable_variables]
    assert any(not np.allclose(w, w0) for w, w0 in zip(weights, initial))


@pytest.mark.parametrize("name", ["adam", "adam_amsgrad", "adamw"])
def test_foreach_adam_matches_the_generic_rule(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    make = OPTIMIZERS[name]
    with monkeypatch.context() as patch:
        patch.setattr(torch_optimizers, "USE_FUSED_ADAM", False)
        patch.setattr(torch, "_fused_adam_", None)  # must not be called
        no_generic_rule(patch, make)
        fused_weights, fused_slots = train_state(make)
    with monkeypatch.context() as patch:
        generic_only(patch)
        weights, slots = train_state(make)
    for got, expected in zip(fused_weights + fused_slots, weights + slots):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    ("name", "fused_adam"),
    [("sgd", False), ("sgd_nesterov", False), ("rmsprop_centered", False)]
    + [(name, fused) for name in ("adam", "adam_amsgrad", "adam_schedule") for fused in (True, False)],
)
def test_device_scalars_match_the_generic_rule(name: str, fused_adam: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path accelerators take (learning rate and step size as 0-d tensors), run on the CPU."""
    make = OPTIMIZERS[name]
    with monkeypatch.context() as patch:
        patch.setattr(torch_optimizers, "HOST_SCALARS", False)
        patch.setattr(torch_optimizers, "USE_FUSED_ADAM", fused_adam)
        no_generic_rule(patch, make)
        fused_weights, fused_slots = train_state(make)
    with monkeypatch.context() as patch:
        generic_only(patch)
        weights, slots = train_state(make)
    for got, expected in zip(fused_weights + fused_slots, weights + slots):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def apply_steps(make_optimizer: Callable[[], Any], grads_per_step: list, dtypes: tuple) -> list:
    variables = [
        keras.Variable(np.linspace(-1, 1, 12).reshape(3, 4).astype(dtypes[0]), name="a"),
        keras.Variable(np.linspace(1, 2, 4).astype(dtypes[1]), name="b"),
    ]
    optimizer = make_optimizer()
    for grads in grads_per_step:
        optimizer.apply(grads(), variables)
    return [v.numpy() for v in variables] + [v.numpy() for v in optimizer.variables]


@pytest.mark.parametrize("name", ["adam", "sgd_nesterov", "rmsprop_centered"])
def test_fused_update_handles_mixed_dtypes_and_odd_gradients(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(0)
    values = [(rng.normal(size=(4, 3)), rng.normal(size=4)) for _ in range(4)]
    grads_per_step = [
        # A transposed (non-contiguous) tensor, and a NumPy array of another dtype.
        (lambda a=a, b=b: [torch.tensor(a, dtype=torch.float32).t(), b.astype("float32")])
        for a, b in values
    ]
    make = OPTIMIZERS[name]
    with monkeypatch.context() as patch:
        no_generic_rule(patch, make)
        fused = apply_steps(make, grads_per_step, ("float32", "float64"))
    with monkeypatch.context() as patch:
        generic_only(patch)
        generic = apply_steps(make, grads_per_step, ("float32", "float64"))
    for got, expected in zip(fused, generic):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_fused_update_is_not_used_inside_a_stateless_scope() -> None:
    variables = [keras.Variable(np.ones((2, 2), "float32"))]
    optimizer = keras.optimizers.Adam(0.1)
    optimizer.build(variables)
    grads = [torch.ones(2, 2)]
    with StatelessScope():
        assert not get_backend("torch").fused_optimizer_update(optimizer, grads, variables, 0.1)
    new_values, new_optimizer_values = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], grads, [v.value for v in variables]
    )
    np.testing.assert_array_equal(variables[0].numpy(), np.ones((2, 2)))
    optimizer.apply(grads, variables)
    np.testing.assert_allclose(variables[0].numpy(), new_values[0].detach().cpu().numpy(), atol=1e-7)


def test_subclassed_optimizer_takes_the_generic_path() -> None:
    calls = []

    class Logged(keras.optimizers.SGD):
        def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
            calls.append(variable.path)
            super().update_step(gradient, variable, learning_rate)

    x, y = numbers()
    model = small_model()
    model.compile(optimizer=Logged(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=48, epochs=1, verbose=0)
    assert len(calls) == len(model.trainable_variables)


def test_rebuilt_optimizer_updates_its_new_slots() -> None:
    variables = [keras.Variable(np.ones(3, "float32"))]
    optimizer = keras.optimizers.SGD(0.1, momentum=0.9)
    optimizer.apply([torch.ones(3)], variables)
    optimizer.build(variables)  # new momentum slots
    optimizer.apply([torch.ones(3)], variables)
    np.testing.assert_allclose(optimizer.momentums[0].numpy(), -0.1 * np.ones(3), rtol=1e-6)


# -- custom train_step, Keras-on-torch style --------------------------------------


class BackwardStyle(keras.Sequential):
    """The Keras 3 torch guide's `train_step`, with `zero_grad` from lamina_torch."""

    def train_step(self, data: Any) -> dict:
        x, y = data
        self.zero_grad()  # as in the Keras 3 torch guide
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = list(self.trainable_weights)
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class AutogradStyle(keras.Sequential):
    def train_step(self, data: Any) -> dict:
        x, y = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable = self.trainable_variables
        grads = torch.autograd.grad(loss, [v.value for v in trainable])
        with torch.no_grad():
            self.optimizer.apply(grads, trainable)
            self._loss_tracker.update_state(loss)
        return {"loss": self._loss_tracker.result()}


def mlp_of(cls: type, seed: int = 0) -> keras.Model:
    # Keras's guide subclasses a functional model (`CustomModel(inputs, outputs)`),
    # which Lamina's `Model` does not accept yet: a Sequential subclass instead.
    keras.utils.set_random_seed(seed)
    return cls([keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dense(3)])


@pytest.mark.parametrize("cls", [BackwardStyle, AutogradStyle])
def test_keras_torch_style_train_step_override(cls: type) -> None:
    x, y = numbers()
    model = mlp_of(cls)
    model.compile(
        optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    history = model.fit(x, y, batch_size=16, epochs=5, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 5 and losses[-1] < losses[0]
    # Same as the default step: the gradients did not pile up across steps.
    reference = mlp_of(keras.Sequential)
    reference.compile(
        optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    reference.fit(x, y, batch_size=16, epochs=5, verbose=0, shuffle=False)
    again = mlp_of(cls)
    again.compile(
        optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    again.fit(x, y, batch_size=16, epochs=5, verbose=0, shuffle=False)
    for got, expected in zip(again.trainable_variables, reference.trainable_variables):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


# -- torch.compile --------------------------------------------------------------------


def test_jit_compile_true_matches_eager() -> None:
    pytest.importorskip("torch._inductor")
    x, y = numbers(samples=40)
    results = []
    for jit_compile in (False, True):
        model = small_model(seed=5)
        model.compile(
            optimizer=keras.optimizers.Adam(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
            jit_compile=jit_compile,
        )
        # 16, 16, 8: the partial batch recompiles once.
        history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        evaluation = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
        predictions = model.predict(x, batch_size=16, verbose=0)
        results.append((history.history, evaluation, predictions, [v.numpy() for v in model.trainable_variables]))
    (eager_history, eager_eval, eager_pred, eager_weights), (history, evaluation, predictions, weights) = results
    for key in eager_history:
        np.testing.assert_allclose(history[key], eager_history[key], rtol=1e-4, atol=1e-5)
    assert evaluation == pytest.approx(eager_eval, rel=1e-4, abs=1e-5)
    np.testing.assert_allclose(predictions, eager_pred, rtol=1e-4, atol=1e-5)
    for got, expected in zip(weights, eager_weights):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def assert_jit_compile_trains_alike(build: Callable[[], keras.Model], x: np.ndarray, y: np.ndarray) -> None:
    """`fit` with `jit_compile=True` leaves the weights `fit` leaves eagerly."""
    pytest.importorskip("torch._inductor")
    weights = []
    for jit_compile in (False, True):
        keras.utils.set_random_seed(3)
        model = build()
        model.compile(
            optimizer=keras.optimizers.Adam(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=jit_compile,
        )
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append([v.numpy() for v in model.trainable_variables])
    for got, expected in zip(weights[1], weights[0]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_jit_compile_true_runs_the_fused_recurrent_kernels_outside_the_graph(cell: str) -> None:
    """torch.compile cannot trace torch.lstm's oneDNN kernel on a CPU: the kernel runs
    eagerly between compiled graphs, with the eager model's results."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 5, 3)).astype("float32"), rng.integers(0, 3, size=16)
    assert_jit_compile_trains_alike(
        lambda: keras.Sequential([keras.Input((5, 3)), getattr(keras.layers, cell)(4), keras.layers.Dense(3)]), x, y
    )


def test_jit_compile_true_trains_convnets_alike() -> None:
    """Channels-last convolutions and max pooling run as ATen kernels inside the
    compiled graph (`lamina_torch.aten_kernels`), with the eager model's results;
    a second model of another image size (the same step code, new shapes) gets a
    graph of its own, with static shapes."""
    rng = np.random.default_rng(4)
    for size in (12, 13):
        x, y = rng.normal(size=(24, size, size, 1)).astype("float32"), rng.integers(0, 3, size=24)

        def convnet(size: int = size) -> keras.Model:
            return keras.Sequential(
                [
                    keras.Input((size, size, 1)),
                    layers.Conv2D(4, 3, activation="relu"),
                    layers.MaxPooling2D(2),
                    layers.Conv2D(6, 3, padding="same", activation="relu"),
                    layers.MaxPooling2D(2, padding="same"),
                    layers.Flatten(),
                    layers.Dense(3),
                ]
            )

        assert_jit_compile_trains_alike(convnet, x, y)


def test_jit_compile_true_compiles_each_models_steps_whatever_came_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dynamo limits the graphs kept per code object (here 2); every model's steps
    run the same methods, so each compiled step gets a copy of its code."""
    import torch._dynamo

    graphs: list = []

    def count(graph: Any, example_inputs: Any) -> Any:
        graphs.append(graph)
        return graph.forward

    compile_ = torch.compile
    monkeypatch.setattr(torch, "compile", lambda fn, **kwargs: compile_(fn, backend=count, **kwargs))
    x, y = numbers(samples=16)
    with torch._dynamo.config.patch(recompile_limit=2):
        for width in (3, 4, 5, 6):
            model = keras.Sequential([keras.Input((6,)), layers.Dense(width, activation="relu"), layers.Dense(3)])
            model.compile(
                optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=True
            )
            before = len(graphs)
            model.fit(x, y, batch_size=8, epochs=1, verbose=0)
            assert len(graphs) > before, f"the model of width {width} trained without compiling"


def test_jit_compile_true_compiles_a_users_whole_train_step() -> None:
    """As Keras does on torch; the optimizer update inside is traced (the fused
    kernels stay out of compiled code)."""
    pytest.importorskip("torch._inductor")
    x, y = numbers(samples=32)
    weights = []
    for jit_compile in (False, True):
        model = mlp_of(BackwardStyle, seed=2)
        model.compile(
            optimizer=keras.optimizers.Adam(0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            jit_compile=jit_compile,
        )
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        weights.append([v.numpy() for v in model.trainable_variables + model.optimizer.variables])
    for got, expected in zip(weights[1], weights[0]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
