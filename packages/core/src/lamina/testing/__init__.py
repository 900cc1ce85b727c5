"""Testing tools: the backend conformance suite and the layer test harness."""
