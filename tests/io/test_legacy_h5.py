"""Legacy `.h5` files: Keras 2 (tf_keras) and Keras 3 legacy whole models and weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lamina as keras

h5py = pytest.importorskip("h5py")

X = np.linspace(-1, 1, 16, dtype="float32").reshape(4, 4)

KERAS2_WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import tf_keras as k2
    out = sys.argv[1]
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(4, 4)
    k2.utils.set_random_seed(0)
    i = k2.Input((4,), name="x")
    a = k2.layers.Dense(3, activation="relu", name="d1")(i)
    b = k2.layers.BatchNormalization(name="bn")(a)
    o = k2.layers.Dense(2, name="d2")(k2.layers.Concatenate()([b, i]))
    functional = k2.Model(i, o)
    functional.compile("adam", "mse", metrics=["mae"])
    functional.fit(x, np.ones((4, 2)), epochs=2, verbose=0)
    functional.save(out + "/functional.h5")
    functional.save_weights(out + "/functional_weights.h5")
    np.save(out + "/functional.npy", functional.predict(x, verbose=0))
    sequential = k2.Sequential([k2.layers.Dense(5, input_shape=(4,), activation="tanh"), k2.layers.Dropout(0.2), k2.layers.Dense(2)])
    sequential.save(out + "/sequential.h5")
    np.save(out + "/sequential.npy", sequential.predict(x, verbose=0))
    """
)


@pytest.fixture(scope="module")
def keras2_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("tf_keras")
    out = tmp_path_factory.mktemp("keras2")
    subprocess.run(
        [sys.executable, "-c", KERAS2_WRITER, str(out)],
        check=True,
        capture_output=True,
        timeout=600,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    return out


@pytest.mark.parametrize("name", ["functional", "sequential"])
def test_keras_2_whole_models_load_and_predict_the_same(backend: Any, keras2_files: Path, name: str) -> None:
    model = keras.models.load_model(keras2_files / f"{name}.h5")
    np.testing.assert_allclose(model.predict(X, verbose=0), np.load(keras2_files / f"{name}.npy"), rtol=1e-5, atol=1e-6)
    if name == "functional":
        assert model.compiled and model.output_shape == (None, 2)
        model.fit(X, np.ones((4, 2), "float32"), epochs=1, verbose=0)


def test_keras_2_weights_file_loads_into_the_same_architecture(backend: Any, keras2_files: Path) -> None:
    reference = keras.models.load_model(keras2_files / "functional.h5", compile=False)
    fresh = keras.models.clone_model(reference)
    fresh.load_weights(keras2_files / "functional_weights.h5")
    np.testing.assert_allclose(
        fresh.predict(X, verbose=0), np.load(keras2_files / "functional.npy"), rtol=1e-5, atol=1e-6
    )


def test_lamina_writes_legacy_h5_that_keras_3_reads(backend: Any, tmp_path: Path) -> None:
    pytest.importorskip("keras")
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.h5")
    reloaded = keras.models.load_model(tmp_path / "m.h5")
    np.testing.assert_allclose(reloaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    # compile=False: Keras 3.15 cannot rebuild a string loss from legacy files, even its own.
    script = "import sys, numpy as np, keras; m = keras.models.load_model(sys.argv[1], compile=False); np.save(sys.argv[2], m.predict(np.linspace(-1, 1, 16, dtype='float32').reshape(4, 4), verbose=0))"
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "m.h5"), str(tmp_path / "k.npy")],
        check=True,
        capture_output=True,
        timeout=300,
        env=dict(os.environ, KERAS_BACKEND="jax"),
    )
    np.testing.assert_allclose(np.load(tmp_path / "k.npy"), model.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


def test_legacy_config_naming_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.h5"
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps(
            {"class_name": "system", "config": {"command": "touch /tmp/pwned_h5"}}
        )
        handle.create_group("model_weights").attrs["layer_names"] = np.array([], dtype="S1")
    with pytest.raises(TypeError, match="Could not locate class 'system'"):
        keras.models.load_model(path)
    assert not Path("/tmp/pwned_h5").exists()


def test_weights_only_file_explains_how_to_load_it(backend: Any, tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="weights-only"):
        keras.models.load_model(tmp_path / "w.h5")
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    other.load_weights(tmp_path / "w.h5")
    np.testing.assert_allclose(other.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
