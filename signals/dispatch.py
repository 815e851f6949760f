"""Asking for recomputes from the write path (accounts.services.accounts_changed calls
``request_recompute`` once the write has committed).

Coalescing: a ``RecomputeRequest`` row per account means "a recompute is queued and has
not started". We enqueue only the accounts we could insert a row for (one
``INSERT … ON CONFLICT DO NOTHING … RETURNING``), so a burst of writes to one account
queues one recompute, and an import touching 50 accounts queues at most 50 (in
``CRM_SCORING_CHUNK_SIZE`` batches, usually one task). The task deletes its rows before it
reads anything (signals.jobs), so a write committed after that delete queues a fresh
recompute, and one committed before it is read by the running one. A row older than
``STALE_AFTER`` (its task was lost, e.g. a purged queue) may be claimed again.

Publishing must never fail a write: if the broker is unreachable we release the rows
and re-mark the accounts dirty (a newer timestamp defeats the compare-and-set of any
recompute already running), so the periodic sweep scores them once the broker is back.
The publish itself is bounded: ``broker_connection_timeout`` and no publish retry
(settings), and tasks ignore results so no result-backend round trip either.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from contextlib import nullcontext

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Account
from signals.models import RecomputeRequest

log = logging.getLogger(__name__)

#: Longer than any queued task can wait and run (the broker redelivers after the
#: visibility timeout), so a marker this old has no live task behind it.
STALE_AFTER = dt.timedelta(
    seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    + settings.CELERY_TASK_TIME_LIMIT
)
_BATCH = 500


def claim_recompute(*, account_ids: Iterable[int], now: dt.datetime | None = None) -> list[int]:
    """Insert a "queued" marker for each account that has none (or a stale one) and
    return those accounts: the ones the caller must enqueue."""
    now = now or timezone.now()
    ids = sorted({int(a) for a in account_ids})
    table = connection.ops.quote_name(RecomputeRequest._meta.db_table)
    accounts = connection.ops.quote_name(Account._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    stale = connection.ops.adapt_datetimefield_value(now - STALE_AFTER)
    claimed: list[int] = []
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        marks = ", ".join(["%s"] * len(batch))
        # INSERT … SELECT skips accounts deleted meanwhile (no FK error); the WHERE on
        # the conflict branch only takes over stale markers. Both PostgreSQL and SQLite
        # (3.35+) support this statement as written.
        # Table names come from the models and are quoted; every value is bound.
        sql = (
            f"INSERT INTO {table} (account_id, enqueued_at) "  # noqa: S608  # nosec B608
            f"SELECT id, %s FROM {accounts} WHERE id IN ({marks}) "
            f"ON CONFLICT (account_id) DO UPDATE SET enqueued_at = excluded.enqueued_at "
            f"WHERE {table}.enqueued_at < %s RETURNING account_id"
        )
        with _one_statement(), connection.cursor() as cursor:
            cursor.execute(sql, [stamp, *batch, stale])
            claimed += [row[0] for row in cursor.fetchall()]
    return sorted(claimed)


def _one_statement():
    """What one statement needs around it: nothing in autocommit (it is a transaction
    of its own — a BEGIN and a COMMIT saved on every write that queues a recompute),
    a savepoint inside a caller's transaction (a failure must not break the caller's)."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def release_recompute(*, account_ids: Iterable[int]) -> None:
    """Drop the markers: the recompute is starting (or will never run)."""
    ids = [int(a) for a in account_ids]
    table = connection.ops.quote_name(RecomputeRequest._meta.db_table)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        marks = ", ".join(["%s"] * len(batch))
        # One statement, not QuerySet.delete()'s collector and transaction (three round
        # trips before every recompute). Table name from the model, quoted; ids bound.
        sql = f"DELETE FROM {table} WHERE account_id IN ({marks})"  # noqa: S608  # nosec B608
        with _one_statement(), connection.cursor() as cursor:
            cursor.execute(sql, batch)


def request_recompute(*, account_ids: Iterable[int]) -> int:
    """Queue a recompute of these accounts, coalesced with any already queued; returns
    how many accounts were newly queued. Never raises: the dirty flag and the sweep are
    the guarantee."""
    from signals.tasks import recompute_accounts_task

    try:
        ids = claim_recompute(account_ids=account_ids)
    except DatabaseError:
        log.exception("could not queue recomputes; the accounts stay dirty for the sweep")
        return 0
    size = settings.CRM_SCORING_CHUNK_SIZE
    queued = 0
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        try:
            recompute_accounts_task.delay(batch)
            queued += len(batch)
        except Exception:
            # Broker down (or, in eager mode, the recompute itself failed). The write has
            # committed; failing here would only hide that. Leave it to the sweep.
            log.exception("recompute of %d account(s) not done now; the sweep will", len(batch))
            _leave_for_sweep(batch)
    return queued


def _leave_for_sweep(account_ids: list[int]) -> None:
    try:
        release_recompute(account_ids=account_ids)
        Account.objects.filter(pk__in=account_ids).update(scores_dirty_since=timezone.now())
    except DatabaseError:
        log.exception("could not release recompute markers; they expire after %s", STALE_AFTER)
