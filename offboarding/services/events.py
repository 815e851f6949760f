"""The two primitives every use case builds on: record an event, move a case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import Case, CaseEvent
from ..vocabulary import TRANSITIONS, CaseStatus


def record_event(
    *, case: Case, by, action: str, note: str = "", at: dt.datetime | None = None
) -> CaseEvent:
    """An event inside a step (the status does not change)."""
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        by=by,
        action=action,
        from_status=case.status,
        to_status=case.status,
        note=note,
    )


def require_status(case: Case, *allowed: str, doing: str) -> None:
    if case.status not in allowed:
        names = ", ".join(CaseStatus(s).label.lower() for s in allowed)
        raise ValidationError(
            {"status": [f"{doing} is possible only while the case is at: {names}."]}
        )


def move(case: Case, *, to: str, by, note: str = "", **fields) -> CaseEvent:
    """Move ``case`` along one defined transition, with a compare-and-set on its status
    so two people acting at once cannot both move it; ``fields`` are written with it."""
    action = TRANSITIONS.get((case.status, to))
    if action is None:
        raise ValidationError(
            {
                "status": [
                    f"A case at {CaseStatus(case.status).label.lower()} cannot move to "
                    f"{CaseStatus(to).label.lower()}."
                ]
            }
        )
    now = timezone.now()
    changed = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=to, updated_at=now, **fields
    )
    if changed != 1:
        raise ValidationError({"status": ["The case changed meanwhile; reload it and try again."]})
    event = CaseEvent.objects.create(
        case=case, at=now, by=by, action=action, from_status=case.status, to_status=to, note=note
    )
    case.refresh_from_db()
    return event
