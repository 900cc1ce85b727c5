"""The backend conformance suite: what every Lamina backend must pass.

Run it on any installed backend, including your own plugin, with one command:

    lamina conformance mybackend        # or: pytest --pyargs lamina.testing.conformance --lamina-backend mybackend

Tests marked `training` need gradients; an inference-only backend
(`supports_training = False`) skips them.
"""
