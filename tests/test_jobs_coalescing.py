"""Recompute on change: bursts coalesce, a dead broker never fails a write, and the
sweep scores whatever was left dirty."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from accounts.models import Account
from accounts.services import record_interaction
from signals.dispatch import STALE_AFTER, claim_recompute, request_recompute
from signals.jobs import sweep_dirty_accounts
from signals.models import AccountHealth, HealthSnapshot, RecomputeRequest
from signals.tasks import recompute_accounts_task
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def _write(account, n: int) -> None:
    record_interaction(
        account=account,
        occurred_at=WHEN + dt.timedelta(minutes=n),
        channel="email",
        direction="inbound",
        kind="complaint",
        text=f"Still waiting for the fix, message {n}",
    )


def test_a_burst_of_writes_to_fifty_accounts_queues_one_recompute_per_account(
    django_capture_on_commit_callbacks,
):
    accounts = [AccountFactory() for _ in range(50)]
    with mock.patch.object(recompute_accounts_task, "delay") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(4):
                for account in accounts:
                    _write(account, n)
        # 200 writes; the queue is busy, nothing has started yet.
        batches = [call.args[0] for call in queued.call_args_list]
    assert sorted(pk for batch in batches for pk in batch) == sorted(a.pk for a in accounts)
    assert len(batches) <= 50


def test_a_write_after_the_recompute_started_queues_a_new_one(django_capture_on_commit_callbacks):
    account = AccountFactory()
    with mock.patch.object(recompute_accounts_task, "delay") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            _write(account, 1)
        recompute_accounts_task.run([account.pk])  # the worker takes it
        with django_capture_on_commit_callbacks(execute=True):
            _write(account, 2)
    assert queued.call_count == 2


def test_a_marker_whose_task_was_lost_expires():
    account = AccountFactory()
    assert claim_recompute(account_ids=[account.pk]) == [account.pk]
    assert claim_recompute(account_ids=[account.pk]) == []
    later = timezone.now() + STALE_AFTER + dt.timedelta(seconds=1)
    assert claim_recompute(account_ids=[account.pk], now=later) == [account.pk]


def test_an_unknown_account_is_ignored_by_dispatch():
    assert claim_recompute(account_ids=[987654]) == []


def test_with_the_broker_down_the_write_succeeds_and_the_sweep_scores_it_later(
    django_capture_on_commit_callbacks,
):
    account = AccountFactory()
    down = mock.patch.object(recompute_accounts_task, "delay", side_effect=BrokerDown("down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        _write(account, 1)
    account.refresh_from_db()
    assert account.interactions.count() == 1
    assert account.scores_dirty_since is not None
    assert not RecomputeRequest.objects.exists()  # released, so the sweep can queue it
    assert not AccountHealth.objects.filter(account=account).exists()

    assert sweep_dirty_accounts() == 1  # broker back: eager here, so it runs now
    account.refresh_from_db()
    assert account.scores_dirty_since is None
    assert AccountHealth.objects.filter(account=account).exists()
    assert sweep_dirty_accounts() == 0


def test_the_same_recompute_run_twice_writes_one_snapshot():
    account = AccountFactory()
    Account.objects.filter(pk=account.pk).update(scores_dirty_since=timezone.now())
    first = recompute_accounts_task.run([account.pk])
    second = recompute_accounts_task.run([account.pk])
    assert (first["changed"], second["changed"]) == (1, 0)
    assert HealthSnapshot.objects.filter(account=account).count() == 1


def test_request_recompute_never_raises_even_when_the_recompute_fails():
    account = AccountFactory()
    with mock.patch("signals.scoring.recompute_accounts", side_effect=RuntimeError("bug")):
        assert request_recompute(account_ids=[account.pk]) == 0
    account.refresh_from_db()
    assert account.scores_dirty_since is not None
