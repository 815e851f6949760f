"""The written follow-up letter: drafted from the case, edited, every version kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from offboarding import services
from offboarding.letter import draft_letter, long_date
from offboarding.vocabulary import LETTER_REASONS, Criterion
from tests.factories import ContactFactory, ContractFactory
from tests.test_offboarding_workflow import ASSESSMENT, walk


@pytest.fixture
def parting(manager, alice_account):
    """An approved case with a contract (45 days' notice, a fee) and two dated tasks."""
    ContactFactory(account=alice_account, name="Jane Roe")
    ContractFactory(
        account=alice_account, start=dt.date(2024, 1, 1), notice_days=45, early_termination_fee=900
    )
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to="communication",
        manager=manager,
    )
    services.add_task(
        case=case, by=manager, title="Send the data bundle", due_on=dt.date(2026, 12, 4)
    )
    services.add_task(case=case, by=manager, title="Hand-over call", due_on=dt.date(2026, 12, 11))
    services.save_transition_notes(
        case=case, by=manager, referrals="Northwind Support, Contoso Care", resources=""
    )
    return case


def test_the_draft_states_each_approved_reason(parting):
    letter = draft_letter(parting)
    for key in ASSESSMENT["criteria"]:
        assert LETTER_REASONS[key] in letter
    assert LETTER_REASONS[Criterion.POLICY_VIOLATOR] not in letter


def test_the_draft_lists_the_transition_steps_with_their_dates(parting):
    letter = draft_letter(parting)
    end = timezone.localdate() + dt.timedelta(days=45)  # notice counted from the decision
    assert "- 4 December 2026: Send the data bundle" in letter
    assert "- 11 December 2026: Hand-over call" in letter
    assert f"{long_date(end)}: Your service ends, after the 45-day notice period" in letter


def test_the_draft_thanks_them_keeps_channels_open_and_waives_our_fee(parting):
    letter = draft_letter(parting)
    assert letter.splitlines()[2] == "Dear Jane Roe,"
    assert "Thank you for" in letter
    assert "remains your contact" in letter and "alice@example.com" in letter
    assert "will not charge any early termination fee" in letter
    assert "Northwind Support, Contoso Care" in letter


def test_every_saved_version_is_kept(parting, manager):
    first = services.save_letter(case=parting, by=manager, body=draft_letter(parting))
    second = services.save_letter(case=parting, by=manager, body="Edited by hand.")
    assert (first.number, second.number) == (1, 2)
    assert list(parting.letter_versions.values_list("body", flat=True)) == [
        "Edited by hand.",
        first.body,
    ]


def test_an_empty_letter_is_refused(parting, manager):
    with pytest.raises(ValidationError) as exc:
        services.save_letter(case=parting, by=manager, body="   ")
    assert "body" in exc.value.message_dict


def test_the_letter_cannot_be_written_before_the_decision(manager, bob_account):
    case = services.start_case(account=bob_account, by=manager)
    with pytest.raises(ValidationError):
        services.save_letter(case=case, by=manager, body="Goodbye")


def test_the_api_serves_the_current_version_and_a_fresh_draft(api_as, manager, parting):
    services.save_letter(case=parting, by=manager, body="Version one")
    data = api_as(manager).get(f"/api/offboarding/{parting.pk}/letter/").data
    assert data["current"]["body"] == "Version one" and data["versions"] == 1
    assert "Hand-over call" in data["draft"]
    versions = api_as(manager).get(f"/api/offboarding/{parting.pk}/letter/versions/").data
    assert [v["number"] for v in versions] == [1]
