"""Alert transitions: open, auto-resolve, acknowledge, snooze, wake, resolve, assign.

Every change is a compare-and-set on the fields the caller saw
(``Alert.objects.filter(pk=…, status=<seen>).update(…)``) and proceeds only when one row
changed; the loser of a race gets :class:`AlertConflict` ("reload") instead of silently
overwriting. Every change appends an :class:`AlertEvent` in the same transaction, and
opening (or reopening) queues its notifications in the outbox in that transaction too,
so an event and its messages exist together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import Account
from accounts.roles import role_of, sees_all_accounts
from crm_health.cache import ROWS, cached, table_stamps
from signals.bulk import insert_all
from signals.catalogue import CATALOGUE, CUSTOMER_KEYS, VENDOR_KEYS
from signals.models import (
    OPEN_ALERT_STATUSES,
    Alert,
    AlertEvent,
    AlertStatus,
    HealthSnapshot,
    Operator,
    RootCause,
    ThresholdRule,
)

UNRESOLVED = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED)

#: A catalogue key is "present" in an account from this score on (as in the document).
PRESENT = 50.0
TOP_ISSUES = 3

#: The product's own advice for the measures that are not catalogue keys.
METRIC_ADVICE: dict[str, tuple[str, ...]] = {
    "nps": (
        "Call the detractors among the survey answers and ask what one thing would change their score.",
        "Close the loop: tell them what you changed because of their answer.",
    ),
    "csat": (
        "Read the low-rated tickets together with the support lead and name the pattern.",
        "Follow up personally on the last poorly rated interaction.",
    ),
    "churn_probability": (
        "Book a value review: show the outcomes they got, in their numbers.",
        "Check renewal dates and notice periods now, not at the deadline.",
        "Find out who else on their side decides, and meet them.",
    ),
    "clv": (
        "Look for a cheaper way to serve this account before discounting.",
        "Check whether the relationship is still worth its cost to both sides.",
    ),
}
GENERIC_ADVICE = (
    "Review the latest interactions on both sides and agree one next step with the customer.",
)


class AlertConflict(Exception):
    """The alert changed between reading and writing (another user or the system)."""

    def __init__(self, message: str = "The alert changed meanwhile; reload it and try again."):
        super().__init__(message)


class AlertTransitionError(Exception):
    """The change is not allowed from the alert's current status."""


@dataclass
class Opened:
    alert: Alert
    notification_ids: list[int] = field(default_factory=list)


# --- recommendations ------------------------------------------------------------------


def _top_issues(components: Mapping[str, float | None], keys: tuple[str, ...]) -> list[str]:
    scored = [(k, components.get(k) or 0.0) for k in keys]
    present = [(k, s) for k, s in scored if s >= PRESENT]
    present.sort(key=lambda item: (-item[1], item[0]))
    return [k for k, _ in present[:TOP_ISSUES]]


def recommendations_for(*, measure: str, components: Mapping[str, float | None]) -> list[dict]:
    """Next steps for what fired: the catalogue's advice for a catalogue key, the advice
    of the account's top issues for health and the two sides, short advice of our own
    for the metrics. ``[{"for": key, "advice": text}]``."""
    if measure in CATALOGUE:
        return [{"for": measure, "advice": step} for step in CATALOGUE[measure].next_steps]
    if measure in METRIC_ADVICE:
        return [{"for": measure, "advice": step} for step in METRIC_ADVICE[measure]]
    keys = {
        "customer_side": CUSTOMER_KEYS,
        "vendor_side": VENDOR_KEYS,
    }.get(measure, CUSTOMER_KEYS + VENDOR_KEYS)
    issues = _top_issues(components, keys)
    if not issues:
        return [{"for": measure, "advice": step} for step in GENERIC_ADVICE]
    return [{"for": key, "advice": CATALOGUE[key].advice} for key in issues]


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def condition_text(rule: ThresholdRule) -> str:
    return f"{rule.measure} {Operator(rule.operator).label} {_fmt(rule.value)}"


# --- system transitions ---------------------------------------------------------------


def _event(
    alert: Alert, *, by, from_status: str, to_status: str, note: str, at: dt.datetime
) -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert, at=at, by=by, from_status=from_status, to_status=to_status, note=note
    )


@dataclass(frozen=True)
class Opening:
    """A rule that matched an account's current snapshot with no unresolved alert."""

    account: Account
    rule: ThresholdRule
    snapshot: HealthSnapshot
    value: float | None


def _new_alert(opening: Opening, now: dt.datetime) -> Alert:
    rule, snapshot = opening.rule, opening.snapshot
    return Alert(
        account=opening.account,
        rule=rule,
        measure=rule.measure,
        value=opening.value,
        severity=rule.severity,
        status=AlertStatus.OPEN,
        opened_at=now,
        snapshot=snapshot,
        value_at_risk=opening.account.annual_value,
        recommendations=recommendations_for(
            measure=rule.measure, components=snapshot.components or {}
        ),
    )


def _opening_event(alert: Alert, opening: Opening, now: dt.datetime) -> AlertEvent:
    return AlertEvent(
        alert=alert,
        at=now,
        by=None,
        from_status="",
        to_status=AlertStatus.OPEN,
        note=f"{opening.rule.name}: {condition_text(opening.rule)} (value {_fmt(opening.value)})",
    )


@transaction.atomic
def open_alert(
    *,
    account: Account,
    rule: ThresholdRule,
    snapshot: HealthSnapshot,
    value: float | None,
    now: dt.datetime | None = None,
) -> Opened | None:
    """Open an alert for (account, rule) on ``snapshot``; None when an unresolved one
    exists already (a concurrent evaluation won: the partial unique constraint refused
    our insert inside a savepoint, so the surrounding transaction goes on)."""
    opening = Opening(account=account, rule=rule, snapshot=snapshot, value=value)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            alert = _new_alert(opening, now)
            alert.save(force_insert=True)
    except IntegrityError:
        return None
    return _announce([(alert, opening)], now)[0]


# No savepoint inside the evaluation's transaction (the only caller, which lets any
# error through); the insert that may conflict has its own.
@transaction.atomic(savepoint=False)
def open_alerts(*, openings: Sequence[Opening], now: dt.datetime | None = None) -> list[Opened]:
    """Open many alerts at once (a chunk's evaluation): one insert for the alerts, one
    for their events, one for their outbox rows. When a concurrent evaluation opened
    one of them first, the partial unique constraint refuses the whole insert inside
    its savepoint and they are opened one by one instead, which skips the taken ones."""
    if not openings:
        return []
    now = now or timezone.now()
    try:
        with transaction.atomic():
            alerts = insert_all([_new_alert(o, now) for o in openings])
    except IntegrityError:
        opened = (
            open_alert(account=o.account, rule=o.rule, snapshot=o.snapshot, value=o.value, now=now)
            for o in openings
        )
        return [o for o in opened if o is not None]
    return _announce(list(zip(alerts, openings, strict=True)), now)


def _announce(created: list[tuple[Alert, Opening]], now: dt.datetime) -> list[Opened]:
    """The opening events of freshly inserted alerts and their outbox rows."""
    from signals.notifications import queue_alerts_opened

    events = insert_all([_opening_event(alert, opening, now) for alert, opening in created])
    alerts = [alert for alert, _ in created]
    ids = queue_alerts_opened(pairs=list(zip(alerts, events, strict=True)))
    return [Opened(alert=alert, notification_ids=ids[alert.pk]) for alert in alerts]


@transaction.atomic
def auto_resolve(
    *, alert: Alert, note: str = "condition cleared", now: dt.datetime | None = None
) -> bool:
    """Resolve by the system; False (and nothing written) if someone changed it first."""
    now = now or timezone.now()
    changed = Alert.objects.filter(pk=alert.pk, status=alert.status).update(
        status=AlertStatus.RESOLVED, resolved_at=now, snoozed_until=None
    )
    if changed != 1:
        return False
    _event(
        alert, by=None, from_status=alert.status, to_status=AlertStatus.RESOLVED, note=note, at=now
    )
    alert.status, alert.resolved_at, alert.snoozed_until = AlertStatus.RESOLVED, now, None
    return True


@dataclass
class WakeResult:
    reopened: int = 0
    resolved: int = 0
    notification_ids: list[int] = field(default_factory=list)


def wake_snoozed_alerts(*, now: dt.datetime | None = None) -> WakeResult:
    """Alerts whose snooze ended: open again when the condition still holds on the
    account's current snapshot, otherwise resolve. Each alert in its own transaction."""
    from signals.thresholds import NOT_EVALUATED, matches, measure_value, rule_applies

    now = now or timezone.now()
    result = WakeResult()
    due = Alert.objects.filter(status=AlertStatus.SNOOZED, snoozed_until__lte=now).select_related(
        "rule", "account"
    )
    for alert in due:
        tip = HealthSnapshot.objects.filter(
            account_id=alert.account_id, superseded_by__isnull=True
        ).first()
        value = measure_value(tip.components, alert.rule.measure) if tip else None
        holds = (
            alert.rule.enabled
            and alert.account.status not in NOT_EVALUATED
            and rule_applies(alert.rule, alert.account)
            and matches(value, alert.rule.operator, alert.rule.value)
        )
        if holds:
            ids = _reopen(alert=alert, value=value, snapshot=tip, now=now)
            if ids is not None:
                result.reopened += 1
                result.notification_ids.extend(ids)
        elif auto_resolve(alert=alert, note="condition cleared while snoozed", now=now):
            result.resolved += 1
    return result


@transaction.atomic
def _reopen(
    *, alert: Alert, value: float | None, snapshot: HealthSnapshot | None, now: dt.datetime
) -> list[int] | None:
    from signals.notifications import queue_alert_opened

    changed = Alert.objects.filter(
        pk=alert.pk, status=AlertStatus.SNOOZED, snoozed_until=alert.snoozed_until
    ).update(status=AlertStatus.OPEN, snoozed_until=None, value=value, snapshot=snapshot)
    if changed != 1:
        return None
    event = _event(
        alert,
        by=None,
        from_status=AlertStatus.SNOOZED,
        to_status=AlertStatus.OPEN,
        note=f"snooze ended; still {condition_text(alert.rule)} (value {_fmt(value)})",
        at=now,
    )
    alert.refresh_from_db()
    return queue_alert_opened(alert=alert, event=event)


# --- the navigation's count ----------------------------------------------------------

#: How long the navigation's count may lag behind what others change (a recompute opening
#: alerts, a colleague's triage). The person who changes an alert sees the new count at
#: once: their change clears the counts it touches.
BADGE_SECONDS = 10


def inbox_version() -> str:
    """Names the state of everything the triage inbox sorts and filters on, in one
    cheap statement. Every alert is inserted with its opening event, and every later
    change of status, assignee or snooze appends an event, so the newest alert and
    event ids move with each; accounts' edits (a new owner, a deletion) move the
    accounts' count and latest edit. Rows are loaded fresh on every request; only
    which ids a page holds, and the count, are cached under this."""
    newest_alert, newest_event, accounts, edited = table_stamps(
        (Alert, "id"), (AlertEvent, "id"), (Account, ROWS), (Account, "updated_at")
    )
    return f"{newest_alert}:{newest_event}:{accounts}:{edited}"


def _badge_key(scope: str) -> str:
    return f"nav-alert-count:{scope}"


def badge_count(user) -> int:
    """Alerts wanting attention among the accounts ``user`` may see, as the navigation
    shows it on every page: counted at most once per ``BADGE_SECONDS`` per visible set."""
    if not user or not user.is_authenticated:
        return 0
    return cached(
        _badge_key("all" if sees_all_accounts(user) else f"owner:{user.pk}"),
        lambda: Alert.objects.visible_to(user).filter(status__in=OPEN_ALERT_STATUSES).count(),
        BADGE_SECONDS,
    )


def _forget_badges(alert: Alert) -> None:
    """After this transaction, drop the cached counts that include ``alert``."""
    owner = Account.objects.filter(pk=alert.account_id).values_list("owner_id", flat=True)
    keys = [_badge_key("all"), _badge_key(f"owner:{owner.first()}")]
    transaction.on_commit(lambda: cache.delete_many(keys))


# --- people's transitions -------------------------------------------------------------


def _change(
    alert: Alert,
    *,
    by,
    allowed: tuple[str, ...],
    to_status: str,
    verb: str,
    note: str,
    now: dt.datetime,
    **changes: Any,
) -> Alert:
    """Compare-and-set on the status and every field being changed, then an event."""
    if alert.status not in allowed:
        raise AlertTransitionError(f"A {alert.status} alert cannot be {verb}.")
    seen: dict[str, Any] = {"status": alert.status}
    for name in changes:
        attname = Alert._meta.get_field(name).attname
        seen[attname] = getattr(alert, attname)
    updated = Alert.objects.filter(pk=alert.pk, **seen).update(status=to_status, **changes)
    if updated != 1:
        raise AlertConflict()
    _event(alert, by=by, from_status=alert.status, to_status=to_status, note=note, at=now)
    _forget_badges(alert)
    # A person's decision also goes to the audit trail, next to settings and ownership.
    audit.record(
        by=by,
        action=f"alert.{verb}",
        target=alert,
        label=f"alert {alert.pk}: {alert.measure} on account {alert.account_id}",
        changes=audit.changes_between(
            {"status": alert.status, **{name: getattr(alert, name) for name in changes}},
            {"status": to_status, **changes},
        ),
        note=note,
        at=now,
    )
    alert.refresh_from_db()
    return alert


@transaction.atomic
def acknowledge_alert(*, alert: Alert, by, note: str = "", now: dt.datetime | None = None) -> Alert:
    return _change(
        alert,
        by=by,
        allowed=(AlertStatus.OPEN, AlertStatus.SNOOZED),
        to_status=AlertStatus.ACKNOWLEDGED,
        verb="acknowledged",
        note=note,
        now=now or timezone.now(),
        snoozed_until=None,
    )


@transaction.atomic
def snooze_alert(
    *, alert: Alert, by, until: dt.datetime | None, note: str = "", now: dt.datetime | None = None
) -> Alert:
    """Snooze until a future moment; the wake task reopens or resolves it then."""
    now = now or timezone.now()
    if until is None:
        raise ValidationError({"until": "A date-time is required."})
    if timezone.is_naive(until):
        raise ValidationError({"until": "Give a time zone (e.g. 2026-12-01T09:00:00Z)."})
    if until <= now:
        raise ValidationError({"until": "Must be in the future."})
    return _change(
        alert,
        by=by,
        allowed=UNRESOLVED,
        to_status=AlertStatus.SNOOZED,
        verb="snoozed",
        note=note or f"snoozed until {until.isoformat()}",
        now=now,
        snoozed_until=until,
    )


def _check_resolution(root_cause: str, action_taken: str) -> None:
    errors = {}
    if not root_cause:
        errors["root_cause"] = "A root cause is required."
    elif root_cause not in RootCause.values:
        errors["root_cause"] = (
            f"Unknown root cause {root_cause!r}: use one of {', '.join(RootCause.values)}."
        )
    if not (action_taken or "").strip():
        errors["action_taken"] = "Say what action was taken."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def resolve_alert(
    *,
    alert: Alert,
    by,
    root_cause: str,
    action_taken: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> Alert:
    """Resolve by a person, with a root cause (interfaces.md list) and the action taken."""
    _check_resolution(root_cause, action_taken)
    now = now or timezone.now()
    return _change(
        alert,
        by=by,
        allowed=UNRESOLVED,
        to_status=AlertStatus.RESOLVED,
        verb="resolved",
        note=note,
        now=now,
        root_cause=root_cause,
        action_taken=action_taken.strip(),
        resolved_at=now,
        snoozed_until=None,
    )


def can_be_assigned(*, alert: Alert, user) -> bool:
    """Anyone with a role who can see the account: its owner, managers, admins."""
    if user is None or not user.is_active or role_of(user) is None:
        return False
    return Account.objects.visible_to(user).filter(pk=alert.account_id).exists()


@transaction.atomic
def assign_alert(
    *, alert: Alert, by, assignee, note: str = "", now: dt.datetime | None = None
) -> Alert:
    """Hand the alert to someone; its status does not change, the event records who."""
    if assignee is not None and not can_be_assigned(alert=alert, user=assignee):
        raise ValidationError({"assignee": "This user has no role or cannot see this account."})
    text = f"assigned to {assignee.get_username()}" if assignee else "unassigned"
    return _change(
        alert,
        by=by,
        allowed=UNRESOLVED,
        to_status=alert.status,
        verb="assigned",
        note=f"{text}. {note}".strip() if note else text,
        now=now or timezone.now(),
        assignee=assignee,
    )


def resolve_alerts_for_account(
    *,
    account: Account,
    by,
    root_cause: str = RootCause.OTHER,
    action_taken: str,
    note: str = "",
) -> int:
    """Resolve every unresolved alert of an account (offboarding closes them). Retries
    an alert that changed meanwhile; returns how many this call resolved."""
    _check_resolution(root_cause, action_taken)
    resolved = 0
    for alert_id in list(
        Alert.objects.filter(account=account, status__in=UNRESOLVED).values_list("pk", flat=True)
    ):
        for _attempt in range(3):
            alert = Alert.objects.get(pk=alert_id)
            if alert.status == AlertStatus.RESOLVED:
                break
            try:
                resolve_alert(
                    alert=alert, by=by, root_cause=root_cause, action_taken=action_taken, note=note
                )
                resolved += 1
                break
            except AlertConflict:
                continue
    return resolved
