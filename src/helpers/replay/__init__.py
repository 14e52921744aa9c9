"""A local replay server of the Bluesky and Mastodon APIs.

It serves the offline `collect --replay` demo and the collectors' tests.
"""
