"""A bounded soak on loopback: gunicorn and a Celery worker as real processes, eight
client threads writing interactions through the API, importing CSV files, starting
full recomputes and reading pages — then every row accounted for and every change
scored.

``CRM_SOAK_SECONDS`` sets the length (default 60 s, the run inside ``make test``); the
5-minute run is marked slow (``make test-slow``). Figures are written to
``test-artifacts/soak-<seconds>s.json`` and quoted in RELIABILITY.md.

Run with: DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… REQUIRE_SERVICES=1
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.imports import import_interactions
from accounts.models import Account, Interaction
from accounts.vocabulary import Role
from signals.models import AccountHealth, RecomputeRequest, ScoringRun
from signals.scoring import recompute_accounts
from signals.tasks import sweep_dirty_accounts_task
from tests.factories import AccountFactory, UserFactory
from tests.services import (
    ARTIFACTS,
    ROOT,
    celery_worker,
    require_postgres,
    require_redis,
    subprocess_env,
    wait_until,
)
from tests.test_worker_e2e import _idle

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ACCOUNTS = 24
WRITERS, IMPORTERS, RECOMPUTERS, READERS = 4, 1, 1, 2  # eight client threads
KINDS = ["message", "complaint", "request", "praise"]
TEXTS = [
    "Thanks, that works for us.",
    "This is the third time the invoice is wrong.",
    "Can you send the renewal terms before Friday?",
    "We never got an answer to our last two emails.",
    "Great support call today, problem solved.",
]


@pytest.fixture(autouse=True)
def _services():
    require_postgres()
    require_redis()
    for role in Role.values:
        Group.objects.get_or_create(name=role)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Tally:
    """What the clients did and saw; shared by the threads under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    posted: int = 0
    imported: int = 0
    runs_started: int = 0

    def saw(self, kind: str, status: int, detail: str = "") -> None:
        with self.lock:
            self.requests[kind] += 1
            self.statuses[status] += 1
            if status >= 500 or status == 0:
                self.failures.append(f"{kind}: {status} {detail[:300]}")


class Server:
    """gunicorn serving the production settings against the test database."""

    def __init__(self, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = subprocess_env(
            CELERY_BROKER_URL=require_redis(),
            # Eight clients as one user would meet the production throttle by design.
            CRM_API_THROTTLE_USER="1000000/min",
            CRM_API_THROTTLE_ANON="1000000/min",
        )
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "crm_health.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "3",
                "--timeout",
                "60",
                "--access-logfile",
                "-",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._up, timeout=60, message="gunicorn to answer /healthz")

    def _up(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def _call(base: str, path: str, *, method: str = "GET", body=None, headers=None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except OSError as exc:  # refused, reset, timed out: counted as a failure
        return 0, repr(exc)


def _soak(seconds: float, tmp_path: Path) -> dict:
    owner = UserFactory(username="soak-am", role="account_manager")
    admin = UserFactory(username="soak-admin", role="admin")
    reader = UserFactory(username="soak-manager", role="manager")
    accounts = [AccountFactory(external_id=f"SOAK-{i:03d}", owner=owner) for i in range(ACCOUNTS)]
    am_token = Token.objects.create(user=owner).key
    admin_token = Token.objects.create(user=admin).key
    browser = Client()
    browser.force_login(reader)
    session = browser.cookies["sessionid"].value
    before = Interaction.objects.count()
    # A running portfolio is scored already. (An unscored account on the portfolio
    # page is its own, separate test: tests/test_reliability_pages.py.)
    recompute_accounts(account_ids=[a.pk for a in accounts])
    # The production settings serve hashed static names from the manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=subprocess_env(),
        check=True,
        timeout=300,
    )

    tally = Tally()
    counter = itertools.count()
    deadline = float("inf")  # set when the clients start
    log = ARTIFACTS / "soak-gunicorn.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            n = next(counter)
            body = {
                "account": rng.choice(accounts).external_id,
                "occurred_at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
                "channel": rng.choice(["email", "call", "chat"]),
                "direction": rng.choice(["inbound", "outbound"]),
                "kind": rng.choice(KINDS),
                # The number makes every write a new interaction (identity = its text).
                "text": f"{rng.choice(TEXTS)} (#{n})",
            }
            status, detail = _call(
                server.base,
                "/api/interactions/",
                method="POST",
                body=body,
                headers={"Authorization": f"Token {am_token}"},
            )
            tally.saw("api write", status, detail)
            if status == 201:
                with tally.lock:
                    tally.posted += 1
            elif status < 500 and status != 0:
                tally.failures.append(f"api write refused: {status} {detail[:300]}")

    def importer() -> None:
        batch = 0
        try:
            while time.monotonic() < deadline:
                batch += 1
                out = io.StringIO()
                rows = csv.writer(out)
                rows.writerow(["account_id", "occurred_at", "channel", "direction", "kind",
                               "text", "interaction_id"])  # fmt: skip
                for i in range(40):
                    rows.writerow([accounts[(batch + i) % ACCOUNTS].external_id,
                                   f"2025-06-{1 + i % 28:02d}T10:00:00Z", "email", "inbound",
                                   "message", f"Imported note {batch}-{i}",
                                   f"soak-import-{batch}-{i}"])  # fmt: skip
                # A file, as the import command reads it (it passes over it twice).
                path = tmp_path / f"import-{batch}.csv"
                path.write_text(out.getvalue(), encoding="utf-8")
                report = import_interactions(source=path)
                tally.saw("import", 200 if report.ok else 400, "; ".join(map(str, report.errors)))
                with tally.lock:
                    tally.imported += report.created
                time.sleep(2)
        except Exception as exc:  # noqa: BLE001 - any crash of an import is a failure
            tally.saw("import", 0, repr(exc))
        finally:
            connection.close()

    def recomputer() -> None:
        while time.monotonic() < deadline:
            status, detail = _call(
                server.base,
                "/api/scoring-runs/",
                method="POST",
                body={},
                headers={"Authorization": f"Token {admin_token}"},
            )
            tally.saw("full recompute", status, detail)
            if status == 202:
                with tally.lock:
                    tally.runs_started += 1
            # Full runs are heavy; a few per soak, with health reads in between.
            pause = time.monotonic() + max(seconds / 3, 15)
            while time.monotonic() < min(pause, deadline):
                account = random.choice(accounts).external_id
                status, detail = _call(
                    server.base,
                    f"/api/accounts/{account}/health/",
                    headers={"Authorization": f"Token {admin_token}"},
                )
                # 404 is expected until the account's first score exists.
                tally.saw("api read", status, detail)
                time.sleep(0.5)

    def page_reader(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            path = rng.choice(
                ["/", "/alerts/", f"/accounts/{rng.choice(accounts).external_id}/", "/runs/"]
            )
            status, detail = _call(server.base, path, headers={"Cookie": f"sessionid={session}"})
            tally.saw("page read", status, detail)

    with celery_worker(concurrency=2, log_path=ARTIFACTS / "soak-worker.log"):
        server = Server(log)
        started = time.monotonic()
        deadline = started + seconds
        try:
            threads = [
                *(threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)),
                *(threading.Thread(target=importer) for _ in range(IMPORTERS)),
                *(threading.Thread(target=recomputer) for _ in range(RECOMPUTERS)),
                *(threading.Thread(target=page_reader, args=(i,)) for i in range(READERS)),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                # A deadlock shows up as a thread that never comes back.
                thread.join(timeout=seconds + 120)
                assert not thread.is_alive(), "a client thread hung (deadlock?)"
            load_seconds = time.monotonic() - started
        finally:
            server.stop()

        # The load is over: what beat's sweep does, until nothing is left dirty.
        def settled() -> bool:
            if not _idle():
                return False
            if Account.objects.filter(scores_dirty_since__isnull=False).exists():
                sweep_dirty_accounts_task.delay()
                return False
            return not ScoringRun.objects.filter(status="running").exists()

        wait_until(settled, timeout=600, interval=2, message="the worker to catch up")
        drained_seconds = time.monotonic() - started - load_seconds

    rows_in = tally.posted + tally.imported
    figures = {
        "seconds": round(load_seconds, 1),
        "drain_seconds": round(drained_seconds, 1),
        "requests": dict(tally.requests),
        "requests_total": sum(tally.requests.values()),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "errors": len(tally.failures),
        "rows_in": rows_in,
        "rows_out": Interaction.objects.count() - before,
        "full_runs": ScoringRun.objects.count(),
        "dirty_left": Account.objects.filter(scores_dirty_since__isnull=False).count(),
    }
    (ARTIFACTS / f"soak-{int(seconds)}s.json").write_text(json.dumps(figures, indent=2))
    print("soak figures:", json.dumps(figures))

    assert tally.failures == [], tally.failures[:20]
    assert figures["rows_out"] == rows_in > 0
    assert figures["dirty_left"] == 0 and not RecomputeRequest.objects.exists()
    assert AccountHealth.objects.count() == ACCOUNTS  # every account written to is scored
    assert not ScoringRun.objects.exclude(status="succeeded").exists()
    return figures


def test_a_short_soak_of_writes_imports_recomputes_and_reads_loses_and_doubles_nothing(
    tmp_path,
):
    _soak(float(os.environ.get("CRM_SOAK_SECONDS", "60")), tmp_path)


@pytest.mark.slow
def test_a_five_minute_soak_loses_and_doubles_nothing(tmp_path):
    _soak(float(os.environ.get("CRM_SLOW_SOAK_SECONDS", "300")), tmp_path)
