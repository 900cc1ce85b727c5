"""The `lamina` command."""

from __future__ import annotations

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
