"""Hypotheses: the registry of analysis notebooks, the one recorded result, the new-hypothesis scaffold, and the
verdict across them."""
