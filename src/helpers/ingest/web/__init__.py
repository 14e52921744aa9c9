"""Readers of web traffic and the referrer vocabulary.

The readers: GA4, Universal Analytics, Matomo, Plausible, Jetpack, server logs; the vocabulary: channels, bots.
"""
