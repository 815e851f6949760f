"""Composition: detector results and metrics → both sides, health, band, the document.

Pure functions (no database): ``signals.scoring`` loads the inputs and writes results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from signals.catalogue import CUSTOMER_KEYS, KEYS_BY_GROUP, VENDOR_KEYS, Group, entry
from signals.detectors.base import DetectorResult
from signals.models import Band, HealthWeights

#: A side is the weighted mean of its three strongest keys. One severe issue (90)
#: makes the side 54 — visible, not averaged away among 26 quiet keys — while three
#: severe issues make it 90. Correlated keys (aggressiveness and negative tone)
#: therefore add up less than independent ones would under a noisy-OR.
TOP_WEIGHTS = (0.6, 0.25, 0.15)
#: A key scoring at least this is "present": it gets a recommendation.
PRESENT = 50.0
METRIC_KEYS = ("nps", "csat", "churn_probability", "clv")


@dataclass
class Metrics:
    nps: float | None = None
    csat: float | None = None
    churn_probability: float | None = None
    clv: float | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, float | None]:
        return {key: getattr(self, key) for key in METRIC_KEYS}


def side_score(
    scores: Mapping[str, float], keys: Iterable[str], key_weights: Mapping[str, float]
) -> float:
    """Friction of one side (0–100) from its keys' scores, each scaled by its admin
    weight (default 1) and capped at 100."""
    weighted = sorted(
        (min(100.0, scores.get(k, 0.0) * float(key_weights.get(k, 1.0))) for k in keys),
        reverse=True,
    )
    return round(sum(w * s for w, s in zip(TOP_WEIGHTS, weighted, strict=False)), 1)


def penalties(
    customer_side: float, vendor_side: float, metrics: Metrics
) -> dict[str, float | None]:
    """Each component as a 0–100 penalty (HealthWeights docstring); None drops out."""
    return {
        "customer_side": customer_side,
        "vendor_side": vendor_side,
        "nps": None if metrics.nps is None else (100.0 - metrics.nps) / 2.0,
        "csat": None if metrics.csat is None else (5.0 - metrics.csat) / 4.0 * 100.0,
        "churn_probability": None
        if metrics.churn_probability is None
        else 100.0 * metrics.churn_probability,
    }


def health_score(parts: Mapping[str, float | None], weights: HealthWeights) -> float:
    """100 − the weighted mean of the non-null penalties (weights renormalised)."""
    total = weight_sum = 0.0
    for name, penalty in parts.items():
        weight = float(getattr(weights, name))
        if penalty is None or weight <= 0:
            continue
        total += weight * penalty
        weight_sum += weight
    if weight_sum == 0:
        return 100.0
    return round(max(0.0, min(100.0, 100.0 - total / weight_sum)), 1)


def band_for(health: float, weights: HealthWeights) -> str:
    if health >= weights.healthy_min:
        return Band.HEALTHY
    if health >= weights.watch_min:
        return Band.WATCH
    if health >= weights.at_risk_min:
        return Band.AT_RISK
    return Band.CRITICAL


def sides(results: Mapping[str, DetectorResult], weights: HealthWeights) -> tuple[float, float]:
    scores = {k: r.score for k, r in results.items()}
    key_weights = weights.key_weights or {}
    return (
        side_score(scores, CUSTOMER_KEYS, key_weights),
        side_score(scores, VENDOR_KEYS, key_weights),
    )


def _ordered(results: Mapping[str, DetectorResult], group: Group) -> list[dict]:
    items = [results[k] for k in KEYS_BY_GROUP[group]]
    return [r.as_dict() for r in sorted(items, key=lambda r: (-r.score, r.key))]


def build_document(
    *,
    external_id: str,
    computed_at: str,
    results: Mapping[str, DetectorResult],
    metrics: Metrics,
    weights: HealthWeights,
    both_sides: tuple[float, float] | None = None,
) -> dict:
    """The health document of interfaces.md (plus ``notes`` on how metrics were
    obtained). Every key of every group, sorted by score descending then key.
    ``both_sides``: ``sides(results, weights)`` when the caller already has it."""
    customer_side, vendor_side = both_sides or sides(results, weights)
    health = health_score(penalties(customer_side, vendor_side, metrics), weights)
    present = sorted(
        (r for r in results.values() if r.score >= PRESENT), key=lambda r: (-r.score, r.key)
    )
    return {
        "account": external_id,
        "computed_at": computed_at,
        "health": health,
        "band": str(band_for(health, weights)),
        "customer_side": customer_side,
        "vendor_side": vendor_side,
        "archetypes": _ordered(results, Group.ARCHETYPES),
        "traits": _ordered(results, Group.TRAITS),
        "warning_signs": _ordered(results, Group.WARNING_SIGNS),
        "vendor_signs": _ordered(results, Group.VENDOR_SIGNS),
        "metrics": metrics.as_dict(),
        "recommendations": [{"for": r.key, "advice": entry(r.key).advice} for r in present],
        "notes": list(metrics.notes),
    }


DOCUMENT_KEYS = (
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
)


def canonical(document: Mapping) -> dict:
    """The document in its published key order. PostgreSQL's jsonb stores objects with
    its own key order, so whatever is read back from a JSONField goes through this."""

    def item(i: Mapping) -> dict:
        return {
            "key": i["key"],
            "score": i["score"],
            "evidence": [
                {"fact": e["fact"], "interactions": e["interactions"]} for e in i["evidence"]
            ],
        }

    out: dict = {}
    for key in DOCUMENT_KEYS:
        if key not in document:
            continue
        value = document[key]
        if key in {g.value for g in Group}:
            value = [item(i) for i in value]
        elif key == "metrics":
            value = {m: value.get(m) for m in METRIC_KEYS}
        elif key == "recommendations":
            value = [{"for": r["for"], "advice": r["advice"]} for r in value]
        out[key] = value
    # Anything a later version added stays, after the published keys.
    out.update({k: v for k, v in document.items() if k not in out})
    return out


def components(document: Mapping) -> dict[str, float | None]:
    """Every scored component by key (for snapshots, diffs and threshold previews)."""
    parts: dict[str, float | None] = {
        "health": document["health"],
        "customer_side": document["customer_side"],
        "vendor_side": document["vendor_side"],
        **document["metrics"],
    }
    for group in Group:
        for item in document[group.value]:
            parts[item["key"]] = item["score"]
    return parts
