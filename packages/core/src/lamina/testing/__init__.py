"""Testing tools: the backend conformance suite and the layer test harness.

- `lamina conformance BACKEND` (or `pytest --pyargs lamina.testing.conformance
  --lamina-backend BACKEND`) runs the conformance suite on a backend.
- `run_layer_test` gives a layer the standard checks; `assert_matches_keras`
  compares it with Keras 3.
"""

from lamina.testing.layer_test_case import assert_matches_keras as assert_matches_keras
from lamina.testing.layer_test_case import keras_module as keras_module
from lamina.testing.layer_test_case import run_layer_test as run_layer_test

__all__ = ["assert_matches_keras", "keras_module", "run_layer_test"]
