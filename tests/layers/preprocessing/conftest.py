"""Fixtures of the preprocessing layer tests."""

from __future__ import annotations

import os
from typing import Any

# The Keras references are Keras-on-JAX's; importing TensorFlow (or Keras) first
# without this would start Keras on its TensorFlow backend.
os.environ.setdefault("KERAS_BACKEND", "jax")

import pytest

from lamina.testing.layer_test_case import keras_module


@pytest.fixture
def keras() -> Any:
    """Keras 3 on JAX, the numerical reference (skips when Keras is missing or on another backend)."""
    try:
        module = keras_module()
    except ImportError:
        pytest.skip("keras is not installed")
    if module.backend.backend() != "jax":
        pytest.skip(
            f"Keras was imported with its {module.backend.backend()!r} backend in this process; "
            "the references are Keras-on-JAX's (run this file on its own)"
        )
    return module
