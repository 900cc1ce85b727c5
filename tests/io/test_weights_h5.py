"""`.weights.h5` (lamina-io): portable across backends, compatible with Keras 3,
atomic on save and all-or-nothing on load."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.backend import backend_scope, get_backend, installed_backends
from lamina.saving import format_registry

h5py = pytest.importorskip("h5py")


def make_model() -> keras.Model:
    inputs = keras.Input((5,), name="x")
    hidden = layers.Dense(4, activation="relu")(inputs)
    skip = layers.Dense(4)(inputs)
    merged = layers.Add()([hidden, skip])
    return keras.Model(inputs, layers.Dense(2)(layers.Dropout(0.2)(merged)))


@pytest.mark.parametrize("source", ["jax", "torch", "tensorflow"])
def test_weights_saved_on_one_backend_load_on_every_backend(source: str, tmp_path: Path) -> None:
    if source not in installed_backends():
        pytest.skip(f"{source} is not installed")
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    with backend_scope(get_backend(source)):
        model = make_model()
        expected = model.predict(x, verbose=0)
        model.save_weights(tmp_path / "m.weights.h5")
    for target in installed_backends():
        with backend_scope(get_backend(target)):
            other = make_model()
            other.load_weights(tmp_path / "m.weights.h5")
            np.testing.assert_allclose(
                other.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6, err_msg=f"{source}->{target}"
            )


def test_layout_matches_keras(backend: Any, tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dropout(0.1), layers.Dense(2)])
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as handle:
        names: list[str] = []
        handle.visit(names.append)
    assert {
        "layers/dense/vars/0",
        "layers/dense/vars/1",
        "layers/dense_1/vars/0",
        "layers/dropout/vars",
        "vars",
    } <= set(names)


KERAS_WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import keras
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    model.save_weights(sys.argv[1])
    np.save(sys.argv[2], model.predict(np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4), verbose=0))
    """
)


def test_loads_weights_written_by_keras_3(backend: Any, tmp_path: Path) -> None:
    pytest.importorskip("keras")
    weights, outputs = tmp_path / "k.weights.h5", tmp_path / "out.npy"
    subprocess.run(
        [sys.executable, "-c", KERAS_WRITER, str(weights), str(outputs)],
        check=True,
        capture_output=True,
        timeout=300,
        env={"KERAS_BACKEND": "numpy", "PATH": ""},
    )
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
    model.load_weights(weights)
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    np.testing.assert_allclose(model.predict(x, verbose=0), np.load(outputs), rtol=1e-5, atol=1e-6)


def test_shape_mismatch_names_file_layer_and_shapes_and_changes_nothing(backend: Any, tmp_path: Path) -> None:
    small = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="a"), layers.Dense(2, name="b")])
    small.save_weights(tmp_path / "small.weights.h5")
    wide = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="a"), layers.Dense(5, name="b")])
    before = wide.get_weights()
    with pytest.raises(ValueError, match=r"small\.weights\.h5.*layer 'b'.*\(3, 5\).*\(3, 2\)"):
        wide.load_weights(tmp_path / "small.weights.h5")
    for got, want in zip(wide.get_weights(), before):
        np.testing.assert_array_equal(got, want)
    wide.load_weights(tmp_path / "small.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(wide.layers[0].kernel.numpy(), small.layers[0].kernel.numpy())


def test_links_and_garbage_are_refused(backend: Any, tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.save_weights(tmp_path / "ok.weights.h5")
    with h5py.File(tmp_path / "ok.weights.h5", "a") as handle:
        handle["layers/dense/vars/extra"] = h5py.ExternalLink("/etc/passwd", "/")
    with pytest.raises(ValueError, match="link"):
        model.load_weights(tmp_path / "ok.weights.h5")
    (tmp_path / "junk.weights.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match="not a readable HDF5"):
        model.load_weights(tmp_path / "junk.weights.h5")


def test_failed_save_leaves_previous_file_intact(backend: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    target = tmp_path / "keep.weights.h5"
    model.save_weights(target)
    original = target.read_bytes()

    def explode(self: Any) -> Any:
        raise RuntimeError("killed mid-save")

    monkeypatch.setattr(type(model.layers[0].kernel), "numpy", explode)
    with pytest.raises(RuntimeError, match="killed mid-save"):
        model.save_weights(target)
    assert target.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["keep.weights.h5"]


def test_saving_without_a_format_plugin_names_the_extra(
    backend: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(format_registry.FORMATS, "entries", lambda: {})
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r'pip install "lamina\[io\]"'):
        model.save_weights(tmp_path / "w.weights.h5")
