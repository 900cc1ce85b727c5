"""Shared test helpers. The `backend` fixture comes from lamina's pytest plugin."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
