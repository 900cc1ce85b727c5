"""The training loop, compile utilities and data adapters."""
