"""The pytest plugin behind Lamina's backend tests (installed with `lamina`).

Adds `--lamina-backend NAME` (repeatable) and the `backend` fixture: each
test that takes `backend` runs once per selected backend (default: every
installed backend), inside that backend's scope. Tests that cannot apply to
a backend skip with the reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("lamina")
    group.addoption(
        "--lamina-backend",
        action="append",
        default=[],
        help="Run Lamina tests on this backend (repeatable; default: every installed backend).",
    )


def selected_backends(config: Any) -> list[str]:
    chosen = config.getoption("--lamina-backend", default=[]) or []
    if chosen:
        return [name for item in chosen for name in item.split(",") if name]
    from lamina.backend import installed_backends

    return installed_backends()


def pytest_generate_tests(metafunc: Any) -> None:
    if "backend" in metafunc.fixturenames:
        names = selected_backends(metafunc.config)
        if not names:
            raise pytest.UsageError('No Lamina backend is installed. Install one: pip install "lamina[jax]"')
        metafunc.parametrize("backend_name", names, scope="session")


@contextlib.contextmanager
def backend_in_use(name: str) -> Iterator[Any]:
    """Makes the backend `name` the default and the active one for the block
    (yielding it), and restores the previous default after it."""
    from lamina.backend import get_backend, state

    instance = get_backend(name)
    previous = state.default_or_none()
    state.set_default(instance)
    try:
        with state.backend_scope(instance):
            yield instance
    finally:
        state.set_default(previous)


@pytest.fixture
def backend(backend_name: str) -> Iterator[Any]:
    """The Backend under test, active (and the default) for the whole test."""
    with backend_in_use(backend_name) as instance:
        yield instance


@pytest.fixture
def rng() -> Any:
    """A seeded NumPy generator."""
    import numpy as np

    return np.random.default_rng(1234)


@pytest.fixture
def trainable_backend(backend: Any) -> Any:
    """The backend under test, skipping inference-only backends."""
    if not backend.supports_training:
        pytest.skip(f"The {backend.name!r} backend is inference-only (supports_training=False).")
    return backend


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "training: needs a backend that can compute gradients")
