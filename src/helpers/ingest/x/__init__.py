"""Readers of X (Twitter) data: the account archive, X Analytics exports, twarc and snscrape files, user lists."""
