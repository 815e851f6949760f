"""Reflect and learn: answers aggregated across cases, with the accounts' root causes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from offboarding import services
from offboarding.models import Case
from offboarding.reflections import summarise
from signals.models import Alert, ThresholdRule
from tests.factories import AccountFactory
from tests.test_offboarding_workflow import full_reflection, walk


@pytest.fixture
def reflected(manager, am_alice, alice_account, bob_account):
    rule = ThresholdRule.objects.create(name="Low", measure="health", operator="lt", value=50)
    Alert.objects.create(
        account=alice_account,
        rule=rule,
        measure="health",
        severity="warning",
        opened_at=timezone.now(),
        status="resolved",
        resolved_at=timezone.now(),
        root_cause="misunderstanding",
        action_taken="Called them",
    )
    first = walk(
        services.start_case(account=alice_account, by=manager), to="reflection", manager=manager
    )
    services.save_reflection(case=first, by=manager, answers=full_reflection())
    second = walk(
        services.start_case(account=bob_account, by=manager), to="reflection", manager=manager
    )
    answers = full_reflection()
    answers["listened"] = {"rating": "no", "note": "We talked over them in every call."}
    services.save_reflection(case=second, by=manager, answers=answers)
    return first, second


def test_answers_are_counted_per_question_across_cases(reflected):
    summary = summarise(Case.objects.all())
    listened = next(q for q in summary.questions if q.key == "listened")
    assert listened.counts == {"yes": 0, "partly": 1, "no": 1}
    assert listened.notes[0]["text"] == "We talked over them in every call."
    different = next(q for q in summary.questions if q.key == "do_differently")
    assert different.free_text and len(different.notes) == 2


def test_root_causes_of_the_accounts_alerts_are_aggregated(reflected):
    summary = summarise(Case.objects.all())
    assert summary.root_causes == [
        {"key": "misunderstanding", "label": "Misunderstanding", "count": 1}
    ]


def test_an_account_manager_sees_only_their_own_cases_reflections(client, am_bob, reflected):
    client.force_login(am_bob)
    response = client.get("/offboarding/reflections/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.cases == 1 and summary.root_causes == []
    assert "We talked over them in every call." in response.content.decode()


def test_the_free_text_question_refuses_a_rating(manager, bob_account):
    from django.core.exceptions import ValidationError

    case = walk(
        services.start_case(account=bob_account, by=manager), to="reflection", manager=manager
    )
    with pytest.raises(ValidationError) as exc:
        services.save_reflection(
            case=case, by=manager, answers={"do_differently": {"rating": "yes", "note": ""}}
        )
    assert "do_differently" in exc.value.message_dict


def test_the_reflections_page_lists_every_question(client, manager, reflected):
    AccountFactory()
    client.force_login(manager)
    html = client.get("/offboarding/reflections/").content.decode()
    assert "Did we listen to what they told us before answering?" in html
    assert "Misunderstanding" in html
