"""A local replay server of the Bluesky and Mastodon APIs: the offline `collect --replay` demo and the collectors' tests."""
