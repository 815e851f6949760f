"""thresholds/: admins only, validated rules, and the preview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from signals.models import Alert, ThresholdRule
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Ghosting",
    "measure": "ghost",
    "operator": "gte",
    "value": 70,
    "severity": "critical",
}


def test_an_admin_creates_reads_updates_and_deletes_a_rule(api_as, admin_user):
    client = api_as(admin_user)
    created = client.post("/api/thresholds/", RULE, format="json")
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    assert client.get(f"/api/thresholds/{rule_id}/").json()["measure"] == "ghost"
    updated = client.patch(f"/api/thresholds/{rule_id}/", {"value": 80}, format="json")
    assert updated.status_code == 200 and updated.json()["value"] == 80
    assert client.delete(f"/api/thresholds/{rule_id}/").status_code == 204
    assert not ThresholdRule.objects.exists()


@pytest.mark.parametrize("role", ["manager", "am_alice"])
def test_managers_and_account_managers_may_not_touch_rules(api_as, role, request):
    client = api_as(request.getfixturevalue(role))
    assert client.get("/api/thresholds/").status_code == 403
    assert client.post("/api/thresholds/", RULE, format="json").status_code == 403
    assert (
        client.post("/api/thresholds/preview/", {**RULE, "days": 7}, format="json").status_code
        == 403
    )


def test_anonymous_requests_are_refused(api_as):
    assert api_as(None).get("/api/thresholds/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"measure": "mood"}, "measure"),
        ({"operator": "eq"}, "operator"),
        ({"severity": "panic"}, "severity"),
        ({"value": 150}, "value"),
        ({"value": "lots"}, "value"),
    ],
)
def test_an_invalid_rule_is_a_400_naming_the_field(api_as, admin_user, change, field):
    response = api_as(admin_user).post("/api/thresholds/", {**RULE, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_partial_update_is_validated_against_the_whole_rule(api_as, admin_user):
    rule = make_rule(measure="churn_probability", operator="gt", value=0.5)
    response = api_as(admin_user).patch(f"/api/thresholds/{rule.pk}/", {"value": 50}, format="json")
    assert response.status_code == 400 and "value" in response.json()


def test_a_rule_that_fired_cannot_be_deleted_only_disabled(
    api_as, admin_user, django_capture_on_commit_callbacks
):
    rule = make_rule()
    account = AccountFactory()
    add_snapshot(account, health=20.0)
    from signals.thresholds import evaluate_accounts

    evaluate_accounts(account_ids=[account.pk])
    client = api_as(admin_user)
    assert client.delete(f"/api/thresholds/{rule.pk}/").status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(f"/api/thresholds/{rule.pk}/", {"enabled": False}, format="json")
    assert response.status_code == 200
    assert Alert.objects.get().status == "resolved"


def test_a_saved_rule_is_evaluated_on_every_account_straight_away(
    api_as, admin_user, django_capture_on_commit_callbacks
):
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        add_snapshot(account, ghost=85.0)
    with django_capture_on_commit_callbacks(execute=True):
        api_as(admin_user).post("/api/thresholds/", RULE, format="json")
    assert Alert.objects.count() == 3


def test_the_preview_answers_what_the_rule_matches_now_and_would_have_raised(api_as, admin_user):
    now = timezone.now()
    quiet, ghosting = AccountFactory(external_id="Q-1"), AccountFactory(external_id="G-1")
    add_snapshot(quiet, at=now - dt.timedelta(days=3), ghost=10.0)
    add_snapshot(ghosting, at=now - dt.timedelta(days=6), ghost=75.0)
    add_snapshot(ghosting, at=now - dt.timedelta(days=4), ghost=30.0)
    add_snapshot(ghosting, at=now - dt.timedelta(days=1), ghost=90.0)
    response = api_as(admin_user).post(
        "/api/thresholds/preview/", {**RULE, "days": 7}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"matching_now": ["G-1"], "would_have_fired": 2}
    assert not ThresholdRule.objects.exists() and not Alert.objects.exists()


def test_the_preview_validates_the_rule_and_the_days(api_as, admin_user):
    client = api_as(admin_user)
    response = client.post("/api/thresholds/preview/", {**RULE, "measure": "mood"}, format="json")
    assert response.status_code == 400 and "measure" in response.json()
    response = client.post("/api/thresholds/preview/", {**RULE, "days": 0}, format="json")
    assert response.status_code == 400 and "days" in response.json()
