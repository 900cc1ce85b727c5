"""Fixtures shared by the conformance tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def trainable_backend(backend: Any) -> Any:
    if not backend.supports_training:
        pytest.skip(f"The {backend.name!r} backend is inference-only (supports_training=False).")
    return backend
