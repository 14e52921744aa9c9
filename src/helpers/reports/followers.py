"""Who follows the account, for the dataset index: the bins over the followers that could be judged, with
their intervals and n, the fake share corrected for the likely-fake call's error rates, and the reasons most
flagged followers share. Aggregates only: no follower's handle, bio or id."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.data.dataset import Dataset
from helpers.quality.bins import BINS
from helpers.reports import safe

LABELS = {"engaged": "engaged", "relevant": "relevant", "irrelevant": "not shown relevant", "inactive": "inactive",
          "likely_fake": "likely fake"}


def _pct(value: float) -> str:
    """A share as a whole percentage."""
    return f"{100 * value:.0f} %"


def _share(row: dict, name: str) -> str:
    """One share with its 95 % interval."""
    low, high = row[f"{name}_ci_low"], row[f"{name}_ci_high"]
    return f"{_pct(row[name])} [{_pct(low)}, {_pct(high)}]"


def account_text(row: dict) -> str:
    """Plain words for one account_quality row: judged n, the bins, the corrected fake share, the reasons."""
    judged, scored = int(row["followers_judged"]), int(row["followers_scored"])
    if judged == 0:
        return f"None of its {scored:,} followers scored could be judged (too little is known of them)."
    bins = "; ".join(f"{LABELS[b]} {_share(row, f'share_{b}')}" for b in BINS)
    text = f"Of {scored:,} followers scored, {judged:,} could be judged: {bins} (95 % intervals)."
    if np.isfinite(row.get("share_fake_corrected", np.nan)):
        text += (f" Corrected for how often the likely-fake call misses fakes and flags humans on collections it "
                 f"never saw, the share of fakes is {_share(row, 'share_fake_corrected')} "
                 f"(n = {int(row['fake_judged']):,}).")
    summary = row.get("fake_reasons_summary")
    if isinstance(summary, str) and summary:
        text += f" {summary[0].upper()}{summary[1:]}."
    return text


def shown(accounts: pd.DataFrame, account_quality: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """Who the block describes (the focal accounts, else the one with the most followers scored) and their rows."""
    focal = set(accounts.loc[accounts["is_focal"].fillna(False).astype(bool), "account_id"]) \
        if "is_focal" in accounts.columns else set()
    rows = account_quality[account_quality["account_id"].isin(focal)]
    if len(rows):
        return "the studied account", rows.head(3)
    return "the account with the most followers scored", account_quality.nlargest(1, "followers_scored")


def followers_html(ds: Dataset) -> str:
    """The index's block on who follows the account, or '' when the dataset is not scored."""
    if "account_quality" not in ds.tables:
        return ""
    who, rows = shown(ds.accounts, ds.account_quality)
    if rows.empty:
        return ""
    items = "".join(f"<p>{safe.html(account_text(r))}</p>" for r in rows.to_dict("records"))
    return f"<h2>Who follows {safe.html(who)}</h2>{items}"
