"""Live collectors: one module per platform, each producing the canonical tables of a cohort of accounts."""
