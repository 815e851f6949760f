"""The scheduled full recompute: one run per period, chunks shared by workers, counted
once, progress on the run row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.vocabulary import AccountStatus
from signals.jobs import run_chunk, scheduled_period_key, start_full_recompute
from signals.models import AccountHealth, Alert, ScoringChunk, ScoringRun
from tests.alert_helpers import make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(settings):
    settings.CRM_SCORING_CHUNK_SIZE = 2
    accounts = [AccountFactory() for _ in range(5)]
    AccountFactory(status=AccountStatus.OFFBOARDED)
    return accounts


def test_a_full_recompute_scores_every_active_account_in_chunks(portfolio):
    make_rule(measure="health", operator="lte", value=100)  # matches everyone
    run = start_full_recompute(period_key="full:2026-11-22")
    run.refresh_from_db()
    assert (run.status, run.chunks_total, run.chunks_done) == ("succeeded", 3, 3)
    assert (run.total_accounts, run.processed_accounts, run.changed_accounts) == (5, 5, 5)
    assert run.alerts_opened == 5 and run.progress == 100.0
    assert run.finished_at is not None
    assert AccountHealth.objects.count() == 5
    assert Alert.objects.count() == 5


def test_the_same_period_started_twice_makes_one_run(portfolio):
    first = start_full_recompute(period_key="full:2026-11-22")
    second = start_full_recompute(period_key="full:2026-11-22")
    assert first.pk == second.pk
    assert ScoringRun.objects.count() == 1
    assert ScoringChunk.objects.count() == 3


def test_a_redelivered_chunk_does_nothing_the_second_time(portfolio):
    run = start_full_recompute(period_key="full:2026-11-22")
    chunk = run.chunks.first()
    assert run_chunk(chunk_id=chunk.pk) is False
    run.refresh_from_db()
    assert (run.chunks_done, run.processed_accounts) == (3, 5)


def test_a_stalled_run_is_resumed_by_the_next_start(portfolio, settings):
    # The starter died after splitting but before publishing: the chunks are there, undone.
    start = timezone.now() - dt.timedelta(hours=2)
    run = ScoringRun.objects.create(period_key="full:2026-11-21", started_at=start)
    ScoringRun.objects.filter(pk=run.pk).update(chunks_total=1, total_accounts=2)
    ScoringChunk.objects.create(run=run, index=0, account_ids=[portfolio[0].pk, portfolio[1].pk])
    start_full_recompute(period_key="full:2026-11-21")
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.processed_accounts) == ("succeeded", 1, 2)


def test_an_empty_portfolio_finishes_its_run_at_once():
    run = start_full_recompute(period_key="full:empty")
    assert (run.status, run.chunks_total) == ("succeeded", 0)


def test_the_scheduled_key_is_the_utc_date():
    moment = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert scheduled_period_key(moment) == "full:2026-11-23"


def test_the_beat_schedule_is_in_code():
    from crm_health.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert tasks == {
        "signals.start_full_recompute",
        "signals.sweep_dirty_accounts",
        "signals.wake_snoozed_alerts",
        "signals.send_pending_notifications",
        "signals.escalate_critical_alerts",
        "signals.queue_daily_digests",
    }
