"""`lamina.distribution` in one process: devices, the current distribution, errors, launcher.

Training on several devices or processes runs in `test_data_parallel.py`.
Here a one-device `DataParallel` runs in the test process, on each backend,
through the same distributed step functions.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import lamina
from lamina.backend import Backend
from lamina.distribution import launch
from lamina.distribution.callbacks import ChiefCallbackList


@pytest.fixture(autouse=True)
def no_distribution() -> Any:
    yield
    lamina.distribution.set_distribution(None)


def make_model() -> lamina.Model:
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(3, activation="tanh"), lamina.layers.Dense(1)])
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    return rng.normal(size=(24, 4)).astype("float32"), rng.normal(size=(24, 1)).astype("float32")


# -- devices and the current distribution ----------------------------------------------
def test_list_devices(backend: Any) -> None:
    devices = lamina.distribution.list_devices()
    assert devices and all(isinstance(d, str) and d.split(":")[0] in ("cpu", "gpu", "tpu") for d in devices)
    assert lamina.distribution.list_devices("cpu")[0] == "cpu:0"
    assert lamina.distribution.get_device_count("cpu") == len(lamina.distribution.list_devices("cpu"))
    with pytest.raises(ValueError, match="device_type"):
        lamina.distribution.list_devices("npu")


def test_scope_and_set_distribution(backend: Any) -> None:
    distribution = lamina.distribution.DataParallel(devices=["cpu:0"])
    assert distribution.backend is backend
    assert distribution.num_replicas == 1 and distribution.is_chief and distribution.num_processes == 1
    assert lamina.distribution.distribution() is None
    with distribution.scope() as inside:
        assert inside is distribution
        assert lamina.distribution.distribution() is distribution
    assert lamina.distribution.distribution() is None
    lamina.distribution.set_distribution(distribution)
    assert lamina.distribution.distribution() is distribution
    lamina.distribution.set_distribution(None)
    assert lamina.distribution.distribution() is None


def test_one_device_data_parallel_trains_like_no_distribution(backend: Any) -> None:
    """The distributed steps on one replica, then ordinary training of the same model."""
    x, y = data()
    reference = make_model()
    reference.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    expected_eval = reference.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    reference.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)

    model = make_model()
    with lamina.distribution.DataParallel(devices=["cpu:0"]).scope():
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        got_eval = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
        predictions = model.predict(x, batch_size=8, verbose=0)
    # Back on one device (TensorFlow gives the mirrored variables back).
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)

    assert got_eval == pytest.approx(expected_eval, rel=1e-5)
    assert predictions.shape == (24, 1)
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_shard_slices(backend: Any) -> None:
    distribution = lamina.distribution.DataParallel(devices=["cpu:0"])
    assert distribution.shard_slices(5) == [slice(0, 5)]
    distribution._engine = SimpleNamespace(num_replicas=3)  # the split alone, for three replicas
    assert distribution.shard_slices(7) == [slice(0, 3), slice(3, 5), slice(5, 7)]
    assert distribution.shard_slices(2) == [slice(0, 1), slice(1, 2), slice(2, 2)]


# -- errors ------------------------------------------------------------------------------
def test_invalid_data_parallel_arguments(backend: Any) -> None:
    with pytest.raises(ValueError, match="at least one device"):
        lamina.distribution.DataParallel(devices=[])
    with pytest.raises(ValueError, match="not both"):
        lamina.distribution.DataParallel(
            device_mesh=lamina.distribution.DeviceMesh((1,), ["batch"], ["cpu:0"]), devices=["cpu:0"]
        )
    with pytest.raises(ValueError, match="1-D device mesh"):
        lamina.distribution.DataParallel(device_mesh=lamina.distribution.DeviceMesh((1, 1), ["a", "b"], ["cpu:0"]))
    with pytest.raises(ValueError, match="auto_shard_dataset"):
        lamina.distribution.DataParallel(auto_shard_dataset=False)
    with pytest.raises(ValueError, match="cpu:99"):
        lamina.distribution.DataParallel(devices=["cpu:0", "cpu:99"] if backend.name == "torch" else ["cpu:99"])
    with pytest.raises(TypeError, match="DataParallel"):
        lamina.distribution.set_distribution("data_parallel")
    with pytest.raises(ValueError, match="mesh of shape"):
        lamina.distribution.DeviceMesh((2,), ["batch"], ["cpu:0"])


def test_initialize_checks_process_id(backend: Any) -> None:
    with pytest.raises(ValueError, match="process_id"):
        lamina.distribution.initialize("127.0.0.1:1234", num_processes=2, process_id=2)
    with pytest.raises(ValueError, match="num_processes"):
        lamina.distribution.initialize("127.0.0.1:1234", num_processes=0, process_id=0)


def test_custom_train_step_under_data_parallel(backend: Any) -> None:
    """JAX shards a custom `train_step` like the default one; torch and TensorFlow refuse it
    (they reduce the gradients inside their default step)."""
    x, y = data()
    if backend.name == "jax":

        class Custom(lamina.Sequential):
            calls = 0

            def train_step(self, state, data):
                Custom.calls += 1
                return super().train_step(state, data)

    else:

        class Custom(lamina.Sequential):
            calls = 0

            def train_step(self, data):
                Custom.calls += 1
                return super().train_step(data)

    def build(cls: type) -> lamina.Model:
        model = cls([lamina.Input((4,)), lamina.layers.Dense(1)])
        model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
        model.compile(optimizer="sgd", loss="mse")
        return model

    model = build(Custom)
    with lamina.distribution.DataParallel(devices=["cpu:0"]).scope():
        if backend.name != "jax":
            with pytest.raises(NotImplementedError, match="overrides `train_step`"):
                model.fit(x, y, batch_size=8, verbose=0)
            return
        model.fit(x, y, batch_size=8, shuffle=False, verbose=0)
    assert Custom.calls >= 1  # traced through the user's step
    reference = build(lamina.Sequential)
    reference.fit(x, y, batch_size=8, shuffle=False, verbose=0)
    for got, expected in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, expected, atol=1e-6)


def test_model_and_distribution_on_different_backends(backend: Any) -> None:
    others = [name for name in lamina.backend.installed_backends() if name != backend.name]
    if not others:
        pytest.skip("needs a second installed backend")
    with lamina.backend.backend_scope(lamina.backend.get_backend(others[0])):
        model = make_model()
    x, y = data()
    with lamina.distribution.DataParallel(devices=["cpu:0"]).scope():
        with pytest.raises(ValueError, match="was built on"):
            model.fit(x, y, verbose=0)


def test_a_backend_without_distribution_says_so() -> None:
    class Bare(Backend):
        name = "bare"

    bare = Bare()
    for call in (
        lambda: bare.distribution_list_devices(),
        lambda: bare.distribution_initialize(None, 2, 0),
        lambda: bare.distribution_setup(None),
        lambda: bare.make_distributed_step_functions(None, None),
    ):
        with pytest.raises(NotImplementedError, match="'bare' backend does not support distribution"):
            call()
    value = np.array([1, 2])
    assert bare.distribution_broadcast(value) is value  # one process: nothing to share
    assert bare.distribution_process_info() == (0, 1)


# -- callbacks in a multi-process job ------------------------------------------------------
@pytest.mark.parametrize("chief_acts_after_batches", [True, False])
def test_only_the_chief_runs_callbacks_and_shares_its_decisions(chief_acts_after_batches: bool) -> None:
    broadcasts = []

    class FakeBackend:
        """Answers with the chief's values: resume at epoch 2, step 5; stop."""

        def distribution_broadcast(self, value: np.ndarray) -> np.ndarray:
            broadcasts.append(value.tolist())
            return np.array([2, 5, int(chief_acts_after_batches)] if value.size == 3 else [1])

    other = SimpleNamespace(is_chief=False, backend=FakeBackend())
    model = SimpleNamespace(stop_training=False, _initial_epoch=None, _initial_step=None)
    checkpoint = lamina.callbacks.Callback()
    history = lamina.callbacks.History()
    callbacks = ChiefCallbackList([checkpoint, history], other, model=model)
    assert callbacks.callbacks == [history]
    callbacks.on_train_begin()
    assert (model._initial_epoch, model._initial_step) == (2, 5)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    assert model.stop_training is chief_acts_after_batches
    assert len(broadcasts) == (2 if chief_acts_after_batches else 1)
    callbacks.on_epoch_end(0, {"loss": 1.0})
    assert model.stop_training is True

    chief = SimpleNamespace(is_chief=True, backend=FakeBackend())
    stopper = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    on_chief = ChiefCallbackList([stopper, lamina.callbacks.ProgbarLogger(), history], chief, model=model)
    assert on_chief.callbacks[0] is stopper and len(on_chief.callbacks) == 3
    assert on_chief._sync_batches  # a LambdaCallback may stop training after a batch
    assert not ChiefCallbackList([lamina.callbacks.ProgbarLogger(), history], chief, model=model)._sync_batches


# -- the launcher -----------------------------------------------------------------------------
def test_launcher_arguments(tmp_path: Any) -> None:
    with pytest.raises(SystemExit):
        launch.main(["--nproc", "0", str(tmp_path / "train.py")])
    with pytest.raises(SystemExit):
        launch.main(["--nproc", "2", str(tmp_path / "missing.py")])


def test_launcher_stops_the_job_when_a_process_fails(tmp_path: Any) -> None:
    script = tmp_path / "fail_on_chief.py"
    script.write_text(
        "import os, sys, time\n"
        "if os.environ['LAMINA_DISTRIBUTION_PROCESS_ID'] == '0':\n"
        "    sys.exit(3)\n"
        "assert os.environ['LAMINA_DISTRIBUTION_NUM_PROCESSES'] == '2'\n"
        "time.sleep(120)\n"
    )
    assert launch.spawn(2, [str(script)], "jax") == 3
