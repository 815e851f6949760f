"""The accounts API: list with filters and ordering, create, read, update; contacts and
contracts under an account; health and its history; who may change what."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Account, Contract
from signals.models import AccountHealth, HealthSnapshot
from tests.factories import AccountFactory, ContactFactory, ContractFactory, UserFactory


def _score(account: Account, *, health: float, band: str, when: dt.datetime, previous=None):
    """A snapshot chain link and the current-health row, as a recompute writes them."""
    document = {
        "account": account.external_id,
        "computed_at": when.isoformat().replace("+00:00", "Z"),
        "health": health,
        "band": band,
        "customer_side": 100 - health,
        "vendor_side": 10.0,
        "archetypes": [{"key": "ghost", "score": 100 - health, "evidence": []}],
        "traits": [],
        "warning_signs": [],
        "vendor_signs": [],
        "metrics": {"nps": None, "csat": 4.0, "churn_probability": 0.2, "clv": 1000.0},
        "recommendations": [],
    }
    snapshot = HealthSnapshot.objects.create(
        account=account,
        supersedes=previous,
        computed_at=when,
        health=health,
        band=band,
        customer_side=100 - health,
        vendor_side=10.0,
        csat=4.0,
        churn_probability=0.2,
        clv=1000.0,
        components={"health": health, "ghost": 100 - health, "customer_side": 100 - health},
        document=document,
        fingerprint=f"{account.pk}-{health}",
    )
    AccountHealth.objects.update_or_create(
        account=account,
        defaults={
            "snapshot": snapshot,
            "computed_at": when,
            "health": health,
            "band": band,
            "customer_side": 100 - health,
            "vendor_side": 10.0,
            "top_customer_issue": "ghost",
            "csat": 4.0,
            "churn_probability": 0.2,
            "clv": 1000.0,
        },
    )
    return snapshot


T0 = dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)


# --- reading ------------------------------------------------------------------------------


def test_an_account_manager_lists_only_their_own_accounts(
    api_as, am_alice, alice_account, bob_account
):
    response = api_as(am_alice).get("/api/accounts/")
    assert response.status_code == 200
    assert [a["external_id"] for a in response.json()["results"]] == ["ALICE-001"]


def test_a_manager_lists_every_account(api_as, manager, alice_account, bob_account):
    response = api_as(manager).get("/api/accounts/")
    assert {a["external_id"] for a in response.json()["results"]} == {"ALICE-001", "BOB-001"}


def test_an_account_shows_its_current_health_read_only(api_as, am_alice, alice_account):
    _score(alice_account, health=62.5, band="watch", when=T0)
    body = api_as(am_alice).get("/api/accounts/ALICE-001/").json()
    assert body["owner"] == "alice"
    assert body["current_health"]["health"] == 62.5
    assert body["current_health"]["band"] == "watch"
    assert body["current_health"]["top_customer_issue"] == "ghost"
    assert body["current_health"]["metrics"] == {
        "nps": None,
        "csat": 4.0,
        "churn_probability": 0.2,
        "clv": 1000.0,
    }


def test_an_unscored_account_has_null_current_health(api_as, am_alice, alice_account):
    assert api_as(am_alice).get("/api/accounts/ALICE-001/").json()["current_health"] is None


def test_another_owners_account_is_a_404_not_a_403(api_as, am_alice, bob_account):
    response = api_as(am_alice).get("/api/accounts/BOB-001/")
    assert response.status_code == 404


def test_accounts_filter_by_owner_segment_band_and_status(api_as, manager, am_alice, am_bob):
    a = AccountFactory(external_id="A", owner=am_alice, segment="smb")
    b = AccountFactory(external_id="B", owner=am_bob, segment="enterprise")
    c = AccountFactory(
        external_id="C",
        owner=am_bob,
        segment="smb",
        status="churned",
        churned_at=dt.date(2025, 1, 1),
    )
    _score(a, health=80, band="healthy", when=T0)
    _score(b, health=20, band="critical", when=T0)
    client = api_as(manager)

    def ids(query: str) -> set[str]:
        response = client.get(f"/api/accounts/?{query}")
        assert response.status_code == 200, response.json()
        return {x["external_id"] for x in response.json()["results"]}

    assert ids("owner=bob") == {"B", "C"}
    assert ids("segment=smb") == {"A", "C"}
    assert ids("band=critical") == {"B"}
    assert ids("status=churned") == {"C"}
    assert ids("search=b") == {"B"}
    del c


def test_accounts_order_by_health_with_unscored_accounts_last(api_as, manager):
    a, b, c = (
        AccountFactory(external_id=x, annual_value=v) for x, v in (("A", 5), ("B", 9), ("C", 1))
    )
    _score(a, health=80, band="healthy", when=T0)
    _score(b, health=20, band="critical", when=T0)
    client = api_as(manager)

    def order(param: str) -> list[str]:
        return [
            x["external_id"]
            for x in client.get(f"/api/accounts/?ordering={param}").json()["results"]
        ]

    assert order("health") == ["B", "A", "C"]
    assert order("-health") == ["A", "B", "C"]
    assert order("-annual_value") == ["B", "A", "C"]
    del c


def test_an_unknown_ordering_is_a_400_naming_the_choices(api_as, manager):
    response = api_as(manager).get("/api/accounts/?ordering=password")
    assert response.status_code == 400
    assert "health" in response.json()["ordering"][0]


def test_an_invalid_band_filter_is_a_400_naming_band(api_as, manager):
    response = api_as(manager).get("/api/accounts/?band=splendid")
    assert response.status_code == 400 and "band" in response.json()


def test_a_page_that_is_not_a_number_is_a_400_and_a_huge_page_size_is_capped(
    api_as, manager, alice_account
):
    client = api_as(manager)
    assert client.get("/api/accounts/?page=abc").status_code == 400
    assert client.get("/api/accounts/?page=99").status_code == 404
    assert client.get(f"/api/accounts/?page_size={10**9}").status_code == 200


# --- creating and changing ----------------------------------------------------------------


def test_an_account_manager_creating_an_account_becomes_its_owner(api_as, am_alice):
    response = api_as(am_alice).post(
        "/api/accounts/",
        {"external_id": "NEW-1", "name": "New customer", "annual_value": "1200.50"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == "alice"
    assert response.json()["annual_value"] == "1200.50"
    assert Account.objects.get(external_id="NEW-1").owner == am_alice


def test_creating_an_account_marks_it_for_scoring(api_as, am_alice):
    api_as(am_alice).post("/api/accounts/", {"external_id": "NEW-1", "name": "N"}, format="json")
    assert Account.objects.get(external_id="NEW-1").scores_dirty_since is not None


def test_an_account_manager_may_not_assign_an_account_to_someone_else(
    api_as, am_alice, am_bob, alice_account
):
    client = api_as(am_alice)
    created = client.post(
        "/api/accounts/", {"external_id": "NEW-1", "name": "N", "owner": "bob"}, format="json"
    )
    assert created.status_code == 400 and "owner" in created.json()
    changed = client.patch("/api/accounts/ALICE-001/", {"owner": "bob"}, format="json")
    assert changed.status_code == 400 and "owner" in changed.json()
    alice_account.refresh_from_db()
    assert alice_account.owner == am_alice


def test_a_manager_assigns_an_owner_by_username(api_as, manager, am_bob, alice_account):
    response = api_as(manager).patch("/api/accounts/ALICE-001/", {"owner": "bob"}, format="json")
    assert response.status_code == 200 and response.json()["owner"] == "bob"


def test_an_unknown_owner_is_refused_naming_the_username(api_as, manager, alice_account):
    response = api_as(manager).patch("/api/accounts/ALICE-001/", {"owner": "nobody"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"owner": ["'nobody' is not an existing username."]}


def test_a_manager_marks_an_account_churned_with_a_date_and_reactivates_it(
    api_as, manager, alice_account
):
    client = api_as(manager)
    missing = client.patch("/api/accounts/ALICE-001/", {"status": "churned"}, format="json")
    assert missing.status_code == 400 and "churned_at" in missing.json()
    churned = client.patch(
        "/api/accounts/ALICE-001/", {"status": "churned", "churned_at": "2026-02-01"}, format="json"
    )
    assert churned.status_code == 200 and churned.json()["churned_at"] == "2026-02-01"
    active = client.patch("/api/accounts/ALICE-001/", {"status": "active"}, format="json")
    assert active.json()["status"] == "active" and active.json()["churned_at"] is None


def test_offboarding_statuses_are_not_set_through_the_accounts_api(
    api_as, admin_user, alice_account
):
    response = api_as(admin_user).patch(
        "/api/accounts/ALICE-001/", {"status": "offboarded"}, format="json"
    )
    assert response.status_code == 400 and "offboarding workflow" in response.json()["status"][0]


def test_an_account_manager_may_not_change_the_status(api_as, am_alice, alice_account):
    response = api_as(am_alice).patch(
        "/api/accounts/ALICE-001/", {"status": "churned", "churned_at": "2026-02-01"}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()


def test_the_owner_changes_name_segment_and_value(api_as, am_alice, alice_account):
    response = api_as(am_alice).patch(
        "/api/accounts/ALICE-001/",
        {"name": "Renamed", "segment": "enterprise", "annual_value": 5000},
        format="json",
    )
    assert response.status_code == 200
    alice_account.refresh_from_db()
    assert (alice_account.name, alice_account.segment, str(alice_account.annual_value)) == (
        "Renamed",
        "enterprise",
        "5000.00",
    )


def test_a_put_replaces_the_account_and_external_id_cannot_change(api_as, am_alice, alice_account):
    client = api_as(am_alice)
    ok = client.put(
        "/api/accounts/ALICE-001/", {"external_id": "ALICE-001", "name": "P"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["name"] == "P"
    moved = client.put(
        "/api/accounts/ALICE-001/", {"external_id": "ALICE-XYZ", "name": "P"}, format="json"
    )
    assert moved.status_code == 400 and "external_id" in moved.json()


def test_a_taken_external_id_is_refused(api_as, am_alice, bob_account):
    response = api_as(am_alice).post(
        "/api/accounts/", {"external_id": "BOB-001", "name": "Again"}, format="json"
    )
    assert response.status_code == 400 and "external_id" in response.json()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"name": "x"}, "external_id", "This field is required."),
        (
            {"external_id": "a/b", "name": "x"},
            "external_id",
            "'a/b' may not contain slashes or control characters.",
        ),
        ({"external_id": "X", "name": "   "}, "name", "This field is required."),
        ({"external_id": "X", "name": "a\x00b"}, "name", "'a\\x00b' contains a NUL character."),
        (
            {"external_id": "X", "name": "n", "annual_value": -5},
            "annual_value",
            "'-5' must not be negative.",
        ),
        (
            {"external_id": "X", "name": "n", "annual_value": "lots"},
            "annual_value",
            "'lots' is not a number.",
        ),
        (
            {"external_id": "X", "name": "n", "annual_value": [1]},
            "annual_value",
            "This field must be a number or a decimal string, not a list.",
        ),
        (
            {"external_id": "X", "name": "n", "started_at": "yesterday"},
            "started_at",
            "'yesterday' is not an ISO 8601 date (YYYY-MM-DD).",
        ),
        (
            {"external_id": "X", "name": "n", "status": "gone"},
            "status",
            "'gone' must be one of: active, churned, offboarding, offboarded.",
        ),
        ({"external_id": "X", "name": 12}, "name", "This field must be a string, not a number."),
        ({"external_id": "X", "name": "n" * 201}, "name", None),
    ],
)
def test_a_bad_account_field_is_a_400_naming_it_in_the_imports_words(
    api_as, am_alice, payload, field, message
):
    response = api_as(am_alice).post("/api/accounts/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    if message:
        assert errors[field] == [message]


def test_malformed_json_is_a_400(api_as, am_alice):
    response = api_as(am_alice).post(
        "/api/accounts/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_lookup_with_a_nul_byte_is_a_404(api_as, manager):
    assert api_as(manager).get("/api/accounts/A%00B/").status_code == 404


# --- contacts and contracts --------------------------------------------------------------


def test_the_owner_adds_and_changes_contacts(api_as, am_alice, alice_account):
    client = api_as(am_alice)
    created = client.post(
        "/api/accounts/ALICE-001/contacts/",
        {"name": "Dana", "email": "dana@customer.example", "role": "CTO"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    contact_id = created.json()["id"]
    again = client.post("/api/accounts/ALICE-001/contacts/", {"name": "Dana"}, format="json")
    assert again.status_code == 400 and "name" in again.json()
    changed = client.patch(
        f"/api/accounts/ALICE-001/contacts/{contact_id}/", {"role": "CEO"}, format="json"
    )
    assert changed.json()["role"] == "CEO"
    listed = client.get("/api/accounts/ALICE-001/contacts/").json()
    assert [c["name"] for c in listed["results"]] == ["Dana"]


def test_a_contact_of_another_account_is_a_404_under_this_one(
    api_as, manager, alice_account, bob_account
):
    contact = ContactFactory(account=bob_account)
    assert api_as(manager).get(f"/api/accounts/ALICE-001/contacts/{contact.pk}/").status_code == 404


def test_contracts_are_validated_and_mark_the_account_for_scoring(api_as, am_alice, alice_account):
    client = api_as(am_alice)
    backwards = client.post(
        "/api/accounts/ALICE-001/contracts/",
        {"start": "2026-01-01", "end": "2025-01-01"},
        format="json",
    )
    assert backwards.status_code == 400 and backwards.json() == {"end": ["is before start."]}
    created = client.post(
        "/api/accounts/ALICE-001/contracts/",
        {
            "start": "2026-01-01",
            "auto_renew": True,
            "early_termination_fee": "500",
            "notice_days": 30,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["early_termination_fee"] == "500.00"
    alice_account.refresh_from_db()
    assert alice_account.scores_dirty_since is not None
    clash = client.post(
        "/api/accounts/ALICE-001/contracts/", {"start": "2026-01-01"}, format="json"
    )
    assert clash.status_code == 400 and "start" in clash.json()


def test_a_contract_is_changed_in_place(api_as, am_alice, alice_account):
    contract = ContractFactory(account=alice_account)
    response = api_as(am_alice).patch(
        f"/api/accounts/ALICE-001/contracts/{contract.pk}/", {"renewals_so_far": 2}, format="json"
    )
    assert response.status_code == 200
    assert Contract.objects.get(pk=contract.pk).renewals_so_far == 2


# --- health -------------------------------------------------------------------------------


def test_health_is_the_stored_document_exactly(api_as, am_alice, alice_account):
    snapshot = _score(alice_account, health=55.0, band="watch", when=T0)
    response = api_as(am_alice).get("/api/accounts/ALICE-001/health/")
    assert response.status_code == 200 and response.json() == snapshot.document


def test_health_of_an_unscored_account_is_a_404_saying_so(api_as, am_alice, alice_account):
    response = api_as(am_alice).get("/api/accounts/ALICE-001/health/")
    assert response.status_code == 404
    assert response.json() == {"detail": "This account has not been scored yet."}


def test_health_history_is_newest_first_with_what_changed(api_as, am_alice, alice_account):
    first = _score(alice_account, health=80.0, band="healthy", when=T0)
    _score(alice_account, health=50.0, band="watch", when=T0 + dt.timedelta(days=1), previous=first)
    response = api_as(am_alice).get("/api/accounts/ALICE-001/health/history/")
    assert response.status_code == 200
    items = response.json()["results"]
    assert [i["health"] for i in items] == [50.0, 80.0]
    assert items[1]["changes"] is None
    moved = {c["key"]: c["delta"] for c in items[0]["changes"]}
    assert moved["health"] == -30.0 and moved["ghost"] == 30.0


def test_another_owners_health_is_a_404(api_as, am_alice, bob_account):
    _score(bob_account, health=50.0, band="watch", when=T0)
    client = api_as(am_alice)
    assert client.get("/api/accounts/BOB-001/health/").status_code == 404
    assert client.get("/api/accounts/BOB-001/health/history/").status_code == 404


def test_a_user_without_a_role_gets_403(api_as, alice_account):
    nobody = UserFactory(username="norole")
    assert api_as(nobody).get("/api/accounts/").status_code == 403


def test_anonymous_gets_401(api_as, alice_account):
    assert api_as(None).get("/api/accounts/").status_code == 401


def test_the_api_root_lists_every_collection_at_its_api_address(api_as, manager, admin_user):
    from django.urls import reverse

    response = api_as(manager).get("/api/")
    assert response.status_code == 200
    listed = response.json()
    assert set(listed) == {
        "accounts",
        "interactions",
        "alerts",
        "thresholds",
        "scoring-runs",
        "offboarding",
    }
    for name, url in listed.items():
        path = url.removeprefix("http://testserver")
        assert path == f"/api/{name}/"  # never a page's address
        answer = api_as(admin_user).get(path)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    # Pages and API routes share names; each namespace reverses to its own.
    assert reverse("alert-detail", args=[7]) == "/alerts/7/"
    assert reverse("api:alert-detail", args=[7]) == "/api/alerts/7/"
