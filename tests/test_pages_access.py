"""Who may open which page: every page × every role, with the status each must get."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.browser import open_alert, recorded_account, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(am_alice, am_bob, manager, admin_user):
    alice_acc = recorded_account(owner=am_alice, external_id="ALICE-001", name="Alice Co")
    bob_acc = recorded_account(owner=am_bob, external_id="BOB-001", name="Bob Co")
    score(alice_acc, bob_acc)
    alice_alert = open_alert(alice_acc, name="Alice rule")
    bob_alert = open_alert(bob_acc, name="Bob rule")
    return {
        "users": {"alice": am_alice, "bob": am_bob, "manager": manager, "admin": admin_user},
        "alice_alert": alice_alert,
        "bob_alert": bob_alert,
        "rule": alice_alert.rule,
    }


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# page → {role: expected status}; "anon" is not logged in (302 to the login page).
def _matrix(world) -> list[tuple[str, str, int]]:
    a, b, rule = world["alice_alert"].pk, world["bob_alert"].pk, world["rule"].pk
    everyone_200 = {"alice": 200, "bob": 200, "manager": 200, "admin": 200, "anon": 302}
    admin_only = {"alice": 403, "bob": 403, "manager": 403, "admin": 200, "anon": 302}
    managers = {"alice": 403, "bob": 403, "manager": 200, "admin": 200, "anon": 302}
    pages = {
        "/": everyone_200,
        "/accounts/ALICE-001/": {
            "alice": 200,
            "bob": 404,
            "manager": 200,
            "admin": 200,
            "anon": 302,
        },
        "/accounts/BOB-001/": {"alice": 404, "bob": 200, "manager": 200, "admin": 200, "anon": 302},
        "/accounts/NOPE-404/": {
            "alice": 404,
            "bob": 404,
            "manager": 404,
            "admin": 404,
            "anon": 302,
        },
        "/accounts/ALICE-001/timeline/": {
            "alice": 200,
            "bob": 404,
            "manager": 200,
            "admin": 200,
            "anon": 302,
        },
        "/accounts/ALICE-001/health/": {
            "alice": 200,
            "bob": 404,
            "manager": 200,
            "admin": 200,
            "anon": 302,
        },
        "/alerts/": everyone_200,
        f"/alerts/{a}/": {"alice": 200, "bob": 404, "manager": 200, "admin": 200, "anon": 302},
        f"/alerts/{b}/": {"alice": 404, "bob": 200, "manager": 200, "admin": 200, "anon": 302},
        "/alerts/root-causes/": everyone_200,
        "/settings/thresholds/": admin_only,
        "/settings/thresholds/new/": admin_only,
        f"/settings/thresholds/{rule}/": admin_only,
        "/settings/weights/": admin_only,
        "/runs/": managers,
    }
    return [(path, role, status) for path, roles in pages.items() for role, status in roles.items()]


def test_every_page_answers_each_role_with_the_right_status(world):
    failures = []
    for path, role, expected in _matrix(world):
        response = _client(world["users"].get(role)).get(path)
        if response.status_code != expected:
            failures.append(f"{role} GET {path}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_anonymous_visitors_are_sent_to_the_login_page(world):
    response = Client().get("/alerts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_account_manager_cannot_act_on_another_owners_alert(world):
    client = _client(world["users"]["alice"])
    bob_alert = world["bob_alert"]
    response = client.post(f"/alerts/{bob_alert.pk}/acknowledge/", {"note": ""})
    assert response.status_code == 404
    bob_alert.refresh_from_db()
    assert bob_alert.status == "open"


def test_an_account_manager_cannot_log_an_interaction_on_another_owners_account(world):
    client = _client(world["users"]["alice"])
    response = client.post(
        "/accounts/BOB-001/interactions/",
        {
            "occurred_at": "2026-01-01T10:00",
            "direction": "inbound",
            "channel": "email",
            "kind": "message",
            "text": "hello",
        },
    )
    assert response.status_code == 404


def test_non_admins_cannot_change_settings(world):
    client = _client(world["users"]["manager"])
    assert client.post("/settings/weights/", {"customer_side": 1}).status_code == 403
    assert client.post(f"/settings/thresholds/{world['rule'].pk}/toggle/").status_code == 403
    assert client.post("/settings/thresholds/preview/", {}).status_code == 403


def test_the_alerts_badge_counts_only_the_alerts_a_person_may_see(world):
    def badge(user) -> str:
        html = _client(user).get("/").content.decode()
        return re.search(r'<span class="count" aria-label="(\d+) open">', html).group(1)

    users = world["users"]
    assert badge(users["alice"]) == "1"
    assert badge(users["bob"]) == "1"
    assert badge(users["manager"]) == "2"


def _badge_of(client) -> int:
    found = re.search(
        r'<span class="count" aria-label="(\d+) open">', client.get("/").content.decode()
    )
    return int(found.group(1)) if found else 0


def test_the_badge_follows_a_persons_own_triage_at_once_and_others_changes_within_seconds(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache.backends import locmem

    from signals.alerts import BADGE_SECONDS

    manager, alice = _client(world["users"]["manager"]), _client(world["users"]["alice"])
    assert (_badge_of(manager), _badge_of(alice)) == (2, 1)

    # Alice snoozes her alert: her count and the manager's both drop on the next page.
    with django_capture_on_commit_callbacks(execute=True):
        alice.post(f"/alerts/{world['alice_alert'].pk}/snooze/", {"until": "2099-01-01T09:00"})
    assert (_badge_of(manager), _badge_of(alice)) == (1, 0)

    # A recompute opens an alert: the counts may show it up to BADGE_SECONDS late.
    open_alert(world["alice_alert"].account, name="Opened by a recompute")
    assert _badge_of(alice) == 0
    later = locmem.time.time() + BADGE_SECONDS + 1
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert (_badge_of(manager), _badge_of(alice)) == (2, 1)
