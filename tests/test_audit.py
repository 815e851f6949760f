"""The audit trail: who changed thresholds, weights, ownership and alert states, when,
from what to what — readable by admins, and append-only."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from accounts.models import AuditEntry
from accounts.services import change_owner
from signals.alerts import acknowledge_alert, resolve_alert
from signals.models import HealthWeights, ThresholdRule
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

RULE = {"name": "Ghosting", "measure": "ghost", "operator": "gte", "value": 70}


@pytest.fixture
def superuser(db):
    """The Django admin is for staff; the operator who runs it is a superuser."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_creating_changing_and_deleting_a_threshold_through_the_api_is_audited(api_as, admin_user):
    api = api_as(admin_user)
    created = api.post("/api/thresholds/", RULE, format="json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert api.patch(f"/api/thresholds/{rule_id}/", {"value": 80}, format="json").status_code == 200
    assert api.delete(f"/api/thresholds/{rule_id}/").status_code == 204

    (made,) = _entries("threshold.created")
    assert (made.actor, made.target_id) == ("ada", str(rule_id))
    assert made.changes["measure"] == [None, "ghost"]
    (changed,) = _entries("threshold.updated")
    assert changed.changes == {"value": [70.0, 80.0]}
    (deleted,) = _entries("threshold.deleted")
    assert deleted.changes["value"] == [80.0, None]


def test_an_update_that_changes_nothing_leaves_no_entry(api_as, admin_user):
    rule = make_rule(**RULE)
    response = api_as(admin_user).patch(f"/api/thresholds/{rule.pk}/", {"value": 70}, format="json")
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="threshold.updated").exists()


def test_a_rejected_threshold_leaves_no_entry(api_as, admin_user):
    response = api_as(admin_user).post(
        "/api/thresholds/", {**RULE, "measure": "vibes"}, format="json"
    )
    assert response.status_code == 400
    assert not AuditEntry.objects.exists()


def test_changing_the_weights_in_the_admin_records_old_and_new_values(superuser):
    HealthWeights.current()
    client = Client()
    client.force_login(superuser)
    form = {
        "customer_side": 0.5,
        "vendor_side": 0.25,
        "nps": 0.15,
        "csat": 0.10,
        "churn_probability": 0.20,
        "healthy_min": 70,
        "watch_min": 50,
        "at_risk_min": 30,
        "key_weights": "{}",
    }
    response = client.post("/admin/signals/healthweights/1/change/", form)
    assert response.status_code == 302, response.content[:2000]
    (entry,) = _entries("weights.updated")
    assert entry.actor == "root"
    assert entry.changes == {"customer_side": [0.3, 0.5]}


def test_a_threshold_changed_in_the_admin_is_audited(superuser):
    rule = make_rule(**RULE)
    client = Client()
    client.force_login(superuser)
    form = {**RULE, "value": 60, "severity": "critical", "segment": "", "enabled": "on"}
    response = client.post(f"/admin/signals/thresholdrule/{rule.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    (entry,) = _entries("threshold.updated")
    assert entry.changes == {"value": [70.0, 60.0], "severity": ["warning", "critical"]}


def test_reassigning_an_account_records_who_moved_it_from_whom_to_whom(
    manager, am_alice, am_bob, alice_account
):
    change_owner(account=alice_account, owner=am_bob, by=manager)
    (entry,) = _entries("account.owner_changed")
    assert (entry.actor, entry.target_label) == ("maria", str(alice_account))
    assert entry.changes == {"owner": ["alice", "bob"]}


def test_reassigning_through_the_api_is_audited_too(api_as, manager, am_bob, alice_account):
    response = api_as(manager).patch(
        f"/api/accounts/{alice_account.external_id}/", {"owner": "bob"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _entries("account.owner_changed")[0].changes == {"owner": ["alice", "bob"]}


def test_an_account_manager_cannot_give_an_account_away_and_nothing_is_recorded(
    am_alice, am_bob, alice_account
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        change_owner(account=alice_account, owner=am_bob, by=am_alice)
    assert not AuditEntry.objects.exists()


def test_peoples_alert_transitions_are_audited_but_the_systems_are_not(manager):
    account = AccountFactory(external_id="AUD-1")
    add_snapshot(account, health=20.0)
    rule = make_rule(name="Low", measure="health", operator="lt", value=50)
    from signals.thresholds import evaluate_accounts

    (alert,) = evaluate_accounts(account_ids=[account.pk]).opened
    assert not AuditEntry.objects.exists()  # the system opened it: AlertEvent only
    alert = acknowledge_alert(alert=alert, by=manager, note="on it")
    resolve_alert(alert=alert, by=manager, root_cause="misunderstanding", action_taken="Called")
    acked, resolved = _entries("alert.acknowledged"), _entries("alert.resolved")
    assert acked[0].changes["status"] == ["open", "acknowledged"]
    assert acked[0].note == "on it"
    assert resolved[0].changes["status"] == ["acknowledged", "resolved"]
    assert resolved[0].changes["root_cause"] == ["", "misunderstanding"]
    assert rule.pk and all(e.actor == "maria" for e in acked + resolved)


def test_the_trail_cannot_be_changed_or_deleted_through_the_app(admin_user):
    make_rule(**RULE)
    from signals.thresholds import update_rule

    update_rule(rule=ThresholdRule.objects.get(), by=admin_user, value=90)
    entry = AuditEntry.objects.get()
    entry.note = "nothing happened"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(note="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_postgresql_itself_refuses_to_update_or_delete_an_entry(admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    from signals.thresholds import create_rule

    create_rule(by=admin_user, **RULE)
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET note = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 1


def test_admins_read_the_trail_and_nobody_can_add_change_or_delete_there(
    superuser, admin_user, manager
):
    from signals.thresholds import create_rule

    create_rule(by=admin_user, **RULE)
    entry = AuditEntry.objects.get()
    admin = Client()
    admin.force_login(superuser)
    listing = admin.get("/admin/accounts/auditentry/")
    assert listing.status_code == 200 and b"threshold.created" in listing.content
    assert admin.get("/admin/accounts/auditentry/add/").status_code == 403
    assert admin.post(f"/admin/accounts/auditentry/{entry.pk}/delete/").status_code == 403
    detail = admin.get(f"/admin/accounts/auditentry/{entry.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    other = Client()
    other.force_login(manager)
    assert other.get("/admin/accounts/auditentry/").status_code in (302, 403)
