"""The offboarding state machine through its services: every transition, every guard,
and the event row each step leaves behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.vocabulary import AccountStatus
from offboarding import services
from offboarding.models import Case, CaseEvent
from offboarding.vocabulary import (
    CaseStatus,
    ChecklistKey,
    Criterion,
    EventAction,
    ReflectionQuestion,
)

# --- helpers shared by the other offboarding test files (plain functions, no fixtures) ---

ASSESSMENT = {
    "criteria": [Criterion.CHRONIC_NON_PAYER, Criterion.ABUSIVE],
    "fit_judgement": "partly",
    "findings": "Invoices stay open for months and two calls ended in shouting.",
    "vendor_change_first": "Answer their tickets within a day; we left three unanswered.",
}


def full_reflection() -> dict[str, dict[str, str]]:
    return {
        q.value: (
            {"rating": "", "note": "Talk about payment terms in the first month."}
            if q == ReflectionQuestion.DO_DIFFERENTLY
            else {"rating": "partly", "note": ""}
        )
        for q in ReflectionQuestion
    }


def walk(case: Case, *, to: str, manager, by=None) -> Case:
    """Take ``case`` forward along the approved path until it reaches ``to``."""
    by = by or manager
    path = [
        CaseStatus.ASSESSMENT,
        CaseStatus.AWAITING_DECISION,
        CaseStatus.COMMUNICATION,
        CaseStatus.TRANSITION,
        CaseStatus.REFLECTION,
        CaseStatus.CLOSED,
    ]
    while case.status != to:
        if case.status == CaseStatus.ASSESSMENT:
            services.save_assessment(case=case, by=by, changes=ASSESSMENT)
            services.request_decision(case=case, by=by)
        elif case.status == CaseStatus.AWAITING_DECISION:
            services.decide(case=case, by=manager, outcome="approved", reason="Costs too much.")
        elif case.status == CaseStatus.COMMUNICATION:
            services.advance(case=case, by=by)
        elif case.status == CaseStatus.TRANSITION:
            services.save_letter(case=case, by=by, body="Dear customer, ...")
            services.advance(case=case, by=by)
        elif case.status == CaseStatus.REFLECTION:
            for key in ChecklistKey.values:
                services.update_checklist_item(case=case, key=key, by=by, done=True)
            services.save_reflection(case=case, by=by, answers=full_reflection())
            services.close_case(case=case, by=by)
        assert path.index(case.status) <= path.index(to), "walked past the target"
    return case


# --- starting -----------------------------------------------------------------------


def test_a_manager_opens_a_case_and_the_account_stays_active(manager, alice_account):
    case = services.start_case(account=alice_account, by=manager, reason="Too costly")
    alice_account.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT and case.outcome == ""
    assert alice_account.status == AccountStatus.ACTIVE
    event = case.events.get()
    assert (event.action, event.by, event.to_status) == (EventAction.OPENED, manager, "assessment")


def test_an_account_manager_may_request_a_case_for_their_own_account(am_alice, alice_account):
    case = services.start_case(account=alice_account, by=am_alice)
    assert case.opened_by == am_alice


def test_an_account_manager_cannot_open_a_case_on_someone_elses_account(am_alice, bob_account):
    with pytest.raises(PermissionDenied):
        services.start_case(account=bob_account, by=am_alice)


def test_an_account_has_at_most_one_open_case(manager, alice_account):
    services.start_case(account=alice_account, by=manager)
    with pytest.raises(ValidationError) as exc:
        services.start_case(account=alice_account, by=manager)
    assert "account" in exc.value.message_dict


def test_the_database_refuses_a_second_open_case_even_past_the_service(manager, alice_account):
    services.start_case(account=alice_account, by=manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(account=alice_account, opened_at=dt.datetime.now(dt.UTC))


def test_a_closed_case_does_not_block_a_new_one(manager, alice_account):
    case = services.start_case(account=alice_account, by=manager)
    walk(case, to=CaseStatus.AWAITING_DECISION, manager=manager)
    services.decide(case=case, by=manager, outcome="rejected", reason="Worth another try.")
    assert services.start_case(account=alice_account, by=manager).pk != case.pk


def test_a_decision_is_written_to_the_audit_trail(manager, alice_account):
    from accounts.models import AuditEntry

    case = services.start_case(account=alice_account, by=manager)
    walk(case, to=CaseStatus.AWAITING_DECISION, manager=manager)
    services.decide(case=case, by=manager, outcome="rejected", reason="Worth another try.")
    entry = AuditEntry.objects.get(action="offboarding.decided")
    assert (entry.actor, entry.target_id, entry.note) == (
        "maria",
        str(case.pk),
        "Worth another try.",
    )
    assert entry.changes["outcome"] == [None, "rejected"]


def test_starting_freezes_the_current_health_document(manager, alice_account):
    from signals.scoring import recompute_accounts
    from tests.factories import InteractionFactory

    InteractionFactory(account=alice_account, kind="complaint", text="This is broken again")
    recompute_accounts(account_ids=[alice_account.pk])
    case = services.start_case(account=alice_account, by=manager)
    assert case.frozen_health["account"] == "ALICE-001"
    assert {s["key"] for s in case.frozen_health["vendor_signs"]} >= {"slow_response"}


# --- assessment and decision --------------------------------------------------------


def test_a_decision_cannot_be_requested_before_saying_what_we_could_change_first(
    manager, alice_account
):
    case = services.start_case(account=alice_account, by=manager)
    services.save_assessment(
        case=case, by=manager, changes={**ASSESSMENT, "vendor_change_first": ""}
    )
    with pytest.raises(ValidationError) as exc:
        services.request_decision(case=case, by=manager)
    assert list(exc.value.message_dict) == ["vendor_change_first"]
    assert case.status == CaseStatus.ASSESSMENT


def test_nobody_decides_without_an_assessment(manager, alice_account):
    case = services.start_case(account=alice_account, by=manager)
    with pytest.raises(ValidationError) as exc:
        services.decide(case=case, by=manager, outcome="approved", reason="Enough.")
    assert "status" in exc.value.message_dict


def test_only_managers_decide(am_alice, manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=am_alice),
        to=CaseStatus.AWAITING_DECISION,
        manager=manager,
        by=am_alice,
    )
    with pytest.raises(PermissionDenied):
        services.decide(case=case, by=am_alice, outcome="approved", reason="I am tired.")


def test_approval_marks_the_account_offboarding_and_lays_out_the_plan(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.COMMUNICATION,
        manager=manager,
    )
    alice_account.refresh_from_db()
    assert alice_account.status == AccountStatus.OFFBOARDING
    assert case.outcome == "approved" and case.decided_by == manager
    assert list(case.checklist.values_list("key", flat=True)) == ChecklistKey.values


def test_rejection_closes_the_case_and_keeps_the_customer(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.AWAITING_DECISION,
        manager=manager,
    )
    services.decide(case=case, by=manager, outcome="rejected", reason="We have not tried enough.")
    alice_account.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == "rejected"
    assert alice_account.status == AccountStatus.ACTIVE
    assert not case.checklist.exists()


def test_a_decision_needs_a_reason(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.AWAITING_DECISION,
        manager=manager,
    )
    with pytest.raises(ValidationError) as exc:
        services.decide(case=case, by=manager, outcome="approved", reason="  ")
    assert "reason" in exc.value.message_dict


def test_the_assessment_is_frozen_once_a_decision_is_requested(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.AWAITING_DECISION,
        manager=manager,
    )
    assert {c["key"] for c in case.assessment_snapshot["criteria"]} == set(Criterion.values)
    with pytest.raises(ValidationError):
        services.save_assessment(case=case, by=manager, changes={"findings": "changed my mind"})


# --- moving on and closing ----------------------------------------------------------


def test_moving_on_to_reflection_needs_a_saved_letter(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.TRANSITION,
        manager=manager,
    )
    with pytest.raises(ValidationError) as exc:
        services.advance(case=case, by=manager)
    assert "letter" in exc.value.message_dict


def test_advance_does_not_skip_the_decision(manager, alice_account):
    case = services.start_case(account=alice_account, by=manager)
    with pytest.raises(ValidationError):
        services.advance(case=case, by=manager)
    assert case.status == CaseStatus.ASSESSMENT


def test_a_case_cannot_close_while_the_communication_plan_has_open_items(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.REFLECTION,
        manager=manager,
    )
    services.save_reflection(case=case, by=manager, answers=full_reflection())
    for key in ChecklistKey.values[:-1]:
        services.update_checklist_item(case=case, key=key, by=manager, done=True)
    with pytest.raises(ValidationError) as exc:
        services.close_case(case=case, by=manager)
    assert list(exc.value.message_dict) == ["checklist"]
    assert "1 communication plan item" in exc.value.message_dict["checklist"][0]


def test_a_case_cannot_close_before_the_reflection_is_answered(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.REFLECTION,
        manager=manager,
    )
    for key in ChecklistKey.values:
        services.update_checklist_item(case=case, key=key, by=manager, done=True)
    with pytest.raises(ValidationError) as exc:
        services.close_case(case=case, by=manager)
    assert list(exc.value.message_dict) == ["reflection"]


def test_a_case_cannot_close_straight_from_the_assessment(manager, alice_account):
    case = services.start_case(account=alice_account, by=manager)
    with pytest.raises(ValidationError):
        services.close_case(case=case, by=manager)


def test_every_transition_is_an_event_row_with_who_and_when(manager, am_alice, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=am_alice),
        to=CaseStatus.CLOSED,
        manager=manager,
        by=am_alice,
    )
    moves = [
        (e.from_status, e.to_status, e.by.username)
        for e in CaseEvent.objects.filter(case=case).exclude(from_status=F("to_status"))
    ]
    assert moves == [
        ("", "assessment", "alice"),
        ("assessment", "awaiting_decision", "alice"),
        ("awaiting_decision", "communication", "maria"),
        ("communication", "transition", "alice"),
        ("transition", "reflection", "alice"),
        ("reflection", "closed", "alice"),
    ]
    assert case.events.filter(action=EventAction.CHECKLIST_UPDATED).count() == 10


def test_a_stale_copy_of_a_case_cannot_move_it_twice(manager, alice_account):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.COMMUNICATION,
        manager=manager,
    )
    stale = Case.objects.get(pk=case.pk)
    services.advance(case=case, by=manager)
    with pytest.raises(ValidationError) as exc:
        services.advance(case=stale, by=manager)  # still thinks it is at communication
    assert "changed meanwhile" in exc.value.message_dict["status"][0]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.TRANSITION


def test_plan_items_and_tasks_only_take_owners_who_can_see_the_account(
    manager, am_bob, alice_account
):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to=CaseStatus.COMMUNICATION,
        manager=manager,
    )
    with pytest.raises(ValidationError) as exc:
        services.update_checklist_item(case=case, key="timing", by=manager, owner=am_bob)
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_task(
            case=case, by=manager, title="Call", due_on=dt.date(2026, 12, 1), owner=am_bob
        )
