"""Fixtures for the plugin-kit tests.

Most tests here check the example plugins in `examples/plugins/` as a user
would meet them: installed with pip into an environment of their own. The
nox session "plugin-kit" builds those environments and runs these files in
order (see `noxfile.py`); it sets `LAMINA_PLUGIN_KIT=1`, which turns a
missing prerequisite into a failure. Anywhere else (the `tests` session) a
test whose plugin is not installed skips and says how to run it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kit_helpers import installed, require


@pytest.fixture
def kit_dir() -> Path:
    """The folder where the session's steps leave files for later steps."""
    folder = os.environ.get("LAMINA_PLUGIN_KIT_DIR")
    require(bool(folder), "LAMINA_PLUGIN_KIT_DIR is not set (the folder of the plugin-kit session's files)")
    return Path(folder)


@pytest.fixture
def numpy_backend() -> Iterator[Any]:
    """The "numpy" backend of lamina-numpy, active for the test."""
    require(installed("lamina_numpy"), "lamina-numpy is not installed")
    from lamina.testing.pytest_plugin import backend_in_use

    with backend_in_use("numpy") as instance:
        yield instance


# Outside the plugin-kit session these files have nothing to check (their
# plugins are not installed): leave them out of collection rather than skip.
# The missing-plugin messages use fake distributions and run everywhere.
if not os.environ.get("LAMINA_PLUGIN_KIT"):
    collect_ignore = [
        "test_plugin_kit_numpy_backend.py",
        "test_plugin_kit_layer_pack.py",
        "test_plugin_kit_layer_pack_missing.py",
        "train_reference.py",
    ]
