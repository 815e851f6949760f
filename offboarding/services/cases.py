"""The case's transitions: start, request a decision, decide, advance, close.

State machine (``vocabulary.TRANSITIONS``)::

    assessment ──request_decision──▶ awaiting_decision ──decide(approve)──▶ communication
                                              │                                  │ advance
                                              └──decide(reject)──▶ closed        ▼
                                                 (account kept)            transition
                                                                                 │ advance
                                                                                 ▼
                                     closed ◀──close── reflection ◀──────────────┘

The account's status becomes ``offboarding`` when a manager approves (not when a case
is opened: a request is a question, and the customer is still an ordinary customer
until someone with the authority has answered it) and ``offboarded`` when the case
closes.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import Account
from accounts.roles import is_manager
from accounts.vocabulary import AccountStatus

from ..assessment import build_assessment
from ..models import Case, CaseEvent, ChecklistItem
from ..vocabulary import (
    FREE_TEXT_QUESTIONS,
    CaseStatus,
    ChecklistKey,
    EventAction,
    Outcome,
    ReflectionQuestion,
)
from .alerts import resolve_open_alerts
from .events import move, require_status


def _frozen_health(account: Account) -> dict:
    try:
        from signals.scoring import health_document
    except ImportError:  # scoring not installed: read the latest snapshot directly
        from signals.models import HealthSnapshot

        tip = HealthSnapshot.objects.filter(account=account).order_by("-computed_at").first()
        return tip.document if tip else {}
    return health_document(account) or {}


@transaction.atomic
def start_case(*, account: Account, by, reason: str = "") -> Case:
    """Open a case: by a manager, or by the account's own manager asking for a decision.

    Freezes the current health document on the case. One open case per account (a
    partial unique constraint; a concurrent second start fails cleanly).
    """
    if not (is_manager(by) or account.owner_id == by.pk):
        raise PermissionDenied("Only managers or the account's own manager may open a case.")
    if account.status != AccountStatus.ACTIVE:
        raise ValidationError(
            {"account": [f"Only active accounts can be offboarded (this one is {account.status})."]}
        )
    if Case.objects.filter(account=account).open().exists():
        raise ValidationError({"account": ["This account already has an open offboarding case."]})
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                account=account,
                opened_by=by,
                opened_at=now,
                frozen_health=_frozen_health(account),
                reason_for_request=reason,
            )
    except IntegrityError:
        raise ValidationError({"account": ["This account already has an open offboarding case."]})
    CaseEvent.objects.create(
        case=case,
        at=now,
        by=by,
        action=EventAction.OPENED,
        from_status="",
        to_status=case.status,
        note=reason,
    )
    return case


ASSESSMENT_REQUIRED = {
    "vendor_change_first": "Say what we could change on our side first.",
    "findings": "Write down the findings.",
    "fit_judgement": "Judge whether the customer still fits.",
    "criteria": "Pick at least one criterion that applies; it becomes a stated reason.",
}


@transaction.atomic
def request_decision(*, case: Case, by, as_of: dt.datetime | None = None) -> Case:
    """Hand the finished assessment to a manager; freezes the computed evidence."""
    require_status(case, CaseStatus.ASSESSMENT, doing="Requesting a decision")
    missing = {
        name: [message] for name, message in ASSESSMENT_REQUIRED.items() if not getattr(case, name)
    }
    if missing:
        raise ValidationError(missing)
    snapshot = build_assessment(case, as_of=as_of or timezone.now())
    move(case, to=CaseStatus.AWAITING_DECISION, by=by, assessment_snapshot=snapshot)
    return case


@transaction.atomic
def decide(*, case: Case, by, outcome: str, reason: str) -> Case:
    """A manager approves (we part ways) or rejects (we keep the customer)."""
    if not is_manager(by):
        raise PermissionDenied("Only managers decide on offboarding.")
    require_status(case, CaseStatus.AWAITING_DECISION, doing="Deciding")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [f"Must be one of: {', '.join(Outcome.values)}."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Give the reason for the decision."]})
    now = timezone.now()
    decision = {"outcome": outcome, "decision_reason": reason, "decided_by": by, "decided_at": now}
    if outcome == Outcome.APPROVED:
        move(case, to=CaseStatus.COMMUNICATION, by=by, note=reason, **decision)
        Account.objects.filter(pk=case.account_id, status=AccountStatus.ACTIVE).update(
            status=AccountStatus.OFFBOARDING, updated_at=now
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(case=case, key=key, position=i)
            for i, key in enumerate(ChecklistKey.values, start=1)
        )
    else:
        move(
            case, to=CaseStatus.CLOSED, by=by, note=reason, closed_by=by, closed_at=now, **decision
        )
        # The account is kept; undo the status should anything have set it.
        Account.objects.filter(pk=case.account_id, status=AccountStatus.OFFBOARDING).update(
            status=AccountStatus.ACTIVE, updated_at=now
        )
    case.account.refresh_from_db()
    audit.record(
        by=by,
        action="offboarding.decided",
        target=case,
        label=f"offboarding case {case.pk} ({case.account.external_id})",
        changes={"outcome": [None, outcome], "status": [CaseStatus.AWAITING_DECISION, case.status]},
        note=reason,
    )
    return case


@transaction.atomic
def advance(*, case: Case, by) -> Case:
    """Communication → transition → reflection. Reflection needs a written letter."""
    if case.status == CaseStatus.TRANSITION and not case.letter_versions.exists():
        raise ValidationError({"letter": ["Save the written follow-up letter before reflecting."]})
    nxt = {
        CaseStatus.COMMUNICATION: CaseStatus.TRANSITION,
        CaseStatus.TRANSITION: CaseStatus.REFLECTION,
    }.get(case.status)
    if nxt is None:
        require_status(
            case, CaseStatus.COMMUNICATION, CaseStatus.TRANSITION, doing="Moving to the next step"
        )
    move(case, to=nxt, by=by)
    return case


def _closing_blockers(case: Case) -> dict[str, list[str]]:
    blockers: dict[str, list[str]] = {}
    open_items = [i.get_key_display() for i in case.checklist.filter(done_at__isnull=True)]
    if open_items:
        blockers["checklist"] = [
            f"{len(open_items)} communication plan item(s) still open: " + "; ".join(open_items)
        ]
    answered = {
        e.question
        for e in case.reflections.all()
        if (e.note.strip() if e.question in FREE_TEXT_QUESTIONS else e.rating)
    }
    unanswered = [q.label for q in ReflectionQuestion if q.value not in answered]
    if unanswered:
        blockers["reflection"] = [f"{len(unanswered)} reflection question(s) not answered yet."]
    return blockers


@transaction.atomic
def close_case(*, case: Case, by, note: str = "") -> Case:
    """Close an approved case: the account becomes offboarded, its open alerts are
    resolved with the case as the reason, and nothing is deleted. Offboarded accounts
    are never rescored (``signals.scoring.recompute_accounts`` freezes them), so no
    further alerts can open."""
    require_status(case, CaseStatus.REFLECTION, doing="Closing")
    blockers = _closing_blockers(case)
    if blockers:
        raise ValidationError(blockers)
    now = timezone.now()
    move(case, to=CaseStatus.CLOSED, by=by, note=note, closed_by=by, closed_at=now)
    Account.objects.filter(pk=case.account_id, status=AccountStatus.OFFBOARDING).update(
        status=AccountStatus.OFFBOARDED, updated_at=now
    )
    resolve_open_alerts(account=case.account, by=by, case_id=case.pk)
    case.account.refresh_from_db()
    return case
