"""The seven "not worth keeping" criteria, each computed from the record with its evidence.

Every criterion is a small function of the account's interactions (and, for two of them,
of the portfolio) that returns a ``CriterionEvidence``: whether the data says it applies,
the facts behind that, and the interactions a reader can open. Thresholds are written
next to each function; they are deliberately conservative, because the criteria support
a human decision, they never make it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, Coalesce

from accounts.models import Account, Interaction
from accounts.vocabulary import AccountStatus, Direction, Kind
from signals.models import AccountHealth
from signals.text import Cue

from .vocabulary import Criterion, FitJudgement

MAX_LINKED = 20  # interactions linked per criterion; the facts carry the full counts
EFFORT_WINDOW = dt.timedelta(days=365)
DEFAULT_PAYMENT_TERMS = dt.timedelta(days=30)  # an invoice without due_at is due after this
STRONGLY_NEGATIVE = -0.6  # tone at or below this reads as hostile
# Accounts that make up the portfolio the comparisons are made against.
PORTFOLIO_STATUSES = (AccountStatus.ACTIVE, AccountStatus.OFFBOARDING)


@dataclass
class CriterionEvidence:
    key: str
    label: str
    met: bool | None  # None: a judgement nobody has made yet
    facts: list[str] = field(default_factory=list)
    interactions: list[int] = field(default_factory=list)
    measures: dict[str, float | int | None] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _ids(rows) -> list[int]:
    return [r.pk for r in rows][:MAX_LINKED]


def _inbound(account: Account):
    return Interaction.objects.filter(account=account, direction=Direction.INBOUND)


def chronic_non_payer(account: Account, *, as_of: dt.datetime) -> CriterionEvidence:
    """Invoices matched to payments (``responds_to`` first, then oldest open invoice
    first). Applies when at least two invoices were paid late or are overdue and they
    are at least 30% of the invoices."""
    rows = Interaction.objects.filter(account=account, kind__in=[Kind.INVOICE, Kind.PAYMENT])
    invoices = [r for r in rows.order_by("occurred_at", "id") if r.kind == Kind.INVOICE]
    payments = [r for r in rows.order_by("occurred_at", "id") if r.kind == Kind.PAYMENT]
    paid_at: dict[int, dt.datetime] = {}
    by_id = {i.pk: i for i in invoices}
    loose = []
    for payment in payments:
        if payment.responds_to_id in by_id and payment.responds_to_id not in paid_at:
            paid_at[payment.responds_to_id] = payment.occurred_at
        else:
            loose.append(payment)
    for payment in loose:
        open_before = [
            i for i in invoices if i.pk not in paid_at and i.occurred_at <= payment.occurred_at
        ]
        if open_before:
            paid_at[open_before[0].pk] = payment.occurred_at
    late, overdue, days_late = [], [], []
    for invoice in invoices:
        due = invoice.due_at or invoice.occurred_at + DEFAULT_PAYMENT_TERMS
        if invoice.pk in paid_at:
            if paid_at[invoice.pk] > due:
                late.append(invoice)
                days_late.append((paid_at[invoice.pk] - due).days)
        elif due < as_of:
            overdue.append(invoice)
            days_late.append((as_of - due).days)
    troubled = late + overdue
    met = len(troubled) >= 2 and len(troubled) >= 0.3 * len(invoices)
    facts = [
        f"{len(invoices)} invoice(s), {len(payments)} payment(s) on record.",
        f"{len(late)} invoice(s) paid late, {len(overdue)} overdue and unpaid.",
    ]
    if days_late:
        facts.append(
            f"Days late: median {statistics.median(days_late):.0f}, longest {max(days_late)}."
        )
    return CriterionEvidence(
        Criterion.CHRONIC_NON_PAYER,
        Criterion.CHRONIC_NON_PAYER.label,
        met,
        facts,
        _ids(troubled),
        {
            "invoices": len(invoices),
            "paid_late": len(late),
            "unpaid_overdue": len(overdue),
            "max_days_late": max(days_late) if days_late else None,
        },
    )


def abusive(account: Account, *, as_of: dt.datetime) -> CriterionEvidence:
    """Inbound messages with aggression cues or a strongly negative tone; three or more."""
    aggression = Cue.AGGRESSION.value
    rows = list(
        _inbound(account)
        .annotate(aggressive=F("cue_flags").bitand(aggression))
        .filter(Q(aggressive__gt=0) | Q(tone__lte=STRONGLY_NEGATIVE))
        .order_by("-occurred_at")
    )
    with_cue = sum(1 for r in rows if r.cue_flags & aggression)
    return CriterionEvidence(
        Criterion.ABUSIVE,
        Criterion.ABUSIVE.label,
        len(rows) >= 3,
        [
            f"{len(rows)} inbound message(s) read as hostile: {with_cue} with aggressive "
            f"wording, the rest with a strongly negative tone (≤ {STRONGLY_NEGATIVE})."
        ],
        _ids(rows),
        {"incidents": len(rows), "aggression_cues": with_cue},
    )


def unreasonable_demands(account: Account, *, as_of: dt.datetime) -> CriterionEvidence:
    """Inbound demands beyond the agreement (unreasonable, out-of-contract or entitled
    wording) and escalations. Applies with three such demands, or five with escalations."""
    demand_bits = (Cue.UNREASONABLE_DEMAND | Cue.OUT_OF_CONTRACT | Cue.ENTITLEMENT).value
    demands = list(
        _inbound(account)
        .annotate(demand=F("cue_flags").bitand(demand_bits))
        .filter(demand__gt=0)
        .order_by("-occurred_at")
    )
    escalations = list(_inbound(account).filter(kind=Kind.ESCALATION).order_by("-occurred_at"))
    discount_asks = _inbound(account).filter(kind=Kind.DISCOUNT_REQUEST).count()
    met = len(demands) >= 3 or len(demands) + len(escalations) >= 5
    return CriterionEvidence(
        Criterion.UNREASONABLE_DEMANDS,
        Criterion.UNREASONABLE_DEMANDS.label,
        met,
        [
            f"{len(demands)} demand(s) beyond the agreement or worded as an entitlement.",
            f"{len(escalations)} escalation(s), {discount_asks} discount request(s).",
        ],
        _ids(demands + escalations),
        {
            "demands": len(demands),
            "escalations": len(escalations),
            "discount_requests": discount_asks,
        },
    )


def _effort_per_thousand(effort: int, annual_value: Decimal) -> float | None:
    return effort / (float(annual_value) / 1000) if annual_value > 0 else None


def high_maintenance(account: Account, *, as_of: dt.datetime) -> CriterionEvidence:
    """Inbound interactions over the last year per 1,000 of annual value, against the
    portfolio median. Applies at twice the median with at least one contact a month."""
    since = as_of - EFFORT_WINDOW
    in_window = Q(
        interactions__direction=Direction.INBOUND,
        interactions__occurred_at__gte=since,
        interactions__occurred_at__lte=as_of,
    )
    portfolio = (
        Account.objects.filter(status__in=PORTFOLIO_STATUSES, annual_value__gt=0)
        .annotate(effort=Count("interactions", filter=in_window))
        .values_list("effort", "annual_value")
    )
    ratios = [r for e, v in portfolio if (r := _effort_per_thousand(e, v)) is not None]
    median = statistics.median(ratios) if ratios else None
    rows = _inbound(account).filter(occurred_at__gte=since, occurred_at__lte=as_of)
    effort = rows.count()
    tickets = rows.filter(channel="ticket").count()
    ratio = _effort_per_thousand(effort, account.annual_value)
    if ratio is None:
        met = effort >= 12  # brings nothing in, yet keeps the team busy
    else:
        met = effort >= 12 and median is not None and ratio >= 2 * median
    facts = [f"{effort} inbound interaction(s) in the last year, {tickets} of them tickets."]
    if ratio is not None:
        facts.append(
            f"{ratio:.1f} per 1,000 of annual value; portfolio median "
            + (f"{median:.1f}." if median is not None else "unknown.")
        )
    else:
        facts.append("No annual value on record, so every contact is unpaid effort.")
    return CriterionEvidence(
        Criterion.HIGH_MAINTENANCE,
        Criterion.HIGH_MAINTENANCE.label,
        met,
        facts,
        _ids(rows.order_by("-occurred_at")[:MAX_LINKED]),
        {"effort": effort, "tickets": tickets, "per_1000": ratio, "portfolio_median": median},
    )


def policy_violator(account: Account, *, as_of: dt.datetime) -> CriterionEvidence:
    """Recorded policy violations; two or more."""
    rows = list(
        Interaction.objects.filter(account=account, kind=Kind.POLICY_VIOLATION).order_by(
            "-occurred_at"
        )
    )
    return CriterionEvidence(
        Criterion.POLICY_VIOLATOR,
        Criterion.POLICY_VIOLATOR.label,
        len(rows) >= 2,
        [f"{len(rows)} policy violation(s) recorded."],
        _ids(rows),
        {"violations": len(rows)},
    )


def mismatched_fit(
    account: Account, *, as_of: dt.datetime, fit_judgement: str = ""
) -> CriterionEvidence:
    """A judgement, not a computation: the team's answer in the assessment."""
    if not fit_judgement:
        return CriterionEvidence(
            Criterion.MISMATCHED_FIT,
            Criterion.MISMATCHED_FIT.label,
            None,
            ["A judgement for the team: answer it in the assessment."],
        )
    return CriterionEvidence(
        Criterion.MISMATCHED_FIT,
        Criterion.MISMATCHED_FIT.label,
        fit_judgement == FitJudgement.MISMATCHED,
        [f"The team's judgement: {FitJudgement(fit_judgement).label.lower()}."],
    )


def low_lifetime_value(account: Account, *, as_of: dt.datetime) -> CriterionEvidence:
    """Lifetime value (the scored CLV, else the annual value) as a percentile of the
    portfolio; applies in the bottom fifth of a portfolio of at least five accounts."""
    value_expr = Coalesce("current_health__clv", Cast("annual_value", FloatField()), Value(0.0))
    portfolio = Account.objects.filter(
        Q(status__in=PORTFOLIO_STATUSES) | Q(pk=account.pk)
    ).annotate(value=value_expr)
    own = portfolio.filter(pk=account.pk).values_list("value", flat=True)[0]
    size = portfolio.count()
    below = portfolio.filter(value__lt=own).count()
    percentile = 100.0 * below / size
    source = "scored lifetime value" if _has_clv(account) else "annual value (no CLV yet)"
    return CriterionEvidence(
        Criterion.LOW_LIFETIME_VALUE,
        Criterion.LOW_LIFETIME_VALUE.label,
        size >= 5 and percentile <= 20,
        [
            f"Lifetime value {own:,.0f} from the {source}.",
            f"Higher than {percentile:.0f}% of the {size} accounts in the portfolio.",
        ],
        [],
        {"value": own, "percentile": round(percentile, 1), "portfolio_size": size},
    )


def _has_clv(account: Account) -> bool:
    return AccountHealth.objects.filter(account=account, clv__isnull=False).exists()


COMPUTED: dict[str, Callable[..., CriterionEvidence]] = {
    Criterion.CHRONIC_NON_PAYER: chronic_non_payer,
    Criterion.ABUSIVE: abusive,
    Criterion.UNREASONABLE_DEMANDS: unreasonable_demands,
    Criterion.HIGH_MAINTENANCE: high_maintenance,
    Criterion.POLICY_VIOLATOR: policy_violator,
    Criterion.LOW_LIFETIME_VALUE: low_lifetime_value,
}


def all_criteria(
    account: Account, *, as_of: dt.datetime, fit_judgement: str = ""
) -> list[CriterionEvidence]:
    """The seven criteria in their catalogue order."""
    results = []
    for key in Criterion.values:
        if key == Criterion.MISMATCHED_FIT:
            results.append(mismatched_fit(account, as_of=as_of, fit_judgement=fit_judgement))
        else:
            results.append(COMPUTED[key](account, as_of=as_of))
    return results
