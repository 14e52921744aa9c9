"""A follower's ties to the account it follows: its interactions with the account's posts (engaged), and
whether the account follows it back."""

from __future__ import annotations

import pandas as pd


def interactions(followers: pd.DataFrame, interactions: pd.DataFrame | None) -> pd.DataFrame:
    """Interactions of each follower with its account's posts; null where the account has no interaction data."""
    count = pd.Series(pd.NA, index=followers.index, dtype="Int64")
    if interactions is not None and len(interactions) and "actor_id" in interactions.columns:
        acts = interactions.dropna(subset=["actor_id"])
        per_pair = acts.groupby(["account_id", "actor_id"], observed=True).size()
        observed = followers["account_id"].isin(set(acts["account_id"])).to_numpy()
        key = pd.MultiIndex.from_arrays([followers["account_id"], followers["follower_id"]])
        found = pd.Series(per_pair.reindex(key).to_numpy(), index=followers.index)
        count = found.fillna(0).astype("Int64").where(observed, pd.NA)
    return pd.DataFrame({"interactions": count, "engaged": (count > 0).astype("boolean")}, index=followers.index)


def followed_back(followers: pd.DataFrame, following: pd.DataFrame | None) -> pd.Series:
    """followed_back as given, else whether the account's following list holds the follower."""
    back = followers["followed_back"].astype("boolean") if "followed_back" in followers.columns else pd.Series(
        pd.NA, index=followers.index, dtype="boolean")
    if following is None or not len(following) or not back.isna().any():
        return back
    pairs = pd.MultiIndex.from_arrays([followers["account_id"], followers["follower_id"]])
    listed = pairs.isin(pd.MultiIndex.from_arrays([following["account_id"], following["followed_id"]]))
    has_list = followers["account_id"].isin(set(following["account_id"])).to_numpy()
    from_list = pd.Series(listed, index=followers.index, dtype="boolean").where(has_list, pd.NA)
    return back.fillna(from_list)
