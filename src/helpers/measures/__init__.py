"""Measures computed from the canonical tables, shared by the analysis notebooks."""
