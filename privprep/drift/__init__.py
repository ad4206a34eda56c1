"""Drift: value-free output profiles with fixed-bin histograms, compared across runs."""
