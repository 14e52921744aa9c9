"""score_tables / score_dataset / `python -m helpers score`: every follower judged, tables added to the dataset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.cli import main
from helpers.data import dataset
from helpers.errors import DatasetError
from helpers.quality import calibration, model
from helpers.quality.bins import BINS
from helpers.quality.interests import Interests
from helpers.quality.score import score_dataset, score_tables

SEEN = pd.Timestamp("2025-06-01", tz="UTC")


def _tables() -> dict[str, pd.DataFrame]:
    """One account with five followers: relevant, engaged, inactive, a fake-looking one and one with no profile."""
    followers = pd.DataFrame({
        "account_id": "me", "follower_id": ["f1", "f2", "f3", "f4", "f5"], "platform": "x",
        "bio": ["Consultante SEO et marketing de contenu", "Dad, runner", "Marketing digital", "", None],
        "location": ["Paris", "Leeds", "Lyon", "", None],
        "created_at": pd.to_datetime(["2015-01-01", "2016-01-01", "2014-01-01", "2025-05-01", None], utc=True),
        "followers_count": pd.array([800, 150, 300, 1, None], dtype="Int64"),
        "following_count": pd.array([500, 200, 250, 2500, None], dtype="Int64"),
        "posts_count": pd.array([5000, 900, 2000, 0, None], dtype="Int64"),
        "listed_count": pd.array([12, 1, 4, 0, None], dtype="Int64"),
        "likes_count": pd.array([3000, 400, 800, 0, None], dtype="Int64"),
        "last_post_at": pd.to_datetime(["2025-05-30", "2025-05-20", "2024-01-01", None, None], utc=True),
        "default_avatar": pd.array([False, False, False, True, None], dtype="boolean"),
        "followed_back": pd.array([True, None, False, False, None], dtype="boolean"),
        "sample_weight": 1.0, "observed_at": SEEN,
    })
    posts = pd.DataFrame({"post_id": ["p1", "p2"], "account_id": "me",
                          "text": ["Le SEO et le marketing de contenu", "Content marketing for small blogs"]})
    interactions = pd.DataFrame({"account_id": "me", "post_id": ["p1", "p2"], "actor_id": ["f2", "f2"],
                                 "kind": "like"})
    following = pd.DataFrame({"account_id": "me", "followed_id": ["f2"]})
    accounts = pd.DataFrame({"account_id": ["me"], "platform": ["x"], "bio": ["SEO et contenu"],
                             "location": ["Paris"]})
    return {"followers": followers, "posts": posts, "interactions": interactions, "following": following,
            "accounts": accounts}


INTERESTS = Interests(topics=("SEO", "marketing"), keywords=("contenu",), places=("Paris",), source="test")


def test_every_follower_gets_one_bin_with_its_reasons() -> None:
    result = score_tables(_tables(), INTERESTS)
    fq = result.follower_quality.set_index("follower_id")
    assert list(fq["bin"].astype(str)) == ["relevant", "engaged", "inactive", "likely_fake", "unknown"]
    assert fq.loc["f2", "interactions"] == 2 and fq.loc["f1", "interactions"] == 0
    assert fq.loc["f2", "followed_back"] == True  # noqa: E712  (from the following list)
    assert fq.loc["f4", "rule_socialbakers"] == True  # noqa: E712  (never tweeted)
    assert pd.isna(fq.loc["f5", "p_fake"]) and fq["p_fake"].drop("f5").between(0, 1).all()
    assert fq["relevance"].drop("f5").between(0, 1).all()
    for col in ("account_id", "follower_id", "p_fake", "inactive", "relevance", "bin", "reason"):
        assert col in fq.reset_index().columns
    aq = result.account_quality.iloc[0]
    assert sum(aq[f"share_{b}"] for b in BINS) == pytest.approx(1.0)  # over the judged followers
    assert aq["share_unknown"] == pytest.approx(0.2) and aq["followers_judged"] == 4
    # f2 and f5 were unknown: the following list says f2 is followed back and f5 is not
    assert aq["reciprocity"] == pytest.approx(2 / 5) and aq["reciprocity_known"] == 5
    assert 0 <= aq["nqi_ci_low"] <= aq["nqi"] <= aq["nqi_ci_high"] <= 100
    assert any("no profile data" in n for n in result.notes)


def test_followers_without_any_profile_are_refused() -> None:
    tables = {"followers": pd.DataFrame({"account_id": ["me"], "follower_id": ["f1"], "followed_back": [False]})}
    with pytest.raises(DatasetError, match="carry no profile"):
        score_tables(tables)


def _write_dataset(path: Path) -> Path:
    return dataset.write(_tables(), path, pseudonymised=False)


def test_score_dataset_adds_both_tables(tmp_path: Path) -> None:
    path = _write_dataset(tmp_path / "ds")
    (path / "interests.toml").write_text('topics = ["SEO", "marketing"]\n', encoding="utf-8")
    result = score_dataset(path)
    ds = dataset.load(path, require=["follower_quality", "account_quality"])
    assert len(ds.follower_quality) == 5 and len(ds.account_quality) == 1
    assert ds.manifest["derived_tables"] == {"follower_quality": 5, "account_quality": 1}
    # the dataset's own interests file was used, named without the local folders (notes reach every report)
    assert result.notes[0].startswith("interests from interests.toml: 2 topic/keyword terms")
    assert str(tmp_path) not in " ".join(ds.manifest["notes"])


def test_cli_score_prints_shares_and_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _write_dataset(tmp_path / "ds")
    assert main(["score", "--dataset", str(path), "--inactive-days", "30"]) == 0
    out = capsys.readouterr().out
    assert "relevance from the similarity of bios to the account's own posts only" in out
    assert "likely_fake" in out and "NQI" in out
    assert dataset.load(path).account_quality["inactive_days"].iloc[0] == 30
    assert main(["score", "--dataset", str(tmp_path / "missing")]) == 2
    assert main(["score", "--dataset", str(path), "--interests", str(tmp_path / "nope.toml")]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test_score_on_the_simulated_sample_finds_the_planted_types(tmp_path: Path) -> None:
    from helpers.simulate import build_sample, load_config

    path = build_sample(load_config(None), tmp_path / "sample")
    result = score_dataset(path)
    truth = dataset.load(path).followers[["account_id", "follower_id", "true_type"]]
    fq = result.follower_quality.merge(truth, on=["account_id", "follower_id"])
    fake = fq["true_type"] == "fake"
    # the simulated fakes are drawn from the labelled collections' profiles, not from the scorer's rules: they
    # are ranked well, and found at least as often as the sensitivity measured on unseen collections says
    assert model.auc(fake.astype(int), fq["p_fake"].fillna(0.5)) > 0.85
    rates = calibration.authenticity_error_rates()
    assert (fq.loc[fake, "bin"] == "likely_fake").mean() > rates.sensitivity_ci[0]
    # real followers flagged no more often than the specificity measured on unseen collections allows
    assert (fq.loc[~fake, "bin"] == "likely_fake").mean() < 1 - rates.specificity_ci[0]
    # inactive followers' silences are drawn on both sides of the 90-day rule: most, not all, are binned inactive
    inactive = fq["true_type"] == "inactive"
    assert (fq.loc[inactive, "bin"].isin(["inactive", "likely_fake"])).mean() > 0.6
    real_active = fq["true_type"].isin(["relevant", "irrelevant"])
    assert (fq.loc[real_active, "bin"] == "inactive").mean() < 0.05
