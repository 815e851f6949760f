"""Building blocks for the threshold/alert/notification tests: snapshots with chosen
scores (so rules are tested without depending on what the detectors make of a story)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from signals.catalogue import CATALOGUE
from signals.models import HealthSnapshot, ThresholdRule


def add_snapshot(
    account, *, at: dt.datetime | None = None, **scores: float | None
) -> HealthSnapshot:
    """Append a snapshot to the account's chain with these component scores (every other
    catalogue key 0, health 80, both sides 10, metrics null)."""
    parts: dict[str, float | None] = {
        "health": 80.0,
        "customer_side": 10.0,
        "vendor_side": 10.0,
        "nps": None,
        "csat": None,
        "churn_probability": None,
        "clv": None,
        **dict.fromkeys(CATALOGUE, 0.0),
        **scores,
    }
    tip = HealthSnapshot.objects.filter(account=account, superseded_by__isnull=True).first()
    health = parts["health"]
    band = (
        "healthy"
        if health >= 70
        else "watch"
        if health >= 50
        else "at_risk"
        if health >= 30
        else "critical"
    )
    return HealthSnapshot.objects.create(
        account=account,
        supersedes=tip,
        computed_at=at or timezone.now(),
        health=health,
        band=band,
        customer_side=parts["customer_side"],
        vendor_side=parts["vendor_side"],
        nps=parts["nps"],
        csat=parts["csat"],
        churn_probability=parts["churn_probability"],
        clv=parts["clv"],
        components=parts,
        document={"account": account.external_id},
        fingerprint=uuid.uuid4().hex,
    )


def make_rule(**fields) -> ThresholdRule:
    values = {
        "name": "Health below 50",
        "measure": "health",
        "operator": "lt",
        "value": 50.0,
        "severity": "warning",
    }
    values.update(fields)
    return ThresholdRule.objects.create(**values)
