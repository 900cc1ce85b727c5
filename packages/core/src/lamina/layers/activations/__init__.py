"""Activations layers."""
