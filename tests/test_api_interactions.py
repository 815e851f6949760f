"""The interactions API: recorded through the one write path, validated in the import's
words, append-only, and never visible across owners."""

from __future__ import annotations

import pytest

from accounts.models import Contact, Interaction
from tests.factories import ContactFactory, InteractionFactory

URL = "/api/interactions/"


def _payload(**overrides) -> dict:
    return {
        "account": "ALICE-001",
        "occurred_at": "2026-03-01T09:30:00Z",
        "channel": "email",
        "direction": "inbound",
        "kind": "message",
        "text": "Could we get a discount on the renewal?",
        **overrides,
    }


def test_recording_an_interaction_analyses_its_text_and_marks_the_account(
    api_as, am_alice, alice_account
):
    response = api_as(am_alice).post(URL, _payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["account"] == "ALICE-001" and body["occurred_at"] == "2026-03-01T09:30:00Z"
    stored = Interaction.objects.get(pk=body["id"])
    assert stored.analysis_version > 0  # went through record_interaction, not a bare create
    alice_account.refresh_from_db()
    assert alice_account.scores_dirty_since is not None


def test_recording_an_interaction_rescores_the_account_after_commit(
    api_as, am_alice, alice_account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(am_alice).post(URL, _payload(), format="json")
    assert response.status_code == 201
    assert api_as(am_alice).get("/api/accounts/ALICE-001/health/").status_code == 200


def test_a_date_alone_means_midnight_utc(api_as, am_alice, alice_account):
    response = api_as(am_alice).post(URL, _payload(occurred_at="2026-03-01"), format="json")
    assert response.json()["occurred_at"] == "2026-03-01T00:00:00Z"


def test_a_contact_named_for_the_first_time_is_created_and_reused(api_as, am_alice, alice_account):
    client = api_as(am_alice)
    first = client.post(URL, _payload(contact="Dana"), format="json").json()
    second = client.post(
        URL, _payload(contact="Dana", occurred_at="2026-03-02T00:00:00Z"), format="json"
    ).json()
    assert first["contact"]["name"] == "Dana" and first["contact"] == second["contact"]
    assert Contact.objects.filter(account=alice_account).count() == 1


def test_a_contact_by_id_must_belong_to_the_same_account(
    api_as, manager, alice_account, bob_account
):
    bobs = ContactFactory(account=bob_account)
    response = api_as(manager).post(URL, _payload(contact=bobs.pk), format="json")
    assert response.status_code == 400
    assert response.json() == {"contact": [f"{bobs.pk} is not a contact of account ALICE-001."]}


def test_responds_to_must_be_an_interaction_of_the_same_account(
    api_as, manager, alice_account, bob_account
):
    bobs = InteractionFactory(account=bob_account)
    response = api_as(manager).post(URL, _payload(responds_to=bobs.pk), format="json")
    assert response.status_code == 400 and "responds_to" in response.json()


def test_a_follow_up_links_to_the_commitment_it_fulfils(api_as, am_alice, alice_account):
    client = api_as(am_alice)
    promise = client.post(
        URL,
        _payload(
            direction="outbound", kind="commitment", text="We fix it by Friday", due_at="2026-03-06"
        ),
        format="json",
    ).json()
    done = client.post(
        URL,
        _payload(
            direction="outbound",
            kind="follow_up",
            text="Fixed.",
            occurred_at="2026-03-05T10:00:00Z",
            responds_to=promise["id"],
        ),
        format="json",
    )
    assert done.status_code == 201 and done.json()["responds_to"] == promise["id"]


def test_an_identical_interaction_is_refused_naming_the_one_already_recorded(
    api_as, am_alice, alice_account
):
    client = api_as(am_alice)
    first = client.post(URL, _payload(), format="json").json()
    again = client.post(URL, _payload(), format="json")
    assert again.status_code == 400
    assert again.json() == {
        "non_field_errors": [f"An identical interaction is already recorded (id {first['id']})."]
    }


def test_an_interaction_id_used_in_another_owners_account_is_refused_without_its_id(
    api_as, am_alice, alice_account, bob_account
):
    InteractionFactory(account=bob_account, external_id="SHARED-1")
    response = api_as(am_alice).post(URL, _payload(interaction_id="SHARED-1"), format="json")
    assert response.status_code == 400
    assert response.json() == {"interaction_id": ["is already used by another interaction."]}


def test_another_owners_account_is_refused_like_an_unknown_one(
    api_as, am_alice, bob_account, alice_account
):
    theirs = api_as(am_alice).post(URL, _payload(account="BOB-001"), format="json")
    unknown = api_as(am_alice).post(URL, _payload(account="NOPE-1"), format="json")
    assert theirs.status_code == unknown.status_code == 400
    assert theirs.json() == {"account": ["'BOB-001' is not a known account."]}
    assert unknown.json() == {"account": ["'NOPE-1' is not a known account."]}
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"channel": "sms"},
            "channel",
            "'sms' must be one of: email, call, meeting, chat, ticket, survey, invoice, payment, note.",
        ),
        ({"direction": "sideways"}, "direction", "'sideways' must be one of: inbound, outbound."),
        (
            {"occurred_at": "last tuesday"},
            "occurred_at",
            "'last tuesday' is not an ISO 8601 date-time (e.g. 2026-03-01T14:30:00Z).",
        ),
        (
            {"occurred_at": "1900-01-01"},
            "occurred_at",
            "'1900-01-01' is outside the years 1970–2200.",
        ),
        ({"nps": 11}, "nps", "'11' must be between 0 and 10."),
        ({"csat": "4.5"}, "csat", "'4.5' is not a whole number."),
        ({"nps": True}, "nps", "This field must be a whole number, not a boolean."),
        ({"amount": "-3"}, "amount", "'-3' must not be negative."),
        ({"text": "a\x00b"}, "text", "'a\\x00b' contains a NUL character."),
        ({"text": "x" * 20_001}, "text", None),
        ({"text": ["list"]}, "text", "This field must be a string, not a list."),
        (
            {"interaction_id": "a/b"},
            "interaction_id",
            "'a/b' may not contain slashes or control characters.",
        ),
        ({"contact": {"id": 1}}, "contact", None),
        ({"responds_to": "abc"}, "responds_to", None),
        ({"kind": None}, "kind", None),
    ],
)
def test_a_bad_interaction_field_is_a_400_naming_it_in_the_imports_words(
    api_as, am_alice, alice_account, overrides, field, message
):
    response = api_as(am_alice).post(URL, _payload(**overrides), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]


def test_unicode_text_is_kept_as_written(api_as, am_alice, alice_account):
    text = "Danke für nichts 😤 — ça ne va pas"
    response = api_as(am_alice).post(URL, _payload(text=text), format="json")
    assert response.status_code == 201 and response.json()["text"] == text


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_interactions_are_append_only(api_as, manager, alice_account, method):
    interaction = InteractionFactory(account=alice_account)
    response = getattr(api_as(manager), method)(f"{URL}{interaction.pk}/", {}, format="json")
    assert response.status_code == 405


def test_the_list_filters_by_account_kind_direction_channel_and_dates(
    api_as, manager, alice_account, bob_account
):
    InteractionFactory(account=alice_account, kind="complaint", occurred_at="2026-01-05T00:00:00Z")
    InteractionFactory(
        account=alice_account,
        kind="praise",
        direction="outbound",
        channel="call",
        occurred_at="2026-02-05T00:00:00Z",
    )
    InteractionFactory(account=bob_account, kind="complaint", occurred_at="2026-03-05T00:00:00Z")
    client = api_as(manager)

    def count(query: str) -> int:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert count("account=ALICE-001") == 2
    assert count("kind=complaint") == 2
    assert count("direction=outbound") == 1
    assert count("channel=call") == 1
    assert count("occurred_after=2026-02-01") == 2
    assert count("occurred_after=2026-02-01&occurred_before=2026-03-01") == 1


def test_an_account_filter_naming_another_owners_account_matches_nothing(
    api_as, am_alice, alice_account, bob_account
):
    InteractionFactory(account=bob_account)
    response = api_as(am_alice).get(f"{URL}?account=BOB-001")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_another_owners_interaction_is_a_404(api_as, am_alice, bob_account):
    theirs = InteractionFactory(account=bob_account)
    assert api_as(am_alice).get(f"{URL}{theirs.pk}/").status_code == 404


def test_a_bad_date_filter_is_a_400_naming_it(api_as, manager):
    response = api_as(manager).get(f"{URL}?occurred_after=soon")
    assert response.status_code == 400 and "occurred_after" in response.json()


def test_a_nul_byte_in_a_filter_is_a_400_not_a_500(api_as, manager):
    response = api_as(manager).get(f"{URL}?account=A%00B")
    assert response.status_code == 400 and "account" in response.json()
