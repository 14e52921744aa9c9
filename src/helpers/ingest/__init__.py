"""Readers of exports: one module per format, discovered automatically, each producing canonical tables."""
