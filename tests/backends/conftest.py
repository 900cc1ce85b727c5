"""Tests of one backend's own package: each test in `tests/backends/<name>/`
runs with that backend as the default and active one, whatever backend the
rest of the suite runs on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lamina.testing.pytest_plugin import backend_in_use


@pytest.fixture(autouse=True)
def folder_backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The backend named by the test's folder, made the default and active one."""
    with backend_in_use(request.path.parent.name) as instance:
        yield instance


@pytest.fixture
def torch_backend(folder_backend: Any) -> Any:
    return folder_backend


@pytest.fixture
def tf_backend(folder_backend: Any) -> Any:
    return folder_backend
