"""The work inside each step: assessment, comments, the communication plan, follow-up
tasks, transition notes, the letter and the reflection. Each writes an event row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Account

from ..models import Case, ChecklistItem, Comment, FollowUpTask, LetterVersion, ReflectionEntry
from ..vocabulary import (
    AFTER_APPROVAL,
    FREE_TEXT_QUESTIONS,
    CaseStatus,
    Criterion,
    EventAction,
    FitJudgement,
    ReflectionQuestion,
    ReflectionRating,
)
from .events import record_event, require_status


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave this field as it is" in partial updates

ASSESSMENT_TEXT_FIELDS = (
    "concerns",
    "alternatives_considered",
    "long_term_implications",
    "findings",
    "vendor_change_first",
    "fit_notes",
)


@transaction.atomic
def save_assessment(*, case: Case, by, changes: Mapping[str, Any]) -> Case:
    """Update the team's part of the assessment (only the fields given)."""
    require_status(case, CaseStatus.ASSESSMENT, doing="Editing the assessment")
    allowed = {*ASSESSMENT_TEXT_FIELDS, "criteria", "fit_judgement"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: ["Not part of the assessment."] for name in unknown})
    if "criteria" in changes:
        criteria = list(dict.fromkeys(changes["criteria"] or []))
        bad = [c for c in criteria if c not in Criterion.values]
        if bad:
            raise ValidationError({"criteria": [f"Unknown criteria: {', '.join(map(str, bad))}."]})
        case.criteria = [c for c in Criterion.values if c in criteria]
    if "fit_judgement" in changes:
        value = changes["fit_judgement"] or ""
        if value and value not in FitJudgement.values:
            raise ValidationError(
                {"fit_judgement": [f"Must be one of: {', '.join(FitJudgement.values)}."]}
            )
        case.fit_judgement = value
    for name in ASSESSMENT_TEXT_FIELDS:
        if name in changes:
            setattr(case, name, (changes[name] or "").strip())
    case.save(update_fields=[*changes, "updated_at"])
    record_event(case=case, by=by, action=EventAction.ASSESSMENT_SAVED)
    return case


@transaction.atomic
def add_comment(*, case: Case, by, text: str) -> Comment:
    """A teammate's input; open cases only."""
    if not case.is_open:
        raise ValidationError({"status": ["The case is closed."]})
    if not text.strip():
        raise ValidationError({"text": ["Write something."]})
    comment = Comment.objects.create(case=case, author=by, at=timezone.now(), text=text.strip())
    record_event(case=case, by=by, action=EventAction.COMMENTED)
    return comment


def _check_owner(case: Case, owner, field: str = "owner") -> None:
    """A step's owner must be someone who can see the account."""
    if (
        owner is not None
        and not Account.objects.visible_to(owner).filter(pk=case.account_id).exists()
    ):
        raise ValidationError({field: ["This person cannot see the account."]})


def _require_after_approval(case: Case, doing: str) -> None:
    require_status(case, *AFTER_APPROVAL, doing=doing)


@transaction.atomic
def update_checklist_item(
    *,
    case: Case,
    key: str,
    by,
    owner=UNSET,
    due_on: dt.date | None = UNSET,
    note: str = UNSET,
    done: bool = UNSET,
) -> ChecklistItem:
    """Assign, date, annotate or tick one communication plan item."""
    _require_after_approval(case, "Working on the communication plan")
    item = ChecklistItem.objects.filter(case=case, key=key).first()
    if item is None:
        raise ValidationError({"key": [f"No plan item {key!r} on this case."]})
    fields = []
    if owner is not UNSET:
        _check_owner(case, owner)
        item.owner = owner
        fields.append("owner")
    if due_on is not UNSET:
        item.due_on = due_on
        fields.append("due_on")
    if note is not UNSET:
        item.note = (note or "").strip()
        fields.append("note")
    if done is not UNSET and bool(done) != item.done:
        item.done_at, item.done_by = (timezone.now(), by) if done else (None, None)
        fields += ["done_at", "done_by"]
    if fields:
        item.save(update_fields=fields)
        state = "done" if item.done else "open"
        record_event(case=case, by=by, action=EventAction.CHECKLIST_UPDATED, note=f"{key}: {state}")
    return item


@transaction.atomic
def add_task(*, case: Case, by, title: str, due_on: dt.date, owner=None) -> FollowUpTask:
    _require_after_approval(case, "Adding follow-up tasks")
    if not title.strip():
        raise ValidationError({"title": ["Say what needs doing."]})
    if due_on is None:
        raise ValidationError({"due_on": ["Give a due date."]})
    _check_owner(case, owner)
    task = FollowUpTask.objects.create(
        case=case,
        title=title.strip(),
        due_on=due_on,
        owner=owner,
        created_by=by,
        created_at=timezone.now(),
    )
    record_event(case=case, by=by, action=EventAction.TASK_ADDED, note=task.title)
    return task


@transaction.atomic
def update_task(
    *,
    task: FollowUpTask,
    by,
    title: str = UNSET,
    due_on: dt.date = UNSET,
    owner=UNSET,
    done: bool = UNSET,
) -> FollowUpTask:
    case = task.case
    _require_after_approval(case, "Changing follow-up tasks")
    fields = []
    if title is not UNSET:
        if not (title or "").strip():
            raise ValidationError({"title": ["Say what needs doing."]})
        task.title = title.strip()
        fields.append("title")
    if due_on is not UNSET:
        if due_on is None:
            raise ValidationError({"due_on": ["Give a due date."]})
        task.due_on = due_on
        fields.append("due_on")
    if owner is not UNSET:
        _check_owner(case, owner)
        task.owner = owner
        fields.append("owner")
    if done is not UNSET and bool(done) != (task.done_at is not None):
        task.done_at = timezone.now() if done else None
        fields.append("done_at")
    if fields:
        task.save(update_fields=fields)
        record_event(case=case, by=by, action=EventAction.TASK_UPDATED, note=task.title)
    return task


@transaction.atomic
def remove_task(*, task: FollowUpTask, by) -> None:
    case = task.case
    _require_after_approval(case, "Removing follow-up tasks")
    record_event(case=case, by=by, action=EventAction.TASK_REMOVED, note=task.title)
    task.delete()


@transaction.atomic
def save_transition_notes(*, case: Case, by, referrals: str, resources: str) -> Case:
    _require_after_approval(case, "Editing referrals and resources")
    case.referrals, case.resources = referrals.strip(), resources.strip()
    case.save(update_fields=["referrals", "resources", "updated_at"])
    record_event(case=case, by=by, action=EventAction.TRANSITION_NOTES_SAVED)
    return case


@transaction.atomic
def save_letter(*, case: Case, by, body: str) -> LetterVersion:
    """Keep a new version of the letter; earlier versions stay as they were. Two saves
    at once cannot share a number (unique constraint): the later one is refused."""
    _require_after_approval(case, "Editing the letter")
    if not body.strip():
        raise ValidationError({"body": ["The letter is empty."]})
    last = case.letter_versions.aggregate(n=Max("number"))["n"] or 0
    version = LetterVersion.objects.create(
        case=case, number=last + 1, body=body, created_by=by, created_at=timezone.now()
    )
    record_event(case=case, by=by, action=EventAction.LETTER_SAVED, note=f"v{version.number}")
    return version


@transaction.atomic
def save_reflection(*, case: Case, by, answers: Mapping[str, Mapping[str, str]]) -> Case:
    """Answer some or all reflection questions: ``{question: {"rating", "note"}}``."""
    require_status(case, CaseStatus.REFLECTION, doing="Reflecting")
    errors: dict[str, list[str]] = {}
    for question, answer in answers.items():
        if question not in ReflectionQuestion.values:
            errors[question] = ["Not a reflection question."]
            continue
        rating = (answer.get("rating") or "").strip()
        if question in FREE_TEXT_QUESTIONS and rating:
            errors[question] = ["This question takes a written answer, not a rating."]
        elif rating and rating not in ReflectionRating.values:
            errors[question] = [f"Rating must be one of: {', '.join(ReflectionRating.values)}."]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for question, answer in answers.items():
        ReflectionEntry.objects.update_or_create(
            case=case,
            question=question,
            defaults={
                "rating": (answer.get("rating") or "").strip(),
                "note": (answer.get("note") or "").strip(),
                "answered_by": by,
                "answered_at": now,
            },
        )
    record_event(case=case, by=by, action=EventAction.REFLECTION_SAVED)
    return case


def record_bundle_download(*, case: Case, by) -> None:
    record_event(case=case, by=by, action=EventAction.BUNDLE_DOWNLOADED)
