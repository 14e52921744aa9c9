"""Why a follower was called likely fake: the rule sets that agree and the features that moved p_fake most,
and a summary of them in words for reports.

A feature's push is measured by a simple perturbation: p_fake with the feature as the follower has it, minus
p_fake with that one feature set to what a typical human in the labelled sets has (the training humans' median,
stored in the model). Features pushing by at least MIN_PUSH are reasons, the strongest first (at most TOP).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOP = 3
MIN_PUSH = 0.02  # smaller pushes are within the noise of a boosted model's steps

RULE_NAMES = {"rule_camisani": "Camisani-Calzolari", "rule_stateofsearch": "StateOfSearch",
              "rule_socialbakers": "Socialbakers"}


def _n(v: float) -> str:
    """A count in words-friendly form."""
    return f"{v:,.0f}"


def phrase(feature: str, value: float) -> str:
    """What a feature's value says about one follower, in words."""
    if feature == "followers_friends_ratio":
        return (f"follows {1 / value:,.0f} times more accounts than follow it" if 0 < value < 0.5 else
                "follows accounts but no one follows it" if value == 0 else f"followers/following ratio {value:.2f}")
    words = {
        "followers_count": lambda v: f"{_n(v)} follower{'s' if v != 1 else ''}",
        "friends_count": lambda v: f"follows {_n(v)} accounts",
        "statuses_count": lambda v: "never posted" if v == 0 else f"{_n(v)} posts",
        "favourites_count": lambda v: f"{_n(v)} likes",
        "listed_count": lambda v: "on no list" if v == 0 else f"on {_n(v)} lists",
        "default_profile": lambda v: "default theme" if v else "custom theme",
        "profile_use_background_image": lambda v: "background image" if v else "no background image",
        "verified": lambda v: "verified" if v else "not verified",
        "tweet_freq": lambda v: f"{v:.2f} posts a day",
        "followers_growth_rate": lambda v: f"gains {v:.2f} followers a day",
        "friends_growth_rate": lambda v: f"follows {v:.1f} new accounts a day",
        "favourites_growth_rate": lambda v: f"{v:.1f} likes a day",
        "listed_growth_rate": lambda v: f"added to {v:.3f} lists a day",
        "screen_name_length": lambda v: f"handle of {v:.0f} characters",
        "num_digits_in_screen_name": lambda v: f"{v:.0f} digit{'s' if v != 1 else ''} in its handle",
        "name_length": lambda v: "no display name" if v == 0 else f"name of {v:.0f} characters",
        "num_digits_in_name": lambda v: f"{v:.0f} digit{'s' if v != 1 else ''} in its name",
        "description_length": lambda v: "no bio" if v == 0 else f"bio of {v:.0f} characters",
        "screen_name_likelihood": lambda v: "handle unlike real people's",
        "default_profile_image": lambda v: "default avatar" if v else "own avatar",
    }
    return words.get(feature, lambda v: f"{feature} = {v:g}")(value)


def pushes(predict, X: pd.DataFrame, features: list[str], reference: dict[str, float]) -> pd.DataFrame:
    """p_fake minus p_fake with each feature (where known) set to the typical human value: one column per
    feature, NaN where the follower's value is unknown."""
    base = predict(X)
    out = pd.DataFrame(index=X.index)
    for f in features:
        known = X[f].notna().to_numpy()
        col = np.full(len(X), np.nan)
        if known.any() and f in reference:
            changed = X[known].copy()
            changed[f] = reference[f]
            col[known] = base[known] - predict(changed)
        out[f] = col
    return out


def top_reasons(push: pd.DataFrame, X: pd.DataFrame, top: int = TOP, min_push: float = MIN_PUSH
                ) -> tuple[pd.Series, pd.Series]:
    """(feature names, phrases) of each row's strongest pushes towards fake, '; '-joined ('' when none)."""
    cols = list(push.columns)
    values = push.to_numpy(dtype=float)
    data = X[cols].to_numpy(dtype=float)
    order = np.argsort(-np.nan_to_num(values, nan=-np.inf), axis=1)[:, :top]
    strong = np.take_along_axis(np.nan_to_num(values, nan=-np.inf), order, axis=1) >= min_push
    names, words = [], []
    for picks, keep, vals in zip(order, strong, data, strict=True):
        picked = [j for j, k in zip(picks, keep, strict=True) if k]
        names.append(",".join(cols[j] for j in picked))
        words.append("; ".join(phrase(cols[j], float(vals[j])) for j in picked))
    return pd.Series(names, index=push.index, dtype="string"), pd.Series(words, index=push.index, dtype="string")


def rules_agreeing(verdicts: pd.DataFrame) -> pd.Series:
    """The rule sets that also call each follower fake, comma-joined ('' when none)."""
    cols = [c for c in RULE_NAMES if c in verdicts.columns]
    fired = verdicts[cols].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return pd.Series([", ".join(RULE_NAMES[c] for c, f in zip(cols, row, strict=True) if f) for row in fired],
                     index=verdicts.index, dtype="string")


def follower_reasons(model, features: pd.DataFrame, verdicts: pd.DataFrame, flagged: np.ndarray) -> pd.DataFrame:
    """fake_reasons (words), fake_reason_features and fake_rules for the flagged followers (null elsewhere)."""
    from helpers.quality.model import predict_p_fake

    out = pd.DataFrame({"fake_reasons": pd.Series(pd.NA, index=features.index, dtype="string"),
                        "fake_reason_features": pd.Series(pd.NA, index=features.index, dtype="string"),
                        "fake_rules": pd.Series(pd.NA, index=features.index, dtype="string")})
    if not flagged.any() or not getattr(model, "reference", None):
        return out
    X = features[flagged]
    push = pushes(lambda Z: predict_p_fake(model, Z), X, model.features, model.reference)
    names, words = top_reasons(push, X)
    out.loc[flagged, "fake_reason_features"] = names.to_numpy()
    out.loc[flagged, "fake_reasons"] = words.to_numpy()
    out.loc[flagged, "fake_rules"] = rules_agreeing(verdicts[flagged]).to_numpy()
    return out


def _typical(feature: str, values: pd.Series) -> tuple[str, bool]:
    """A phrase for a reason shared by many followers, and whether it states their median value."""
    if feature == "followers_friends_ratio":
        ratio = values[values > 0].median() if (values > 0).any() else 0.0
        return ("follow accounts that do not follow them" if ratio == 0 else
                f"follow {1 / ratio:,.0f} times more accounts than follow them" if ratio < 0.5 else
                f"followers/following ratio {ratio:.2f}"), ratio > 0
    if feature in ("default_profile_image", "default_profile", "description_length", "statuses_count",
                   "listed_count", "screen_name_likelihood", "verified", "profile_use_background_image",
                   "name_length"):
        return phrase(feature, float(values.mode().iloc[0])), False
    return phrase(feature, float(values.median())), True


def summarise(follower_quality: pd.DataFrame, features: pd.DataFrame | None = None, top: int = TOP) -> str:
    """The reasons most flagged followers share, in words, e.g. "most flagged followers: default avatar (64 %);
    follow 40 times more accounts than follow them (58 %)". Shares are of the followers binned likely fake."""
    flagged = follower_quality["bin"].astype(str).eq("likely_fake").to_numpy()
    if not flagged.any():
        return "no follower was binned likely fake"
    names = follower_quality.loc[flagged, "fake_reason_features"].fillna("")
    exploded = names.str.split(",").explode()
    exploded = exploded[exploded.astype(bool)]
    if exploded.empty:
        return f"{int(flagged.sum()):,} followers binned likely fake, with no single feature standing out"
    counts = exploded.value_counts().head(top)
    parts = []
    for feature, k in counts.items():
        text, median = feature, False
        if features is not None and feature in features.columns:
            rows = exploded.index[exploded == feature]
            text, median = _typical(feature, features.loc[rows, feature].dropna())
        parts.append(f"{text} ({'median; ' if median else ''}{100 * k / flagged.sum():.0f} %)")
    rules = follower_quality.loc[flagged, "fake_rules"].fillna("") if "fake_rules" in follower_quality else None
    tail = ""
    if rules is not None:
        agree = float((rules != "").mean())
        tail = f"; {100 * agree:.0f} % also called fake by at least one Cresci rule set"
    return f"most flagged followers: {'; '.join(parts)}{tail}"


def reasons_by_account(follower_quality: pd.DataFrame, features: pd.DataFrame, accounts: pd.Series) -> pd.Series:
    """summarise() for each account's followers (features aligned with follower_quality), in the order of accounts."""
    groups = follower_quality.groupby("account_id", sort=False).groups
    texts = {a: summarise(follower_quality.loc[idx], features.loc[idx]) for a, idx in groups.items()}
    return pd.Series([texts.get(a, "no follower scored") for a in accounts], index=accounts.index, dtype="string")
