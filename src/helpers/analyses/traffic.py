"""Network -> blog traffic for the focal account: do relevant followers predict daily visits from its social
channel, and how many extra visits does a link post bring?

H03 is fitted in `helpers.analyses.traffic_audience`: relevant and total followers in one detrended quasi-Poisson
model, the lag by AIC, block-bootstrap intervals. What stays here is the single-audience elasticity (context): a
quasi-Poisson regression of the channel's daily sessions on log(one audience `lag` days earlier) and day of week,
on *link-free days* (no link post that day or the day before). Alone, either audience takes the credit for the
other's visits, since both trend with time.

Extra visits per link post within 48 h (H04): daily data cannot place a visit within hours of a post, and with
a link post most days the per-post method of `helpers.analyses.post_visits` runs out of link-free
comparison days and compares with weeks when the audience was smaller. So this is its daily version: a
distributed-lag regression of daily sessions on the number of link posts that day and the day before
(together they hold the 48 hours after a post), against a smooth baseline (a spline in time, separately for weekdays and
weekends), OLS with Newey-West HAC errors. Extra per link post = the sum of the two coefficients.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.diagnostic import acorr_ljungbox

from helpers.analyses.focal_audience import (
    Labels,
    daily_counts,
    daily_relevant,
    focal_account,
    platform_name,
    relevance_labels,
    relevance_threshold,
)
from helpers.analyses.post_visits import link_posts, post_visits
from helpers.data.vocabulary import PLATFORM_CHANNEL
from helpers.stats import (
    Estimate,
    GrangerResult,
    granger,
    newey_west_lags,
)

MIN_DAYS = 30  # days needed for a regression on daily data
H03_NAME = "elasticity of daily sessions from the account's channel on relevant followers"
H04_NAME = "extra sessions per link post within 48 h"
EMPTY_COLUMNS = ["sessions", "links_0", "links_1", "relevant", "followers"]  # the frame without a focal account


def channel_of(platform: str) -> str:
    """The traffic channel a platform's visits arrive by."""
    return PLATFORM_CHANNEL.get(str(platform), "other_social")


def blog_site(traffic: pd.DataFrame, account: pd.Series | None = None) -> str | None:
    """The site whose traffic to use: the only site in the data, or the one the account's url points to."""
    sites = traffic["site"].dropna().astype(str).unique() if "site" in traffic else []
    if len(sites) == 1:
        return str(sites[0])
    url = account.get("url") if account is not None else None
    url = str(url) if isinstance(url, str) else ""
    host = url.split("//")[-1].split("/")[0].lower().removeprefix("www.")
    return host if host and host in {s.lower().removeprefix("www.") for s in sites} else None


def daily_sessions(traffic: pd.DataFrame, channel: str, site: str | None = None) -> pd.Series:
    """Sessions per day from one channel over the days the traffic covers (0 on covered days without any)."""
    rows = traffic[traffic["date"].notna()]
    if site is not None:
        rows = rows[rows["site"].astype(str).str.lower().str.removeprefix("www.") == site.lower()]
    if rows.empty:
        return pd.Series(dtype=float, name="sessions")
    dates = pd.to_datetime(rows["date"]).dt.normalize()
    days = pd.date_range(dates.min(), dates.max(), freq="D", name="date")
    mine = rows[rows["channel"] == channel]
    per_day = mine.groupby(pd.to_datetime(mine["date"]).dt.normalize())["sessions"].sum()
    return per_day.reindex(days, fill_value=0).astype(float).rename("sessions")


def link_posts_of(posts: pd.DataFrame, account_id: str, site: str | None = None) -> pd.DataFrame:
    """The account's posts that link to the site (any link when site is None)."""
    own = posts[posts["account_id"] == account_id]
    return link_posts(own, site) if len(own) else own.assign(channel=pd.Series(dtype="string"))


def daily_link_posts(posts: pd.DataFrame, account_id: str, days: pd.DatetimeIndex,
                     site: str | None = None) -> pd.Series:
    """The account's posts linking to the site, per UTC calendar day."""
    linked = link_posts_of(posts, account_id, site)
    if linked.empty:
        return pd.Series(0.0, index=days, name="link_posts")
    per_day = linked["created_at"].dt.tz_convert(None).dt.normalize().value_counts()
    return per_day.reindex(days, fill_value=0).astype(float).rename("link_posts")


def traffic_frame(tables: dict[str, pd.DataFrame], account: pd.Series, labels: Labels) -> tuple[pd.DataFrame, dict]:
    """One row per day the traffic covers: the channel's sessions, link posts, followers and relevant followers."""
    channel = channel_of(account["platform"])
    site = blog_site(tables["traffic"], account)
    sessions = daily_sessions(tables["traffic"], channel, site)
    info = {"channel": channel, "site": site, "relevant_how": "not available"}
    if sessions.empty:
        return pd.DataFrame(columns=["sessions", "links_0", "links_1", "followers", "relevant", "other", "dow"]), info
    days = sessions.index
    counts = daily_counts(tables["follower_counts"], account["account_id"])
    own = tables["followers"][tables["followers"]["account_id"] == account["account_id"]]
    observed = pd.to_datetime(own["observed_at"], utc=True).max() if len(own) else None
    relevant, info["relevant_how"] = daily_relevant(labels, days, counts, observed if pd.notna(observed) else None)
    links = daily_link_posts(tables["posts"], account["account_id"], days, site)
    frame = pd.DataFrame({"sessions": sessions, "links_0": links, "links_1": links.shift(1),
                          "followers": counts["followers_count"].reindex(days) if len(counts) else np.nan,
                          "relevant": relevant})
    frame["other"] = frame["followers"] - frame["relevant"]
    frame["dow"] = frame.index.dayofweek
    frame["weekend"] = (frame["dow"] >= 5).astype(int)
    frame["t"] = np.arange(len(frame), dtype=float)
    return frame, info


@dataclass
class Focal:
    """The focal account's daily traffic frame and what it was built from (account None when there is none)."""

    account: pd.Series | None
    labels: Labels | None = None
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EMPTY_COLUMNS))
    info: dict = field(default_factory=dict)
    threshold: float | None = None

    @property
    def network(self) -> str:
        """The social network the visits are counted from, in words."""
        channel = self.info.get("channel")
        return "other social networks" if channel == "other_social" else platform_name(channel)

    @property
    def platform(self) -> str:
        """The focal account's platform, in words ("" without a focal account)."""
        return platform_name(self.account["platform"]) if self.account is not None else ""

    @property
    def has_traffic(self) -> bool:
        """Enough days of traffic with some visits from the network for a daily regression."""
        return len(self.frame) >= MIN_DAYS and self.frame["sessions"].sum() > 0

    @property
    def has_audience(self) -> bool:
        """Traffic, and relevant followers rebuilt on enough of its days."""
        return self.has_traffic and self.frame["relevant"].notna().sum() >= MIN_DAYS


def focal_traffic(tables: dict[str, pd.DataFrame], prefer: str = "auto") -> Focal:
    """The focal account, its followers' relevance labels (prefer: "auto" or "scores") and its daily traffic frame."""
    account = focal_account(tables["accounts"])
    if account is None:
        return Focal(None)
    threshold = relevance_threshold(tables.get("account_quality"), account["account_id"])
    labels = relevance_labels(tables["followers"], account["account_id"], tables.get("follower_quality"), threshold,
                              prefer=prefer)
    frame, info = traffic_frame(tables, account, labels)
    return Focal(account, labels, frame, info, threshold)


def scored_elasticity(tables: dict[str, pd.DataFrame], focal: Focal, lag: int = 1) -> Estimate | None:
    """H03's elasticity with relevant followers as the quality scores label them (what a real account gets);
    None when there are no scores or the main labels already are the scores."""
    quality = tables.get("follower_quality")
    if quality is None or focal.labels is None or focal.labels.source == "quality scores":
        return None
    scored = relevance_labels(tables["followers"], focal.account["account_id"], quality, focal.threshold,
                              prefer="scores")
    return audience_elasticity(traffic_frame(tables, focal.account, scored)[0], "relevant", lag)


def _missing(frame: pd.DataFrame, column: str | None = None) -> str:
    """Why a daily frame cannot be used at all, in plain words ("" when it can be tried)."""
    if frame.empty:
        return "the dataset has no dated web traffic"
    if frame["sessions"].sum() == 0:
        return "no visits from the account's network in the web traffic"
    if column is not None and frame[column].notna().sum() == 0:
        return f"{column} followers per day cannot be rebuilt (needs follow dates and relevance labels)"
    return ""


def _design(frame: pd.DataFrame, columns: list[str], lag: int, link_free: bool) -> pd.DataFrame:
    """Rows usable for an audience regression: logged, lagged audience columns, optionally link-free days."""
    data = frame.assign(**{f"log_{c}": np.log(frame[c].where(frame[c] > 0)).shift(lag) for c in columns})
    data = data.dropna(subset=["sessions", "links_0", "links_1", *[f"log_{c}" for c in columns]])
    if link_free:
        data = data[(data["links_0"] == 0) & (data["links_1"] == 0)]
    return data


def link_free_days(frame: pd.DataFrame, lag: int = 1, column: str = "relevant") -> pd.DataFrame:
    """The days the elasticity uses (no link post that day or the day before), with the lagged audience."""
    data = _design(frame, [column], lag, True)
    return data.assign(**{f"{column}_lagged": np.exp(data[f"log_{column}"])})


def _poisson(data: pd.DataFrame, terms: list[str]) -> object:
    """Quasi-Poisson GLM of sessions on the terms and day of week (Pearson chi2 scale for overdispersion).

    Newey-West errors were tried and rejected: with a trending audience and ~100 days they reject a true
    null 8-10 % of the time at the 5 % level in simulated null worlds; the quasi-Poisson test keeps its size.
    Link-free days are spread out, which leaves little day-to-day autocorrelation; `ljung_box_p` checks it.
    """
    dow = " + C(dow)" if data["dow"].nunique() > 1 else ""
    model = smf.glm(f"sessions ~ {' + '.join(terms)}{dow}", data, family=sm.families.Poisson())
    return model.fit(scale="X2")


def _aic(res: object) -> float:
    """AIC of the plain Poisson likelihood at the fitted means (quasi-likelihood has none), to compare models."""
    llf = sm.families.Poisson().loglike(np.asarray(res.model.endog), np.asarray(res.fittedvalues))
    return float(-2 * llf + 2 * len(res.params))


def _ljung_box_p(res: object, lags: int = 7) -> float:
    """Ljung-Box p-value for autocorrelation in the Pearson residuals, in day order (NaN if too few)."""
    resid = np.asarray(res.resid_pearson, dtype=float)
    if len(resid) <= 2 * lags:
        return float("nan")
    return float(acorr_ljungbox(resid, lags=[lags])["lb_pvalue"].iloc[0])


def audience_elasticity(frame: pd.DataFrame, column: str = "relevant", lag: int = 1, link_free: bool = True,
                        ci: float = 0.95) -> Estimate:
    """Elasticity of the channel's daily sessions with respect to an audience column lagged by `lag` days."""
    data = _design(frame, [column], lag, link_free)
    extra = {"lag": lag, "audience": column, "link_free_days_only": link_free, "days_available": len(frame)}
    if len(data) < MIN_DAYS or data[f"log_{column}"].nunique() < 3 or data["sessions"].sum() == 0:
        extra["reason"] = _missing(frame, column) or (
            f"needs at least {MIN_DAYS} days with traffic and a known, varying {column} audience"
            f"{' and no link post that day or the day before' if link_free else ''}; found {len(data)}")
        return Estimate(H03_NAME, np.nan, np.nan, np.nan, np.nan, len(data), "not estimable", extra, ci)
    res = _poisson(data, [f"log_{column}"])
    term = f"log_{column}"
    low, high = np.asarray(res.conf_int(alpha=1 - ci).loc[term])
    extra.update({"aic": _aic(res), "first_day": data.index[0], "last_day": data.index[-1],
                  "dispersion": float(res.scale), "ljung_box_p": _ljung_box_p(res)})
    days = "link-free days" if link_free else "all days"
    return Estimate(H03_NAME, float(res.params[term]), float(low), float(high), float(res.pvalues[term]),
                    int(res.nobs), f"quasi-Poisson GLM on {days}, day-of-week effects", extra, ci)


def quality_vs_quantity(frame: pd.DataFrame, lag: int = 1, ci: float = 0.95) -> pd.DataFrame:
    """Which audience predicts visits: relevant followers, all followers, or both (relevant and the others)?"""
    models = {"relevant followers only": ["relevant"], "all followers only": ["followers"],
              "relevant and other followers together": ["relevant", "other"]}
    rows = []
    base = _design(frame, ["relevant", "followers", "other"], lag, True)
    if len(base) < MIN_DAYS:
        return pd.DataFrame(columns=["model", "audience", "elasticity", "ci_low", "ci_high", "p", "n_days", "aic"])
    for name, columns in models.items():
        res = _poisson(base, [f"log_{c}" for c in columns])
        conf = res.conf_int(alpha=1 - ci)
        for c in columns:
            term = f"log_{c}"
            rows.append({"model": name, "audience": c, "elasticity": float(res.params[term]),
                         "ci_low": float(conf.loc[term, 0]), "ci_high": float(conf.loc[term, 1]),
                         "p": float(res.pvalues[term]), "n_days": int(res.nobs),
                         "aic": _aic(res)})
    return pd.DataFrame(rows)


def weekday_effects(frame: pd.DataFrame, column: str = "relevant", lag: int = 1, ci: float = 0.95) -> pd.DataFrame:
    """Sessions on each day of the week relative to Monday, from the H03 model (same audience, link-free days)."""
    data = _design(frame, [column], lag, True)
    if len(data) < MIN_DAYS or data["dow"].nunique() < 7:
        return pd.DataFrame(columns=["ratio_to_monday", "ci_low", "ci_high", "days"])
    res = _poisson(data, [f"log_{column}"])
    conf = res.conf_int(alpha=1 - ci)
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    rows = [{"day": "Mon", "ratio_to_monday": 1.0, "ci_low": np.nan, "ci_high": np.nan}]
    for k in range(1, 7):
        term = f"C(dow)[T.{k}]"
        rows.append({"day": names[k], "ratio_to_monday": float(np.exp(res.params[term])),
                     "ci_low": float(np.exp(conf.loc[term, 0])), "ci_high": float(np.exp(conf.loc[term, 1]))})
    out = pd.DataFrame(rows).set_index("day")
    out["days"] = data["dow"].value_counts().sort_index().to_numpy()
    return out


def _lead_lag_series(frame: pd.DataFrame) -> pd.DataFrame:
    """Log relevant followers and log(1 + sessions) with each weekday's mean removed, complete days only."""
    data = pd.DataFrame({"relevant": np.log(frame["relevant"].where(frame["relevant"] > 0)),
                         "sessions": np.log1p(frame["sessions"])}, index=frame.index)
    data["sessions"] -= data["sessions"].groupby(frame["dow"]).transform("mean")
    return data.dropna()


def granger_tests(frame: pd.DataFrame, max_lag: int = 7) -> dict[str, GrangerResult] | None:
    """Granger tests both ways between log relevant followers and log sessions (weekday pattern removed).

    The series are differenced until ADF and KPSS agree they are stationary (helpers.stats.granger); the
    reverse direction (visits -> followers) is the check that the lead is not just a shared trend.
    """
    data = _lead_lag_series(frame)
    if len(data) < 4 * max_lag + 20 or data["relevant"].nunique() < 3:
        return None
    return {"relevant followers -> visits": granger(data, "relevant", "sessions", max_lag),
            "visits -> relevant followers": granger(data, "sessions", "relevant", max_lag)}


def link_post_visits(frame: pd.DataFrame, window_hours: int = 48, spline_df: int | None = None,
                     ci: float = 0.95) -> Estimate:
    """Extra sessions from the channel per link post over the days its window covers (48 h: post day + next)."""
    k = max(1, math.ceil(window_hours / 24))
    lags = {f"links_{j}": frame["links_0"].shift(j) for j in range(k)}
    data = frame.assign(**lags).dropna(subset=["sessions", *lags])
    n_links = int(data["links_0"].sum())
    extra = {"link_posts": n_links, "days_with_link_post": int((data["links_0"] > 0).sum()), "window_days": k}
    if len(data) < MIN_DAYS or n_links < 5 or (data["links_0"] == 0).sum() < 5:
        extra["reason"] = _missing(frame) or (f"needs at least {MIN_DAYS} days of traffic, 5 link posts and 5 days "
                                              f"without one; found {len(data)} days, {n_links} link posts")
        return Estimate(H04_NAME, np.nan, np.nan, np.nan, np.nan, len(data), "not estimable", extra, ci)
    df = spline_df or max(4, round(len(data) / 30))
    weekend = "*weekend" if data["weekend"].nunique() > 1 else ""
    res = smf.ols(f"sessions ~ bs(t, df={df}){weekend} + {' + '.join(lags)}", data).fit(
        cov_type="HAC", cov_kwds={"maxlags": newey_west_lags(len(data))})
    test = res.t_test(f"{' + '.join(lags)} = 0")
    low, high = np.asarray(test.conf_int(alpha=1 - ci)).ravel()
    extra.update({"by_day": {j: float(res.params[f"links_{j}"]) for j in range(k)}, "spline_df": df,
                  "baseline_sessions_per_day": float(data["sessions"].mean())})
    return Estimate(H04_NAME, float(np.squeeze(test.effect)), float(low), float(high), float(np.squeeze(test.pvalue)),
                    len(data), f"distributed-lag OLS (post day + {k - 1} day(s) after) over a weekday/weekend spline "
                    "baseline, Newey-West HAC SEs", extra, ci)


def per_post_attribution(posts: pd.DataFrame, traffic: pd.DataFrame, account_id: str, site: str | None,
                         window_hours: int = 48) -> tuple[pd.DataFrame, dict]:
    """helpers.analyses.post_visits on the account's link posts, and how usable it is on these data."""
    own = posts[posts["account_id"] == account_id]
    table = post_visits(own, traffic, site=site, window_hours=window_hours) if len(own) else pd.DataFrame()
    if table.empty:
        return table, {"link_posts": 0}
    estimated = table["extra"].notna()
    summary = {"link_posts": len(table), "resolution": str(table["resolution"].iloc[0]),
               "with_estimate": int(estimated.sum()),
               "share_overlapping": float((table["overlapping_posts"] > 0).mean()),
               "mean_extra": float(table.loc[estimated, "extra"].mean()) if estimated.any() else math.nan,
               "mean_baseline": float(table.loc[estimated, "baseline"].mean()) if estimated.any() else math.nan}
    return table, summary


def granger_table(tests: dict[str, GrangerResult]) -> pd.DataFrame:
    """The Granger tests of granger_tests, one row per direction."""
    table = pd.DataFrame({k: v.as_dict() for k, v in tests.items()}).T
    return table[["best_lag", "F", "p", "n", "n_diff", "stationary"]]


def granger_reading(tests: dict[str, GrangerResult]) -> str:
    """What the two Granger tests say together, in words (5 % level), with how often the series were differenced."""
    fwd, rev = (tests[k].best.p < 0.05 for k in tests)
    differenced = next(iter(tests.values())).n_diff
    return (
        f"Both series were differenced {differenced} time(s) until the ADF and KPSS tests agreed they were "
        "stationary; the lag is chosen by AIC. "
        + ("Changes in relevant followers forecast changes in visits, and not the other way round: the audience "
           "leads." if fwd and not rev else
           "Each series helps forecast the other from one day to the next: the mark of shared rhythms (the "
           "weekly cycle of follows and visits) rather than a one-way lead, so this test cannot say which drives "
           "which." if fwd and rev else
           "Visits forecast later changes in relevant followers, not the reverse: either readers who visit go on "
           "to follow, or the test picks up artefacts of differencing a smooth, slowly growing series; either way it "
           "does not show followers bringing visits in the short run." if rev else
           "Neither series forecasts the other from one day to the next: daily changes in a smoothly growing "
           "audience are tiny next to the day-to-day noise in visits, so this short-run test has little power.")
        + " The long-run link is what the elasticity above measures; a Granger test on differenced series "
        "looks only at short-run changes.")


def contrasts_text(h03: Estimate, network: str) -> str:
    """H03's two contrasts and the exchange rate in words (network already escaped)."""
    if not math.isfinite(h03.estimate):
        return f"Not estimable: {h03.extra.get('reason', 'not enough data')}."
    q, rate = h03.extra["primary"]["quantity"], h03.extra["primary"]["exchange_rate"]
    rate_text = ("The exchange rate is not defined: in this model more followers at the same share bring no more "
                 "visits, so no number of them matches +10 points of relevant followers." if rate is None else
                 f"**Exchange rate:** +10 points of relevant followers (at a share of "
                 f"{100 * h03.extra['relevant_share']:.0f} %, the total fixed) bring as many visits as "
                 f"**{rate['estimate']:.0f} %** more followers at the same share (95% CI "
                 f"{_bound(rate['ci_low'])} to {_bound(rate['ci_high'])} %).")
    return (f"In one model of visits from {network} on lag {h03.extra['lag']} day(s) "
            f"({h03.extra['lag_rule']}), with day of week and a linear trend: **quality** (relevant followers, total "
            f"held fixed) elasticity **{h03.estimate:.2f}** (95% block-bootstrap CI {h03.ci_low:.2f} to "
            f"{h03.ci_high:.2f}, p = {h03.p:.3g}, n = {h03.n} link-free days); **quantity** (total followers, relevant "
            f"held fixed) **{q['estimate']:.2f}** ({q['ci_low']:.2f} to {q['ci_high']:.2f}, p = {q['p']:.3g}). "
            + rate_text + f" Overdispersion {h03.extra['dispersion']:.2f} (1 = plain Poisson noise). The scatter "
            "below is the single-audience fit (context).")


def _bound(value: float | None) -> str:
    """An exchange-rate bound, or 'unbounded' when some resamples give no rate."""
    return "unbounded" if value is None else f"{value:.0f}"


def single_models_text(compare: pd.DataFrame) -> str:
    """The single-audience models' AIC comparison, read as context for the one model."""
    aic = compare.groupby("model", sort=False)["aic"].first()
    better = "relevant followers only" if aic["relevant followers only"] < aic["all followers only"] else \
        "all followers only"
    return (f"AIC: relevant followers only {aic['relevant followers only']:.0f}, all followers only "
            f"{aic['all followers only']:.0f} (lower is better): **{better}** fits better. Each single model credits "
            "its audience with the visits the other brings, since both trend with time; the one model above "
            "holds each fixed while measuring the other.")


def lag_text(lags: pd.DataFrame, h03: Estimate) -> str:
    """The lag the rule chose and how flat the AIC is across lags."""
    if lags.empty:
        return "Too few days to compare lags."
    best = lags.sort_values(["aic", "lag_days"]).iloc[0]
    spread = float(lags["aic"].max() - lags["aic"].min())
    return (f"Lowest AIC at lag **{int(best['lag_days'])}** day(s); the AIC spans {spread:.1f} points over lags "
            f"0–{int(lags['lag_days'].max())} (differences under 2 do not tell lags apart). The H03 model uses lag "
            f"{h03.extra.get('lag', int(best['lag_days']))}.")


def residuals_text(h03: Estimate) -> str:
    """What the stationarity tests on the one model's residuals say."""
    x = h03.extra
    if "residuals" not in x:
        return "Too few days to test the residuals."
    return (f"On the one model's Pearson residuals, in day order: ADF p = {x['residuals_adf_p']:.3g}, KPSS p = "
            f"{x['residuals_kpss_p']:.3g}: **{x['residuals']}** (KPSS p-values are clipped to 0.01–0.10); Ljung–Box "
            f"p = {x['ljung_box_p']:.2f}. Stationary residuals mean the trending series are tied together (not a "
            "spurious regression); the block bootstrap keeps whatever day-to-day dependence is left in the interval.")


def h03_finding(h03: Estimate, verdict: str) -> str:
    """H03's finding: both contrasts of the one model and the exchange rate."""
    if not math.isfinite(h03.estimate):
        return ""
    q, rate = h03.extra["primary"]["quantity"], h03.extra["primary"]["exchange_rate"]
    return (f"quality (relevant | total) elasticity {h03.estimate:.2f} (95% CI {h03.ci_low:.2f}–{h03.ci_high:.2f}), "
            f"quantity (total | relevant) {q['estimate']:.2f} ({q['ci_low']:.2f}–{q['ci_high']:.2f}), lag "
            f"{h03.extra['lag']} d"
            + (f", +10 points relevant = {rate['estimate']:.0f} % more followers" if rate else "") + f": {verdict}")
