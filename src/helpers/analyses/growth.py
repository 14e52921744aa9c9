"""Growth pace of the focal account: when does it reach a follower target, and does fast growth bring
lower-quality followers?

Days to target (H05): the follower count is treated as a random walk with drift (helpers.stats.growth_projection,
model "rw_drift"), fitted on the current growth regime up to a cut-off: the regime starts at the single
change point in mean daily gain (least squares), and a one-day purge inside the fitting window is taken out
(its drop is added back, and the target moved up by as much) because it is a one-off event, not the day-to-day
variation the prediction interval is about. Where the data go on to cross the target, the cut-off is placed
`backtest_days` before the crossing, so the projection can be checked against what happened.

Growth quality (H06): today's followers who joined during the timeline, split by whether their follow day
was a fast-growth day (at least `fast_min` new followers); the difference in the share of relevant followers
between the two groups, from a linear probability model with standard errors clustered by follow day
(followers who joined on the same day share that day's circumstances).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats as sps

from helpers.analyses.focal_audience import Labels, detect_purge, join_dates
from helpers.stats import Estimate, growth_projection, proportion_ci

MIN_SEGMENT = 14  # days on each side of a growth change point
H05_NAME = "days from the cut-off until the follower count reaches the target"
H06_NAME = "share of relevant followers: fast-growth days minus slow-growth days"


def follower_series(counts: pd.DataFrame) -> pd.Series:
    """Observed daily follower counts (days without an observation left out)."""
    if not len(counts):
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], name="date"))
    return counts["followers_count"].dropna()


def crossing_date(series: pd.Series, target: float) -> pd.Timestamp | None:
    """The first day the count reached the target, None if it never did."""
    hit = series[series >= target]
    return hit.index[0] if len(hit) else None


def daily_gains(series: pd.Series) -> pd.Series:
    """Net followers gained per day, on consecutive observed days only."""
    gaps = series.index.to_series().diff().dt.days
    return series.diff()[gaps == 1]


def growth_start(series: pd.Series, end: pd.Timestamp) -> pd.Timestamp:
    """Start of the growth regime in force at `end`: the change point in mean daily gain before it.

    A single mean-shift change point by least squares over the daily gains up to `end` (each side at least
    MIN_SEGMENT days, a purge day left out); the series start when there are too few days to look for one.
    """
    gains = daily_gains(series[:end]).dropna()
    purge = detect_purge(series[:end].to_frame("followers_count"))
    if purge is not None:  # one day's drop would pull the change point towards itself
        gains = gains.drop(purge["date"], errors="ignore")
    if len(gains) < 2 * MIN_SEGMENT:
        return series.index[0]
    values = gains.to_numpy(dtype=float)
    cum, cum2, n = np.cumsum(values), np.cumsum(values**2), len(values)
    k = np.arange(MIN_SEGMENT, n - MIN_SEGMENT + 1)
    left = cum2[k - 1] - cum[k - 1] ** 2 / k
    right = (cum2[-1] - cum2[k - 1]) - (cum[-1] - cum[k - 1]) ** 2 / (n - k)
    best = int(k[np.argmin(left + right)])
    return gains.index[best]


def default_cutoff(series: pd.Series, target: float, backtest_days: int) -> tuple[pd.Timestamp, str]:
    """Where the projection stops looking: backtest_days before the crossing if there is one, else the last day."""
    crossed = crossing_date(series, target)
    if crossed is not None and crossed - pd.Timedelta(days=backtest_days) > series.index[0]:
        return crossed - pd.Timedelta(days=backtest_days), "backtest"
    return series.index[-1], "forecast"


def _already_reached(series: pd.Series, target: float, cutoff: pd.Timestamp) -> str | None:
    """Why there is nothing to project when the count is already at the target by the cut-off, else None."""
    if float(series[:cutoff].iloc[-1]) < target:
        return None
    first_day, first = series.index[0], float(series.iloc[0])
    if first >= target:
        return (f"the follower count was already {first:,.0f} on the first observed day ({first_day:%d %b %Y}), at or "
                f"above the target of {target:,.0f}: there is no growth towards it to project")
    crossed = crossing_date(series, target)
    return (f"the follower count reached {target:,.0f} on {crossed:%d %b %Y}, before the cut-off "
            f"({cutoff:%d %b %Y}); set an earlier cut-off to check the pace against that crossing")


def days_to_target(series: pd.Series, target: float, cutoff: pd.Timestamp | None = None,
                   start: pd.Timestamp | None = None, take_out_purge: bool = True, ci: float = 0.95,
                   seed: int = 0) -> Estimate:
    """Days from the cut-off until the count reaches target, with a prediction interval (random walk with drift)."""
    enough = len(series) >= 2 * MIN_SEGMENT
    if cutoff is None:
        cutoff = series.index[-1] if len(series) else pd.NaT
    if start is None:
        start = growth_start(series, cutoff) if enough else cutoff
    window = series[start:cutoff].astype(float) if enough else series.iloc[:0]
    extra = {"start": start, "cutoff": cutoff, "target": target, "purge_taken_out": None}
    if len(window) < 2 * MIN_SEGMENT:
        extra["reason"] = (f"needs at least {2 * MIN_SEGMENT} daily follower counts in the growth period; found "
                           f"{len(window)}")
        return Estimate(H05_NAME, np.nan, np.nan, np.nan, np.nan, len(window), "not estimable", extra, ci)
    reached = _already_reached(series, target, cutoff)
    if reached:
        extra["reason"] = reached
        return Estimate(H05_NAME, np.nan, np.nan, np.nan, np.nan, len(window), "not estimable", extra, ci)
    goal = float(target)
    purge = detect_purge(window.to_frame("followers_count")) if take_out_purge else None
    if purge is not None:
        window = window + np.where(window.index >= purge["date"], purge["drop"], 0.0)
        goal += purge["drop"]
        extra["purge_taken_out"] = {"date": purge["date"], "drop": purge["drop"]}
    est = growth_projection(window.index, window.to_numpy(), goal, model="rw_drift", ci=ci, seed=seed)
    extra.update({k: v for k, v in est.extra.items() if k not in ("target",)})
    extra["last_count"] = float(series[:cutoff].iloc[-1])
    if not np.isfinite(est.estimate):
        extra["reason"] = (f"the count did not grow during the growth period ({est.extra['drift_per_day']:+.1f} a day): "
                           f"at this pace it never reaches {target:,.0f}")
    return Estimate(H05_NAME, est.estimate, est.ci_low, est.ci_high, est.p, est.n, est.method, extra, ci)


def compare_models(series: pd.Series, target: float, cutoff: pd.Timestamp, start: pd.Timestamp) -> pd.DataFrame:
    """The projection under each model and fitting choice, for the table beside the main estimate."""
    rows = []
    window = series[start:cutoff].astype(float)
    for label, take_out in (("random walk with drift, purge taken out (main)", True),
                            ("random walk with drift, purge kept in", False)):
        est = days_to_target(series, target, cutoff, start, take_out)
        rows.append({"model": label, "days": est.estimate, "pi_low": est.ci_low, "pi_high": est.ci_high,
                     "drift_per_day": est.extra.get("drift_per_day", np.nan)})
    est = growth_projection(window.index, window.to_numpy(), target, model="linear")
    rows.append({"model": "straight line (interval too narrow: correlated errors)", "days": est.estimate,
                 "pi_low": est.ci_low, "pi_high": est.ci_high, "drift_per_day": est.extra.get("slope_per_day", np.nan)})
    return pd.DataFrame(rows)


def joins_by_speed(labels: Labels, counts: pd.DataFrame, fast_min: int) -> pd.DataFrame:
    """Today's followers who joined during the timeline, with their follow day, its new follows, fast or not."""
    joined = pd.DataFrame({"day": join_dates(labels), "relevant": labels.frame["relevant"]})
    new = counts["new_follows"] if counts["new_follows"].notna().any() else None
    if new is None:  # count follows per day from today's list (misses those who left since)
        new = joined["day"].value_counts().reindex(counts.index, fill_value=0).astype(float)
    joined = joined[joined["day"].isin(counts.index) & joined["relevant"].notna()]
    joined = joined.assign(new_follows=joined["day"].map(new))
    joined = joined[joined["new_follows"].notna()]
    joined["fast"] = (joined["new_follows"] >= fast_min).astype(int)
    joined["relevant"] = joined["relevant"].astype(bool).astype(int)
    return joined.reset_index(drop=True)


def speed_table(joined: pd.DataFrame) -> pd.DataFrame:
    """Per group (fast, slow days): days, followers, share relevant with a Wilson CI."""
    rows = []
    for fast, label in ((1, "fast-growth days"), (0, "slow-growth days")):
        grp = joined[joined["fast"] == fast]
        share = proportion_ci(int(grp["relevant"].sum()), len(grp)) if len(grp) else None
        rows.append({"days": int(grp["day"].nunique()), "followers": len(grp),
                     "share_relevant": share.estimate if share else np.nan,
                     "ci_low": share.ci_low if share else np.nan, "ci_high": share.ci_high if share else np.nan,
                     "group": label})
    return pd.DataFrame(rows).set_index("group")


def growth_quality(joined: pd.DataFrame, ci: float = 0.95) -> Estimate:
    """Difference in the share of relevant followers, fast minus slow days, SEs clustered by follow day."""
    days = joined.groupby("fast")["day"].nunique()
    extra = {"days_fast": int(days.get(1, 0)), "days_slow": int(days.get(0, 0)),
             "followers_fast": int((joined["fast"] == 1).sum()), "followers_slow": int((joined["fast"] == 0).sum())}
    if min(extra["days_fast"], extra["days_slow"]) < 5 or joined["relevant"].nunique() < 2:
        extra["reason"] = ("needs followers with a known follow date and relevance label on at least 5 fast-growth "
                           f"and 5 slow-growth days; found {extra['days_fast']} and {extra['days_slow']}")
        return Estimate(H06_NAME, np.nan, np.nan, np.nan, np.nan, len(joined), "not estimable", extra, ci)
    groups = joined["day"].astype("int64").to_numpy()
    res = smf.ols("relevant ~ fast", joined).fit(cov_type="cluster", cov_kwds={"groups": groups})
    low, high = np.asarray(res.conf_int(alpha=1 - ci).loc["fast"])
    return Estimate(H06_NAME, float(res.params["fast"]), float(low), float(high), float(res.pvalues["fast"]),
                    int(res.nobs), "linear probability model, SEs clustered by follow day", extra, ci)


def projection_band(est: Estimate, days: int, ci: float = 0.95) -> pd.DataFrame:
    """Expected follower count after the cut-off with a pointwise prediction band (drift and its uncertainty)."""
    h = np.arange(0, days + 1, dtype=float)
    mu, se, sigma = est.extra["drift_per_day"], est.extra["drift_se"], est.extra["sigma_per_day"]
    z = float(sps.norm.ppf(0.5 + ci / 2))
    half = z * np.sqrt(sigma**2 * h + (se * h) ** 2)
    mean = est.extra["last_count"] + mu * h
    return pd.DataFrame({"date": est.extra["cutoff"] + pd.to_timedelta(h, unit="D"), "expected": mean,
                         "low": mean - half, "high": mean + half})
