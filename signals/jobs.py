"""Orchestration of background scoring: the recompute pipeline, the dirty sweep and the
chunked full recompute (``ScoringRun`` / ``ScoringChunk``).

The pipeline flows one way: recompute (signals.scoring) → threshold evaluation on the
current snapshots (signals.thresholds) → alert transitions (signals.alerts) → outbox rows
(signals.notifications) → send tasks after commit. A batch runs in one transaction, so
a worker killed mid-batch leaves nothing behind and the redelivered task starts clean.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Account
from accounts.vocabulary import AccountStatus
from signals.collector import batch_collections
from signals.config import scoring_config
from signals.dispatch import release_recompute, request_recompute
from signals.models import ScoringChunk, ScoringRun
from signals.thresholds import Evaluation, evaluate_accounts

log = logging.getLogger(__name__)

#: Fault-injection hook for the worker tests only: seconds a batch sleeps inside its
#: transaction before committing, so a test can kill a worker mid-batch or make two
#: deliveries of one batch overlap. Unset in production.
BATCH_DELAY_ENV = "CRM_TEST_BATCH_DELAY_SECONDS"


@dataclass
class BatchOutcome:
    processed: int = 0
    changed: int = 0
    alerts_opened: int = 0
    alerts_resolved: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _send_after_commit(notification_ids: Sequence[int]) -> None:
    if not notification_ids:
        return
    from signals.tasks import send_notification_task

    def publish() -> None:
        for pk in notification_ids:
            try:
                send_notification_task.delay(pk)
            except Exception:
                # The periodic send task picks unsent rows up; never fail the caller.
                log.exception("notification %s left for the periodic sender", pk)

    transaction.on_commit(publish)


def _score_and_evaluate(account_ids: Sequence[int], as_of: dt.datetime | None) -> BatchOutcome:
    from signals.scoring import recompute_accounts

    config = scoring_config()
    with batch_collections():
        result = recompute_accounts(account_ids=account_ids, as_of=as_of, config=config)
        # Every account of the batch, not only the changed ones: evaluation is
        # idempotent, and a batch redelivered after a crash finds its snapshots
        # unchanged but still needs its alerts; a rule added since the last change
        # also gets its say.
        evaluation: Evaluation = evaluate_accounts(
            account_ids=account_ids, rules=config.rules, scored=result.scored
        )
    _send_after_commit(evaluation.notification_ids)
    delay = float(os.environ.get(BATCH_DELAY_ENV) or 0)
    if delay:
        time.sleep(delay)
    return BatchOutcome(
        processed=result.processed,
        changed=result.changed,
        alerts_opened=len(evaluation.opened),
        alerts_resolved=evaluation.resolved,
    )


def recompute_and_evaluate(
    *, account_ids: Sequence[int], as_of: dt.datetime | None = None
) -> BatchOutcome:
    """The on-change pipeline for one batch of accounts (what the recompute task runs)."""
    ids = sorted({int(a) for a in account_ids})
    # Release the coalescing markers first and outside the transaction: from here on a
    # new write must queue its own recompute, since this one may already have read.
    release_recompute(account_ids=ids)
    with transaction.atomic():
        return _score_and_evaluate(ids, as_of)


def dirty_account_ids() -> list[int]:
    """Accounts with an unscored change. Offboarded accounts are frozen once scored, so
    only a never-scored one counts."""
    return list(
        Account.objects.filter(scores_dirty_since__isnull=False)
        .filter(~Q(status=AccountStatus.OFFBOARDED) | Q(current_health__isnull=True))
        .order_by("scores_dirty_since", "pk")
        .values_list("pk", flat=True)
    )


def sweep_dirty_accounts() -> int:
    """Queue a recompute for every dirty account (coalesced with those already queued).
    This is the guarantee behind "no change is left unscored": a write whose enqueue
    failed, or a recompute that died, leaves the account dirty until this catches it."""
    ids = dirty_account_ids()
    if not ids:
        return 0
    return request_recompute(account_ids=ids)


# --- full recompute -------------------------------------------------------------------


def scheduled_period_key(now: dt.datetime | None = None) -> str:
    """One run per UTC day: two beat schedulers (or a double fire) share the key."""
    return f"full:{(now or timezone.now()).astimezone(dt.UTC):%Y-%m-%d}"


def start_full_recompute(
    *, period_key: str, trigger: str = "schedule", now: dt.datetime | None = None
) -> ScoringRun:
    """Start (or resume) the full recompute for ``period_key``: claim the run row
    (unique key), refit the portfolio models, split active accounts into chunks and fan
    them out. Calling it again for the same key starts nothing new; it re-publishes the
    chunks not done yet if the run looks stalled (the starter died before publishing)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = ScoringRun.objects.create(period_key=period_key, trigger=trigger, started_at=now)
        created = True
    except IntegrityError:
        run = ScoringRun.objects.get(period_key=period_key)
        created = False
    if run.status != ScoringRun.Status.RUNNING:
        return run
    stalled = now - run.started_at > dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    if not created and not stalled:
        return run  # its starter is (or was just) working on it
    if run.chunks_total == 0:
        _refit_models()
        run = split_into_chunks(run=run, now=now)
        if run.status != ScoringRun.Status.RUNNING:
            return run
    publish_chunks(run)
    return run


def _refit_models() -> None:
    from signals import scoring

    # fit_portfolio_models refits churn and CLV; fall back to churn alone if only that
    # is available.
    fit = getattr(scoring, "fit_portfolio_models", None) or scoring.fit_churn_model_for_portfolio
    fit()


@transaction.atomic
def split_into_chunks(*, run: ScoringRun, now: dt.datetime) -> ScoringRun:
    """Split the active accounts into ``CRM_SCORING_CHUNK_SIZE`` chunks of ``run``
    (once: a second caller splits nothing) and return the run as stored. The first half
    of ``start_full_recompute``, public for the bench, which times publishing alone."""
    ids = list(
        Account.objects.exclude(status=AccountStatus.OFFBOARDED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = settings.CRM_SCORING_CHUNK_SIZE
    parts = [ids[i : i + size] for i in range(0, len(ids), size)]
    # Compare-and-set: a second starter that raced us here splits nothing.
    claimed = ScoringRun.objects.filter(pk=run.pk, chunks_total=0, chunks_done=0).update(
        chunks_total=len(parts), total_accounts=len(ids)
    )
    if claimed == 1:
        ScoringChunk.objects.bulk_create(
            [ScoringChunk(run=run, index=i, account_ids=part) for i, part in enumerate(parts)]
        )
        if not parts:
            ScoringRun.objects.filter(pk=run.pk, status=ScoringRun.Status.RUNNING).update(
                status=ScoringRun.Status.SUCCEEDED, finished_at=now
            )
    run.refresh_from_db()
    return run


def publish_chunks(run: ScoringRun) -> None:
    """Queue every chunk of ``run`` not done yet, for any number of workers to share."""
    from celery import group

    from signals.tasks import run_scoring_chunk_task

    pending = list(run.chunks.filter(done_at=None).values_list("pk", flat=True))
    if pending:
        # A group, not a chord: each chunk counts itself done (compare-and-set) and the
        # one that completes the count finishes the run, so no result backend is needed
        # and any number of workers share the chunks.
        group(run_scoring_chunk_task.si(pk) for pk in pending).apply_async()


def run_chunk(*, chunk_id: int, as_of: dt.datetime | None = None) -> bool:
    """Score one chunk, evaluate its accounts and count it done — all in one
    transaction. A redelivered or duplicated chunk recomputes harmlessly (no new
    snapshots, no new alerts) and its done-marking matches no row, so nothing is
    counted twice. Returns whether this call counted the chunk."""
    chunk = ScoringChunk.objects.select_related("run").get(pk=chunk_id)
    if chunk.done_at is not None or chunk.run.status != ScoringRun.Status.RUNNING:
        return False
    with transaction.atomic():
        outcome = _score_and_evaluate(chunk.account_ids, as_of)
        now = timezone.now()
        counted = ScoringChunk.objects.filter(pk=chunk.pk, done_at=None).update(
            done_at=now, changed=outcome.changed
        )
        if counted != 1:
            # Someone finished this chunk while we worked: drop our (identical) result.
            transaction.set_rollback(True)
            return False
        ScoringRun.objects.filter(pk=chunk.run_id).update(
            chunks_done=F("chunks_done") + 1,
            processed_accounts=F("processed_accounts") + outcome.processed,
            changed_accounts=F("changed_accounts") + outcome.changed,
            alerts_opened=F("alerts_opened") + outcome.alerts_opened,
            alerts_resolved=F("alerts_resolved") + outcome.alerts_resolved,
        )
        # Our update holds the run row until commit, so the increments are serial and
        # exactly one chunk sees the count complete.
        run = ScoringRun.objects.only("chunks_done", "chunks_total").get(pk=chunk.run_id)
        if run.chunks_done >= run.chunks_total:
            ScoringRun.objects.filter(pk=chunk.run_id, status=ScoringRun.Status.RUNNING).update(
                status=ScoringRun.Status.SUCCEEDED, finished_at=now
            )
    return True


def fail_run(*, run_id: int, error: str) -> None:
    ScoringRun.objects.filter(pk=run_id, status=ScoringRun.Status.RUNNING).update(
        status=ScoringRun.Status.FAILED, finished_at=timezone.now(), error=error[:5000]
    )


def evaluate_rule_everywhere(*, rule_id: int) -> BatchOutcome:
    """After a rule is created or changed: evaluate it on every account's current
    snapshot, a chunk per transaction, without waiting for the next recompute."""
    from signals.models import ThresholdRule

    rule = ThresholdRule.objects.filter(pk=rule_id).first()
    outcome = BatchOutcome()
    if rule is None:
        return outcome
    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    size = settings.CRM_SCORING_CHUNK_SIZE
    for start in range(0, len(ids), size):
        with transaction.atomic():
            # A disabled rule is evaluated as "never matches" so its alerts resolve.
            evaluation = evaluate_accounts(account_ids=ids[start : start + size], rules=[rule])
            _send_after_commit(evaluation.notification_ids)
        outcome.alerts_opened += len(evaluation.opened)
        outcome.alerts_resolved += evaluation.resolved
    return outcome
