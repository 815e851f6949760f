"""Named actors shared by every test: two account managers, a manager and an admin."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import AccountFactory, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (cached pages are keyed by data versions,
    and rolled-back ids may repeat between tests on SQLite)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def am_alice(db):
    """An account manager who owns some accounts."""
    return UserFactory(username="alice", role="account_manager")


@pytest.fixture
def am_bob(db):
    """Another account manager, who must never see Alice's accounts."""
    return UserFactory(username="bob", role="account_manager")


@pytest.fixture
def manager(db):
    return UserFactory(username="maria", role="manager")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role="admin")


@pytest.fixture
def alice_account(am_alice):
    return AccountFactory(external_id="ALICE-001", name="Alice's customer", owner=am_alice)


@pytest.fixture
def bob_account(am_bob):
    return AccountFactory(external_id="BOB-001", name="Bob's customer", owner=am_bob)


def _client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def api_as():
    """``api_as(user)`` returns an API client authenticated as that user (None: anonymous)."""
    return _client_for
