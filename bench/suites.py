"""The four benchmarks of BENCHMARKS.md. Each runs its own baseline in the same
process and run, and reports the ratio: absolute times drift on shared machines."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.client import HTTPConnection
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from . import data
from .measure import child_pids, peak_rss_mb, percentiles, ratio, reset_peak_rss, timed

ROOT = Path(__file__).resolve().parent.parent
WINDOW_DAYS = 365


# ------------------------------------------------------------------------ recompute


def _floor_recompute(account_count: int) -> None:
    """One SQL statement aggregating the window per account, plus a bulk write of as
    many score rows as the recompute writes snapshots, of the same width."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=WINDOW_DAYS)
    document = json.dumps(_document_like())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT account_id, COUNT(*),
                   SUM(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN kind = 'complaint' THEN 1 ELSE 0 END),
                   AVG(tone), MAX(occurred_at), MIN(occurred_at)
            FROM accounts_interaction WHERE occurred_at >= %s GROUP BY account_id
            """,
            [since],
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE IF EXISTS bench_floor_scores")
        cursor.execute(
            "CREATE TABLE bench_floor_scores (account_id bigint, health double precision, document text)"
        )
        scores = [(r[0], 100.0 - float(r[3] or 0), document) for r in rows]
        scores += [(-i, 50.0, document) for i in range(account_count - len(scores))]
        cursor.executemany("INSERT INTO bench_floor_scores VALUES (%s, %s, %s)", scores)
        cursor.execute("DROP TABLE bench_floor_scores")


def _document_like() -> dict:
    """A document of the real one's shape and size (35 keys with evidence)."""
    entry = {"score": 42.0, "evidence": [{"fact": "x" * 80, "interactions": [1, 2, 3, 4, 5]}]}
    return {"health": 50.0, "keys": [{"key": f"k{i}", **entry} for i in range(35)]}


def _full_recompute() -> dict:
    from accounts.models import Account
    from signals.jobs import recompute_and_evaluate

    ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    size = settings.CRM_SCORING_CHUNK_SIZE
    totals = {"processed": 0, "changed": 0, "alerts_opened": 0}
    for start in range(0, len(ids), size):
        outcome = recompute_and_evaluate(account_ids=ids[start : start + size])
        totals["processed"] += outcome.processed
        totals["changed"] += outcome.changed
        totals["alerts_opened"] += outcome.alerts_opened
    return totals


def _rules() -> None:
    from signals.models import ThresholdRule

    ThresholdRule.objects.all().delete()
    ThresholdRule.objects.bulk_create(
        [
            ThresholdRule(
                name="critical health",
                measure="health",
                operator="lt",
                value=40,
                severity="critical",
            ),
            ThresholdRule(
                name="ghosting", measure="ghost", operator="gte", value=60, severity="warning"
            ),
            ThresholdRule(
                name="our side", measure="vendor_side", operator="gte", value=50, severity="warning"
            ),
        ]
    )


def _reset_scores() -> None:
    """Forget every score, alert and scoring run (the bench database, PostgreSQL only)
    and mark every account dirty again: the next recompute starts where the last one
    did, with every snapshot and alert to write."""
    from accounts.models import Account

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE signals_notification, signals_alertevent, signals_alert, "
            "signals_accounthealth, signals_healthsnapshot, signals_scoringrun CASCADE"
        )
    Account.objects.update(scores_dirty_since=dt.datetime.now(dt.UTC))
    _vacuum_analyze()


def _workers_recompute(database_url: str, processes: int) -> dict:
    """The production shape of a full recompute: the run split into chunks that a
    worker's pool of ``processes`` shares (signals.jobs), timed from publishing the
    chunks to the run's end. The portfolio models are fitted already (as for the
    in-process run), and the worker is started and warmed before the clock starts."""
    from signals.jobs import publish_chunks, split_into_chunks
    from signals.models import ScoringRun

    _reset_scores()
    now = dt.datetime.now(dt.UTC)
    run = ScoringRun.objects.create(period_key=f"bench:{now.isoformat()}", started_at=now)
    run = split_into_chunks(run=run, now=now)
    with _worker(database_url, concurrency=processes) as proc:
        pool = child_pids(proc.pid)
        for pid in pool:
            reset_peak_rss(pid)
        start = time.perf_counter()
        publish_chunks(run)
        deadline = time.monotonic() + 3600
        while True:
            run.refresh_from_db()
            if run.status != ScoringRun.Status.RUNNING:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bench worker stopped before the recompute ended")
            time.sleep(0.02)
        seconds = round(time.perf_counter() - start, 4)
        peaks = [peak_rss_mb(pid) or 0.0 for pid in pool]
    if run.status != ScoringRun.Status.SUCCEEDED:
        raise RuntimeError(f"the bench recompute run {run.status}: {run.error}")
    return {
        "processes": processes,
        "seconds": seconds,
        "peak_rss_mb_per_process": max(peaks, default=None),
        "processed": run.processed_accounts,
        "changed": run.changed_accounts,
        "alerts_opened": run.alerts_opened,
    }


def bench_recompute(*, sizes: list[tuple[int, int]], database_url: str = "") -> dict:
    """Per size: the floor, the recompute in this one process, and (with a broker and
    a database a worker can reach) the same recompute on a worker pool of one process
    per core, as production runs it."""
    from signals.scoring import fit_portfolio_models

    processes = os.cpu_count() or 1
    runs = []
    for accounts, interactions in sizes:
        data.make_portfolio(accounts=accounts, interactions=interactions)
        _rules()
        fit = timed(fit_portfolio_models)
        floor = timed(lambda a=accounts: _floor_recompute(a))
        real = timed(_full_recompute)
        if database_url and settings.CELERY_BROKER_URL and connection.vendor == "postgresql":
            pool = _workers_recompute(database_url, processes)
            pool["ratio"] = ratio(pool["seconds"], floor.seconds)
        else:
            pool = {"skipped": "needs PostgreSQL and CELERY_BROKER_URL (a real worker pool)"}
        runs.append(
            {
                "accounts": accounts,
                "interactions": interactions,
                "seconds": real.seconds,
                "floor_seconds": floor.seconds,
                "ratio": ratio(real.seconds, floor.seconds),
                "peak_rss_mb": real.peak_rss_mb,
                "floor_peak_rss_mb": floor.peak_rss_mb,
                "model_fit_seconds": fit.seconds,
                "chunk_size": settings.CRM_SCORING_CHUNK_SIZE,
                **real.result,
                "workers": pool,
            }
        )
        print(
            f"recompute {accounts} accounts / {interactions} interactions: {runs[-1]}", flush=True
        )
    result = {"runs": runs}
    if len(runs) > 1:
        first, last = runs[0], runs[-1]
        result["growth"] = ratio(last["seconds"], first["seconds"])
        result["size_growth"] = ratio(last["interactions"], first["interactions"])
        if "seconds" in first["workers"] and "seconds" in last["workers"]:
            result["workers_growth"] = ratio(
                last["workers"]["seconds"], first["workers"]["seconds"]
            )
    return result


# ---------------------------------------------------------------------- subprocesses


def subprocess_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_health.settings",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghij"
        ),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
        "CRM_API_THROTTLE_USER": "1000000/min",
    }
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _process(cmd: list[str], env: dict[str, str], log_name: str, *, cwd: Path = ROOT):
    log_dir = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "bench" / "out"))
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / log_name).open("ab") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# ---------------------------------------------------------------------- incremental


@contextmanager
def _worker(database_url: str, *, concurrency: int = 2):
    from crm_health.celery import app, ping

    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "crm_health",
        "worker",
        "--loglevel=WARNING",
        f"--concurrency={concurrency}",
        "-Q",
        app.conf.task_default_queue,
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"bench-{os.getpid()}@%h",
    ]
    env = subprocess_env(database_url, CELERY_BROKER_URL=settings.CELERY_BROKER_URL)
    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with _process(cmd, env, "bench-worker.log") as proc:
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    ping.apply_async().get(timeout=5)
                    break
                except Exception:  # noqa: BLE001 - worker not up yet
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the bench worker did not start") from None
            _refuse_other_consumers(app, f"bench-{os.getpid()}@")
            yield proc
        finally:
            app.conf.task_always_eager = previous


def _refuse_other_consumers(app, ours: str) -> None:
    """Another worker on the same queue would take some of the trials' recomputes (with
    whatever code it loaded) and the figures would be of the wrong worker."""
    replies = app.control.inspect(timeout=2).active_queues() or {}
    queue = app.conf.task_default_queue
    others = sorted(
        name
        for name, queues in replies.items()
        if not name.startswith(ours) and any(q.get("name") == queue for q in queues)
    )
    if others:
        raise RuntimeError(
            f"other workers consume queue {queue!r} ({', '.join(others)}): stop them, or "
            "point CELERY_BROKER_URL at a broker database of the bench's own"
        )


def bench_incremental(*, trials: int, database_url: str, accounts: int, interactions: int) -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from accounts.models import Account
    from crm_health.celery import ping
    from signals.models import AccountHealth

    if not settings.CELERY_BROKER_URL:
        return {"skipped": "needs CELERY_BROKER_URL (a real broker and worker)"}
    data.make_portfolio(accounts=accounts, interactions=interactions)
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True}
    )
    client = APIClient()
    client.force_authenticate(user)
    # Fresh accounts: their first snapshot is the "new snapshot" each trial waits for.
    targets = Account.objects.bulk_create(
        [Account(external_id=f"INC-{i:04d}", name=f"Incremental {i}") for i in range(trials)]
    )
    latencies, noop = [], []
    with _worker(database_url):
        for _ in range(5):  # warm the worker's processes and connections
            ping.apply_async().get(timeout=30)
        for i, account in enumerate(targets):
            start = time.perf_counter()
            ping.apply_async().get(timeout=30)
            noop.append(time.perf_counter() - start)
            start = time.perf_counter()
            response = client.post(
                "/api/interactions/",
                {
                    "account": account.external_id,
                    "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                    "channel": "email",
                    "direction": "inbound",
                    "kind": "complaint",
                    "text": f"The report is wrong again, trial {i}. Please fix it.",
                },
                format="json",
            )
            if response.status_code != 201:
                raise RuntimeError(
                    f"API refused the interaction: {response.status_code} {response.content!r}"
                )
            deadline = time.monotonic() + 60
            while not AccountHealth.objects.filter(account=account).exists():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no snapshot for {account.external_id} within 60 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - start)
    save, base = percentiles(latencies), percentiles(noop)
    return {
        "trials": trials,
        "save_to_snapshot": save,
        "noop_round_trip": base,
        "p95_ratio": ratio(save["p95"], base["p95"]),
    }


# ---------------------------------------------------------------------------- pages


def _session_cookie(username: str, *, superuser: bool = False, group: str | None = None) -> str:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore

    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_superuser = superuser
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def _vacuum_analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _load(port: int, paths: list[str], cookie: str, *, clients: int, requests: int) -> dict:
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    # As a browser asks: compressed where the server offers it.
    headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1", "Accept-Encoding": "gzip"}

    def client(offset: int) -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        for i in range(requests):
            path = paths[(offset + i) % len(paths)]
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - start)
            if response.status != 200:
                bad.append(f"{path}: {response.status}")
        conn.close()
        with lock:
            samples.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(k * 7,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**percentiles(samples), "errors": len(errors), "first_errors": errors[:3]}


PAGES_MEASURED = ("portfolio", "portfolio_charts", "account_detail", "alerts")


def bench_pages(
    *,
    accounts: int,
    interactions: int,
    clients: int,
    requests: int,
    database_url: str,
    prepare: bool = True,
    compare: str | None = None,
    rounds: int = 3,
) -> dict:
    """Pages under load against ``/healthz``. With ``compare`` (a git ref), the same
    pages are also served from a worktree of that ref, alternating with this checkout
    for ``rounds`` rounds on the same data: a difference between two versions that
    the machine's drift between two separate runs would hide."""
    from accounts.models import Account

    if prepare:
        data.make_portfolio(accounts=accounts, interactions=interactions)
        _rules()
        _full_recompute()
    # Pages are read in a steady state, after autovacuum has seen the recompute's writes
    # (a visibility map for index-only counts, statistics for the planner).
    _vacuum_analyze()
    from accounts.overview import build_charts
    from accounts.pages import portfolio_summary

    # What a request pays when the data changed since the overview was cached (the
    # first request after a recompute): measured here, not hidden by the warm-up.
    cold = timed(
        lambda: (portfolio_summary(Account.objects.all()), build_charts(Account.objects.all()))
    )
    cookie = _session_cookie("bench-manager", group="manager")
    external_ids = list(Account.objects.order_by("?").values_list("external_id", flat=True)[:200])
    pages = {
        "healthz": ["/healthz"],
        "portfolio": ["/", "/?page=2", "/?sort=-health", "/?band=critical"],
        # The charts the portfolio page fetches (its data, ~1 MB of JSON at 10,000
        # accounts, gzipped): the full 200 every time, never a 304.
        "portfolio_charts": ["/portfolio/charts/", "/portfolio/charts/?band=critical"],
        "account_detail": [f"/accounts/{e}/" for e in external_ids],
        "alerts": ["/alerts/"],
    }
    # The production shape shares the cached overview between web workers in Redis.
    cache_url = os.environ.get("CACHE_URL") or os.environ.get("CELERY_BROKER_URL") or ""
    env = subprocess_env(database_url, **({"CACHE_URL": cache_url} if cache_url else {}))
    load = {"cookie": cookie, "clients": clients, "requests": requests}
    figures = _serve_pages(ROOT, env, pages, collect=True, **load)
    result = {
        "accounts": accounts,
        "clients": clients,
        "requests_per_client": requests,
        "portfolio_overview_build_seconds": cold.seconds,
        "cache": "redis" if cache_url else "per-process",
        **figures,
    }
    if compare:
        with _worktree(compare) as other:
            runs: dict[str, list[dict]] = {"this": [], compare: []}
            for n in range(rounds):
                runs["this"].append(_serve_pages(ROOT, env, pages, collect=False, **load))
                runs[compare].append(_serve_pages(other, env, pages, collect=n == 0, **load))
        result["compare"] = {
            "ref": compare,
            "rounds": rounds,
            **{
                name: {
                    page: {
                        "p95_ratios": [r[page]["p95_ratio"] for r in measured],
                        "median_p95_ratio": statistics.median(
                            r[page]["p95_ratio"] for r in measured
                        ),
                    }
                    for page in PAGES_MEASURED
                }
                for name, measured in runs.items()
            },
        }
    return result


@contextmanager
def _worktree(ref: str):
    """A detached checkout of ``ref`` beside this one, removed afterwards. It is served
    with this checkout's Python environment against the same database, so it must
    share this checkout's migrations and requirements."""
    path = Path(tempfile.mkdtemp(prefix="bench-ref-"))
    git = ["git", "-C", str(ROOT)]
    subprocess.run(
        [*git, "worktree", "add", "--detach", "--force", str(path), ref],
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield path
    finally:
        subprocess.run(
            [*git, "worktree", "remove", "--force", str(path)],
            check=False,
            capture_output=True,
            timeout=120,
        )


def _serve_pages(
    root: Path,
    env: dict[str, str],
    pages: dict[str, list[str]],
    *,
    cookie: str,
    clients: int,
    requests: int,
    collect: bool,
) -> dict:
    """Serve the checkout at ``root`` with gunicorn, load each page, stop it."""
    if collect:
        # Production settings serve hashed static names from the manifest, as a
        # deployment would after collectstatic.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=root,
            env=env,
            check=True,
            timeout=300,
        )
    port = _free_port()
    # As docker-compose.yml and the Dockerfile serve it: three sync workers.
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "crm_health.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--log-level",
        "warning",
    ]
    with _process(cmd, env, "bench-gunicorn.log", cwd=root) as proc:
        deadline = time.monotonic() + 60
        while True:
            try:
                HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        # Warm every worker's connection and caches before measuring.
        _load(port, ["/healthz", "/", "/alerts/"], cookie, clients=clients, requests=10)
        figures = {
            name: _load(port, paths, cookie, clients=clients, requests=requests)
            for name, paths in pages.items()
        }
    base = figures["healthz"]["p95"]
    for name in PAGES_MEASURED:
        figures[name]["p95_ratio"] = ratio(figures[name]["p95"], base)
    return figures


# --------------------------------------------------------------------------- import


def _floor_import(path: Path) -> tuple[float, float]:
    """PostgreSQL COPY of the same file into a plain table, plus the text analysis of
    the same texts run alone (SQLite: a plain executemany insert instead of COPY)."""
    import csv

    from signals.text import analyse_many

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor_import")
        cursor.execute(
            "CREATE TABLE bench_floor_import (account_id text, occurred_at text, channel text,"
            " direction text, kind text, text text, interaction_id text)"
        )
        if connection.vendor == "postgresql":
            with (
                path.open("rb") as fh,
                cursor.copy(
                    "COPY bench_floor_import FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy,
            ):
                while block := fh.read(1 << 20):
                    copy.write(block)
        else:
            with path.open(newline="") as fh:
                reader = csv.reader(fh)
                next(reader)
                cursor.executemany(
                    "INSERT INTO bench_floor_import VALUES (%s,%s,%s,%s,%s,%s,%s)", list(reader)
                )
        cursor.execute("DROP TABLE bench_floor_import")
    copy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with path.open(newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        batch: list[tuple[str, str]] = []
        for row in reader:
            batch.append((row[5], row[3]))
            if len(batch) >= 2000:
                analyse_many(batch)
                batch = []
        analyse_many(batch)
    return copy_seconds, time.perf_counter() - start


def bench_import(*, rows: int, accounts: int) -> dict:
    from accounts.imports import import_interactions

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "interactions.csv"
        data.write_import_file(path, rows=rows, accounts=accounts)
        data.wipe()
        floor = timed(lambda: _floor_import(path))
        copy_seconds, analysis_seconds = floor.result
        real = timed(lambda: import_interactions(source=path))
        if not real.result.ok:
            raise RuntimeError(f"import refused the bench file: {real.result.errors[:3]}")
    floor_seconds = round(copy_seconds + analysis_seconds, 4)
    return {
        "rows": rows,
        "seconds": real.seconds,
        "floor_seconds": floor_seconds,
        "floor_copy_seconds": round(copy_seconds, 4),
        "floor_text_analysis_seconds": round(analysis_seconds, 4),
        "ratio": ratio(real.seconds, floor_seconds),
        "peak_rss_mb": real.peak_rss_mb,
        "rows_per_second": round(rows / real.seconds),
    }
