"""An inference-only NumPy backend for Lamina (registered through the `lamina` entry point).

Importing this package imports nothing heavy; Lamina imports
`lamina_numpy.backend` the first time the "numpy" backend is used.
"""

__version__ = "0.1.0"
