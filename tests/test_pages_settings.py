"""Settings pages (admins): threshold rules with a live preview, health weights, and the
scoring runs page (managers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEntry
from signals.models import HealthWeights, ScoringRun, ThresholdRule
from tests.browser import recorded_account, score

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scored(am_alice):
    accounts = [
        recorded_account(owner=am_alice, external_id=f"S-{i}", name=f"S{i}", difficult=i % 2 == 0)
        for i in range(3)
    ]
    score(*accounts)
    return accounts


RULE = {
    "name": "Low health",
    "measure": "health",
    "operator": "lte",
    "value": "100",
    "severity": "warning",
    "segment": "",
    "enabled": "on",
    "days": "30",
}


def test_the_preview_shows_matching_accounts_and_past_alerts_before_saving(admin_user, scored):
    response = _client(admin_user).post("/settings/thresholds/preview/", RULE)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["preview"].matching_now == ["S-0", "S-1", "S-2"]
    assert 'data-testid="would-have-fired"' in html
    assert not ThresholdRule.objects.exists()


def test_the_preview_explains_an_invalid_condition(admin_user, scored):
    response = _client(admin_user).post("/settings/thresholds/preview/", {**RULE, "value": "500"})
    assert "outside that range" in response.content.decode()


def test_an_admin_creates_edits_and_disables_a_rule(
    admin_user, scored, django_capture_on_commit_callbacks
):
    client = _client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/thresholds/new/", RULE, follow=True)
    assert "Rule “Low health” created." in response.content.decode()
    rule = ThresholdRule.objects.get()
    assert rule.created_by == admin_user
    assert rule.alerts.count() == 3  # evaluated everywhere right after saving
    client.post(f"/settings/thresholds/{rule.pk}/", {**RULE, "name": "Renamed", "value": "50"})
    rule.refresh_from_db()
    assert (rule.name, rule.value) == ("Renamed", 50)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/settings/thresholds/{rule.pk}/toggle/")
    rule.refresh_from_db()
    assert rule.enabled is False
    assert not rule.alerts.exclude(status="resolved").exists()
    trail = AuditEntry.objects.filter(target_id=str(rule.pk)).order_by("at", "id")
    assert [e.action for e in trail] == [
        "threshold.created",
        "threshold.updated",
        "threshold.updated",
    ]
    assert trail[1].changes["name"] == ["Low health", "Renamed"]
    assert trail[2].changes == {"enabled": [True, False]}
    assert {e.actor for e in trail} == {admin_user.username}


def test_an_invalid_rule_is_refused_with_the_reason_on_the_field(admin_user):
    response = _client(admin_user).post(
        "/settings/thresholds/new/", {**RULE, "measure": "csat", "value": "9"}
    )
    assert response.status_code == 400
    assert "outside that range" in response.content.decode()
    assert not ThresholdRule.objects.exists()


def test_weights_are_saved_and_invalid_weights_are_explained_per_field(admin_user):
    client = _client(admin_user)
    good = {
        "customer_side": "0.4",
        "vendor_side": "0.3",
        "nps": "0.1",
        "csat": "0.1",
        "churn_probability": "0.1",
        "healthy_min": "75",
        "watch_min": "55",
        "at_risk_min": "35",
    }
    client.post("/settings/weights/", good)
    weights = HealthWeights.current()
    assert (weights.customer_side, weights.healthy_min, weights.updated_by) == (0.4, 75, admin_user)
    entry = AuditEntry.objects.get(action="weights.updated")
    assert entry.actor == admin_user.username and "customer_side" in entry.changes
    response = client.post(
        "/settings/weights/", {**good, "vendor_side": "-1", "watch_min": "80", "nps": "abc"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"vendor_side", "watch_min", "nps"}
    assert HealthWeights.current().vendor_side == 0.3


def test_the_runs_page_polls_while_a_run_is_in_progress(manager):
    now = timezone.now()
    ScoringRun.objects.create(
        period_key="done",
        status="succeeded",
        started_at=now - dt.timedelta(days=1),
        finished_at=now - dt.timedelta(days=1),
        chunks_total=4,
        chunks_done=4,
    )
    client = _client(manager)
    assert "hx-trigger" not in client.get("/runs/").content.decode()
    ScoringRun.objects.create(period_key="now", started_at=now, chunks_total=4, chunks_done=1)
    html = client.get("/runs/").content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert '<progress max="100" value="25"' in html
    partial = client.get("/runs/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="runs"' in partial
