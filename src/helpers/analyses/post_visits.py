"""Which posts brought readers: a post's channel's sessions in a window after it, against a baseline.

For each post that links to the site, the window is the `window_hours` (default 48) after the post, in
whole hours when the traffic has hourly rows (`hour_start`, from access logs) or in whole days otherwise
(the post's day and the following ceil(window_hours / 24) - 1 days). Observed = the sessions of the post's
channel (x for a post on X, mastodon for Mastodon, ...) in the window.

Baseline: for each hour (or day) of the window, the mean sessions of that channel in the same hour of the
same weekday (or the same weekday) in the previous `baseline_weeks` (default 4) weeks, leaving out any hour
or day that falls inside the window of another link post on that channel; the baseline is the sum of these
means. Extra = observed - baseline. Assuming Poisson counts, its standard error is
sqrt(sum(m) + sum(m / n)), with m the mean and n the number of comparable periods of each window slot.
Posts on the same channel whose windows overlap share their extra visits; `overlapping_posts` says so.
Traffic outside the period the data cover is unknown, not zero: such windows have `covered` False and no
estimate. Post times are UTC; daily traffic dates are the site's calendar days as the source gives them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.data.vocabulary import PLATFORM_CHANNEL
from helpers.ingest.web.channels import host_of

COLUMNS = ["post_id", "channel", "created_at", "resolution", "window_start", "window_end", "observed",
           "baseline", "extra", "se", "comparable_periods", "overlapping_posts", "covered"]


def _session_rows(traffic: pd.DataFrame) -> pd.DataFrame:
    """Traffic rows that count channel-attributed sessions (metric "sessions" where the column exists)."""
    if "metric" in traffic:
        return traffic[traffic["metric"].isna() | (traffic["metric"] == "sessions")]
    return traffic


def hourly_sessions(traffic: pd.DataFrame) -> pd.DataFrame:
    """Sessions per UTC hour (`hour_start`) and channel, from rows that have an hour (access logs)."""
    rows = _session_rows(traffic)
    if "hour_start" not in rows:
        return pd.DataFrame({"hour_start": pd.Series(dtype="datetime64[ns, UTC]"), "channel": pd.Series(
            dtype="string"), "sessions": pd.Series(dtype="Int64")})
    rows = rows[rows["hour_start"].notna()]
    return rows.groupby(["hour_start", "channel"], as_index=False)["sessions"].sum()


def daily_sessions(traffic: pd.DataFrame) -> pd.DataFrame:
    """Sessions per day and channel, from rows that have a date."""
    rows = _session_rows(traffic)
    rows = rows[rows["date"].notna()]
    return rows.groupby(["date", "channel"], as_index=False)["sessions"].sum()


def link_posts(posts: pd.DataFrame, site: str | None = None) -> pd.DataFrame:
    """Posts with a link to the site (any link when site is None), with the channel their visits come by."""
    site = site.lower().removeprefix("www.") if site else None

    def links_site(urls: object) -> bool:
        hosts = [host_of(str(u)) for u in (urls if urls is not None and not isinstance(urls, str) else [urls])
                 if u]
        return any(h and (site is None or h == site or h.endswith("." + site)) for h in hosts)

    out = posts[posts["link_urls"].map(links_site)].copy()
    out["channel"] = out["platform"].map(PLATFORM_CHANNEL).fillna("other_social")
    out["created_at"] = pd.to_datetime(out["created_at"], utc=True)
    return out


def _grid(series: pd.DataFrame, time: str, freq: str) -> pd.DataFrame:
    """Sessions as a full time x channel grid over the covered period (missing periods inside it are 0)."""
    if series.empty:
        return pd.DataFrame()
    wide = series.pivot_table(index=time, columns="channel", values="sessions", aggfunc="sum").astype(float)
    full = pd.date_range(wide.index.min(), wide.index.max(), freq=freq)
    return wide.reindex(full).fillna(0.0)


def post_visits(posts: pd.DataFrame, traffic: pd.DataFrame, *, site: str | None = None,
                window_hours: int = 48, baseline_weeks: int = 4) -> pd.DataFrame:
    """Observed, baseline and extra sessions from each link post's channel in the window after it."""
    linked = link_posts(posts, site)
    hourly = hourly_sessions(traffic)
    if not hourly.empty:
        grid, step, slots = _grid(hourly, "hour_start", "h"), pd.Timedelta(hours=1), window_hours
        starts = linked["created_at"].dt.floor("h")
        resolution = "hour"
    else:
        grid = _grid(daily_sessions(traffic), "date", "D")
        step, slots = pd.Timedelta(days=1), max(1, math.ceil(window_hours / 24))
        starts = linked["created_at"].dt.tz_convert(None).dt.floor("D")
        resolution = "day"
    windows = {i: pd.date_range(s, periods=slots, freq=step) for i, s in starts.items()}
    busy = _busy(linked, windows)
    rows = [_estimate(post, windows[i], grid, busy, baseline_weeks, resolution)
            for i, post in linked.iterrows()]
    for row, (i, post) in zip(rows, linked.iterrows(), strict=True):
        row["overlapping_posts"] = int(sum(
            1 for j, other in linked.iterrows() if j != i and other["channel"] == post["channel"]
            and len(windows[i].intersection(windows[j]))))
    return pd.DataFrame(rows, columns=COLUMNS)


def _busy(linked: pd.DataFrame, windows: dict) -> dict[str, set]:
    """Per channel, the periods inside any link post's window (left out of baselines)."""
    busy: dict[str, set] = {}
    for i, post in linked.iterrows():
        busy.setdefault(post["channel"], set()).update(windows[i])
    return busy


def _estimate(post: pd.Series, window: pd.DatetimeIndex, grid: pd.DataFrame, busy: dict[str, set],
              weeks: int, resolution: str) -> dict:
    """One post's observed, baseline, extra and standard error."""
    channel = post["channel"]
    row = {"post_id": post["post_id"], "channel": channel, "created_at": post["created_at"],
           "resolution": resolution, "window_start": window[0], "window_end": window[-1] + (window[1] - window[0]
           if len(window) > 1 else pd.Timedelta(hours=1 if resolution == "hour" else 24)),
           "observed": np.nan, "baseline": np.nan, "extra": np.nan, "se": np.nan, "comparable_periods": np.nan,
           "covered": False}
    if grid.empty:
        return row
    covered = window[0] >= grid.index[0] and window[-1] <= grid.index[-1]
    row["covered"] = bool(covered)
    if not covered:
        return row
    series = grid[channel] if channel in grid else pd.Series(0.0, index=grid.index)
    means, counts = [], []
    for slot in window:
        past = [slot - pd.Timedelta(weeks=k) for k in range(1, weeks + 1)]
        usable = [p for p in past if p >= grid.index[0] and p not in busy.get(channel, set())]
        if not usable:
            return row
        means.append(float(series.loc[usable].mean()))
        counts.append(len(usable))
    observed = float(series.loc[window].sum())
    baseline = float(sum(means))
    row.update(observed=observed, baseline=baseline, extra=observed - baseline,
               se=math.sqrt(baseline + sum(m / n for m, n in zip(means, counts, strict=True))),
               comparable_periods=float(np.mean(counts)))
    return row
