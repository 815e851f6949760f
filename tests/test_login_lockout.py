"""Brute-force protection (django-axes) on the login page and the token endpoint, and
API throttling."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory

PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    from axes.models import AccessAttempt

    cache.clear()
    AccessAttempt.objects.all().delete()
    yield
    cache.clear()


def test_five_bad_passwords_lock_the_login_page_even_for_the_right_password(client, am_alice):
    for _ in range(5):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_four_bad_passwords_still_let_the_right_one_in(client, am_alice):
    for _ in range(4):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_a_token_is_issued_for_the_right_password_and_authenticates_the_api(
    am_alice, alice_account
):
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/accounts/").json()["count"] == 1


def test_a_wrong_password_gets_no_token(am_alice):
    response = APIClient().post(
        "/api/auth/token/", {"username": "alice", "password": "nope"}, format="json"
    )
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_five_bad_passwords_lock_the_token_endpoint_too(am_alice):
    client = APIClient()
    for _ in range(5):
        client.post("/api/auth/token/", {"username": "alice", "password": "x"}, format="json")
    response = client.post(
        "/api/auth/token/", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {"detail": "Too many failed login attempts; try again later."}


def test_failures_on_the_token_endpoint_count_towards_the_login_page_lockout(client, am_alice):
    api = APIClient()
    for _ in range(5):
        api.post("/api/auth/token/", {"username": "alice", "password": "x"}, format="json")
    client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_token_request_without_fields_is_a_400_naming_them(db):
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_the_api_throttles_a_user_past_the_rate(monkeypatch, am_alice):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    client = APIClient()
    client.force_authenticate(am_alice)
    codes = [client.get("/api/accounts/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_token_endpoint_is_throttled_per_client(monkeypatch, db):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "2/min", "anon": "100/min"})
    UserFactory(username="carol", role="account_manager")
    client = APIClient()
    codes = [
        client.post(
            "/api/auth/token/", {"username": "carol", "password": PASSWORD}, format="json"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
