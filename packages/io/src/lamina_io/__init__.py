"""File formats for Lamina (registered through the `lamina` entry point)."""

__version__ = "0.1.0"
