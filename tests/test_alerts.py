"""Alert transitions: compare-and-set, an event per change, snooze and wake."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from signals import alerts
from signals.models import Alert, AlertStatus
from signals.thresholds import evaluate_accounts
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(alice_account) -> Alert:
    make_rule()
    add_snapshot(alice_account, health=30.0)
    evaluate_accounts(account_ids=[alice_account.pk])
    return Alert.objects.get()


def test_the_event_history_shows_every_transition_with_who_and_when(alert, manager, am_alice):
    alert = alerts.assign_alert(alert=alert, by=manager, assignee=am_alice)
    alert = alerts.acknowledge_alert(alert=alert, by=am_alice, note="on it")
    later = timezone.now() + dt.timedelta(days=2)
    alert = alerts.snooze_alert(alert=alert, by=am_alice, until=later)
    alert = alerts.resolve_alert(
        alert=alert, by=manager, root_cause="misunderstanding", action_taken="Clarified scope"
    )
    history = [
        (e.by.username if e.by else None, e.from_status, e.to_status) for e in alert.events.all()
    ]
    assert history == [
        (None, "", "open"),
        ("maria", "open", "open"),
        ("alice", "open", "acknowledged"),
        ("alice", "acknowledged", "snoozed"),
        ("maria", "snoozed", "resolved"),
    ]
    assert alert.root_cause == "misunderstanding" and alert.action_taken == "Clarified scope"
    assert alert.resolved_at is not None and alert.snoozed_until is None


def test_a_stale_copy_of_an_alert_cannot_overwrite_a_newer_change(alert, manager):
    stale = Alert.objects.get(pk=alert.pk)
    alerts.acknowledge_alert(alert=alert, by=manager)
    with pytest.raises(alerts.AlertConflict):
        alerts.resolve_alert(alert=stale, by=manager, root_cause="other", action_taken="x")
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.ACKNOWLEDGED
    assert alert.events.count() == 2  # the losing write left no event


def test_resolving_requires_a_root_cause_from_the_list_and_the_action_taken(alert, manager):
    with pytest.raises(ValidationError) as caught:
        alerts.resolve_alert(alert=alert, by=manager, root_cause="", action_taken=" ")
    assert set(caught.value.message_dict) == {"root_cause", "action_taken"}
    with pytest.raises(ValidationError) as caught:
        alerts.resolve_alert(alert=alert, by=manager, root_cause="bad_luck", action_taken="x")
    assert set(caught.value.message_dict) == {"root_cause"}


def test_snoozing_into_the_past_is_refused(alert, manager):
    with pytest.raises(ValidationError) as caught:
        alerts.snooze_alert(alert=alert, by=manager, until=timezone.now() - dt.timedelta(hours=1))
    assert "until" in caught.value.message_dict


def test_a_resolved_alert_cannot_be_acknowledged(alert, manager):
    alerts.resolve_alert(alert=alert, by=manager, root_cause="other", action_taken="done")
    with pytest.raises(alerts.AlertTransitionError):
        alerts.acknowledge_alert(alert=Alert.objects.get(pk=alert.pk), by=manager)


def test_an_ended_snooze_reopens_the_alert_when_the_condition_still_holds(alert, manager):
    alerts.snooze_alert(alert=alert, by=manager, until=timezone.now() + dt.timedelta(hours=1))
    result = alerts.wake_snoozed_alerts(now=timezone.now() + dt.timedelta(hours=2))
    alert.refresh_from_db()
    assert (result.reopened, alert.status, alert.snoozed_until) == (1, "open", None)
    assert alert.events.last().from_status == "snoozed"


def test_an_ended_snooze_resolves_the_alert_when_the_condition_cleared(alert, manager):
    alerts.snooze_alert(alert=alert, by=manager, until=timezone.now() + dt.timedelta(hours=1))
    add_snapshot(alert.account, health=90.0)
    # Evaluation resolves a snoozed alert whose condition cleared straight away; without
    # a recompute in between, the wake task does it when the snooze ends.
    result = alerts.wake_snoozed_alerts(now=timezone.now() + dt.timedelta(hours=2))
    alert.refresh_from_db()
    assert (result.resolved, alert.status) == (1, "resolved")
    assert alert.events.last().note == "condition cleared while snoozed"


def test_a_snooze_that_has_not_ended_is_left_alone(alert, manager):
    alerts.snooze_alert(alert=alert, by=manager, until=timezone.now() + dt.timedelta(hours=5))
    assert alerts.wake_snoozed_alerts().reopened == 0
    assert Alert.objects.get().status == "snoozed"


def test_an_alert_can_only_be_assigned_to_someone_who_sees_the_account(alert, manager, am_bob):
    with pytest.raises(ValidationError) as caught:
        alerts.assign_alert(alert=alert, by=manager, assignee=am_bob)
    assert "assignee" in caught.value.message_dict


def test_offboarding_resolves_every_open_alert_of_the_account(alice_account, manager):
    make_rule()
    make_rule(name="Ghost", measure="ghost", operator="gt", value=50)
    other = AccountFactory()
    add_snapshot(alice_account, health=20.0, ghost=80.0)
    add_snapshot(other, health=20.0)
    evaluate_accounts(account_ids=[alice_account.pk, other.pk])
    count = alerts.resolve_alerts_for_account(
        account=alice_account, by=manager, action_taken="Offboarded", note="case 7"
    )
    assert count == 2
    assert set(alice_account.alerts.values_list("status", "root_cause")) == {("resolved", "other")}
    assert other.alerts.get().status == "open"


def test_a_chunk_opens_its_alerts_together_each_with_its_event_and_outbox_row(am_alice, am_bob):
    from signals.models import Notification

    rule = make_rule()
    accounts = [AccountFactory(owner=owner) for owner in (am_alice, am_bob, am_alice)]
    for account in accounts:
        add_snapshot(account, health=20.0)
    outcome = evaluate_accounts(account_ids=[a.pk for a in accounts])
    assert len(outcome.opened) == 3
    for account in accounts:
        opened = Alert.objects.get(account=account, rule=rule)
        assert [(e.from_status, e.to_status) for e in opened.events.all()] == [("", "open")]
        outbox = Notification.objects.get(alert=opened)
        assert outbox.recipient == account.owner and outbox.pk in outcome.notification_ids


def test_a_chunk_whose_alert_was_opened_meanwhile_opens_only_the_others(am_alice):
    """The batch insert is refused whole by the one-open-alert constraint, then each
    alert is opened on its own: the taken one is skipped, nothing is doubled."""
    rule = make_rule()
    taken, fresh = AccountFactory(owner=am_alice), AccountFactory(owner=am_alice)
    openings = [
        alerts.Opening(account=a, rule=rule, snapshot=add_snapshot(a, health=20.0), value=20.0)
        for a in (taken, fresh)
    ]
    first = alerts.open_alert(account=taken, rule=rule, snapshot=openings[0].snapshot, value=20.0)
    opened = alerts.open_alerts(openings=openings)
    assert [o.alert.account_id for o in opened] == [fresh.pk]
    assert Alert.objects.filter(rule=rule).count() == 2
    assert Alert.objects.get(account=taken).pk == first.alert.pk
    assert Alert.objects.get(account=fresh).events.count() == 1
