"""Shared test helpers. The `backend` fixture comes from lamina's pytest plugin."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Keras 3 (the numerical reference) picks its backend at import: make it JAX
# whatever imports it first.
os.environ.setdefault("KERAS_BACKEND", "jax")
