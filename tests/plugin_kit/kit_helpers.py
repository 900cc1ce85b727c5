"""Shared helpers of the plugin-kit tests (see `conftest.py` for the fixtures)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

IN_KIT = os.environ.get("LAMINA_PLUGIN_KIT") == "1"
HOW_TO_RUN = "run `python -m nox -s plugin-kit`"


def require(condition: bool, reason: str) -> None:
    """Skips (fails, inside the plugin-kit session) unless `condition` holds."""
    if condition:
        return
    if IN_KIT:
        pytest.fail(f"The plugin-kit session should have prepared this: {reason}")
    pytest.skip(f"{reason}; {HOW_TO_RUN}")


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def lamina_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the `lamina` command of this environment, as a user would."""
    script = Path(sys.executable).with_name("lamina")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "lamina.cli"]
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=600, check=False
    )
