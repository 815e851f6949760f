"""Browser-facing security: headers and a CSP without inline script on every page, CSRF
on every session-authenticated write, and one account manager never seeing another's
customers in pages, lists, filters or exports."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.browser import open_alert, recorded_account, score

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/accounts/ALICE-001/",
    "/accounts/ALICE-001/timeline/",
    "/alerts/",
    "/alerts/root-causes/",
    "/settings/thresholds/",
    "/settings/thresholds/new/",
    "/settings/weights/",
    "/runs/",
    "/offboarding/",
    "/login/",
    "/api/docs/",
]


@pytest.fixture
def world(am_alice, am_bob, admin_user):
    alice = recorded_account(owner=am_alice, external_id="ALICE-001", name="Alice Co")
    bob = recorded_account(owner=am_bob, external_id="BOB-001", name="Bob Co")
    score(alice, bob)
    return {"alice_alert": open_alert(alice, name="Alice rule"), "bob_alert": open_alert(bob)}


def _logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_strict_csp_and_the_security_headers(world, admin_user, path):
    client = Client() if path == "/login/" else _logged_in(admin_user)
    response = client.get(path)
    assert response.status_code == 200, path
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Permissions-Policy" in response


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_no_inline_script_or_event_handler(world, admin_user, path):
    client = Client() if path == "/login/" else _logged_in(admin_user)
    html = client.get(path).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        # Either a file from this origin or a json_script data block, never code.
        assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
    assert not re.search(r"\son[a-z]+\s*=\s*['\"]", html, flags=re.I), path
    assert "javascript:" not in html.lower(), path


PAGE_WRITES = [
    (
        "/settings/thresholds/new/",
        {"name": "x", "measure": "health", "operator": "lt", "value": "10", "severity": "info"},
    ),  # fmt: skip
    ("/settings/weights/", {"customer_side": "1"}),
    ("/runs/start/", {}),
    ("/logout/", {}),
]


@pytest.mark.parametrize(("path", "data"), PAGE_WRITES)
def test_a_page_write_without_the_csrf_token_is_refused(world, admin_user, path, data):
    response = _logged_in(admin_user, enforce_csrf_checks=True).post(path, data)
    assert response.status_code == 403


def test_a_page_write_with_the_csrf_token_goes_through(world, admin_user):
    client = _logged_in(admin_user, enforce_csrf_checks=True)
    client.get("/settings/thresholds/new/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/settings/thresholds/new/",
        {
            "name": "Low",
            "measure": "health",
            "operator": "lt",
            "value": "10",
            "severity": "info",
            "csrfmiddlewaretoken": token,
        },  # fmt: skip
    )
    assert response.status_code == 302


def test_an_alert_action_without_the_csrf_token_is_refused(world, am_alice):
    alert = world["alice_alert"]
    client = _logged_in(am_alice, enforce_csrf_checks=True)
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "csrf"})
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"


API_WRITES = [
    (
        "post",
        "/api/interactions/",
        {
            "account": "ALICE-001",
            "occurred_at": "2026-03-01",
            "channel": "email",
            "direction": "inbound",
            "kind": "message",
        },
    ),  # fmt: skip
    ("patch", "/api/accounts/ALICE-001/", {"name": "Renamed"}),
    ("post", "/api/thresholds/", {"name": "x", "measure": "health", "operator": "lt", "value": 1}),
]


@pytest.mark.parametrize(("method", "path", "data"), API_WRITES)
def test_an_api_write_on_a_browser_session_needs_the_csrf_token(
    world, admin_user, am_alice, method, path, data
):
    user = admin_user if "thresholds" in path else am_alice
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(user)  # a real session cookie, as a browser has
    assert getattr(session, method)(path, data, format="json").status_code == 403
    # A token is not ambient authority a third-party page can ride on: no CSRF needed.
    from rest_framework.authtoken.models import Token

    token = APIClient(enforce_csrf_checks=True)
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert getattr(token, method)(path, data, format="json").status_code in (200, 201)


EXPORTS = ["/api/accounts/export/", "/api/interactions/export/", "/api/alerts/export/"]


@pytest.mark.parametrize("path", EXPORTS)
def test_exports_never_hold_another_owners_rows(world, api_as, am_bob, path):
    response = api_as(am_bob).get(path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"ALICE-001" not in body and b"Alice Co" not in body
    assert b"BOB-001" in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/accounts/?owner=alice",
        "/api/interactions/?account=ALICE-001",
        "/api/alerts/?account=ALICE-001",
        "/api/accounts/export/?owner=alice",
        "/api/interactions/export/?account=ALICE-001",
        "/api/alerts/export/?account=ALICE-001",
    ],
)
def test_filters_naming_another_owners_account_match_nothing(world, api_as, am_bob, path):
    response = api_as(am_bob).get(path)
    assert response.status_code in (200, 400)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"ALICE-001" not in body and b"Alice Co" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/api/accounts/ALICE-001/",
        "/api/accounts/ALICE-001/health/",
        "/api/accounts/ALICE-001/health/history/",
        "/api/accounts/ALICE-001/contacts/",
        "/accounts/ALICE-001/",
        "/accounts/ALICE-001/timeline/",
    ],
)
def test_another_owners_account_is_a_404_everywhere(world, am_bob, path):
    client = _logged_in(am_bob)
    assert client.get(path).status_code == 404


def test_another_owners_alert_is_a_404_on_page_and_api(world, am_bob, api_as):
    pk = world["alice_alert"].pk
    assert _logged_in(am_bob).get(f"/alerts/{pk}/").status_code == 404
    assert api_as(am_bob).get(f"/api/alerts/{pk}/").status_code == 404
    assert api_as(am_bob).post(f"/api/alerts/{pk}/acknowledge/", {}).status_code == 404


def test_the_portfolio_and_the_inbox_list_only_my_own_accounts(world, am_bob):
    client = _logged_in(am_bob)
    for path in ("/", "/alerts/"):
        html = client.get(path).content
        assert b"Alice Co" not in html and b"ALICE-001" not in html, path
