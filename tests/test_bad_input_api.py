"""Random and mutated JSON against the write endpoints: never a 500; a refusal is a
400 naming a field. Oversized bodies are refused before anything parses them."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Account, Interaction
from signals.models import ThresholdRule

pytestmark = pytest.mark.django_db

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "=cmd|' /C calc'!A0",
        "9" * 400,
        "1e309",
        "-1",
        "NaN",
        "../../etc",
        "2026-02-30T25:61:00Z",
        "<script>alert(1)</script>",
        "☃" * 300,
        None,
        [],
        {},
        True,
        1e308,
        -(2**63),
        2**64,
    ]  # fmt: skip
)
VALID = {
    "/api/interactions/": {
        "account": "ALICE-001",
        "occurred_at": "2026-03-01T10:00:00Z",
        "channel": "email",
        "direction": "inbound",
        "kind": "complaint",
        "text": "Invoice wrong again",
        "nps": 3,
    },
    "/api/accounts/": {"external_id": "NEW-1", "name": "New Co", "annual_value": "1000.00"},
    "/api/thresholds/": {"name": "Low", "measure": "health", "operator": "lt", "value": 40},
}
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _refusal_names_a_field(response, payload) -> None:
    assert response.status_code < 500, (payload, response.content[:500])
    if response.status_code == 400:
        body = response.json()
        assert isinstance(body, dict) and body, body


@FUZZ
@given(path=st.sampled_from(sorted(VALID)), payload=JSON)
def test_random_json_never_gets_a_500(api_as, admin_user, alice_account, path, payload):
    response = api_as(admin_user).post(path, payload, format="json")
    _refusal_names_a_field(response, payload)


@FUZZ
@given(path=st.sampled_from(sorted(VALID)), data=st.data())
def test_one_hostile_field_in_a_valid_payload_is_refused_by_name_or_accepted(
    api_as, admin_user, alice_account, path, data
):
    payload = dict(VALID[path])
    field = data.draw(st.sampled_from(sorted(payload)))
    payload[field] = data.draw(st.one_of(HOSTILE, JSON))
    # Examples share the database: keep the untouched identity fields unique, so an
    # earlier accepted example cannot turn this one into a duplicate.
    unique = uuid.uuid4().hex[:10]
    if "external_id" in payload and field != "external_id":
        payload["external_id"] = f"NEW-{unique}"
    if "text" in payload and field != "text":
        payload["text"] = f"{payload['text']} ({unique})"
    interactions, accounts = Interaction.objects.count(), Account.objects.count()
    rules = ThresholdRule.objects.count()
    response = api_as(admin_user).post(path, payload, format="json")
    _refusal_names_a_field(response, payload)
    if response.status_code == 400:
        assert field in response.json() or "non_field_errors" in response.json(), (
            payload,
            response.json(),
        )
        # A refused write leaves nothing behind.
        assert (Interaction.objects.count(), Account.objects.count()) == (interactions, accounts)
        assert ThresholdRule.objects.count() == rules


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"[]", b"null", b'{"a": NaN}', b"\x00"])
@pytest.mark.parametrize("path", sorted(VALID))
def test_malformed_bodies_are_a_400(api_as, admin_user, path, body):
    response = api_as(admin_user).generic("POST", path, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]


@pytest.mark.parametrize("path", [*sorted(VALID), "/login/"])
def test_a_body_over_the_upload_cap_is_refused_before_parsing(
    client, api_as, admin_user, settings, path
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"text": "x" * 4096}).encode()
    if path == "/login/":  # a page form, read by Django itself
        response = client.post(path, {"username": "x" * 4096, "password": "pw"})
        # Django refuses to parse the oversized form; the login view then sees an
        # empty form and answers with the login page again. Nobody is logged in.
        assert response.status_code in (200, 400, 413), response.content[:300]
        assert "_auth_user_id" not in client.session
        return
    else:
        response = api_as(admin_user).generic("POST", path, body, content_type="application/json")
    assert response.status_code in (400, 413), response.content[:300]
