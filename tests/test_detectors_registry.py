"""Contract of the registry: one detector per catalogue key, scores in range, and never
a score of 50 or more without evidence."""

import math
import random

import pytest

from signals.catalogue import CATALOGUE
from signals.detectors import all_detectors, run_detectors
from signals.features import AccountFeatures, build_features
from tests.portfolio_kit import NOW, random_portfolio


def test_every_catalogue_key_has_exactly_one_detector():
    assert set(all_detectors()) == set(CATALOGUE)


def test_every_detector_documents_what_it_recognises():
    for key, func in all_detectors().items():
        assert func.__doc__ and len(func.__doc__.strip()) > 20, key


def _check(results):
    for key, result in results.items():
        assert result.key == key
        assert 0.0 <= result.score <= 100.0
        assert result.score == round(result.score, 1)
        if result.score >= 50:
            assert result.evidence, f"{key} scored {result.score} without evidence"
            assert all(e.fact for e in result.evidence)


@pytest.mark.django_db
def test_no_detector_scores_fifty_without_evidence_on_a_varied_portfolio():
    accounts = random_portfolio(40, seed=3)
    features = build_features([a.pk for a in accounts], as_of=NOW)
    fired = set()
    for f in features.accounts():
        results = run_detectors(f)
        _check(results)
        fired |= {k for k, r in results.items() if r.score >= 50}
    assert len(fired) >= 15  # the portfolio really is varied


@pytest.mark.django_db
def test_no_detector_scores_fifty_without_evidence_on_random_feature_values():
    accounts = random_portfolio(2, seed=4)
    columns = [
        c
        for c in build_features([a.pk for a in accounts], as_of=NOW).frame.columns
        if c not in ("segment", "status")
    ]
    may_be_undefined = {
        "silence_days",
        "reply_median_hours",
        "top_contact_share",
        "inbound_share",
        "complaint_share",
        "tone_mean",
        "tone_min",
        "nps",
        "csat",
        "csat_satisfied_pct",
        "fee_ratio",
        "tenure_days",
        "contract_days",
    }
    rng = random.Random(5)
    for _ in range(400):
        values = {}
        for c in columns:
            roll = rng.random()
            undefined = roll < 0.1 and c in may_be_undefined
            values[c] = math.nan if undefined else (0.0 if roll < 0.4 else rng.uniform(0, 30))
        for c in (
            "top_contact_share",
            "inbound_share",
            "complaint_share",
            "fee_ratio",
            "auto_renew",
        ):
            values[c] = rng.random()
        evidence = {c: [1, 2] for c in columns if values[c] and values[c] >= 1}
        evidence |= {"slow_replies": [], "top_contact": [7]}
        _check(run_detectors(AccountFeatures(account_id=1, values=values, evidence=evidence)))
