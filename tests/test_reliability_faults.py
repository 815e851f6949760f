"""Faults survived with real processes: Redis restarting under queued work, a database
connection killed mid-transaction, a full run triggered twice, a crash between opening
an alert and sending its email. Each test checks nothing is lost and nothing doubled.

tests/test_worker_e2e.py already proves the worker-SIGKILL, duplicate-delivery and
broker-down cases; these are the rest of issue 9's list.

Run with: DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… REQUIRE_SERVICES=1
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from accounts.models import Account
from accounts.vocabulary import Role
from crm_health.celery import app
from signals.dispatch import request_recompute
from signals.jobs import BATCH_DELAY_ENV
from signals.models import (
    AccountHealth,
    Alert,
    HealthSnapshot,
    Notification,
    RecomputeRequest,
    ScoringRun,
)
from signals.tasks import (
    recompute_accounts_task,
    send_notification_task,
    send_pending_notifications_task,
    start_full_recompute_task,
    sweep_dirty_accounts_task,
)
from tests.alert_helpers import make_rule
from tests.factories import AccountFactory, InteractionFactory, UserFactory
from tests.services import (
    ROOT,
    celery_worker,
    fresh_log,
    require_postgres,
    require_redis,
    subprocess_env,
    wait_until,
)
from tests.test_worker_e2e import _idle

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WHEN = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
#: Short Celery limits for a worker, so markers and claims "go stale" within a test
#: (visibility timeout 3 × 10 s; a recompute marker is stale after 30 + 10 s).
FAST_LIMITS = {"CRM_TASK_SOFT_TIME_LIMIT": "8", "CRM_TASK_TIME_LIMIT": "10"}


@pytest.fixture(autouse=True)
def _services():
    require_postgres()
    require_redis()
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def _portfolio(n: int, prefix: str) -> list[Account]:
    """Accounts with a few weeks of history each, owned by someone with an email."""
    owner = UserFactory(username=f"owner-{prefix.lower()}", role="account_manager")
    accounts = []
    for i in range(n):
        account = AccountFactory(external_id=f"{prefix}-{i}", owner=owner)
        for j in range(4):
            InteractionFactory(
                account=account,
                occurred_at=WHEN + dt.timedelta(days=3 * j),
                kind="complaint" if j % 2 else "message",
                tone=-0.4 if j % 2 else 0.1,
            )
        accounts.append(account)
    return accounts


def _exactly_once(accounts: list[Account]) -> None:
    """Every account scored, one snapshot, one alert and one 'opened' email row each,
    nothing left dirty or queued."""
    for account in accounts:
        assert HealthSnapshot.objects.filter(account=account).count() == 1, account
        assert Alert.objects.filter(account=account).count() == 1, account
        assert Notification.objects.filter(alert__account=account, kind="opened").count() == 1
        assert AccountHealth.objects.filter(account=account).exists()
    assert not Account.objects.filter(
        pk__in=[a.pk for a in accounts], scores_dirty_since__isnull=False
    ).exists()
    assert not RecomputeRequest.objects.exists()


# --- an own Redis, to restart without touching the shared one -------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A private ``redis-server`` without persistence: a restart loses every queued
    message, the worst case for the queue."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, timeout=10, message="the private redis-server to answer")

    def ping(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def queued(self) -> int:
        return redis.Redis.from_url(self.url).llen(app.conf.task_default_queue)


@contextmanager
def _own_redis(settings, monkeypatch) -> Iterator[OwnRedis]:
    """This process publishes to a private Redis and tests.services starts workers on
    it; task results (the worker ping) stay on the shared test Redis."""
    server = OwnRedis()
    server.start()
    # Celery reads CELERY_BROKER_URL from the environment before its own config.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    previous, eager = app.conf.broker_url, app.conf.task_always_eager
    settings.TEST_BROKER_URL = server.url
    app.conf.broker_url = server.url
    app.conf.task_always_eager = False  # publish for real even before a worker starts
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield server
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous, eager
        app._pool = None
        app.amqp._producer_pool = None
        server.kill()


def test_a_redis_restart_that_loses_queued_recomputes_still_scores_every_account_once(
    settings, monkeypatch
):
    accounts = _portfolio(5, "RR")
    make_rule(name="Everyone", measure="health", operator="lte", value=100)
    ids = [a.pk for a in accounts]
    with _own_redis(settings, monkeypatch) as server:
        Account.objects.filter(pk__in=ids).update(scores_dirty_since=timezone.now())
        assert request_recompute(account_ids=ids) == len(ids)
        assert server.queued() >= 1  # queued, no worker yet
        server.kill()  # no persistence: the queued recomputes are gone
        server.start()
        assert server.queued() == 0
        results = {"CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND}
        log = fresh_log("worker-redis-restart.log")
        with celery_worker(log_path=log, extra_env={**FAST_LIMITS, **results}):
            started = time.monotonic()

            def swept_clean() -> bool:
                # What beat does every CRM_SWEEP_SECONDS. The lost tasks' markers block
                # a re-queue until they are stale (the visibility timeout plus the hard
                # limit), so nothing can be queued twice meanwhile.
                sweep_dirty_accounts_task.delay()
                return not Account.objects.filter(
                    pk__in=ids, scores_dirty_since__isnull=False
                ).exists()

            wait_until(swept_clean, timeout=120, interval=3, message="the sweep to catch up")
            wait_until(_idle, timeout=60, interval=0.5, message="the worker to go idle")
            recovered_in = time.monotonic() - started
    _exactly_once(accounts)
    # Recovery waited for the lost tasks' markers to expire, not longer.
    assert recovered_in < 40 + 30, recovered_in


def _backend_in_transaction() -> int | None:
    """The pid of another session on the test database that sits inside a transaction
    (the worker's batch sleeping before its commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'idle in transaction'"
        )
        rows = cursor.fetchall()
    return rows[0][0] if len(rows) == 1 else None


def test_a_database_connection_killed_mid_batch_rolls_back_and_the_task_retries_cleanly():
    accounts = _portfolio(3, "PT")
    make_rule(name="Everyone", measure="health", operator="lte", value=100)
    ids = [a.pk for a in accounts]
    Account.objects.filter(pk__in=ids).update(scores_dirty_since=timezone.now())
    log = fresh_log("worker-pg-terminate.log")
    with celery_worker(log_path=log, extra_env={BATCH_DELAY_ENV: "4"}):
        recompute_accounts_task.delay(ids)
        pid = wait_until(_backend_in_transaction, timeout=60, message="the batch's transaction")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        # The batch had written snapshots, health rows, alerts and outbox rows inside
        # its transaction; none of it may be visible now.
        time.sleep(1)
        assert not HealthSnapshot.objects.filter(account__in=ids).exists()
        assert not Alert.objects.filter(account__in=ids).exists()
        assert not Notification.objects.exists()
        wait_until(
            lambda: AccountHealth.objects.filter(account__in=ids).count() == len(ids),
            timeout=90,
            message="the retried batch to commit",
        )
        wait_until(_idle, timeout=60, interval=0.5, message="the worker to go idle")
    text = log.read_text(errors="replace")
    assert "Retry in" in text and "signals.recompute_accounts" in text
    _exactly_once(accounts)


def test_the_same_scheduled_period_fired_twice_at_once_makes_one_run():
    accounts = _portfolio(4, "BT")
    with celery_worker(concurrency=2, log_path=fresh_log("worker-double-beat.log")):
        # Two beat processes firing the nightly entry: no key, so both use today's.
        start_full_recompute_task.delay()
        start_full_recompute_task.delay()
        wait_until(
            lambda: ScoringRun.objects.filter(status="succeeded").exists(),
            timeout=120,
            interval=0.5,
            message="the run to finish",
        )
        wait_until(_idle, timeout=60, interval=0.5, message="the worker to go idle")
    (run,) = ScoringRun.objects.all()
    assert run.processed_accounts == len(accounts) and run.chunks_done == run.chunks_total
    assert HealthSnapshot.objects.count() == len(accounts)


CRASH_AFTER_COMMIT = textwrap.dedent(
    """
    import os, signal
    import django
    django.setup()
    from django.db import transaction
    from signals.jobs import recompute_and_evaluate

    with transaction.atomic():
        # Registered first, so it runs first when the batch commits: the process dies
        # after the alert and its outbox row are durable and before anything is sent.
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        recompute_and_evaluate(account_ids=[{account_id}])
    """
)


def test_a_crash_between_opening_an_alert_and_notifying_still_sends_exactly_one_email():
    (account,) = _portfolio(1, "CR")
    make_rule(name="Everyone", measure="health", operator="lte", value=100)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_COMMIT.format(account_id=account.pk)],
        cwd=ROOT,
        env=subprocess_env(CELERY_BROKER_URL=require_redis()),
        capture_output=True,
        timeout=120,
    )
    assert crashed.returncode == -9, crashed.stderr.decode()[-2000:]
    (alert,) = Alert.objects.filter(account=account)
    (row,) = Notification.objects.filter(alert=alert)
    assert row.sent_at is None and row.claimed_at is None  # durable, not sent

    log = fresh_log("worker-crash-notify.log")
    with celery_worker(concurrency=2, log_path=log):
        # After the restart: the periodic catch-all, twice, racing a direct send.
        send_pending_notifications_task.delay()
        send_pending_notifications_task.delay()
        send_notification_task.delay(row.pk)
        wait_until(
            lambda: Notification.objects.get(pk=row.pk).sent_at is not None,
            message="the email to be sent",
        )
        wait_until(_idle, timeout=60, interval=0.5, message="the worker to go idle")
    row.refresh_from_db()
    assert row.attempts == 1
    # The console backend prints each email to the worker's log once.
    assert log.read_text(errors="replace").count(f"Subject: {row.subject}") == 1
