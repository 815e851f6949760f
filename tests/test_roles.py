"""Roles are groups made by a migration; pages need a login; owners see their own."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.models import Account
from accounts.roles import is_admin, is_manager, role_of
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_three_role_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "account_manager",
        "manager",
        "admin",
    }


@pytest.mark.django_db
def test_a_superuser_counts_as_admin():
    root = UserFactory(username="root", is_superuser=True)
    assert is_admin(root) and is_manager(root) and role_of(root) == "admin"


def test_roles_are_told_apart(am_alice, manager, admin_user):
    assert role_of(am_alice) == "account_manager" and not is_manager(am_alice)
    assert role_of(manager) == "manager" and is_manager(manager) and not is_admin(manager)
    assert role_of(admin_user) == "admin" and is_manager(admin_user)


def test_account_managers_see_only_their_own_accounts(
    am_alice, am_bob, manager, alice_account, bob_account
):
    assert list(Account.objects.visible_to(am_alice)) == [alice_account]
    assert list(Account.objects.visible_to(am_bob)) == [bob_account]
    assert set(Account.objects.visible_to(manager)) == {alice_account, bob_account}


def test_pages_need_a_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_login_and_logout_work(client, am_alice):
    response = client.post("/login/", {"username": "alice", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_another_owners_account_page_is_a_404(client, am_alice, bob_account, alice_account):
    client.force_login(am_alice)
    assert client.get(f"/accounts/{alice_account.external_id}/").status_code == 200
    assert client.get(f"/accounts/{bob_account.external_id}/").status_code == 404
