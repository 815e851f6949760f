"""Alert triage pages: the inbox order and filters, bulk actions, the alert detail's
acknowledge/snooze/resolve/assign forms (through signals.alerts), root causes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from signals.models import Alert, AlertEvent
from tests.browser import open_alert, recorded_account, score
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alerts(am_alice, am_bob):
    big = recorded_account(owner=am_alice, external_id="A-BIG", name="Big", annual_value=500000)
    small = recorded_account(owner=am_alice, external_id="A-SMALL", name="Small", annual_value=1000)
    bobs = recorded_account(owner=am_bob, external_id="B-1", name="Bobcat")
    score(big, small, bobs)
    return {
        "small_critical": open_alert(small, severity="critical", name="small critical"),
        "big_warning": open_alert(big, severity="warning", name="big warning"),
        "big_critical": open_alert(big, severity="critical", name="big critical"),
        "bob": open_alert(bobs, severity="info", name="bob info"),
    }


def _rows(response) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-alert="(\d+)">', response.content.decode())]


def test_the_inbox_sorts_by_severity_then_value_at_risk(manager, alerts):
    rows = _rows(_client(manager).get("/alerts/"))
    assert rows == [
        alerts["big_critical"].pk,
        alerts["small_critical"].pk,
        alerts["big_warning"].pk,
        alerts["bob"].pk,
    ]


def test_an_account_manager_sees_only_alerts_on_their_accounts(am_alice, alerts):
    rows = _rows(_client(am_alice).get("/alerts/"))
    assert alerts["bob"].pk not in rows
    assert len(rows) == 3


def test_inbox_filters_by_severity_owner_assignee_and_measure(manager, am_bob, alerts):
    client = _client(manager)
    assert _rows(client.get("/alerts/", {"severity": "info"})) == [alerts["bob"].pk]
    assert _rows(client.get("/alerts/", {"owner": am_bob.pk})) == [alerts["bob"].pk]
    assert _rows(client.get("/alerts/", {"assignee": "me"})) == []
    assert len(_rows(client.get("/alerts/", {"measure": "health"}))) == 4
    assert _rows(client.get("/alerts/", {"measure": "ghost"})) == []
    assert _rows(client.get("/alerts/", {"status": "resolved"})) == []


def test_bulk_acknowledge_and_assign_go_through_the_alert_service(manager, alerts):
    client = _client(manager)
    ids = [alerts["big_critical"].pk, alerts["small_critical"].pk]
    response = client.post(
        "/alerts/bulk/", {"action": "acknowledge", "alerts": ids, "next": "/alerts/"}, follow=True
    )
    assert "2 alerts acknowledged." in response.content.decode()
    assert set(Alert.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "acknowledged"
    }
    client.post("/alerts/bulk/", {"action": "assign", "assignee": manager.pk, "alerts": ids})
    assert set(Alert.objects.filter(pk__in=ids).values_list("assignee", flat=True)) == {manager.pk}
    assert AlertEvent.objects.filter(alert_id__in=ids, by=manager).count() == 4


def test_bulk_actions_ignore_alerts_the_user_cannot_see(am_alice, alerts):
    _client(am_alice).post("/alerts/bulk/", {"action": "acknowledge", "alerts": [alerts["bob"].pk]})
    alerts["bob"].refresh_from_db()
    assert alerts["bob"].status == "open"


def test_bulk_assign_without_an_assignee_explains_what_is_missing(manager, alerts):
    response = _client(manager).post(
        "/alerts/bulk/",
        {"action": "assign", "alerts": [alerts["bob"].pk], "next": "/alerts/"},
        follow=True,
    )
    assert "Choose who gets these alerts." in response.content.decode()


def test_an_alert_is_acknowledged_snoozed_and_resolved_with_a_root_cause(am_alice, alerts):
    client = _client(am_alice)
    alert = alerts["big_critical"]
    client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "on it"})
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    client.post(f"/alerts/{alert.pk}/snooze/", {"until": "2099-01-01T09:00"})
    alert.refresh_from_db()
    assert alert.status == "snoozed"
    response = client.post(f"/alerts/{alert.pk}/resolve/", {"root_cause": "", "action_taken": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    client.post(
        f"/alerts/{alert.pk}/resolve/",
        {"root_cause": "perceived_injustice", "action_taken": "Refunded the late fee."},
    )
    alert.refresh_from_db()
    assert (alert.status, alert.root_cause) == ("resolved", "perceived_injustice")
    html = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert html.count("<li><time") == 4  # opened, acknowledged, snoozed, resolved
    assert "Refunded the late fee." in html


def test_snoozing_into_the_past_is_refused_by_the_service_with_its_reason(manager, alerts):
    alert = alerts["bob"]
    response = _client(manager).post(f"/alerts/{alert.pk}/snooze/", {"until": "2000-01-01T09:00"})
    assert response.status_code == 400
    assert "Must be in the future." in response.content.decode()


def test_a_stale_action_reports_the_conflict_instead_of_overwriting(manager, alerts):
    alert = alerts["bob"]
    client = _client(manager)
    client.post(f"/alerts/{alert.pk}/resolve/", {"root_cause": "other", "action_taken": "x"})
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {}, follow=True)
    assert "cannot be acknowledged" in response.content.decode()


def test_root_causes_chart_counts_resolved_alerts(manager, alerts):
    client = _client(manager)
    for key in ("big_critical", "small_critical"):
        client.post(
            f"/alerts/{alerts[key].pk}/resolve/",
            {"root_cause": "misunderstanding", "action_taken": "Clarified the scope."},
        )
    response = client.get("/alerts/root-causes/")
    rows = {r["key"]: r["count"] for r in response.context["rows"]}
    assert rows["misunderstanding"] == 2
    assert '<script id="causes-data" type="application/json">' in response.content.decode()


def test_root_causes_without_data_explains_how_to_get_some(manager):
    html = _client(manager).get("/alerts/root-causes/").content.decode()
    assert "No alert has been resolved with a root cause yet." in html


def test_the_cached_inbox_follows_every_change_it_sorts_or_filters_on(
    manager, am_alice, am_bob, alerts
):
    from django.contrib.auth.models import Group

    from signals.alerts import acknowledge_alert, assign_alert, resolve_alert

    boss, alice = _client(manager), _client(am_alice)
    # Each of these is cached from here on.
    assert len(_rows(boss.get("/alerts/"))) == 4
    assert len(_rows(alice.get("/alerts/"))) == 3
    assert _rows(boss.get("/alerts/", {"status": "acknowledged"})) == []
    assert _rows(boss.get("/alerts/", {"assignee": "me"})) == []
    assert len(_rows(_client(am_bob).get("/alerts/"))) == 1
    am_bob.groups.set([Group.objects.get(name="manager")])  # what he may see changes
    assert len(_rows(_client(am_bob).get("/alerts/"))) == 4
    am_bob.groups.set([Group.objects.get(name="account_manager")])

    resolve_alert(
        alert=alerts["big_critical"], by=manager, root_cause="other", action_taken="called them"
    )
    assert alerts["big_critical"].pk not in _rows(boss.get("/alerts/"))

    target = alerts["big_warning"]
    acknowledge_alert(alert=target, by=manager)
    assert _rows(boss.get("/alerts/", {"status": "acknowledged"})) == [target.pk]
    assign_alert(alert=target, by=manager, assignee=manager)
    assert _rows(boss.get("/alerts/", {"assignee": "me"})) == [target.pk]
    other_manager = UserFactory(username="mo", role="manager")
    assert _rows(_client(other_manager).get("/alerts/", {"assignee": "me"})) == []

    fresh = open_alert(alerts["bob"].account, severity="critical", name="bob critical")
    assert _rows(boss.get("/alerts/"))[0] == fresh.pk

    bobs_account = alerts["bob"].account
    bobs_account.owner = am_alice
    bobs_account.save()
    assert alerts["bob"].pk in _rows(alice.get("/alerts/"))


def test_a_repeated_inbox_request_neither_counts_nor_sorts_the_alerts_again(manager, alerts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(manager)
    with CaptureQueriesContext(connection) as first:
        first_rows = _rows(client.get("/alerts/"))
    with CaptureQueriesContext(connection) as second:
        assert _rows(client.get("/alerts/")) == first_rows

    def alert_reads(queries) -> list[str]:
        # The version's one statement (MAX ids, the accounts' count) is not a read of rows.
        return [
            q["sql"]
            for q in queries
            if 'FROM "signals_alert"' in q["sql"] and 'MAX("id")' not in q["sql"]
        ]

    def counts(queries) -> list[str]:
        return [sql for sql in alert_reads(queries) if sql.startswith("SELECT COUNT(*)")]

    assert counts(first.captured_queries)
    assert not counts(second.captured_queries)
    # The second reads only the page's rows, by id: no sort of every alert first.
    (rows,) = alert_reads(second.captured_queries)
    assert '"signals_alert"."id" IN (' in rows
    assert "ORDER BY" not in rows
