"""The assessment's pre-filled part: everything the record already knows about the
account, computed on demand and frozen on the case when a decision is requested.

``build_assessment`` returns plain JSON-able data so the case page, the API and the
frozen copy all show the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from accounts.models import Account, Interaction
from accounts.vocabulary import Direction, Kind

from .evidence import EFFORT_WINDOW, PORTFOLIO_STATUSES, STRONGLY_NEGATIVE, all_criteria
from .models import Case

RECENT_INTERACTIONS = 10
COMPLAINT_MONTHS = 12


def _months_back(as_of: dt.datetime, count: int) -> list[str]:
    year, month = as_of.year, as_of.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


def history_summary(account: Account, *, as_of: dt.datetime) -> dict:
    """Tenure, volume, complaints per month over the last year and how severe they were."""
    rows = Interaction.objects.filter(account=account)
    first = rows.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    started = account.started_at or (first.date() if first else None)
    tenure_days = (as_of.date() - started).days if started else None
    complaints = rows.filter(kind__in=[Kind.COMPLAINT, Kind.ESCALATION])
    months = _months_back(as_of, COMPLAINT_MONTHS)
    per_month = Counter(
        f"{at.year:04d}-{at.month:02d}"
        for at in complaints.filter(occurred_at__lte=as_of).values_list("occurred_at", flat=True)
    )
    severity = complaints.aggregate(
        mean_tone=Avg("tone"),
        hostile=Count("id", filter=Q(tone__lte=STRONGLY_NEGATIVE)),
        escalations=Count("id", filter=Q(kind=Kind.ESCALATION)),
    )
    return {
        "started_at": started.isoformat() if started else None,
        "tenure_days": tenure_days,
        "tenure_years": round(tenure_days / 365.25, 1) if tenure_days is not None else None,
        "interactions": rows.count(),
        "inbound": rows.filter(direction=Direction.INBOUND).count(),
        "outbound": rows.filter(direction=Direction.OUTBOUND).count(),
        "complaints": complaints.count(),
        "complaints_by_month": [{"month": m, "count": per_month.get(m, 0)} for m in months],
        "severity": {
            "mean_tone": round(severity["mean_tone"], 2)
            if severity["mean_tone"] is not None
            else None,
            "hostile": severity["hostile"],
            "escalations": severity["escalations"],
        },
    }


def recent_interactions(account: Account, *, limit: int = RECENT_INTERACTIONS) -> list[dict]:
    rows = Interaction.objects.filter(account=account).order_by("-occurred_at", "-id")[:limit]
    return [
        {
            "id": r.pk,
            "occurred_at": r.occurred_at.isoformat(),
            "channel": r.channel,
            "direction": r.direction,
            "kind": r.kind,
            "text": r.text[:280],
            "tone": round(r.tone, 2),
        }
        for r in rows
    ]


def _share(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def business_impact(account: Account, *, as_of: dt.datetime) -> dict:
    """The account's share of the portfolio's revenue and of the support effort."""
    portfolio = Account.objects.filter(status__in=PORTFOLIO_STATUSES)
    revenue = portfolio.aggregate(total=Sum("annual_value"))["total"] or Decimal(0)
    since = as_of - EFFORT_WINDOW
    inbound = Interaction.objects.filter(
        account__status__in=PORTFOLIO_STATUSES,
        direction=Direction.INBOUND,
        occurred_at__gte=since,
        occurred_at__lte=as_of,
    )
    effort_total = inbound.count()
    effort_own = inbound.filter(account=account).count()
    return {
        "annual_value": float(account.annual_value),
        "portfolio_revenue": float(revenue),
        "revenue_share_pct": _share(float(account.annual_value), float(revenue)),
        "support_effort": effort_own,
        "portfolio_support_effort": effort_total,
        "support_effort_share_pct": _share(effort_own, effort_total),
    }


def contract_review(account: Account, *, as_of: dt.datetime) -> dict | None:
    """Notice period, fees and renewal of the current contract; None without a contract."""
    contract = account.current_contract
    if contract is None:
        return None
    earliest_end = as_of.date() + dt.timedelta(days=contract.notice_days)
    notes = []
    if contract.early_termination_fee > 0:
        # We are the ones ending it: charging the customer for leaving would be unfair.
        notes.append(
            "The contract has an early termination fee. As we are ending the relationship, "
            "plan to waive it."
        )
    if contract.auto_renew:
        notes.append("It renews automatically: make sure the renewal is stopped in time.")
    return {
        "start": contract.start.isoformat(),
        "end": contract.end.isoformat() if contract.end else None,
        "notice_days": contract.notice_days,
        "early_termination_fee": float(contract.early_termination_fee),
        "auto_renew": contract.auto_renew,
        "renewals_so_far": contract.renewals_so_far,
        "earliest_end_with_notice": earliest_end.isoformat(),
        "notes": notes,
    }


def vendor_side(frozen_health: dict) -> dict:
    """Our side of the relationship, from the health document frozen on the case."""
    if not frozen_health:
        return {"score": None, "signs": [], "scored": False}
    from signals.catalogue import CATALOGUE

    signs = []
    for sign in frozen_health.get("vendor_signs", []):
        entry = CATALOGUE.get(sign.get("key", ""))
        signs.append(
            {
                "key": sign.get("key"),
                "label": entry.label if entry else sign.get("key"),
                "score": sign.get("score"),
                "evidence": sign.get("evidence", []),
            }
        )
    return {
        "score": frozen_health.get("vendor_side"),
        "customer_side": frozen_health.get("customer_side"),
        "health": frozen_health.get("health"),
        "band": frozen_health.get("band"),
        "computed_at": frozen_health.get("computed_at"),
        "signs": signs,
        "scored": True,
    }


def build_assessment(case: Case, *, as_of: dt.datetime) -> dict:
    account = case.account
    return {
        "as_of": as_of.isoformat(),
        "history": history_summary(account, as_of=as_of),
        "recent_interactions": recent_interactions(account),
        "criteria": [
            c.as_dict()
            for c in all_criteria(account, as_of=as_of, fit_judgement=case.fit_judgement)
        ],
        "impact": business_impact(account, as_of=as_of),
        "contract": contract_review(account, as_of=as_of),
        "vendor_side": vendor_side(case.frozen_health),
    }
