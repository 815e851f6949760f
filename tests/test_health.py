"""Composition: both sides, health, bands and the document's shape."""

import pytest

from signals.catalogue import KEYS_BY_GROUP, Group
from signals.detectors.base import DetectorResult, Evidence
from signals.health import (
    Metrics,
    band_for,
    build_document,
    canonical,
    components,
    health_score,
    penalties,
    side_score,
)
from signals.models import HealthWeights

ALL_KEYS = [k for g in Group for k in KEYS_BY_GROUP[g]]


def results(**scores: float) -> dict[str, DetectorResult]:
    return {
        k: DetectorResult(k, scores.get(k, 0.0), [Evidence("fact", [1])] if k in scores else [])
        for k in ALL_KEYS
    }


def test_one_strong_issue_shows_on_its_side_instead_of_being_averaged_away():
    assert side_score({"ghost": 90.0}, KEYS_BY_GROUP[Group.ARCHETYPES], {}) == 54.0


def test_several_strong_issues_make_a_side_severe():
    scores = {"ghost": 90.0, "victim": 90.0, "bargainer": 90.0}
    assert side_score(scores, KEYS_BY_GROUP[Group.ARCHETYPES], {}) == 90.0


def test_admin_key_weights_scale_a_key_within_its_side():
    keys = KEYS_BY_GROUP[Group.VENDOR_SIGNS]
    assert side_score({"slow_response": 40.0}, keys, {"slow_response": 2.0}) == 48.0
    assert side_score({"slow_response": 80.0}, keys, {"slow_response": 2.0}) == 60.0  # capped


def test_health_is_100_minus_the_weighted_mean_of_penalties():
    weights = HealthWeights()  # defaults: 0.30 0.25 0.15 0.10 0.20
    parts = penalties(40.0, 20.0, Metrics(nps=20.0, csat=4.0, churn_probability=0.3))
    # penalties: 40, 20, (100-20)/2 = 40, (5-4)/4*100 = 25, 30
    expected = 100 - (0.3 * 40 + 0.25 * 20 + 0.15 * 40 + 0.10 * 25 + 0.20 * 30)
    assert health_score(parts, weights) == round(expected, 1)


def test_a_null_metric_drops_out_and_the_weights_are_renormalised():
    weights = HealthWeights()
    parts = penalties(40.0, 20.0, Metrics(churn_probability=0.1))
    expected = 100 - (0.3 * 40 + 0.25 * 20 + 0.2 * 10) / 0.75
    assert health_score(parts, weights) == round(expected, 1)


@pytest.mark.parametrize(
    ("health", "band"),
    [
        (100, "healthy"),
        (70, "healthy"),
        (69.9, "watch"),
        (50, "watch"),
        (30, "at_risk"),
        (29.9, "critical"),
    ],
)
def test_bands_follow_the_weights_lower_bounds(health, band):
    assert band_for(health, HealthWeights()) == band


def test_the_document_has_every_key_sorted_by_score_then_key_and_advice_for_present_ones():
    doc = build_document(
        external_id="ACME-1",
        computed_at="2026-06-01T12:00:00Z",
        results=results(ghost=81.0, victim=81.0, bargainer=20.0, slow_response=55.0),
        metrics=Metrics(nps=20.0, csat=3.8, churn_probability=0.31, clv=None, notes=["n"]),
        weights=HealthWeights(),
    )
    assert list(doc) == [
        "account",
        "computed_at",
        "health",
        "band",
        "customer_side",
        "vendor_side",
        "archetypes",
        "traits",
        "warning_signs",
        "vendor_signs",
        "metrics",
        "recommendations",
        "notes",
    ]
    for group in Group:
        assert sorted(i["key"] for i in doc[group.value]) == sorted(KEYS_BY_GROUP[group])
    assert [i["key"] for i in doc["archetypes"][:3]] == ["ghost", "victim", "bargainer"]
    assert doc["archetypes"][3]["score"] == 0.0 and doc["archetypes"][3]["evidence"] == []
    assert doc["metrics"] == {"nps": 20.0, "csat": 3.8, "churn_probability": 0.31, "clv": None}
    assert [r["for"] for r in doc["recommendations"]] == ["ghost", "victim", "slow_response"]
    assert all(r["advice"] for r in doc["recommendations"])


def test_components_flatten_every_score_for_diffs():
    doc = build_document(
        external_id="A",
        computed_at="x",
        results=results(ghost=81.0),
        metrics=Metrics(nps=10.0),
        weights=HealthWeights(),
    )
    parts = components(doc)
    assert parts["ghost"] == 81.0
    assert parts["nps"] == 10.0
    assert parts["clv"] is None
    assert set(ALL_KEYS) <= set(parts)


def test_a_document_read_back_in_another_key_order_is_put_back_in_published_order():
    doc = build_document(
        external_id="A",
        computed_at="x",
        results=results(ghost=81.0),
        metrics=Metrics(nps=10.0),
        weights=HealthWeights(),
    )
    shuffled = {k: doc[k] for k in sorted(doc, key=len)}
    shuffled["metrics"] = dict(sorted(doc["metrics"].items()))
    shuffled["archetypes"] = [dict(sorted(i.items())) for i in doc["archetypes"]]
    restored = canonical(shuffled)
    assert list(restored) == list(doc)
    assert list(restored["metrics"]) == list(doc["metrics"])
    assert list(restored["archetypes"][0]) == ["key", "score", "evidence"]
    assert restored == doc
