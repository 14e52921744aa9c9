"""Readers of Bluesky data: the repository (CAR) export."""
