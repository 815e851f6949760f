"""The benchmarks run at tiny sizes and report every figure (a smoke test: no timing
assertions — BENCHMARKS.md holds the real runs).

Recompute and import run on any database. Incremental and pages need a real broker,
a worker and a database the subprocesses can see: PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse

import pytest
from django.contrib.auth.models import Group

from accounts.vocabulary import Role
from bench.__main__ import run
from tests.services import database_url_for_subprocess, require_postgres, require_redis

RECOMPUTE_RUN_FIELDS = {
    "accounts",
    "interactions",
    "seconds",
    "floor_seconds",
    "ratio",
    "peak_rss_mb",
    "floor_peak_rss_mb",
    "model_fit_seconds",
    "chunk_size",
    "processed",
    "changed",
    "alerts_opened",
}
LATENCY_FIELDS = {"p50", "p95", "n"}


def _options(**override) -> argparse.Namespace:
    defaults = {
        "accounts": 40,
        "interactions": 2_000,
        "growth": False,
        "growth_factor": 10,
        "trials": 5,
        "page_accounts": 30,
        "clients": 2,
        "requests": 4,
        "rows": 500,
        "compare": None,
        "rounds": 3,
    }
    return argparse.Namespace(**{**defaults, **override})


def _bench(name: str, database_url: str = "", **options) -> dict:
    figures = run([name], quick=True, database_url=database_url, options=_options(**options))
    assert set(figures) == {"machine", "quick", name}
    assert set(figures["machine"]) == {"cpus", "python", "database", "broker"}
    return figures[name]


def _bench_on_services(name: str, **options) -> dict:
    """A benchmark that needs a worker or a server process: PostgreSQL (a database the
    subprocesses can reach) and Redis."""
    require_postgres()
    require_redis()
    return _bench(name, database_url_for_subprocess(), **options)


@pytest.fixture
def roles(db):
    for role in Role.values:
        Group.objects.get_or_create(name=role)


@pytest.mark.django_db(transaction=True)
def test_recompute_bench_reports_both_sizes_and_their_growth():
    figures = _bench("recompute")
    assert len(figures["runs"]) == 2
    for size in figures["runs"]:
        assert set(size) >= RECOMPUTE_RUN_FIELDS
        assert size["processed"] == size["accounts"]
        assert size["seconds"] > 0 and size["floor_seconds"] > 0
        assert "skipped" in size["workers"]  # no database a worker process could reach
    assert {"growth", "size_growth"} <= set(figures)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_recompute_bench_also_runs_the_recompute_on_a_worker_pool(roles):
    figures = _bench_on_services("recompute")
    for size in figures["runs"]:
        pool = size["workers"]
        assert {"processes", "seconds", "ratio", "peak_rss_mb_per_process"} <= set(pool)
        # The pool started from the same state and did the same work as this process.
        assert pool["processed"] == size["processed"] == size["accounts"]
        assert (pool["changed"], pool["alerts_opened"]) == (size["changed"], size["alerts_opened"])
        assert pool["seconds"] > 0 and pool["peak_rss_mb_per_process"] > 0
    assert "workers_growth" in figures


@pytest.mark.django_db(transaction=True)
def test_import_bench_reports_the_import_against_copy_plus_text_analysis():
    figures = _bench("import")
    assert {
        "rows",
        "seconds",
        "floor_seconds",
        "floor_copy_seconds",
        "floor_text_analysis_seconds",
        "ratio",
        "peak_rss_mb",
        "rows_per_second",
    } <= set(figures)
    assert figures["rows"] == 500


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_incremental_bench_times_save_to_snapshot_against_a_noop_task(roles):
    figures = _bench_on_services("incremental")
    assert {"trials", "save_to_snapshot", "noop_round_trip", "p95_ratio"} <= set(figures)
    assert set(figures["save_to_snapshot"]) >= LATENCY_FIELDS
    assert figures["save_to_snapshot"]["n"] == figures["noop_round_trip"]["n"] == 5


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_pages_bench_loads_every_page_against_healthz(roles):
    # Compared with the commit checked out (served from a worktree of it, alternating).
    figures = _bench_on_services("pages", compare="HEAD")
    assert {"accounts", "clients", "requests_per_client", "cache"} <= set(figures)
    assert figures["portfolio_overview_build_seconds"] > 0
    for page in ("healthz", "portfolio", "portfolio_charts", "account_detail", "alerts"):
        assert LATENCY_FIELDS | {"errors", "first_errors"} <= set(figures[page])
        assert figures[page]["errors"] == 0, figures[page]["first_errors"]
    for page in ("portfolio", "portfolio_charts", "account_detail", "alerts"):
        assert "p95_ratio" in figures[page]
    compared = figures["compare"]
    assert (compared["ref"], compared["rounds"]) == ("HEAD", 1)
    for served in ("this", "HEAD"):
        for page in ("portfolio", "portfolio_charts", "account_detail", "alerts"):
            assert len(compared[served][page]["p95_ratios"]) == 1
            assert compared[served][page]["median_p95_ratio"] > 0


def test_the_incremental_bench_refuses_to_share_its_queue_with_another_worker():
    from types import SimpleNamespace

    from bench.suites import _refuse_other_consumers

    def app(replies):
        inspector = SimpleNamespace(active_queues=lambda: replies)
        control = SimpleNamespace(inspect=lambda timeout: inspector)
        return SimpleNamespace(control=control, conf=SimpleNamespace(task_default_queue="crm"))

    ours = {"bench-42@vm": [{"name": "crm"}]}
    _refuse_other_consumers(app(ours), "bench-42@")
    _refuse_other_consumers(app({**ours, "mail@vm": [{"name": "mail"}]}), "bench-42@")
    with pytest.raises(RuntimeError, match="stray@vm"):
        _refuse_other_consumers(app({**ours, "stray@vm": [{"name": "crm"}]}), "bench-42@")


def test_the_scaling_plot_draws_the_worker_pool_where_a_run_measured_it():
    from bench.plot import scaling_figure

    def size(accounts: int, seconds: float, workers: dict) -> dict:
        return {
            "accounts": accounts,
            "interactions": accounts * 100,
            "seconds": seconds,
            "floor_seconds": seconds / 10,
            "ratio": 10.0,
            "workers": workers,
        }

    pooled = {"processes": 2, "seconds": 6.0, "ratio": 6.0}
    measured = scaling_figure([size(10, 10.0, pooled), size(100, 90.0, pooled)])
    assert [t.y[-1] for t in measured.data] == [90.0, 6.0, 9.0, 100.0]
    skipped = scaling_figure([size(10, 10.0, {"skipped": "no broker"})])
    assert len(skipped.data) == 3
