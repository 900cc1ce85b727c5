"""The version of the `lamina` distribution."""

__version__ = "0.1.0"
