"""The audit trail: who changed a setting or a responsibility, when, from what to what.

Covered: threshold rules (create, update, delete), health weights, account ownership,
and people's alert transitions (acknowledge, snooze, resolve, assign). Alerts also keep
their own richer history in ``AlertEvent``; the audit entry is the cross-cutting view an
admin reads in one list (``/admin/accounts/auditentry/``). System transitions (an alert
opening or clearing by itself) stay in ``AlertEvent`` only: they are not somebody's
decision.

Entries are written in the transaction of the change they record, so a change and its
entry exist together or not at all. ``AuditEntry`` is append-only (model, queryset,
admin, and a PostgreSQL trigger).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEntry


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value (users by username, dates as ISO)."""
    if isinstance(value, models.Model):
        username = getattr(value, "get_username", None)
        return username() if username else str(value.pk)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def values_of(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` on ``obj``, ready for :func:`record`."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [from, to]}`` for every field whose value differs."""
    keys = [*before, *(k for k in after if k not in before)]
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in keys
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def record(
    *,
    by,
    action: str,
    target: models.Model,
    changes: Mapping[str, list[Any]],
    note: str = "",
    label: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry | None:
    """Append one entry; nothing when nothing changed (a save without changes is not
    an event). ``by`` None means the system."""
    if not changes and not action.endswith(("created", "deleted")):
        return None
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor_id=actor.pk if actor else None,
        actor=actor.get_username() if actor else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=(label if label is not None else str(target))[:250],
        changes=dict(changes),
        note=note,
    )
