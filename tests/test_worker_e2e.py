"""The job pipeline against a real Celery worker over Redis and PostgreSQL.

Run with: DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… REQUIRE_SERVICES=1
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Account
from accounts.services import record_interaction
from accounts.vocabulary import Role
from crm_health.celery import app
from signals.jobs import BATCH_DELAY_ENV, start_full_recompute
from signals.models import (
    AccountHealth,
    Alert,
    HealthSnapshot,
    Notification,
    RecomputeRequest,
    ScoringChunk,
    ScoringRun,
)
from signals.tasks import recompute_accounts_task, sweep_dirty_accounts_task
from tests.alert_helpers import make_rule
from tests.factories import AccountFactory, InteractionFactory, UserFactory
from tests.services import ARTIFACTS, celery_worker, fresh_log, require_postgres, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WHEN = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()
    # A transactional test flushes the tables afterwards, the roles' groups included.
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def _story(account, n: int = 6) -> None:
    for i in range(n):
        InteractionFactory(
            account=account,
            occurred_at=WHEN + dt.timedelta(days=3 * i),
            kind="complaint" if i % 2 else "message",
            tone=-0.4 if i % 2 else 0.1,
        )


def _idle() -> bool:
    """No task running or waiting on any worker, and nothing left in the queue."""
    inspector = app.control.inspect(timeout=1.0)
    busy = [*(inspector.active() or {}).values(), *(inspector.reserved() or {}).values()]
    with app.connection_for_write() as conn:
        queued = conn.default_channel.client.llen(app.conf.task_default_queue)
    return not any(busy) and queued == 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _sigkill_worker(proc) -> None:
    """SIGKILL the worker and its pool processes (only the ones this test started)."""
    pids = [proc.pid, *_children(proc.pid)]
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


@contextmanager
def _broker_down():
    """Point this process's publisher at a dead port (the shared Redis stays up)."""
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def test_an_interaction_saved_through_the_api_rescores_the_account_without_a_manual_step(api_as):
    owner = UserFactory(username="olga", role="account_manager")
    account = AccountFactory(external_id="E2E-1", owner=owner)
    with celery_worker():
        response = api_as(owner).post(
            "/api/interactions/",
            {
                "account": "E2E-1",
                "occurred_at": "2026-10-02T10:00:00Z",
                "channel": "email",
                "direction": "inbound",
                "kind": "complaint",
                "text": "This is the third time the invoice is wrong. Fix it now.",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        health = wait_until(
            lambda: AccountHealth.objects.filter(account=account).first(),
            message="the account's health to be computed by the worker",
        )
        wait_until(
            lambda: (
                not Account.objects.filter(pk=account.pk, scores_dirty_since__isnull=False).exists()
            ),
            message="the dirty flag to clear",
        )
    assert health.snapshot.account_id == account.pk
    assert not RecomputeRequest.objects.exists()


def _other_backends() -> dict[int, dt.datetime]:
    """The other sessions on this database: backend pid → when it connected."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return dict(cursor.fetchall())


def _complain_and_wait_for_the_score(account) -> None:
    """One interaction saved (its recompute queued on commit), then the worker's
    snapshot of the account and the worker idle again."""
    record_interaction(
        account=account,
        occurred_at=WHEN,
        channel="email",
        direction="inbound",
        kind="complaint",
        text="The export failed again and nobody answered my ticket.",
    )
    wait_until(
        lambda: AccountHealth.objects.filter(account=account).exists(),
        timeout=10,
        message=f"{account.external_id} to be scored by the worker",
    )
    wait_until(_idle, message="the worker to finish the task")


def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next():
    """Celery's Django fixup closes connections around every task unless told not to;
    the worker keeps them as a web process does (a new one costs as much as a small
    recompute's reads)."""
    first, second = AccountFactory(external_id="E2E-C1"), AccountFactory(external_id="E2E-C2")
    with celery_worker():
        _complain_and_wait_for_the_score(first)
        after_first = _other_backends()
        _complain_and_wait_for_the_score(second)
        after_second = _other_backends()
    assert after_first, "the worker's connection was closed after its task"
    assert after_second == after_first, "the second task opened a new connection"


def test_a_kept_connection_that_died_between_tasks_is_replaced_before_the_next_one():
    """A database restart or an idle timeout between two tasks: the kept connection is
    checked before use and replaced, and the next task succeeds the first time."""
    from django.db import connection

    first, second = AccountFactory(external_id="E2E-D1"), AccountFactory(external_id="E2E-D2")
    log = fresh_log("worker-idle-kill.log")
    with celery_worker(log_path=log):
        _complain_and_wait_for_the_score(first)
        kept = _other_backends()
        assert kept, "the worker kept no connection"
        with connection.cursor() as cursor:
            for pid in kept:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        wait_until(lambda: not set(_other_backends()) & set(kept), message="the kill")
        # Scored within the helper's 10 s: no retry's backoff on the way.
        _complain_and_wait_for_the_score(second)
    text = log.read_text(errors="replace")
    assert "Retry in" not in text and "ERROR" not in text, text[-2000:]


def test_the_same_recompute_delivered_twice_concurrently_leaves_one_alert_and_one_snapshot():
    account = AccountFactory(
        external_id="E2E-2", owner=UserFactory(username="pat", role="account_manager")
    )
    _story(account)
    make_rule(name="Everyone", measure="health", operator="lte", value=100)
    Account.objects.filter(pk=account.pk).update(scores_dirty_since=timezone.now())
    # Each delivery holds its transaction open for a second, so the two overlap.
    with celery_worker(concurrency=2, extra_env={BATCH_DELAY_ENV: "1.5"}):
        recompute_accounts_task.delay([account.pk])
        recompute_accounts_task.delay([account.pk])
        wait_until(lambda: Alert.objects.filter(account=account).exists(), message="the alert")
        wait_until(_idle, timeout=60, interval=0.5, message="both deliveries to finish")
    assert HealthSnapshot.objects.filter(account=account).count() == 1
    assert Alert.objects.filter(account=account).count() == 1
    assert Notification.objects.filter(alert__account=account, kind="opened").count() == 1
    tip = HealthSnapshot.objects.get(account=account)
    assert AccountHealth.objects.get(account=account).snapshot_id == tip.pk


def test_a_worker_killed_mid_run_leaves_no_partial_state_and_the_run_completes_after_restart(
    settings,
):
    accounts = [AccountFactory(external_id=f"E2E-K{i}") for i in range(3)]
    for account in accounts:
        _story(account, n=4)
    make_rule(name="Everyone", measure="health", operator="lte", value=100)
    log = ARTIFACTS / "worker-kill.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seen = log.stat().st_size if log.exists() else 0

    def chunk_received() -> bool:
        with log.open("rb") as f:
            f.seek(seen)
            return b"signals.run_scoring_chunk[" in f.read()

    # Worker 1 is slow enough to be killed mid-chunk.
    with celery_worker(log_path=log, extra_env={BATCH_DELAY_ENV: "60"}) as proc:
        run = start_full_recompute(period_key="e2e:kill")
        assert run.chunks_total == 1
        wait_until(chunk_received, message="the chunk to reach the worker")
        time.sleep(3)  # well inside the chunk's transaction
        killed_at = time.monotonic()
        _sigkill_worker(proc)
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.processed_accounts) == ("running", 0, 0)
    assert not HealthSnapshot.objects.exists()
    assert not AccountHealth.objects.exists()
    assert not Alert.objects.exists()
    assert ScoringChunk.objects.get(run=run).done_at is None
    # Worker 2 restores unacknowledged messages older than its visibility timeout when it
    # starts (3 × its hard time limit here: 30 s), then runs the chunk again.
    time.sleep(max(0.0, 32 - (time.monotonic() - killed_at)))
    fast = {"CRM_TASK_SOFT_TIME_LIMIT": "8", "CRM_TASK_TIME_LIMIT": "10"}
    with celery_worker(log_path=log, extra_env=fast):
        wait_until(
            lambda: ScoringRun.objects.get(pk=run.pk).status == "succeeded",
            timeout=90,
            interval=0.5,
            message="the redelivered chunk to finish the run",
        )
    run.refresh_from_db()
    assert (run.chunks_done, run.processed_accounts, run.alerts_opened) == (1, 3, 3)
    assert HealthSnapshot.objects.count() == 3
    assert Alert.objects.count() == 3


def test_with_the_broker_down_a_write_succeeds_and_the_sweep_scores_it_once_it_is_back():
    account = AccountFactory(external_id="E2E-3")
    with celery_worker():
        with _broker_down():
            started = time.monotonic()
            record_interaction(
                account=account,
                occurred_at=WHEN,
                channel="call",
                direction="inbound",
                kind="escalation",
                text="We are escalating this to your CEO.",
            )
            took = time.monotonic() - started
        assert took < 10, f"a write took {took:.1f}s with the broker down"
        account.refresh_from_db()
        assert account.interactions.count() == 1 and account.scores_dirty_since is not None
        assert not AccountHealth.objects.filter(account=account).exists()
        # The broker is back: the periodic sweep (published here instead of by beat).
        sweep_dirty_accounts_task.delay()
        wait_until(
            lambda: AccountHealth.objects.filter(account=account).exists(),
            message="the sweep to score the account",
        )
        wait_until(
            lambda: Account.objects.get(pk=account.pk).scores_dirty_since is None,
            message="the dirty flag to clear",
        )
