"""Celery tasks: thin and idempotent. Each loads ids, calls one service, and is safe to
run twice or twice at once (redelivery is normal under acks_late; see docs/JOBS.md).

Global options (settings.py): acks_late, reject_on_worker_lost, prefetch 1, soft and
hard time limits, JSON. Per task here: retry with backoff and jitter on database
hiccups, and ``ignore_result`` — nothing reads results, and skipping the result backend
keeps publishing to a single broker round trip.
"""

from __future__ import annotations

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from signals import alerts, jobs, notifications

log = logging.getLogger(__name__)

#: Transient failures worth retrying: a dropped connection, a deadlock victim, a
#: serialisation failure, SQLite's "database is locked".
RETRYABLE = (OperationalError, InterfaceError)
RETRY_OPTIONS = {
    "autoretry_for": RETRYABLE,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "ignore_result": True,
}


@shared_task(name="signals.recompute_accounts", **RETRY_OPTIONS)
def recompute_accounts_task(account_ids: list[int]) -> dict[str, int]:
    """Rescore these accounts and evaluate their thresholds. Idempotent: a second run
    finds nothing changed. On a soft time limit the batch's transaction rolls back and
    the accounts stay dirty for the sweep."""
    try:
        return jobs.recompute_and_evaluate(account_ids=account_ids).as_dict()
    except SoftTimeLimitExceeded:
        log.warning("recompute of %d account(s) timed out; the sweep retries", len(account_ids))
        raise


@shared_task(name="signals.sweep_dirty_accounts", **RETRY_OPTIONS)
def sweep_dirty_accounts_task() -> int:
    return jobs.sweep_dirty_accounts()


@shared_task(name="signals.start_full_recompute", **RETRY_OPTIONS)
def start_full_recompute_task(period_key: str | None = None, trigger: str = "schedule") -> int:
    """Beat calls this without arguments: the key is today's (UTC) date, so a double
    fire or two beat processes start one run."""
    run = jobs.start_full_recompute(
        period_key=period_key or jobs.scheduled_period_key(), trigger=trigger
    )
    return run.pk


class ChunkTask(Task):
    """Marks the run failed when a chunk gives up for good (retries exhausted, a soft
    time limit, a bug), instead of leaving it "running" forever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        from signals.models import ScoringChunk

        chunk_id = args[0] if args else kwargs.get("chunk_id")
        run_id = ScoringChunk.objects.filter(pk=chunk_id).values_list("run_id", flat=True).first()
        if run_id is not None:
            jobs.fail_run(run_id=run_id, error=f"chunk {chunk_id}: {type(exc).__name__}: {exc}")


@shared_task(name="signals.run_scoring_chunk", base=ChunkTask, **RETRY_OPTIONS)
def run_scoring_chunk_task(chunk_id: int) -> bool:
    return jobs.run_chunk(chunk_id=chunk_id)


@shared_task(name="signals.evaluate_rule", **RETRY_OPTIONS)
def evaluate_rule_task(rule_id: int) -> dict[str, int]:
    return jobs.evaluate_rule_everywhere(rule_id=rule_id).as_dict()


@shared_task(name="signals.wake_snoozed_alerts", **RETRY_OPTIONS)
def wake_snoozed_alerts_task() -> dict[str, int]:
    result = alerts.wake_snoozed_alerts()
    for pk in result.notification_ids:
        send_notification_task.delay(pk)
    return {"reopened": result.reopened, "resolved": result.resolved}


@shared_task(name="signals.send_notification", **RETRY_OPTIONS)
def send_notification_task(notification_id: int) -> bool:
    return notifications.send_notification(notification_id=notification_id)


@shared_task(name="signals.send_pending_notifications", **RETRY_OPTIONS)
def send_pending_notifications_task() -> int:
    return notifications.send_pending_notifications()


@shared_task(name="signals.escalate_critical_alerts", **RETRY_OPTIONS)
def escalate_critical_alerts_task() -> int:
    ids = notifications.escalate_critical_alerts()
    for pk in ids:
        send_notification_task.delay(pk)
    return len(ids)


@shared_task(name="signals.queue_daily_digests", **RETRY_OPTIONS)
def queue_daily_digests_task() -> int:
    ids = notifications.queue_daily_digests()
    for pk in ids:
        send_notification_task.delay(pk)
    return len(ids)
