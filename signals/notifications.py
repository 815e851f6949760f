"""Email notifications through an outbox (``Notification`` rows).

Rows are written in the transaction of the event that causes them (an alert opening,
an escalation, a digest) and unique per (recipient, dedupe_key), so an event yields its
messages once however often the code that queues them runs.

Sending claims a row with compare-and-set (``claimed_at`` from null to now), sends it,
then sets ``sent_at``. Delivery guarantee, honestly stated:

* Two senders (a retried task, two workers, the periodic catch-all) never both send a
  row: only one claim succeeds.
* A sender that dies after claiming but before sending leaves a claim without
  ``sent_at``; after ``RECLAIM_AFTER`` another sender reclaims and sends it. So no
  message is lost to a crash (at-least-once across restarts)…
* …and the only way to send one twice is dying in the instant between the mail server
  accepting the message and ``sent_at`` being written, then being reclaimed. Messages
  carry a stable ``Message-ID`` built from the row, so mail clients collapse that rare
  duplicate. We chose this over at-most-once (never reclaim), which would silently drop
  an alert email after any worker crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account
from accounts.vocabulary import Role
from signals.bulk import insert_all
from signals.models import (
    Alert,
    AlertEvent,
    AlertStatus,
    Notification,
    NotificationPreference,
    Severity,
)

#: A claim this old without ``sent_at`` belongs to a sender that died: take it over.
RECLAIM_AFTER = dt.timedelta(minutes=getattr(settings, "CRM_NOTIFICATION_RECLAIM_MINUTES", 15))
#: Give up on a row after this many failed attempts (``last_error`` says why).
MAX_ATTEMPTS = 5


def _site_url(path: str) -> str:
    return settings.CRM_SITE_URL.rstrip("/") + path


def _managers() -> list:
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.MANAGER) | Q(groups__name=Role.ADMIN) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _direct_recipient(alert: Alert):
    """The assignee, else the account owner, if they are active with an email address."""
    for person in (alert.assignee, alert.account.owner):
        if person is not None and person.is_active and person.email:
            return person
    return None


def recipients_for(alert: Alert) -> list:
    """The assignee, else the account owner, else every manager — with an email address."""
    person = _direct_recipient(alert)
    return [person] if person is not None else _managers()


def _queue(
    *, kind: str, alert: Alert | None, recipients: Iterable, key: str, subject: str, body: str
) -> list[int]:
    """Insert one outbox row per recipient; an existing (recipient, key) is left alone."""
    ids = []
    for person in recipients:
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    kind=kind,
                    alert=alert,
                    recipient=person,
                    dedupe_key=key,
                    subject=subject[:200],
                    body=body,
                )
        except IntegrityError:
            continue
        ids.append(row.pk)
    return ids


def _alert_lines(alert: Alert) -> list[str]:
    lines = [
        f"Account: {alert.account.name} ({alert.account.external_id})",
        f"Rule: {alert.rule.name} — {alert.measure} is {alert.value:g}"
        if alert.value is not None
        else f"Rule: {alert.rule.name}",
        f"Severity: {alert.severity}",
        f"Value at risk: {alert.value_at_risk}",
        "",
        "Recommended next steps:",
    ]
    lines += [f"- {r['advice']}" for r in alert.recommendations]
    lines += ["", f"Triage: {_site_url('/alerts/')}?alert={alert.pk}"]
    return lines


def queue_alert_opened(*, alert: Alert, event: AlertEvent) -> list[int]:
    """Outbox rows for an alert that (re)opened; keyed by the event, so a reopen after a
    snooze notifies again but the same event never twice."""
    return queue_alerts_opened(pairs=[(alert, event)])[alert.pk]


def queue_alerts_opened(*, pairs: Sequence[tuple[Alert, AlertEvent]]) -> dict[int, list[int]]:
    """``queue_alert_opened`` for many alerts at once (a chunk's openings): managers are
    loaded once and the rows inserted together. Returns alert id → outbox row ids."""
    managers = None
    planned: list[tuple[Alert, list, str, str, str]] = []
    for alert, event in pairs:
        person = _direct_recipient(alert)
        if person is None and managers is None:
            managers = _managers()
        subject = f"[{alert.severity}] {alert.rule.name}: {alert.account.name}"
        body = "\n".join(["An alert opened.", "", *_alert_lines(alert)])
        key = f"opened:{alert.pk}:{event.pk}"
        planned.append((alert, [person] if person else managers, key, subject, body))
    rows = [
        Notification(
            kind=Notification.Kind.OPENED,
            alert=alert,
            recipient=person,
            dedupe_key=key,
            subject=subject[:200],
            body=body,
        )
        for alert, recipients, key, subject, body in planned
        for person in recipients
    ]
    ids: dict[int, list[int]] = {alert.pk: [] for alert, _event in pairs}
    try:
        # Keys name events that were just written, so none can exist yet; should one
        # (a caller queueing the same event twice), fall back to row-by-row.
        with transaction.atomic():
            for row in insert_all(rows):
                ids[row.alert_id].append(row.pk)
    except IntegrityError:
        for alert, recipients, key, subject, body in planned:
            ids[alert.pk] = _queue(
                kind=Notification.Kind.OPENED,
                alert=alert,
                recipients=recipients,
                key=key,
                subject=subject,
                body=body,
            )
    return ids


# --- sending --------------------------------------------------------------------------


def send_notification(*, notification_id: int, now: dt.datetime | None = None) -> bool:
    """Claim, send and mark one outbox row; False when someone else has it or it is sent.

    Must run outside a transaction: the claim has to be committed before the email
    leaves, or a rollback would un-claim a message that was already delivered.
    """
    now = now or timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at=None, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - RECLAIM_AFTER))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return False
    row = Notification.objects.select_related("recipient").get(pk=notification_id)
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        to=[row.recipient.email],
        headers={
            "Message-ID": f"<notification-{row.pk}.{row.dedupe_key.replace(':', '-')}@crm-health>"
        },
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any transport failure: release, retry later
        Notification.objects.filter(pk=row.pk, claimed_at=now).update(
            claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    Notification.objects.filter(pk=row.pk).update(sent_at=timezone.now(), last_error="")
    return True


def send_pending_notifications(*, limit: int = 500, now: dt.datetime | None = None) -> int:
    """The catch-all: send every unsent row nobody holds (or whose holder died)."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - RECLAIM_AFTER))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_notification(notification_id=pk, now=now) for pk in list(pending))


# --- escalation and digest ------------------------------------------------------------


def escalate_critical_alerts(*, now: dt.datetime | None = None) -> list[int]:
    """Critical alerts open (or acknowledged but unresolved) for longer than
    ``CRM_CRITICAL_ESCALATION_HOURS``: notify the responsible person and the managers,
    once per alert (``escalated_at`` is set by compare-and-set). Snoozed alerts are
    deliberately parked and do not escalate."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.CRM_CRITICAL_ESCALATION_HOURS)
    due = Alert.objects.filter(
        severity=Severity.CRITICAL,
        status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
        opened_at__lte=cutoff,
        escalated_at=None,
    ).select_related("account__owner", "assignee", "rule")
    ids: list[int] = []
    for alert in due:
        ids += _escalate(alert=alert, now=now)
    return ids


@transaction.atomic
def _escalate(*, alert: Alert, now: dt.datetime) -> list[int]:
    claimed = Alert.objects.filter(
        pk=alert.pk, escalated_at=None, status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
    ).update(escalated_at=now)
    if claimed != 1:
        return []
    hours = settings.CRM_CRITICAL_ESCALATION_HOURS
    AlertEvent.objects.create(
        alert=alert,
        at=now,
        by=None,
        from_status=alert.status,
        to_status=alert.status,
        note=f"escalated: critical and unresolved for more than {hours} h",
    )
    people = {p.pk: p for p in [*recipients_for(alert), *_managers()]}
    return _queue(
        kind=Notification.Kind.ESCALATED,
        alert=alert,
        recipients=people.values(),
        key=f"escalated:{alert.pk}",
        subject=f"[escalated] {alert.rule.name}: {alert.account.name} still open after {hours} h",
        body="\n".join(
            [f"A critical alert has been open for more than {hours} hours.", ""]
            + _alert_lines(alert)
        ),
    )


def set_daily_digest(*, user, enabled: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": enabled}
    )
    return preference


def queue_daily_digests(*, today: dt.date | None = None) -> list[int]:
    """One digest per opted-in user per day listing the open alerts of the accounts they
    see (their own for account managers, all for managers); nothing when none are open."""
    today = today or timezone.localdate()
    ids: list[int] = []
    preferences = NotificationPreference.objects.filter(
        daily_digest=True, user__is_active=True
    ).exclude(user__email="")
    for preference in preferences.select_related("user"):
        user = preference.user
        alerts = list(
            Alert.objects.filter(
                account__in=Account.objects.visible_to(user),
                status__in=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
            )
            .select_related("account", "rule")
            .order_by("account__name", "pk")
        )
        if not alerts:
            continue
        lines = [f"{len(alerts)} open alert(s) on your accounts:", ""]
        lines += [
            f"- [{a.severity}] {a.account.name} ({a.account.external_id}): {a.rule.name}"
            f" — {a.status} since {a.opened_at:%Y-%m-%d}"
            for a in alerts
        ]
        lines += ["", f"Triage: {_site_url('/alerts/')}"]
        ids += _queue(
            kind=Notification.Kind.DIGEST,
            alert=None,
            recipients=[user],
            key=f"digest:{today.isoformat()}",
            subject=f"crm-health: {len(alerts)} open alert(s) — {today:%d %b %Y}",
            body="\n".join(lines),
        )
    return ids
