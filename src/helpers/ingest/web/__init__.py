"""Readers of web traffic (GA4, Universal Analytics, Matomo, Plausible, Jetpack, server logs) and the referrer vocabulary: channels, bots."""
