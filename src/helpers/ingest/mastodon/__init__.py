"""Readers of Mastodon data: the account archive and follow lists."""
