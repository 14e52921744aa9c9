"""The scorer's classification errors in the engagement model (issue 13, deliverable 4): measured on a labelled
check, corrected (Rogan–Gladen factor se + sp − 1) and carried into the intervals.

Planted worlds: each follower's relevance is called with a known sensitivity and specificity, so the measured
share moves J points per true point and an uncorrected coefficient is about 1/J times the planted one. The
corrected estimate must recover the planted effect (its interval covering it at about the nominal rate), the
uncorrected one must not, and under no effect the test must hold its false-positive rate. Then the check file:
errors that name the line, and a command that never overwrites a user's labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from helpers import cli
from helpers.analyses import misclassification as mc
from helpers.analyses import quality_engagement as qe
from helpers.analyses.quality_shares import account_shares
from helpers.data import relevance_check as check_file
from helpers.errors import InputError
from helpers.quality import relevance_check as rc
from helpers.quality.calibration import authenticity_error_rates

SE, SP, EFFECT, ELASTICITY = 0.55, 0.95, 1.5, 0.6


def _world(seed: int, effect: float = EFFECT, accounts: int = 150, per_account: int = 80
           ) -> tuple[pd.DataFrame, rc.Check]:
    """Accounts whose followers' relevance is called with sensitivity SE and specificity SP; engagement planted on
    the true relevant share; and a labelled check of 300 followers drawn at random."""
    rng = np.random.default_rng(seed)
    true_share = rng.beta(3, 5, accounts)
    true_fake = rng.beta(1, 8, accounts)
    account = np.repeat(np.arange(accounts), per_account)
    relevant = rng.random(len(account)) < true_share[account]
    fake = ~relevant & (rng.random(len(account)) < true_fake[account] / (1 - true_share[account]).clip(0.05))
    called = np.where(relevant, rng.random(len(account)) < SE, rng.random(len(account)) > SP)
    ids = [f"a{i:04d}" for i in account]  # sorted as account_shares sorts them
    followers = [f"f{i}" for i in range(len(account))]
    flags = pd.DataFrame({"account_id": ids, "follower_id": followers, "relevant": called.astype(float),
                          "engaged": 0.0, "fake": fake.astype(float), "inactive": 0.0, "weight": 1.0})
    frame = account_shares(flags)
    log_f = rng.normal(8, 1.5, accounts)
    frame["log_followers"] = log_f
    frame[qe.OUTCOME] = (ELASTICITY * log_f + effect * true_share - 1.0 * true_fake
                         + rng.normal(0, 0.25, accounts))
    pick = rng.choice(len(account), 300, replace=False)
    labels = pd.DataFrame({"account_id": [ids[i] for i in pick], "follower_id": [followers[i] for i in pick],
                           "relevant": relevant[pick].astype(float), "fake": np.nan})
    return frame, rc.Check(labels, flags[["account_id", "follower_id", "relevant", "fake"]], "planted in a test")


def _corrections(check: rc.Check, seed: int = 0) -> mc.Corrections:
    """The relevant share's factor from the check; the fake share's from the authenticity model."""
    return mc.Corrections({"relevant_share": mc._factor("relevant_share", rc.rates(check, "relevant", seed),
                                                        check.source),
                           "fake_share": mc._factor("fake_share", authenticity_error_rates(n_boot=500), "model")}, {})


def test_the_labelled_check_measures_the_planted_error_rates():
    _, check = _world(0)
    rates = rc.rates(check, "relevant")
    assert rates.sensitivity_ci[0] <= SE <= rates.sensitivity_ci[1]
    assert rates.specificity_ci[0] <= SP <= rates.specificity_ci[1]
    assert rates.n_fake + rates.n_human == 300  # every labelled follower is counted once, as relevant or not
    few = rc.Check(check.labels.head(30), check.calls, "few")
    assert rc.rates(few, "relevant") is None  # fewer than MIN_PER_CLASS of a kind: no rate is claimed


def test_the_corrected_effect_recovers_the_planted_one_and_the_uncorrected_does_not():
    covered_corrected = covered_uncorrected = 0
    estimates = []
    worlds = 40
    for seed in range(worlds):
        frame, check = _world(seed)
        est = qe.share_effect(frame, corrections=_corrections(check, seed), seed=seed)
        covered_corrected += est.ci_low <= EFFECT <= est.ci_high
        covered_uncorrected += est.extra["uncorrected_ci_low"] <= EFFECT <= est.extra["uncorrected_ci_high"]
        estimates.append(est.estimate)
        # the factor only rescales: the sign test, and so the p-value, is the uncorrected one
        assert est.estimate == pytest.approx(est.extra["uncorrected_estimate"] * est.extra["misclassification_factor"])
    # 95 % intervals: fewer covering than the binomial's 0.1 % quantile would mean they are too narrow
    assert covered_corrected >= sps.binom.ppf(0.001, worlds, 0.95)
    assert covered_uncorrected <= worlds // 4  # about 1/J = 2.2 times too large: rarely covers
    assert np.median(estimates) == pytest.approx(EFFECT, rel=0.15)


def test_without_an_effect_the_corrected_test_holds_its_false_positive_rate():
    worlds = 60
    rejected = 0
    for seed in range(worlds):
        frame, check = _world(100 + seed, effect=0.0)
        rejected += qe.share_effect(frame, corrections=_corrections(check, seed)).p < 0.05
    assert rejected <= sps.binom.ppf(0.999, worlds, 0.05)


def test_the_exchange_rate_is_corrected_too():
    frame, check = _world(7)
    draws = qe.bootstrap_coefficients(frame, 0)
    corrected = qe.rates(frame, draws, corrections=_corrections(check))["relevant"]
    uncorrected = qe.rates(frame, draws)["relevant"]
    planted = np.expm1(0.1 * EFFECT / ELASTICITY)
    assert corrected.ci_low <= planted <= corrected.ci_high
    assert corrected.estimate < uncorrected.estimate  # the uncorrected coefficient is inflated by 1/J


def test_the_measurement_sentence_is_computed_and_says_when_nothing_is_corrected():
    frame, check = _world(3)
    corr = _corrections(check)
    est = qe.share_effect(frame, corrections=corr)
    factor = corr.factors["relevant_share"]
    assert f"{factor.j:.2f}" in est.extra["measurement"] and f"{est.estimate:.2f}" in est.extra["measurement"]
    assert f"{est.extra['uncorrected_estimate']:.2f}" in est.extra["measurement"]
    bare = mc.Corrections({}, {"relevant_share": "no labelled relevance check in the dataset folder"})
    plain = qe.share_effect(frame, corrections=bare)
    assert "NOT corrected" in plain.extra["measurement"] and "no labelled relevance check" in plain.extra["measurement"]
    assert plain.estimate == pytest.approx(est.extra["uncorrected_estimate"])
    assert "not corrected" in mc.limit_sentence(bare) and "300 labelled followers" in mc.limit_sentence(corr)


def test_a_call_no_better_than_chance_makes_the_contrast_not_estimable():
    frame, check = _world(4)
    chance = rc.Check(check.labels, check.calls.assign(relevant=np.random.default_rng(0).random(len(check.calls))
                                                       < 0.3).astype({"relevant": float}), "coin")
    corr = mc.Corrections({"relevant_share": mc._factor("relevant_share", rc.rates(chance, "relevant"), "coin")}, {})
    with pytest.raises(qe.NotEstimable, match="no better than chance"):
        qe.share_effect(frame, corrections=corr)


# --- the check file -----------------------------------------------------------------------------------------------

def _followers() -> pd.DataFrame:
    return pd.DataFrame({"account_id": ["a", "a", "b"], "follower_id": ["1", "2", "3"], "bio": ["x", "y", "z"]})


def test_reading_a_check_file_names_the_line_of_each_problem(tmp_path):
    path = tmp_path / check_file.FILE
    path.write_text("account_id,follower_id,relevant,fake\na,1,yes,\na,2, No ,yes\nb,3,,\n")
    labels = check_file.read(path, _followers())
    assert labels["relevant"].tolist()[:2] == [1.0, 0.0] and np.isnan(labels["relevant"].iloc[2])
    assert labels["fake"].tolist()[1] == 1.0
    path.write_text("account_id,follower_id,relevant\na,1,yes\na,2,maybe\n")
    with pytest.raises(InputError, match=r"line 3, column relevant: expected yes, no or blank, found 'maybe'"):
        check_file.read(path, _followers())
    path.write_text("account_id,follower_id,relevant\na,1,yes\nb,9,no\n")
    with pytest.raises(InputError, match=r"line 3: a follower the dataset lists"):
        check_file.read(path, _followers())
    path.write_text("account_id,follower_id,relevant\na,1,yes\na,1,no\n")
    with pytest.raises(InputError, match=r"line 3: each follower once"):
        check_file.read(path, _followers())
    path.write_text("account_id,follower_id\na,1\n")
    with pytest.raises(InputError, match=r"line 1: columns .* \(missing: relevant\)"):
        check_file.read(path, _followers())


def test_the_drawn_file_shows_profiles_but_never_the_scorers_calls():
    fq = pd.DataFrame({"account_id": ["a", "a", "b"], "follower_id": ["1", "2", "3"],
                       "bin": ["relevant", "unknown", "likely_fake"], "relevance": [0.9, 0.1, 0.2]})
    drawn = check_file.draw(_followers(), 10, 0, fq)
    assert set(drawn["follower_id"]) == {"1", "3"}  # judged followers only
    assert list(drawn.columns) == ["account_id", "follower_id", "bio", "relevant", "fake"]
    assert (drawn[["relevant", "fake"]] == "").all().all()


def test_the_command_never_overwrites_a_users_labels(tmp_path, capsys):
    from helpers.simulate import build_sample, load_config

    overrides = {"days": 60, "cohort": {"accounts": 20, "followers_sampled": 10, "posts_per_account": 5}}
    ds_path = build_sample(load_config(seed=1, overrides=overrides), tmp_path / "tiny")
    from helpers.quality.score import score_dataset

    score_dataset(str(ds_path))
    (ds_path / check_file.FILE).unlink()  # the sample's own planted check, so the command draws one
    assert cli.main(["relevance-check", "--dataset", str(ds_path), "--n", "25"]) == 0
    drawn = (ds_path / check_file.FILE).read_bytes()
    assert drawn.count(b"\n") == 26 and not list(ds_path.glob(".*tmp*"))
    (ds_path / check_file.FILE).write_bytes(drawn.replace(b",,\n", b",yes,\n", 1))
    labelled = (ds_path / check_file.FILE).read_bytes()
    assert cli.main(["relevance-check", "--dataset", str(ds_path)]) == 2
    assert "already exists and may hold your labels" in capsys.readouterr().err
    assert (ds_path / check_file.FILE).read_bytes() == labelled
    from helpers.data import dataset

    dataset.add_tables(ds_path, {"extra_table": pd.DataFrame({"x": [1]})})  # a rewrite keeps the user's file
    assert (ds_path / check_file.FILE).read_bytes() == labelled


def test_the_sample_writes_its_check_from_the_planted_types(tmp_path):
    from helpers.simulate import build_sample, load_config
    from helpers.simulate.build import planted_check

    overrides = {"days": 60, "cohort": {"accounts": 30, "followers_sampled": 20, "posts_per_account": 5}}
    cfg = load_config(seed=2, overrides=overrides)
    ds_path = build_sample(cfg, tmp_path / "s")
    followers = pd.read_parquet(ds_path / "followers.parquet")
    labels = check_file.read(ds_path / check_file.FILE, followers)
    truth = labels.merge(followers[["account_id", "follower_id", "true_type"]], on=["account_id", "follower_id"])
    assert (truth["relevant"] == truth["true_type"].eq("relevant")).all()
    assert (truth["fake"] == truth["true_type"].eq("fake")).all()
    assert len(planted_check(followers, 50, 0)) == 50


def test_the_visits_sentence_gives_the_inflation_that_false_positives_cause():
    # visits ∝ R^0.8 with N fixed; the count called relevant C = J·R + (1 − sp)·N; the elasticity on log C is larger
    _, check = _world(5)
    corr = _corrections(check)
    rates = corr.factors["relevant_share"].rates
    n = 10_000.0
    true_relevant = np.linspace(2_000, 2_600, 200)
    called = (rates.sensitivity + rates.specificity - 1) * true_relevant + (1 - rates.specificity) * n
    slope = np.polyfit(np.log(called), 0.8 * np.log(true_relevant), 1)[0]
    frame = pd.DataFrame({"relevant": called, "followers": n})
    sentence = mc.visits_sentence(corr, frame)
    claimed = float(sentence.split("quality elasticity about ")[1].split(" ")[0])
    assert claimed == pytest.approx(slope / 0.8, rel=0.03)
    assert "not measured" in mc.visits_sentence(mc.Corrections({}, {"relevant_share": "no check"}), frame)
