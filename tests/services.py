"""Real services for tests: PostgreSQL, Redis and a Celery worker process.

A test that needs a service asks for it through these helpers. Where the service is
absent the test skips with the reason, unless REQUIRE_SERVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"
#: Where tests leave logs and screenshots for a failed run to be read.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))


def fresh_log(name: str) -> Path:
    """An empty log file among the artifacts (a worker's or server's, for one test)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(b"")
    return path


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require_postgres() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable("DATABASE_URL does not point at PostgreSQL")


def broker_url() -> str:
    from django.conf import settings

    return getattr(settings, "TEST_BROKER_URL", "") or ""


def require_redis() -> str:
    url = broker_url()
    if not url.startswith("redis"):
        unavailable("CELERY_BROKER_URL does not point at Redis")
    if not _reachable(url, 6379):
        unavailable(f"Redis at {url} is not reachable")
    return url


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs against (the test database), so a
    subprocess (worker, gunicorn) sees what the test committed."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "postgresql":
        user = s.get("USER") or "postgres"
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_health.settings",
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url_for_subprocess(),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def purge_queue() -> None:
    from crm_health.celery import app

    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)


@contextmanager
def celery_worker(
    *, concurrency: int = 1, log_path: Path | None = None, extra_env: dict | None = None
):
    """Start a real ``celery worker`` process over Redis against the test database.

    Inside the block, tasks are published to the broker (not run eagerly).
    Yields the Popen so a test may kill it.
    """
    from crm_health.celery import app

    url = require_redis()
    purge_queue()
    log_path = log_path or ARTIFACTS / "worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "crm_health",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "-Q",
        app.conf.task_default_queue,
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=subprocess_env(CELERY_BROKER_URL=url, **(extra_env or {})),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _wait_for_worker(proc)
        yield proc
    finally:
        app.conf.task_always_eager = previous
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def _wait_for_worker(proc: subprocess.Popen, timeout: float = 60.0) -> None:
    from crm_health.celery import ping

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early with {proc.returncode}")
        try:
            if ping.apply_async().get(timeout=5) == "pong":
                return
        except Exception:  # noqa: BLE001,S112 - not up yet
            continue
    raise RuntimeError("celery worker did not answer a ping in time")


def wait_until(
    predicate, *, timeout: float = 30.0, interval: float = 0.2, message: str = "condition"
):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
