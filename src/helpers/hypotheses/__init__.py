"""Hypotheses: the registry of analysis notebooks, the one recorded result, the new-hypothesis scaffold, the verdict across them."""
