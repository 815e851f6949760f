"""What the case page shows: where the case stands and each step's form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from .assessment import build_assessment
from .forms import (
    AssessmentForm,
    ChecklistItemForm,
    CloseForm,
    CommentForm,
    DecisionForm,
    LetterForm,
    ReflectionForm,
    TaskForm,
    TransitionNotesForm,
)
from .letter import current_letter, draft_letter
from .models import Case
from .vocabulary import AFTER_APPROVAL, STEPPER, CaseStatus


def stepper(case: Case) -> list[dict[str, Any]]:
    """Each step with its state: done, current or to do."""
    order = [key for key, _ in STEPPER]
    here = order.index(case.status)
    steps = []
    for i, (key, label) in enumerate(STEPPER):
        if case.status == CaseStatus.CLOSED:
            # A rejected case skipped the steps after the decision.
            skipped = case.outcome == "rejected" and key in AFTER_APPROVAL
            state = "skipped" if skipped else "done"
        else:
            state = "done" if i < here else "current" if i == here else "todo"
        steps.append({"key": key, "label": label, "state": state})
    return steps


def case_context(case: Case, user, **bound: forms.Form) -> dict[str, Any]:
    """The case page's context; ``bound`` replaces a step's blank form with one that
    carries the user's input and its errors."""
    account = case.account
    status = case.status
    context: dict[str, Any] = {
        "case": case,
        "account": account,
        "steps": stepper(case),
        "events": case.events.select_related("by"),
        "comments": case.comments.select_related("author"),
        "comment_form": bound.get("comment_form") or CommentForm(),
        "after_approval": status in AFTER_APPROVAL,
    }
    if status == CaseStatus.ASSESSMENT:
        context["assessment"] = build_assessment(case, as_of=timezone.now())
        context["assessment_form"] = bound.get("assessment_form") or AssessmentForm(instance=case)
    else:
        context["assessment"] = case.assessment_snapshot
    if status == CaseStatus.AWAITING_DECISION:
        context["decision_form"] = bound.get("decision_form") or DecisionForm()
    if status in AFTER_APPROVAL:
        context["checklist"] = [
            (
                item,
                ChecklistItemForm(
                    account=account,
                    prefix=item.key,
                    initial={
                        "owner": item.owner_id,
                        "due_on": item.due_on,
                        "note": item.note,
                        "done": item.done,
                    },
                ),
            )
            for item in case.checklist.select_related("owner", "done_by")
        ]
        context["tasks"] = case.tasks.select_related("owner")
        context["task_form"] = bound.get("task_form") or TaskForm(account=account)
        context["transition_form"] = bound.get("transition_form") or TransitionNotesForm(
            initial={"referrals": case.referrals, "resources": case.resources}
        )
        letter = current_letter(case)
        context["letter"] = letter
        context["letter_form"] = bound.get("letter_form") or LetterForm(
            initial={"body": letter.body if letter else draft_letter(case)}
        )
        context["letter_versions"] = case.letter_versions.select_related("created_by")
    if status == CaseStatus.REFLECTION:
        initial = {}
        for entry in case.reflections.all():
            initial[f"{entry.question}__rating"] = entry.rating
            initial[f"{entry.question}__note"] = entry.note
        context["reflection_form"] = bound.get("reflection_form") or ReflectionForm(initial=initial)
        context["close_form"] = bound.get("close_form") or CloseForm()
    if not case.is_open:
        context["reflection_entries"] = case.reflections.all()
    return context
