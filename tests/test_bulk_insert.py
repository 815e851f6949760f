"""insert_all: COPY on PostgreSQL, bulk_create elsewhere — same rows, same errors."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from signals.bulk import insert_all
from signals.models import Alert, AlertEvent, Notification
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _alert(account, rule, snapshot) -> Alert:
    return Alert(
        account=account,
        rule=rule,
        measure=rule.measure,
        value=12.5,
        severity=rule.severity,
        opened_at=snapshot.computed_at,
        snapshot=snapshot,
        recommendations=[{"for": "health", "advice": 'Say "sorry", then \\ fix it.\tNow'}],
    )


def test_rows_come_back_saved_with_their_ids_and_read_back_exactly(am_alice):
    rule = make_rule()
    accounts = [AccountFactory(owner=am_alice) for _ in range(3)]
    saved = insert_all([_alert(a, rule, add_snapshot(a, health=10.0)) for a in accounts])
    assert all(a.pk for a in saved) and len({a.pk for a in saved}) == 3
    for alert in saved:
        stored = Alert.objects.get(pk=alert.pk)
        assert stored.account_id == alert.account_id and stored.value == 12.5
        assert stored.recommendations == alert.recommendations  # quotes, backslash, tab
    events = insert_all(
        [AlertEvent(alert=a, at=a.opened_at, from_status="", to_status="open") for a in saved]
    )
    assert [e.alert_id for e in events] == [a.pk for a in saved]
    # Fields filled on save (auto_now_add) are filled here too.
    outbox = insert_all(
        [
            Notification(
                kind="opened",
                alert=saved[0],
                recipient=am_alice,
                dedupe_key="k",
                subject="s",
                body="b",
            )
        ]
    )
    assert Notification.objects.get(pk=outbox[0].pk).created_at is not None


def test_a_constraint_violation_is_an_integrity_error_and_writes_nothing(am_alice):
    rule = make_rule()
    account = AccountFactory(owner=am_alice)
    snapshot = add_snapshot(account, health=10.0)
    insert_all([_alert(account, rule, snapshot)])
    other = AccountFactory(owner=am_alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        # The second row repeats an open (account, rule): the batch is refused whole.
        insert_all([_alert(other, rule, snapshot), _alert(account, rule, snapshot)])
    assert Alert.objects.filter(account=other).count() == 0


def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_all([]) == []
