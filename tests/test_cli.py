"""The `lamina` command."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from lamina.cli import main


def test_plugins_command_lists_the_three_backends() -> None:
    result = CliRunner().invoke(main, ["plugins"], terminal_width=200)
    assert result.exit_code == 0, result.output
    for name in ("lamina-jax", "lamina-torch", "lamina-tensorflow"):
        assert name in result.output
    assert "backends: torch" in result.output and "ok" in result.output


def test_info_command_shows_versions_and_active_backend() -> None:
    result = CliRunner().invoke(main, ["info"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "lamina 0.1.0" in result.output and "active" in result.output
    assert "Plugins" in result.output and "File formats" in result.output


def test_conformance_command_rejects_unknown_backend() -> None:
    result = CliRunner().invoke(main, ["conformance", "nosuchbackend"])
    assert result.exit_code != 0
    assert "pip install lamina-nosuchbackend" in result.output


def test_summary_and_convert_between_formats(tmp_path: Any) -> None:
    import numpy as np

    import lamina as keras

    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, name="hidden"), keras.layers.Dense(2)], name="clitest"
    )
    model.save(tmp_path / "m.keras")
    runner = CliRunner()
    result = runner.invoke(main, ["summary", str(tmp_path / "m.keras")], terminal_width=200)
    assert result.exit_code == 0, result.output
    for target in ("m.json", "m.yaml", "w.weights.h5", "copy.keras"):
        result = runner.invoke(main, ["convert", str(tmp_path / "m.keras"), str(tmp_path / target)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["summary", str(tmp_path / "w.weights.h5")], terminal_width=200)
    assert "layers/hidden/vars/0" not in result.output and "layers/dense/vars/0" in result.output
    result = runner.invoke(main, ["convert", str(tmp_path / "m.yaml"), str(tmp_path / "back.keras")])
    assert result.exit_code != 0 and "--weights" in result.output
    result = runner.invoke(
        main,
        [
            "convert",
            str(tmp_path / "m.yaml"),
            str(tmp_path / "back.keras"),
            "--weights",
            str(tmp_path / "w.weights.h5"),
        ],
    )
    assert result.exit_code == 0, result.output
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(
        keras.models.load_model(tmp_path / "back.keras").predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
    result = runner.invoke(main, ["convert", str(tmp_path / "m.keras"), str(tmp_path / "m.json")])
    assert result.exit_code != 0 and "--overwrite" in result.output
