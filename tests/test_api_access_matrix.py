"""Every endpoint × every role, as designed.

The world: Alice (an account manager) owns ALICE-001 with a contact, a contract,
interactions and health history; Bob (another account manager) owns BOB-001. Each row
acts on Alice's things; the columns say what each caller gets:

    anon  — not logged in                     → 401 everywhere
    none  — logged in, no role                → 403 everywhere
    alice — the owner                         → allowed
    bob   — another owner                     → 404 (never a 403 that confirms it exists);
                                                 lists answer 200 without Alice's rows
    maria — a manager, ada — an admin          → allowed (managers also change status)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import pytest
from rest_framework.test import APIClient

from tests.api_helpers import World, no_role_user, shared_world


class Row(NamedTuple):
    what: str
    method: str
    path: str
    body: dict | None
    anon: int
    none: int
    alice: int
    bob: int
    maria: int
    ada: int


NEW_INTERACTION = {
    "account": "ALICE-001",
    "occurred_at": "2026-02-01T10:00:00Z",
    "channel": "email",
    "direction": "inbound",
    "kind": "message",
    "text": "Hello again",
}

# fmt: off
MATRIX = [
    #   what                                method   path                                                   body                                         anon none alice bob  maria ada
    Row("list accounts",                    "get",   "/api/accounts/",                                      None,                                        401, 403, 200, 200, 200, 200),
    Row("create an account",                "post",  "/api/accounts/",                                      {"external_id": "NEW-1", "name": "New"},     401, 403, 201, 201, 201, 201),
    Row("read an account",                  "get",   "/api/accounts/ALICE-001/",                            None,                                        401, 403, 200, 404, 200, 200),
    Row("rename an account",                "patch", "/api/accounts/ALICE-001/",                            {"name": "Renamed"},                         401, 403, 200, 404, 200, 200),
    Row("replace an account",               "put",   "/api/accounts/ALICE-001/",                            {"external_id": "ALICE-001", "name": "P"},   401, 403, 200, 404, 200, 200),
    Row("mark an account churned",          "patch", "/api/accounts/ALICE-001/",                            {"status": "churned", "churned_at": "2026-02-01"}, 401, 403, 400, 404, 200, 200),
    Row("reassign an account",              "patch", "/api/accounts/ALICE-001/",                            {"owner": "bob"},                            401, 403, 400, 404, 200, 200),
    Row("delete an account",                "delete", "/api/accounts/ALICE-001/",                           None,                                        401, 403, 405, 405, 405, 405),
    Row("read health",                      "get",   "/api/accounts/ALICE-001/health/",                     None,                                        401, 403, 200, 404, 200, 200),
    Row("read health history",              "get",   "/api/accounts/ALICE-001/health/history/",             None,                                        401, 403, 200, 404, 200, 200),
    Row("list contacts",                    "get",   "/api/accounts/ALICE-001/contacts/",                   None,                                        401, 403, 200, 404, 200, 200),
    Row("add a contact",                    "post",  "/api/accounts/ALICE-001/contacts/",                   {"name": "Eve"},                             401, 403, 201, 404, 201, 201),
    Row("read a contact",                   "get",   "/api/accounts/ALICE-001/contacts/{contact}/",         None,                                        401, 403, 200, 404, 200, 200),
    Row("change a contact",                 "patch", "/api/accounts/ALICE-001/contacts/{contact}/",         {"role": "CFO"},                             401, 403, 200, 404, 200, 200),
    Row("list contracts",                   "get",   "/api/accounts/ALICE-001/contracts/",                  None,                                        401, 403, 200, 404, 200, 200),
    Row("add a contract",                   "post",  "/api/accounts/ALICE-001/contracts/",                  {"start": "2027-01-01"},                     401, 403, 201, 404, 201, 201),
    Row("read a contract",                  "get",   "/api/accounts/ALICE-001/contracts/{contract}/",       None,                                        401, 403, 200, 404, 200, 200),
    Row("change a contract",                "patch", "/api/accounts/ALICE-001/contracts/{contract}/",       {"notice_days": 60},                         401, 403, 200, 404, 200, 200),
    Row("export accounts",                  "get",   "/api/accounts/export/",                               None,                                        401, 403, 200, 200, 200, 200),
    Row("list interactions",                "get",   "/api/interactions/",                                  None,                                        401, 403, 200, 200, 200, 200),
    Row("record an interaction",            "post",  "/api/interactions/",                                  NEW_INTERACTION,                             401, 403, 201, 400, 201, 201),
    Row("read an interaction",              "get",   "/api/interactions/{interaction}/",                    None,                                        401, 403, 200, 404, 200, 200),
    Row("change an interaction",            "patch", "/api/interactions/{interaction}/",                    {"text": "rewritten"},                       401, 403, 405, 405, 405, 405),
    Row("delete an interaction",            "delete", "/api/interactions/{interaction}/",                   None,                                        401, 403, 405, 405, 405, 405),
    Row("export interactions",              "get",   "/api/interactions/export/",                           None,                                        401, 403, 200, 200, 200, 200),
]
# fmt: on

ROLES = ("anon", "none", "alice", "bob", "maria", "ada")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with shared_world(django_db_blocker) as world:
        yield world


@pytest.fixture
def caller(request, am_alice, am_bob, manager, admin_user):
    users = {
        "anon": None,
        "none": no_role_user(),
        "alice": am_alice,
        "bob": am_bob,
        "maria": manager,
        "ada": admin_user,
    }
    client = APIClient()
    if users[request.param] is not None:
        client.force_authenticate(users[request.param])
    return request.param, client


def _path(template: str, world: World) -> str:
    return template.format(
        contact=world.contact.pk, contract=world.contract.pk, interaction=world.interaction.pk
    )


@pytest.mark.parametrize("caller", ROLES, indirect=True)
@pytest.mark.parametrize("row", MATRIX, ids=[r.what for r in MATRIX])
def test_each_role_gets_the_designed_answer_on_each_endpoint(row: Row, caller, world):
    role, client = caller
    response = getattr(client, row.method)(_path(row.path, world), row.body, format="json")
    expected = getattr(row, role)
    assert response.status_code == expected, (
        f"{row.what} as {role}: {response.status_code} (expected {expected}) "
        f"{getattr(response, 'content', b'')[:300]!r}"
    )


# --- lists and exports never leak another owner's rows ------------------------------------

LISTS = [
    ("/api/accounts/", "external_id"),
    ("/api/accounts/?owner=alice", "external_id"),
    ("/api/accounts/?search=ALICE", "external_id"),
    ("/api/interactions/", "account"),
    ("/api/interactions/?account=ALICE-001", "account"),
]
EXPORTS = [
    "/api/accounts/export/",
    "/api/accounts/export/?owner=alice",
    "/api/interactions/export/",
    "/api/interactions/export/?account=ALICE-001",
]
SEES_ALICES_ROWS = {"alice": True, "bob": False, "maria": True, "ada": True}


@pytest.mark.parametrize("caller", list(SEES_ALICES_ROWS), indirect=True)
@pytest.mark.parametrize(("path", "key"), LISTS)
def test_lists_show_alices_rows_only_to_those_who_may_see_them(path, key, caller, world):
    role, client = caller
    response = client.get(path)
    assert response.status_code == 200
    shown = {item[key] for item in response.json()["results"]}
    assert ("ALICE-001" in shown) is SEES_ALICES_ROWS[role], (role, path, shown)


@pytest.mark.parametrize("caller", list(SEES_ALICES_ROWS), indirect=True)
@pytest.mark.parametrize("path", EXPORTS)
def test_exports_show_alices_rows_only_to_those_who_may_see_them(path, caller, world):
    role, client = caller
    response = client.get(path)
    body = b"".join(response.streaming_content).decode()
    assert ("ALICE-001" in body) is SEES_ALICES_ROWS[role], (role, path)


@pytest.mark.parametrize("caller", ["bob"], indirect=True)
def test_bob_cannot_point_an_interaction_at_alices_contact_or_interaction(caller, world):
    _, client = caller
    for field, value in (("contact", world.contact.pk), ("responds_to", world.interaction.pk)):
        body = {**NEW_INTERACTION, "account": "BOB-001", field: value}
        response = client.post("/api/interactions/", body, format="json")
        assert response.status_code == 400 and field in response.json()
