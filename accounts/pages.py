"""Read models of the account pages: the queries behind the portfolio and the account
detail, shaped for templates. Only reads; every write goes through the services.

Query budget: the portfolio runs a fixed number of queries whatever the number of
accounts (the current scores come in by join, open alerts by a correlated subquery),
and so does the account detail (evidence interactions are fetched in one query).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS

from signals.catalogue import CATALOGUE, Group
from signals.metrics.survey import churn_rate_by_month, csat, nps
from signals.models import OPEN_ALERT_STATUSES, Alert, AlertStatus, Band, HealthSnapshot

from .charts import MapPoint
from .forms import PORTFOLIO_SORTS
from .models import Account, Interaction
from .vocabulary import Kind

AT_RISK_BANDS = (Band.AT_RISK, Band.CRITICAL)
#: Survey answers older than this do not count in the portfolio's NPS and CSAT tiles.
SURVEY_WINDOW = dt.timedelta(days=365)
TREND_WEEKS = 26


def label(key: str) -> str:
    """The catalogue's label for a key, or the key made readable."""
    entry = CATALOGUE.get(key)
    return entry.label if entry else key.replace("_", " ").capitalize()


def open_alert_count() -> Subquery:
    alerts = (
        Alert.objects.filter(account=OuterRef("pk"), status__in=OPEN_ALERT_STATUSES)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(alerts, output_field=IntegerField()), Value(0))


# --- portfolio -------------------------------------------------------------------------


def portfolio_accounts(base: QuerySet[Account], filters: dict[str, Any]) -> QuerySet[Account]:
    """``base`` (already limited to what the user may see) filtered by the portfolio
    form's cleaned data, with current scores and open alert counts attached."""
    qs = base.select_related("owner", "current_health").annotate(open_alerts=open_alert_count())
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(external_id__icontains=q))
    if filters.get("segment"):
        qs = qs.filter(segment=filters["segment"])
    if filters.get("band"):
        qs = qs.filter(current_health__band=filters["band"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("owner"):
        qs = qs.filter(owner=filters["owner"])
    return qs


def ordered(qs: QuerySet[Account], sort: str) -> QuerySet[Account]:
    descending = sort.startswith("-")
    expression = F(PORTFOLIO_SORTS[sort.lstrip("-")])
    first = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return qs.order_by(first, "name", "pk")


@dataclass
class Summary:
    accounts: int = 0
    nps: float | None = None
    csat: float | None = None
    churn_rate: float | None = None
    value_at_risk: Decimal = Decimal(0)
    at_risk_accounts: int = 0
    bands: dict[str, int] = field(default_factory=dict)

    @property
    def band_counts(self) -> list[tuple[str, int]]:
        return [(band, n) for band, n in self.bands.items() if n]


def portfolio_summary(qs: QuerySet[Account], *, now: dt.datetime | None = None) -> Summary:
    """The tiles: NPS and CSAT from the last year's survey answers, the mean monthly
    churn rate over the last twelve months, value at risk = annual value of at-risk and
    critical accounts."""
    now = now or timezone.now()
    ids = qs.order_by().values("pk")
    totals = qs.order_by().aggregate(
        n=Count("pk"),
        at_risk=Count("pk", filter=Q(current_health__band__in=AT_RISK_BANDS)),
        var=Sum("annual_value", filter=Q(current_health__band__in=AT_RISK_BANDS)),
        **{f"band_{b}": Count("pk", filter=Q(current_health__band=b)) for b in Band.values},
    )
    answers = list(
        Interaction.objects.filter(
            account__in=ids, kind=Kind.SURVEY, occurred_at__gte=now - SURVEY_WINDOW
        )
        .filter(Q(nps__isnull=False) | Q(csat__isnull=False))
        .values_list("nps", "csat")
    )
    import pandas as pd

    nps_values = pd.Series([a for a, _ in answers if a is not None], dtype=float)
    csat_values = pd.Series([c for _, c in answers if c is not None], dtype=float)
    lifetimes = pd.DataFrame(
        list(qs.order_by().values("segment", "started_at", "churned_at")),
        columns=["segment", "started_at", "churned_at"],
    )
    return Summary(
        accounts=totals["n"],
        nps=nps(nps_values),
        csat=csat(csat_values)[0],
        churn_rate=_monthly_churn_rate(lifetimes, now),
        value_at_risk=totals["var"] or Decimal(0),
        at_risk_accounts=totals["at_risk"],
        bands={b: totals[f"band_{b}"] for b in Band.values},
    )


def _monthly_churn_rate(lifetimes, now: dt.datetime) -> float | None:
    if lifetimes.empty or lifetimes["started_at"].isna().all():
        return None
    lifetimes = lifetimes.astype({"started_at": "object", "churned_at": "object"})
    rates = churn_rate_by_month(lifetimes, months=12, until=now)
    overall = rates[rates["segment"] == "all"]
    active = overall["active_at_start"].sum()
    return float(overall["churned"].sum() / active) if active else None


def map_points(qs: QuerySet[Account]) -> list[MapPoint]:
    rows = (
        qs.filter(current_health__isnull=False)
        .order_by()
        .values_list(
            "name",
            "external_id",
            "annual_value",
            "current_health__customer_side",
            "current_health__vendor_side",
            "current_health__band",
            "current_health__health",
        )
    )
    # One reverse() for the pattern, not one per dot (10,000 of them cost ~0.2 s);
    # the id is quoted as reverse() quotes it.
    marker = "__external_id__"
    pattern = reverse("account-detail", kwargs={"external_id": marker})
    return [
        MapPoint(
            name=name,
            url=pattern.replace(marker, quote(external_id, safe=RFC3986_SUBDELIMS + "/~:@")),
            customer_side=customer,
            vendor_side=vendor,
            annual_value=float(value or 0),
            band=band,
            health=health,
        )
        for name, external_id, value, customer, vendor, band, health in rows
    ]


def health_values(qs: QuerySet[Account]) -> list[tuple[float, str]]:
    return list(
        qs.filter(current_health__isnull=False)
        .order_by()
        .values_list("current_health__health", "current_health__band")
    )


def weekly_trend(
    qs: QuerySet[Account], *, now: dt.datetime | None = None
) -> list[tuple[dt.date, float, int]]:
    """Mean health of the snapshots recorded each week over the last 26 weeks."""
    since = (now or timezone.now()) - dt.timedelta(weeks=TREND_WEEKS)
    rows = (
        HealthSnapshot.objects.filter(
            account__in=qs.order_by().values("pk"), computed_at__gte=since
        )
        .annotate(week=TruncWeek("computed_at"))
        .order_by()
        .values("week")
        .annotate(mean=Avg("health"), n=Count("pk"))
        .order_by("week")
    )
    return [(r["week"].date(), r["mean"], r["n"]) for r in rows]


# --- account detail --------------------------------------------------------------------

GROUP_TITLES: dict[str, str] = {
    Group.ARCHETYPES: "Archetypes",
    Group.TRAITS: "Traits",
    Group.WARNING_SIGNS: "Early warning signs",
    Group.VENDOR_SIGNS: "Vendor-side signs",
}


@dataclass
class ScoredKey:
    key: str
    label: str
    description: str
    score: float
    evidence: list[dict]


@dataclass
class ScoreGroup:
    key: str
    title: str
    items: list[ScoredKey]


def score_groups(document: dict | None) -> list[ScoreGroup]:
    """Every catalogue key of the document, grouped as the document lists them."""
    if not document:
        return []
    groups = []
    for group in Group:
        items = [
            ScoredKey(
                key=item["key"],
                label=label(item["key"]),
                description=CATALOGUE[item["key"]].description if item["key"] in CATALOGUE else "",
                score=float(item.get("score") or 0.0),
                evidence=list(item.get("evidence") or []),
            )
            for item in document.get(group.value, [])
        ]
        groups.append(ScoreGroup(key=group.value, title=GROUP_TITLES[group], items=items))
    return groups


def evidence_interactions(account: Account, groups: Iterable[ScoreGroup]) -> dict[int, Interaction]:
    """Every interaction the evidence cites, in one query, by id."""
    ids = {
        int(i)
        for g in groups
        for item in g.items
        for ev in item.evidence
        for i in ev.get("interactions") or []
    }
    if not ids:
        return {}
    return {
        i.pk: i
        for i in Interaction.objects.filter(account=account, pk__in=ids).only(
            "pk", "occurred_at", "kind", "direction", "channel", "text", "tone"
        )
    }


HISTORY_FIELDS = (
    "computed_at",
    "health",
    "band",
    "customer_side",
    "vendor_side",
    "nps",
    "csat",
    "churn_probability",
    "clv",
)


def health_history(account: Account, *, limit: int = 180) -> list[dict]:
    """The account's latest ``limit`` snapshots, oldest first, without their documents."""
    rows = list(
        HealthSnapshot.objects.filter(account=account)
        .order_by("-computed_at", "-id")
        .values(*HISTORY_FIELDS, "id")[:limit]
    )
    rows.reverse()
    return rows


def changes_since_last(account: Account) -> list[dict]:
    """``snapshot_diff`` of the account's last two snapshots, labelled for display."""
    from signals.scoring import snapshot_diff

    last_two = list(
        HealthSnapshot.objects.filter(account=account)
        .order_by("-computed_at", "-id")
        .only("id", "components", "computed_at")[:2]
    )
    if len(last_two) < 2:
        return []
    newer, older = last_two
    return [_displayable(change, older.computed_at) for change in snapshot_diff(older, newer)]


def _displayable(change: dict, older_at: dt.datetime) -> dict:
    row = {**change, "label": label(change["key"]), "older_at": older_at}
    if change["key"] == "churn_probability":
        # A probability reads better as a percentage next to 0–100 scores.
        row["label"] = "Churn probability (%)"
        for field_name in ("before", "after", "delta"):
            if row[field_name] is not None:
                row[field_name] = 100.0 * row[field_name]
    return row


METRIC_ROWS = (
    ("nps", "NPS", "{:+.0f}", "higher"),
    ("csat", "CSAT", "{:.1f}", "higher"),
    ("churn_probability", "Churn probability", "{:.0%}", "lower"),
    ("clv", "Lifetime value", "{:,.0f}", "higher"),
)


def metric_trends(history: list[dict], *, days: int = 90) -> list[dict]:
    """Each metric now and its change against the last snapshot at least ``days`` old
    (or the oldest one), with whether the change is good news."""
    if not history:
        return [
            {"key": k, "label": lbl, "value": None, "display": "—", "delta": None, "good": None}
            for k, lbl, _, _ in METRIC_ROWS
        ]
    latest = history[-1]
    cutoff = latest["computed_at"] - dt.timedelta(days=days)
    older = [h for h in history[:-1] if h["computed_at"] <= cutoff]
    reference = older[-1] if older else (history[0] if len(history) > 1 else None)
    rows = []
    for key, title, fmt, better in METRIC_ROWS:
        value = latest.get(key)
        before = reference.get(key) if reference else None
        delta = None if value is None or before is None else value - before
        if delta is not None and fmt.format(delta).strip("+-0.%") == "":
            delta = None  # rounds to nothing: not a change worth an arrow
        rows.append(
            {
                "key": key,
                "label": title,
                "value": value,
                "display": "—" if value is None else fmt.format(value),
                "delta": delta,
                "delta_display": None if delta is None else fmt.format(delta).lstrip("+"),
                "good": None if not delta else (delta > 0) == (better == "higher"),
                "since": reference["computed_at"] if reference else None,
            }
        )
    return rows


TIMELINE_PAGE = 50


@dataclass
class TimelinePage:
    interactions: list[Interaction]
    next_offset: int | None


def timeline(
    account: Account, filters: dict[str, Any], *, offset: int = 0, limit: int = TIMELINE_PAGE
) -> TimelinePage:
    """Newest first, ``limit`` at a time; ``next_offset`` is None on the last page."""
    qs = account.interactions.select_related("contact").order_by("-occurred_at", "-id")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("direction"):
        qs = qs.filter(direction=filters["direction"])
    rows = list(qs[offset : offset + limit + 1])
    more = len(rows) > limit
    return TimelinePage(interactions=rows[:limit], next_offset=offset + limit if more else None)


def open_alerts(account: Account) -> list[dict[str, Any]]:
    """The account's unresolved alerts, newest first, as the health panel lists them
    (plain rows: the panel is read on every view of an account)."""
    return list(
        Alert.objects.filter(account=account)
        .exclude(status=AlertStatus.RESOLVED)
        .order_by("-opened_at")
        .values(
            "pk",
            "severity",
            "status",
            "opened_at",
            rule_name=F("rule__name"),
            assignee_name=F(f"assignee__{get_user_model().USERNAME_FIELD}"),
        )
    )
