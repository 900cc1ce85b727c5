"""Rnn layers."""
