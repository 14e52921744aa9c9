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

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats as sps

from helpers.analyses.focal_audience import (
    Labels,
    daily_counts,
    detect_purge,
    estimated,
    focal_account,
    join_dates,
    relevance_labels,
    relevance_threshold,
)
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
        extra["reason"] = (f"the count did not grow during the growth period ({est.extra['drift_per_day']:+.1f} a "
                           f"day): at this pace it never reaches {target:,.0f}")
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
    days.index = days.index.astype(int)  # 0/1 labels (fast may be boolean), looked up as labels, not positions
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


@dataclass(frozen=True)
class Timeline:
    """The focal account's daily follower counts and where the projection looks: growth start, cut-off, crossing."""

    account: pd.Series | None
    counts: pd.DataFrame
    series: pd.Series
    enough: bool
    cut: pd.Timestamp | None = None
    mode: str = ""
    start: pd.Timestamp | None = None
    crossed: pd.Timestamp | None = None

    @property
    def account_id(self) -> str:
        """The focal account's id ("" when there is none)."""
        return "" if self.account is None else str(self.account["account_id"])


def timeline(accounts: pd.DataFrame, follower_counts: pd.DataFrame, target: float, backtest_days: int,
             cutoff: str | None = None, start_on: str | None = None) -> Timeline:
    """The focal account's follower series, with the growth start and the cut-off (chosen, or found)."""
    account = focal_account(accounts)
    counts = daily_counts(follower_counts, account["account_id"]) if account is not None else pd.DataFrame()
    series = follower_series(counts)
    if len(series) < 2 * MIN_SEGMENT:
        return Timeline(account, counts, series, False)
    cut, mode = (pd.Timestamp(cutoff), "chosen") if cutoff else default_cutoff(series, target, backtest_days)
    start = pd.Timestamp(start_on) if start_on else growth_start(series, cut)
    return Timeline(account, counts, series, True, cut, mode, start, crossing_date(series, target))


def project(tl: Timeline, target: float, take_out_purge: bool) -> Estimate:
    """H05 on the timeline: from its cut-off and growth start when there are enough days, else not estimable."""
    if tl.enough:
        return days_to_target(tl.series, target, tl.cut, tl.start, take_out_purge)
    return days_to_target(tl.series, target)


def projected(tl: Timeline, est: Estimate) -> bool:
    """Whether the projection gave a number of days."""
    return bool(tl.enough and estimated(est))


def intro_text(tl: Timeline, handle: str, platform: str) -> str:
    """The opening sentence: the focal account (handle and platform already escaped), its days, the cut-off."""
    if tl.account is None:
        return "**The dataset has no focal account** (`accounts.is_focal`). "
    s = tl.series
    text = f"Focal account **{handle}** on {platform}: **{len(s)}** days with a follower count"
    text += (f", {s.index[0]:%d %b %Y} to {s.index[-1]:%d %b %Y}, from {s.iloc[0]:,.0f} to {s.iloc[-1]:,.0f} "
             "followers." if len(s) else ". ")
    if not tl.enough:
        return text
    how = "(chosen)."
    if tl.mode == "backtest":
        how = f"(the target was crossed on {tl.crossed:%d %b %Y}, so this is a backtest)."
    elif tl.mode == "forecast":
        how = "(the last observed day: a forecast)."
    return text + f" Growth period from **{tl.start:%d %b %Y}**; cut-off **{tl.cut:%d %b %Y}** " + how


def not_enough_text(tl: Timeline) -> str:
    """Why neither hypothesis can be estimated: too few daily counts."""
    return (f"**Not estimable on this dataset:** it has {len(tl.series)} daily follower count(s); projecting growth "
            f"needs at least {2 * MIN_SEGMENT} (an X archive has none: export daily counts from your analytics, or "
            "collect them over time). Both hypotheses are recorded as not estimable.")


def no_projection_text(tl: Timeline, reason: str) -> str:
    """Why the projection gave no number of days (reason already escaped)."""
    return (f"**No projection:** {reason} (from {tl.start:%d %b %Y} to {tl.cut:%d %b %Y}). If the pace "
            "changed recently, wait for more days at the new pace or set `growth_start`.")


def pace_text(tl: Timeline, est: Estimate) -> str:
    """The net daily gain with its interval, and the median new followers on working days."""
    x = est.extra
    new = tl.counts.loc[tl.start:tl.cut, "new_follows"].dropna()
    weekday_new = new[new.index.dayofweek < 5]
    text = (f"Net gain **{x['drift_per_day']:.1f}** followers a day (95% CI "
            f"{x['drift_per_day'] - 1.96 * x['drift_se']:.1f} to {x['drift_per_day'] + 1.96 * x['drift_se']:.1f}, "
            f"n = {est.n} days" + (", purge day taken out" if x["purge_taken_out"] else "")
            + f"); day-to-day standard deviation {x['sigma_per_day']:.1f}. ")
    if len(weekday_new):
        text += (f"On working days the account gained a median of **{weekday_new.median():.0f}** new followers "
                 f"(before unfollows; n = {len(weekday_new)} days).")
    return text


def days_actual(tl: Timeline) -> int | None:
    """Days from the cut-off to the actual crossing, when the data cross the target after the cut-off."""
    return (tl.crossed - tl.cut).days if tl.crossed is not None and tl.crossed > tl.cut else None


def plot_horizon(tl: Timeline, est: Estimate) -> int:
    """Days after the cut-off the projection figure shows: past the interval and the actual crossing."""
    high = est.ci_high if np.isfinite(est.ci_high) else 365
    return int(min(max(high, days_actual(tl) or 0) * 1.2 + 10, 1500))


def projection_text(tl: Timeline, est: Estimate, target: float) -> str:
    """The projected days and date, the chance of getting there in the horizon, and the check against the data."""
    x, actual = est.extra, days_actual(tl)
    reach = f"{x['date']:%d %b %Y}" if pd.notna(x["date"]) else "never at this pace"
    text = (f"From {x['last_count']:,.0f} followers on {tl.cut:%d %b %Y}, the account reaches {target:,} in "
            f"**{est.estimate:.0f} days** (95% prediction interval {est.ci_low:.0f} to {est.ci_high:.0f} days): around "
            f"**{reach}** ({x['date_low']:%d %b %Y} to {x['date_high']:%d %b %Y}). ")
    if x["p_within_horizon"] < 0.975:
        text += (f"There is only a {100 * x['p_within_horizon']:.0f} % chance of getting there within "
                 f"{x['horizon_days']} days at this pace. ")
    if actual is not None:
        inside = "inside" if est.ci_low <= actual <= est.ci_high else "OUTSIDE"
        text += (f"It actually got there on **{tl.crossed:%d %b %Y}**, {actual} days after the cut-off: {inside} "
                 "the interval.")
    return text


def fast_slow(tl: Timeline, followers: pd.DataFrame, tables: dict, fast_min: int, prefer: str = "auto",
              ) -> tuple[Labels | None, pd.DataFrame, Estimate]:
    """H06 on the timeline: the relevance labels, followers by the pace of their follow day, and the difference."""
    empty = pd.DataFrame(columns=["day", "relevant", "fast"])
    if tl.account is None:
        return None, empty, growth_quality(empty)
    threshold = relevance_threshold(tables.get("account_quality"), tl.account_id)
    lab = relevance_labels(followers, tl.account_id, tables.get("follower_quality"), threshold, prefer)
    joined = joins_by_speed(lab, tl.counts, fast_min) if len(tl.counts) else empty
    return lab, joined, growth_quality(joined)


def scores_check(tl: Timeline, followers: pd.DataFrame, tables: dict, labels: Labels | None, main: Estimate,
                 fast_min: int) -> Estimate | None:
    """H06 again with the quality scores' labels, when the main labels gave an estimate and were not the scores."""
    if not estimated(main) or labels is None or tables.get("follower_quality") is None:
        return None
    if labels.source == "quality scores":
        return None
    return fast_slow(tl, followers, tables, fast_min, "scores")[2]


def speed_text(speed: pd.DataFrame, est: Estimate, fast_min: int, source: str) -> str:
    """The shares relevant on fast and slow days and their difference (source already escaped)."""
    return (f"Followers gained on fast-growth days (at least {fast_min} new followers that day) are "
            f"relevant **{100 * speed.loc['fast-growth days', 'share_relevant']:.0f} %** of the time, against "
            f"**{100 * speed.loc['slow-growth days', 'share_relevant']:.0f} %** on slow days: a difference of "
            f"**{100 * est.estimate:+.1f} points** (95% CI {100 * est.ci_low:+.1f} to {100 * est.ci_high:+.1f}, "
            f"{est.n:,} followers over {est.extra['days_fast'] + est.extra['days_slow']} follow days; labels: "
            f"{source}).")


def scores_text(est: Estimate) -> str:
    """The H06 difference with the quality scores' labels."""
    return (f"With relevance as the **quality scores** label it (what a real account gets): "
            f"{100 * est.estimate:+.1f} points ({100 * est.ci_low:+.1f} to {100 * est.ci_high:+.1f}).")


def h05_finding(est: Estimate, target: float) -> str:
    """H05's verdict and finding in words."""
    when = est.extra.get("date")
    if estimated(est) and pd.notna(when):
        return (f"{target:,} followers in about {est.estimate:.0f} days (95% PI {est.ci_low:.0f}–{est.ci_high:.0f}), "
                f"around {when:%d %b %Y}")
    return f"{target:,} not reached at this pace"


def h05_truth(planted_date: object, est: Estimate, target: float, tl: Timeline) -> int | None:
    """The planted days from the cut-off to 10,000 followers, when the sample plants it and a projection was made."""
    if planted_date and target == 10_000 and projected(tl, est):
        return (pd.Timestamp(planted_date) - est.extra["cutoff"]).days
    return None


def h06_finding(est: Estimate, verdict: str) -> str:
    """H06's finding in words."""
    return (f"{100 * est.estimate:+.1f} points relevant on fast vs slow days (95% CI {100 * est.ci_low:+.1f} to "
            f"{100 * est.ci_high:+.1f}): {verdict}")

