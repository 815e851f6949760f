"""The outbox: one email per event, claimed with compare-and-set; escalation; digest."""

from __future__ import annotations

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from signals.alerts import snooze_alert, wake_snoozed_alerts
from signals.models import Alert, Notification
from signals.notifications import (
    RECLAIM_AFTER,
    escalate_critical_alerts,
    queue_daily_digests,
    send_notification,
    send_pending_notifications,
    set_daily_digest,
)
from signals.thresholds import evaluate_accounts
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory
from tests.services import require_postgres


def _open_alert(account, **rule) -> Alert:
    make_rule(**rule)
    add_snapshot(account, health=20.0)
    evaluate_accounts(account_ids=[account.pk])
    return Alert.objects.get(account=account)


@pytest.mark.django_db
def test_an_opened_alert_emails_the_account_owner_exactly_once_however_often_sending_runs(
    alice_account,
):
    _open_alert(alice_account)
    row = Notification.objects.get()
    assert (row.kind, row.recipient.username) == ("opened", "alice")
    assert send_notification(notification_id=row.pk) is True
    assert send_notification(notification_id=row.pk) is False
    assert send_pending_notifications() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.com"]
    assert "Alice's customer" in mail.outbox[0].subject
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1


@pytest.mark.django_db
def test_a_row_claimed_by_a_live_sender_is_not_sent_again(alice_account):
    _open_alert(alice_account)
    row = Notification.objects.get()
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    assert send_pending_notifications() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_claim_abandoned_by_a_crashed_sender_is_taken_over_and_sent_once(alice_account):
    _open_alert(alice_account)
    row = Notification.objects.get()
    crashed_at = timezone.now() - RECLAIM_AFTER - dt.timedelta(minutes=1)
    Notification.objects.filter(pk=row.pk).update(claimed_at=crashed_at, attempts=1)
    assert send_pending_notifications() == 1
    assert send_pending_notifications() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_transport_failure_releases_the_claim_for_a_later_retry(alice_account):
    _open_alert(alice_account)
    row = Notification.objects.get()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")):
        assert send_notification(notification_id=row.pk) is False
    row.refresh_from_db()
    assert row.claimed_at is None and row.sent_at is None and "smtp down" in row.last_error
    assert send_pending_notifications() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_account_without_owner_notifies_the_managers(manager, am_alice):
    _open_alert(AccountFactory(owner=None))
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["maria"]


@pytest.mark.django_db
def test_a_reopened_alert_notifies_its_assignee_again(alice_account, manager):
    from signals.alerts import assign_alert

    alert = _open_alert(alice_account)
    alert = assign_alert(alert=alert, by=manager, assignee=manager)
    snooze_alert(alert=alert, by=manager, until=timezone.now() + dt.timedelta(minutes=5))
    wake_snoozed_alerts(now=timezone.now() + dt.timedelta(minutes=10))
    assert list(
        Notification.objects.order_by("pk").values_list("recipient__username", flat=True)
    ) == ["alice", "maria"]


@pytest.mark.django_db
def test_a_critical_alert_open_too_long_escalates_once(alice_account, manager, settings):
    settings.CRM_CRITICAL_ESCALATION_HOURS = 24
    alert = _open_alert(alice_account, severity="critical")
    assert escalate_critical_alerts() == []  # not yet
    later = timezone.now() + dt.timedelta(hours=25)
    first = escalate_critical_alerts(now=later)
    again = escalate_critical_alerts(now=later + dt.timedelta(hours=5))
    assert again == []
    escalations = Notification.objects.filter(kind="escalated")
    assert sorted(escalations.values_list("recipient__username", flat=True)) == ["alice", "maria"]
    assert sorted(first) == sorted(escalations.values_list("pk", flat=True))
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert alert.events.last().note.startswith("escalated")


@pytest.mark.django_db
def test_a_warning_alert_never_escalates(alice_account, manager):
    _open_alert(alice_account, severity="warning")
    assert escalate_critical_alerts(now=timezone.now() + dt.timedelta(days=30)) == []


@pytest.mark.django_db
def test_the_daily_digest_lists_open_alerts_of_my_accounts_once_a_day(
    alice_account, bob_account, am_alice, am_bob
):
    make_rule()
    for account in (alice_account, bob_account):
        add_snapshot(account, health=20.0)
    evaluate_accounts(account_ids=[alice_account.pk, bob_account.pk])
    set_daily_digest(user=am_alice, enabled=True)
    today = dt.date(2026, 11, 22)
    assert len(queue_daily_digests(today=today)) == 1
    assert queue_daily_digests(today=today) == []
    digest = Notification.objects.get(kind="digest")
    assert digest.recipient == am_alice
    assert "ALICE-001" in digest.body and "BOB-001" not in digest.body
    assert len(queue_daily_digests(today=today + dt.timedelta(days=1))) == 1


@pytest.mark.django_db
def test_no_digest_for_users_who_did_not_ask_or_have_nothing_open(am_alice, am_bob):
    set_daily_digest(user=am_bob, enabled=True)  # Bob has no alerts
    assert queue_daily_digests(today=dt.date(2026, 11, 22)) == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_exactly_one_email_per_row(alice_account):
    require_postgres()
    _open_alert(alice_account)
    row = Notification.objects.get()
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def sender() -> None:
        try:
            barrier.wait()
            results.append(send_notification(notification_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert len(mail.outbox) == 1
