"""`model.export` / `lamina.export`: input signatures, several inputs and outputs,
subclassed models, the exporter registry and its errors, plugins, the CLI."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import lamina
from lamina import layers
from lamina.export import registry
from lamina.plugins import hookimpl
from lamina.plugins import manager as plugin_manager

NATIVE = {"tensorflow": "tf_saved_model", "jax": "jax", "torch": "torch"}
FILE_NAMES = {"tf_saved_model": "saved_model", "jax": "model.jax", "torch": "model.pt2", "onnx": "model.onnx"}


def two_input_model() -> lamina.Model:
    lamina.utils.set_random_seed(3)
    left = lamina.Input((4,), name="left")
    right = lamina.Input((2,), name="right")
    merged = layers.Dense(5, activation="tanh")(layers.Concatenate()([left, right]))
    return lamina.Model({"left": left, "right": right}, [layers.Dense(3)(merged), layers.Dense(1)(merged)])


def run_native(fmt: str, path: Path, inputs: Any) -> Any:
    """Loads an artifact with its own runtime (in this process) and runs it on `inputs`."""
    to_numpy = lambda outputs: lamina.tree.map_structure(np.asarray, outputs)  # noqa: E731
    if fmt == "tf_saved_model":
        import tensorflow as tf

        loaded = tf.saved_model.load(str(path))
        served = to_numpy(loaded.serve(lamina.tree.map_structure(tf.constant, inputs)))
        function = loaded.signatures["serving_default"]
        names = list(function.structured_input_signature[1])
        flat_inputs = inputs if isinstance(inputs, dict) else {names[0]: inputs}
        assert sorted(flat_inputs) == sorted(names)
        signature = function(**{k: tf.constant(v) for k, v in flat_inputs.items()})
        flat = lamina.tree.flatten(served)
        assert sorted(signature) == [f"output_{i}" for i in range(len(flat))]
        for i, got in enumerate(flat):
            np.testing.assert_allclose(signature[f"output_{i}"].numpy(), got, atol=1e-6)
        return served
    if fmt == "jax":
        from jax import export

        return to_numpy(export.deserialize(bytearray(path.read_bytes())).call(inputs))
    if fmt == "torch":
        import torch

        module = torch.export.load(str(path)).module()
        with torch.no_grad():
            return to_numpy(module(lamina.tree.map_structure(torch.from_numpy, inputs)))
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert sorted(i.name for i in session.get_inputs()) == sorted(inputs)
    assert [o.name for o in session.get_outputs()] == ["output_0", "output_1"]
    return session.run(None, inputs)


@pytest.mark.parametrize("kind", ["native", "onnx"])
def test_dict_inputs_and_two_outputs(backend: Any, kind: str, tmp_path: Path) -> None:
    fmt = NATIVE[backend.name] if kind == "native" else "onnx"
    if fmt not in lamina.export.formats_for_backend(backend.name):
        with pytest.raises(ValueError, match="cannot be produced"):
            two_input_model().export(tmp_path / "x", format=fmt, verbose=False)
        return
    for module in ("onnxruntime", "onnx") if fmt == "onnx" else ():
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed: the ONNX artifact cannot be written or run here.")
    model = two_input_model()
    rng = np.random.default_rng(0)
    for batch in (3, 7):
        inputs = {
            "left": rng.normal(size=(batch, 4)).astype("float32"),
            "right": rng.normal(size=(batch, 2)).astype("float32"),
        }
        path = tmp_path / f"{batch}_{FILE_NAMES[fmt]}"
        model.export(path, format=fmt, verbose=False)
        expected = model.predict(inputs, verbose=0)
        got = run_native(fmt, path, inputs)
        for want, value in zip(expected, got):
            np.testing.assert_allclose(value, want, atol=1e-5)


class Scaled(lamina.Model):
    def __init__(self) -> None:
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        return self.dense(inputs) * 2.0


class BuiltByHand(Scaled):
    def build(self, input_shape: Any) -> None:
        self.dense.build(input_shape)
        self.built = True


def test_subclassed_models_use_the_inputs_they_were_called_with(backend: Any, tmp_path: Path) -> None:
    model = Scaled()
    x = np.arange(12, dtype="float32").reshape(4, 3)
    expected = lamina.ops.convert_to_numpy(model(x[:1]))
    fmt = NATIVE[backend.name]
    model.export(tmp_path / FILE_NAMES[fmt], format=fmt, verbose=False)
    np.testing.assert_allclose(run_native(fmt, tmp_path / FILE_NAMES[fmt], x[:1]), expected, atol=1e-6)
    np.testing.assert_allclose(run_native(fmt, tmp_path / FILE_NAMES[fmt], x), model.predict(x, verbose=0), atol=1e-6)


def test_input_signature_is_needed_for_an_uncalled_subclassed_model(backend: Any, tmp_path: Path) -> None:
    model = BuiltByHand()
    model.build((None, 3))  # weights made without calling the model: no known inputs
    fmt = NATIVE[backend.name]
    with pytest.raises(ValueError, match="input_signature"):
        lamina.export.model_input_signature(model)
    spec = lamina.InputSpec(shape=(None, 3), dtype="float32", name="features")
    signature = lamina.export.model_input_signature(model, [spec])
    assert signature == lamina.export.ExportSpec((None, 3), "float32", "features")
    model.export(tmp_path / FILE_NAMES[fmt], format=fmt, verbose=False, input_signature=[spec])
    x = np.linspace(-1, 1, 15, dtype="float32").reshape(5, 3)
    np.testing.assert_allclose(run_native(fmt, tmp_path / FILE_NAMES[fmt], x), model.predict(x, verbose=0), atol=1e-6)


def test_signatures_from_specs_arrays_and_their_errors(backend: Any) -> None:
    model = two_input_model()
    signature = lamina.export.model_input_signature(model)
    assert signature == {
        "left": lamina.export.ExportSpec((None, 4), "float32", "left"),
        "right": lamina.export.ExportSpec((None, 2), "float32", "right"),
    }
    from_array = lamina.export.model_input_signature(model, np.zeros((7, 5), "int32"))
    assert from_array == lamina.export.ExportSpec((None, 5), "int32", "inputs")
    with pytest.raises(ValueError, match="bare shape"):
        lamina.export.model_input_signature(model, (None, 4))
    unbuilt = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        unbuilt.export("never", format=NATIVE[backend.name])


def test_each_backend_lists_what_it_can_produce(backend: Any) -> None:
    expected = {"tensorflow": ["onnx", "tf_saved_model"], "jax": ["jax", "tf_saved_model"], "torch": ["onnx", "torch"]}
    assert list(lamina.export.formats_for_backend(backend.name)) == expected[backend.name]


def test_wrong_backend_and_unknown_format_errors_name_what_works(backend: Any, tmp_path: Path) -> None:
    model = two_input_model()
    other = next(fmt for fmt in ("jax", "torch") if fmt != NATIVE[backend.name] and fmt != backend.name)
    with pytest.raises(ValueError) as refused:
        model.export(tmp_path / "x", format=other)
    message = str(refused.value)
    assert f"Models on {backend.name!r} can be exported to: " in message
    assert "clone_model" in message and other in message
    with pytest.raises(ValueError, match="Unknown export format 'tflite'"):
        model.export(tmp_path / "x", format="tflite")


class RecordingExporter(lamina.export.Exporter):
    """A third-party exporter: writes the input names it was given."""

    format = "names"

    def export(self, model: Any, filepath: str, signature: Any, suffix: str = "", **kwargs: Any) -> None:
        names = lamina.export.signature.input_names(signature)
        Path(filepath).write_text(",".join(names) + suffix)


class ExporterPlugin:
    @hookimpl
    def register_exporters(self, register: Any) -> None:
        register("names-any-backend", RecordingExporter, format="names")
        register(
            "needs-missing",
            RecordingExporter,
            format="needy",
            requires=("no_such_module_for_lamina",),
            install="pip install lamina-needy-runtime",
        )


@pytest.fixture
def exporter_plugin() -> Any:
    plugin_manager.ensure_loaded()
    saved = dict(registry.EXPORTERS._entries)
    info = plugin_manager.register(ExporterPlugin(), name="test-exporter-plugin")
    assert info.ok, info.error
    yield
    plugin_manager.unregister("test-exporter-plugin")
    registry.EXPORTERS._entries = saved


def test_plugins_add_formats_through_the_hook(backend: Any, exporter_plugin: Any, tmp_path: Path) -> None:
    model = two_input_model()
    assert lamina.export.formats_for_backend(backend.name)["names"] == "names-any-backend"
    written = lamina.export.export_model(model, tmp_path / "names.txt", format="names", verbose=False, suffix="!")
    assert Path(written).read_text() == "left,right!"
    with pytest.raises(ImportError, match="pip install lamina-needy-runtime"):
        model.export(tmp_path / "needy", format="needy")


def test_an_exporter_can_be_chosen_by_its_name(backend: Any, tmp_path: Path) -> None:
    if backend.name != "tensorflow":
        with pytest.raises(ValueError, match="cannot be produced"):
            two_input_model().export(tmp_path / "m.onnx", format="tf2onnx")
        return
    if importlib.util.find_spec("tf2onnx") is None:
        pytest.skip("tf2onnx is not installed: the exporter named 'tf2onnx' cannot run here.")
    two_input_model().export(tmp_path / "m.onnx", format="tf2onnx", verbose=False)
    assert (tmp_path / "m.onnx").stat().st_size > 0


def test_cli_exports_a_saved_model(backend: Any, tmp_path: Path) -> None:
    from lamina.cli import main

    model = two_input_model()
    model.save(tmp_path / "m.keras")
    fmt = NATIVE[backend.name]
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "export",
            str(tmp_path / "m.keras"),
            "--format",
            fmt,
            "--output",
            str(tmp_path / FILE_NAMES[fmt]),
            "--backend",
            backend.name,
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"from the {backend.name} backend" in result.output
    inputs = {"left": np.ones((2, 4), "float32"), "right": np.ones((2, 2), "float32")}
    for want, got in zip(model.predict(inputs, verbose=0), run_native(fmt, tmp_path / FILE_NAMES[fmt], inputs)):
        np.testing.assert_allclose(got, want, atol=1e-5)
    refused = runner.invoke(main, ["export", str(tmp_path / "m.keras"), "--format", "tflite", "--output", "x"])
    assert refused.exit_code != 0 and "Unknown export format 'tflite'" in refused.output
