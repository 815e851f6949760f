"""The triage API: alerts/ list, read and the POST state changes (interfaces.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from signals.models import Alert
from signals.thresholds import evaluate_accounts
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts_both(alice_account, bob_account):
    make_rule(name="Low health", severity="warning")
    make_rule(name="Very low health", value=25, severity="critical")
    alice_account.annual_value = 90000
    alice_account.save()
    add_snapshot(alice_account, health=40.0)  # warning only
    add_snapshot(bob_account, health=20.0)  # warning and critical
    evaluate_accounts(account_ids=[alice_account.pk, bob_account.pk])
    return Alert.objects.all()


def _ids(response) -> list[tuple[str, str]]:
    return [(a["account"], a["severity"]) for a in response.json()["results"]]


def test_the_inbox_sorts_by_severity_then_value_at_risk(api_as, manager, alerts_both):
    response = api_as(manager).get("/api/alerts/")
    assert response.status_code == 200
    assert _ids(response) == [
        ("BOB-001", "critical"),
        ("ALICE-001", "warning"),  # 90,000 at risk
        ("BOB-001", "warning"),  # 12,000 at risk
    ]


def test_an_alert_reads_as_interfaces_md_describes_it(api_as, manager, alerts_both):
    alert = Alert.objects.get(account__external_id="ALICE-001")
    body = api_as(manager).get(f"/api/alerts/{alert.pk}/").json()
    assert {
        "id",
        "account",
        "rule",
        "measure",
        "value",
        "severity",
        "status",
        "opened_at",
        "assignee",
        "snoozed_until",
        "resolved_at",
        "root_cause",
        "action_taken",
        "recommendations",
        "events",
    } <= set(body)
    assert body["account"] == "ALICE-001"
    assert body["rule"] == {"id": alert.rule_id, "name": "Low health"}
    assert (body["measure"], body["value"], body["status"]) == ("health", 40.0, "open")
    assert body["events"] == [
        {
            "at": body["events"][0]["at"],
            "by": None,
            "from": None,
            "to": "open",
            "note": body["events"][0]["note"],
        }
    ]
    assert body["recommendations"]


def test_list_filters_by_status_severity_assignee_and_account(api_as, manager, alerts_both):
    client = api_as(manager)
    assert _ids(client.get("/api/alerts/?severity=critical")) == [("BOB-001", "critical")]
    assert len(_ids(client.get("/api/alerts/?account=BOB-001"))) == 2
    assert _ids(client.get("/api/alerts/?status=resolved")) == []
    alert = Alert.objects.get(account__external_id="ALICE-001")
    client.post(f"/api/alerts/{alert.pk}/assign/", {"assignee": "alice"}, format="json")
    assert _ids(client.get("/api/alerts/?assignee=alice")) == [("ALICE-001", "warning")]
    assert client.get("/api/alerts/?severity=panic").status_code == 400


def test_an_account_manager_sees_and_triages_only_their_own_accounts_alerts(
    api_as, am_alice, alerts_both
):
    client = api_as(am_alice)
    assert _ids(client.get("/api/alerts/")) == [("ALICE-001", "warning")]
    bobs = Alert.objects.filter(account__external_id="BOB-001").first()
    assert client.get(f"/api/alerts/{bobs.pk}/").status_code == 404
    assert client.post(f"/api/alerts/{bobs.pk}/acknowledge/").status_code == 404


def test_anonymous_requests_are_refused(api_as, alerts_both):
    assert api_as(None).get("/api/alerts/").status_code in (401, 403)


def test_resolving_without_a_root_cause_is_a_400_naming_the_field(api_as, manager, alerts_both):
    alert = alerts_both.first()
    response = api_as(manager).post(
        f"/api/alerts/{alert.pk}/resolve/", {"action_taken": "Called them"}, format="json"
    )
    assert response.status_code == 400
    assert "root_cause" in response.json()
    response = api_as(manager).post(
        f"/api/alerts/{alert.pk}/resolve/", {"root_cause": "other"}, format="json"
    )
    assert response.status_code == 400 and "action_taken" in response.json()
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_resolving_with_a_root_cause_and_action_records_both(api_as, manager, alerts_both):
    alert = alerts_both.first()
    response = api_as(manager).post(
        f"/api/alerts/{alert.pk}/resolve/",
        {"root_cause": "perceived_injustice", "action_taken": "Refunded the late fee"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["root_cause"], body["action_taken"]) == (
        "resolved",
        "perceived_injustice",
        "Refunded the late fee",
    )
    assert body["events"][-1]["by"] == "maria" and body["events"][-1]["to"] == "resolved"


def test_snoozing_into_the_past_or_without_a_date_is_a_400(api_as, manager, alerts_both):
    alert = alerts_both.first()
    client = api_as(manager)
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    response = client.post(f"/api/alerts/{alert.pk}/snooze/", {"until": past}, format="json")
    assert response.status_code == 400 and "until" in response.json()
    response = client.post(f"/api/alerts/{alert.pk}/snooze/", {}, format="json")
    assert response.status_code == 400 and "until" in response.json()


def test_snooze_then_acknowledge_shows_every_transition(api_as, manager, alerts_both):
    alert = alerts_both.first()
    client = api_as(manager)
    until = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert (
        client.post(f"/api/alerts/{alert.pk}/snooze/", {"until": until}, format="json").status_code
        == 200
    )
    body = client.post(
        f"/api/alerts/{alert.pk}/acknowledge/", {"note": "back"}, format="json"
    ).json()
    assert [(e["from"], e["to"]) for e in body["events"]] == [
        (None, "open"),
        ("open", "snoozed"),
        ("snoozed", "acknowledged"),
    ]
    assert body["snoozed_until"] is None


def test_acknowledging_twice_is_refused_with_a_clear_message(api_as, manager, alerts_both):
    alert = alerts_both.first()
    client = api_as(manager)
    assert client.post(f"/api/alerts/{alert.pk}/acknowledge/").status_code == 200
    response = client.post(f"/api/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == 400
    assert "acknowledged" in response.json()["detail"]


def test_assigning_to_someone_who_cannot_see_the_account_is_a_400(
    api_as, manager, am_bob, alerts_both
):
    alert = Alert.objects.get(account__external_id="ALICE-001")
    client = api_as(manager)
    response = client.post(f"/api/alerts/{alert.pk}/assign/", {"assignee": "bob"}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()
    response = client.post(f"/api/alerts/{alert.pk}/assign/", {"assignee": "nobody"}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()


def test_the_alerts_export_is_csv_with_formulas_neutralised(api_as, manager):
    make_rule(name="=HYPERLINK(evil)")
    account = AccountFactory(external_id="CSV-1")
    add_snapshot(account, health=10.0)
    evaluate_accounts(account_ids=[account.pk])
    response = api_as(manager).get("/api/alerts/export/")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("id,account_id,rule")
    assert "'=HYPERLINK(evil)" in text and "CSV-1" in text
