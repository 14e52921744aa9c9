"""Channel mix of a traffic table: sessions per channel over time, the social share with its interval, and
what could not be attributed. Pure functions on the canonical `traffic` table.

Only rows that count channel-attributed sessions are used (`metric` "sessions", or no `metric` column at
all); rows of other metrics (visitors, views, entrances) describe the same visits another way. Each site is
kept apart, and so is each report: two reports of one export split the same sessions two ways.
"""

from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from helpers.data.vocabulary import SOCIAL_CHANNELS

MIN_SESSIONS_FOR_CI = 30  # below this a share's interval is too wide to say anything; it is left out
UNATTRIBUTED = ("referral", "other")


def session_rows(traffic: pd.DataFrame) -> pd.DataFrame:
    """Rows counting channel-attributed sessions, with `report` and period columns filled where absent."""
    rows = traffic
    if "metric" in rows:
        rows = rows[rows["metric"].isna() | (rows["metric"] == "sessions")]
    rows = rows.copy()
    for col in ("report", "period_start", "period_end"):
        if col not in rows:
            rows[col] = pd.NA
    rows["report"] = rows["report"].fillna("traffic")
    rows["sessions"] = rows["sessions"].astype("Int64")
    return rows


def mix_over_time(traffic: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Sessions per site, period (day by default) and channel, from rows that have dates."""
    rows = session_rows(traffic)
    rows = rows[rows["date"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=["site", "period", "channel", "sessions"])
    rows = rows.assign(period=pd.to_datetime(rows["date"]).dt.to_period(freq).dt.start_time)
    return rows.groupby(["site", "period", "channel"], as_index=False)["sessions"].sum()


def mix_by_report(traffic: pd.DataFrame) -> pd.DataFrame:
    """Sessions per site, report, period covered and channel, with each channel's share of the report."""
    rows = session_rows(traffic)
    keys = ["site", "report"]
    out = rows.groupby(keys + ["channel"], as_index=False, dropna=False).agg(
        sessions=("sessions", "sum"), first_day=("date", "min"), last_day=("date", "max"),
        period_start=("period_start", "min"), period_end=("period_end", "max"))
    totals = out.groupby(keys, dropna=False)["sessions"].transform("sum")
    out["share"] = out["sessions"].astype(float) / totals.astype(float)
    return out


def social_share(traffic: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Share of sessions from social channels per site and report, with a Wilson interval where n allows."""
    rows = session_rows(traffic)
    rows = rows.assign(social=rows["channel"].isin(SOCIAL_CHANNELS))
    grouped = rows.groupby(["site", "report"], dropna=False)
    out = pd.DataFrame({
        "sessions": grouped["sessions"].sum().astype("int64"),
        "social_sessions": grouped.apply(lambda g: int(g.loc[g["social"], "sessions"].sum()),
                                         include_groups=False),
    }).reset_index()
    out["share"] = out["social_sessions"] / out["sessions"].where(out["sessions"] > 0)
    low, high = proportion_confint(out["social_sessions"], out["sessions"].clip(lower=1), alpha=alpha,
                                   method="wilson")
    enough = out["sessions"] >= MIN_SESSIONS_FOR_CI
    out["ci_low"], out["ci_high"] = low.where(enough), high.where(enough)
    return out


def unattributed(traffic: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """The sessions no social, search, e-mail or direct rule claimed: referral hosts and "other", largest first."""
    rows = session_rows(traffic)
    rows = rows[rows["channel"].isin(UNATTRIBUTED)]
    out = rows.groupby(["site", "channel", "source"], as_index=False, dropna=False)["sessions"].sum()
    return out.sort_values("sessions", ascending=False).head(top).reset_index(drop=True)


def not_sessions(traffic: pd.DataFrame) -> pd.DataFrame:
    """Rows kept under another metric (visitors, views, entrances, new users): per site, report and metric."""
    if "metric" not in traffic:
        return pd.DataFrame(columns=["site", "report", "metric", "rows", "count"])
    rows = traffic[traffic["metric"].notna() & (traffic["metric"] != "sessions")]
    return rows.groupby(["site", "report", "metric"], as_index=False).agg(rows=("sessions", "size"),
                                                                         count=("sessions", "sum"))
