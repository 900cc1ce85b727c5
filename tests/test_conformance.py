"""Runs the backend conformance suite (lamina.testing.conformance) on every backend."""

from lamina.testing.conformance.test_control_flow import *  # noqa: F401,F403
from lamina.testing.conformance.test_gradients import *  # noqa: F401,F403
from lamina.testing.conformance.test_ops import *  # noqa: F401,F403
from lamina.testing.conformance.test_random import *  # noqa: F401,F403
from lamina.testing.conformance.test_variables import *  # noqa: F401,F403
