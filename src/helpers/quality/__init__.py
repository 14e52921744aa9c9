"""Follower quality: authenticity, activity, relevance, reciprocity and engagement per follower, one bin each,
and per account the bin shares with CIs, reciprocity and the Network Quality Index.

Reads a dataset and adds score tables (follower_quality, account_quality); imports only the dataset layer and
helpers.stats.
"""

from helpers.quality.score import ScoreOptions, ScoreResult, score_dataset, score_tables

__all__ = ["ScoreOptions", "ScoreResult", "score_dataset", "score_tables"]
