"""Analyses behind the notebooks: pure functions on a dataset's tables, returning frames and estimates."""
