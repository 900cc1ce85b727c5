"""`.keras` archives: whole models across backends, resuming training,
Keras 3 interoperability, and refusal of crafted files."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.backend import backend_scope, get_backend, installed_backends

h5py = pytest.importorskip("h5py")


def make_model() -> keras.Model:
    inputs = keras.Input((6,), name="features")
    hidden = layers.Dense(8, activation="relu", kernel_regularizer="l2")(inputs)
    outputs = layers.Dense(3, activation="softmax")(layers.Concatenate()([hidden, inputs]))
    model = keras.Model(inputs, outputs, name="archive_model")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def data() -> tuple:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32") + (x[:, 1] > 1).astype("int32")


@pytest.mark.parametrize("source", ["jax", "torch", "tensorflow"])
def test_saved_on_one_backend_predicts_the_same_on_every_backend(source: str, tmp_path: Path) -> None:
    if source not in installed_backends():
        pytest.skip(f"{source} is not installed")
    x, y = data()
    with backend_scope(get_backend(source)):
        model = make_model()
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        expected = model.predict(x, verbose=0)
        model.save(tmp_path / "m.keras")
    for target in installed_backends():
        with backend_scope(get_backend(target)):
            loaded = keras.models.load_model(tmp_path / "m.keras")
            assert loaded.backend.name == target and loaded.compiled
            np.testing.assert_allclose(
                loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6, err_msg=f"{source}->{target}"
            )


def test_resumed_training_matches_uninterrupted_training(backend: Any, tmp_path: Path) -> None:
    x, y = data()
    keras.utils.set_random_seed(5)
    reference = make_model()
    keras.utils.set_random_seed(5)
    interrupted = make_model()
    interrupted.set_weights(reference.get_weights())
    reference.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    interrupted.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    interrupted.save(tmp_path / "half.keras")
    resumed = keras.models.load_model(tmp_path / "half.keras")
    assert int(resumed.optimizer.iterations.numpy()) == 10
    resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


KERAS_ROUND_TRIP = textwrap.dedent(
    """
    import sys
    import numpy as np
    import keras
    mode, path, out = sys.argv[1:4]
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(2, 6)
    if mode == "write":
        keras.utils.set_random_seed(1)
        inputs = keras.Input((6,))
        hidden = keras.layers.Dense(5, activation="tanh")(inputs)
        model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dropout(0.1)(hidden)))
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, np.ones((2, 2), "float32"), epochs=1, verbose=0)
        model.save(path)
    else:
        model = keras.models.load_model(path)
    np.save(out, model.predict(x, verbose=0))
    """
)


def test_a_frozen_nested_model_resumes_with_its_optimizer_state(backend: Any, tmp_path: Path) -> None:
    """Transfer learning: the frozen base's weights stay frozen after a load, so the
    optimizer rebuilt for the trainable weights matches the saved one."""
    x, y = data()
    base = keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="relu"), layers.BatchNormalization()])
    base.trainable = False
    model = keras.Sequential([base, layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "frozen.keras")
    loaded = keras.models.load_model(tmp_path / "frozen.keras")
    assert [v.name for v in loaded.trainable_weights] == [v.name for v in model.trainable_weights]
    assert all(not v.trainable for v in loaded.layers[0].weights)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
    loaded.layers[0].trainable = True  # fine-tuning thaws the base again
    assert len(loaded.trainable_weights) == 6


def run_keras(mode: str, path: Path, out: Path) -> np.ndarray:
    pytest.importorskip("keras")
    subprocess.run(
        [sys.executable, "-c", KERAS_ROUND_TRIP, mode, str(path), str(out)],
        check=True,
        capture_output=True,
        timeout=300,
        env=dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu"),
    )
    return np.load(out)


def test_reads_keras_3_archives(backend: Any, tmp_path: Path) -> None:
    expected = run_keras("write", tmp_path / "k.keras", tmp_path / "k.npy")
    model = keras.models.load_model(tmp_path / "k.keras")
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(2, 6)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert model.compiled and model.optimizer.built


def test_keras_3_reads_lamina_archives(backend: Any, tmp_path: Path) -> None:
    keras.utils.set_random_seed(2)
    inputs = keras.Input((6,))
    model = keras.Model(inputs, layers.Dense(2)(layers.Dense(5, activation="tanh")(inputs)))
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "l.keras")
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(2, 6)
    np.testing.assert_allclose(
        run_keras("read", tmp_path / "l.keras", tmp_path / "l.npy"), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_yaml_and_json_round_trip(backend: Any) -> None:
    model = make_model()
    for text, reader in (
        (model.to_json(), keras.models.model_from_json),
        (model.to_yaml(), keras.models.model_from_yaml),
    ):
        clone = reader(text)
        assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]


# -- crafted files -------------------------------------------------------------


def write_archive(path: Path, members: dict[str, bytes], links: tuple = ()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")
    return path


@pytest.fixture
def good_members(tmp_path: Path) -> dict[str, bytes]:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.save(tmp_path / "good.keras")
    with zipfile.ZipFile(tmp_path / "good.keras") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def config_with(good_members: dict, mutate: Any) -> dict[str, bytes]:
    config = json.loads(good_members["config.json"])
    mutate(config)
    return {**good_members, "config.json": json.dumps(config).encode()}


def test_config_naming_os_system_is_refused(tmp_path: Path, good_members: dict) -> None:
    def evil(config: dict) -> None:
        config["config"]["layers"][1] = {
            "module": "os",
            "class_name": "system",
            "config": {"command": "touch /tmp/pwned"},
        }

    path = write_archive(tmp_path / "evil.keras", config_with(good_members, evil))
    with pytest.raises(TypeError, match="Could not locate class 'system'"):
        keras.models.load_model(path)
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize(
    "name,problem",
    [("../../outside.txt", "parent-relative"), ("/etc/evil", "absolute"), ("model.pkl", "unexpected archive member")],
)
def test_bad_member_names_are_refused(tmp_path: Path, good_members: dict, name: str, problem: str) -> None:
    path = write_archive(tmp_path / "bad.keras", {**good_members, name: b"payload"})
    with pytest.raises(ValueError, match=problem):
        keras.models.load_model(path)


def test_symlink_members_are_refused(tmp_path: Path, good_members: dict) -> None:
    path = write_archive(tmp_path / "link.keras", good_members, links=("assets/link",))
    with pytest.raises(ValueError, match="symbolic link"):
        keras.models.load_model(path)


def test_zip_bomb_is_refused(tmp_path: Path, good_members: dict) -> None:
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in good_members.items():
            archive.writestr(name, payload)
        archive.writestr("assets/bomb", b"\0" * (64 * 1024 * 1024))
    with pytest.raises(ValueError, match="zip bomb"):
        keras.models.load_model(path)


def test_huge_declared_weight_shapes_are_refused_before_allocation(tmp_path: Path, good_members: dict) -> None:
    weights = io.BytesIO()
    with h5py.File(weights, "w") as handle:
        group = handle.require_group("layers/dense/vars")
        group.create_dataset("0", shape=(3, 2_000_000_000), dtype="float32")  # declared, never written
        group.create_dataset("1", data=np.zeros(2, "float32"))
        handle.require_group("vars")
    path = write_archive(tmp_path / "huge.keras", {**good_members, "model.weights.h5": weights.getvalue()})
    with pytest.raises(ValueError, match=r"shape mismatch.*\(3, 2\).*\(3, 2000000000\)"):
        keras.models.load_model(path)


@pytest.mark.parametrize("cut", [10, 200, -50])
def test_truncated_and_corrupted_files_fail_clearly(tmp_path: Path, cut: int) -> None:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.save(tmp_path / "ok.keras")
    payload = (tmp_path / "ok.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(payload[:cut] if cut > 0 else payload[:cut] + b"garbage")
    with pytest.raises(ValueError):
        keras.models.load_model(tmp_path / "cut.keras")


def test_failed_load_into_existing_model_changes_nothing(backend: Any, tmp_path: Path) -> None:
    small = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="a"), layers.Dense(4, name="b")])
    small.save_weights(tmp_path / "w.weights.h5")
    other = keras.Sequential([keras.Input((3,)), layers.Dense(2, name="a"), layers.Dense(5, name="b")])
    before = other.get_weights()
    with pytest.raises(ValueError):
        other.load_weights(tmp_path / "w.weights.h5")
    for got, want in zip(other.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_save_does_not_overwrite_when_asked(backend: Any, tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save(tmp_path / "m.keras", overwrite=False)
