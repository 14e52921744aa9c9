"""Quality vs Quantity: readers, cleaning, quality scoring, statistics and reports."""

__version__ = "0.1.0"
