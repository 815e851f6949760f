"""Settings fail loudly on bad configuration and pick the embedded defaults."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.services import ROOT


def _settings_probe(env: dict[str, str], expr: str) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='crm_health.settings'; "
        f"django.setup(); from django.conf import settings as s; print({expr})"
    )
    clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _settings_probe({}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_bad_boolean_fails_loudly():
    result = _settings_probe({"DJANGO_DEBUG": "maybe"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr or "maybe" in result.stderr


def test_embedded_default_is_sqlite_with_in_process_tasks():
    result = _settings_probe(
        {"DJANGO_DEBUG": "1"},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout and "True" in result.stdout


def test_broker_url_makes_tasks_go_through_the_broker():
    result = _settings_probe(
        {"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5"},
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] > s.CELERY_TASK_TIME_LIMIT",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False True"


def test_the_cache_is_per_process_by_default_and_redis_with_cache_url():
    expr = "s.CACHES['default']['BACKEND']"
    default = _settings_probe({"DJANGO_DEBUG": "1"}, expr)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    shared = _settings_probe({"DJANGO_DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/1"}, expr)
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.strip() == "crm_health.cache.ReusedClientRedisCache"


def test_sessions_are_read_from_the_cache_only_when_it_is_shared():
    expr = "s.SESSION_ENGINE"
    default = _settings_probe({"DJANGO_DEBUG": "1"}, expr)
    assert default.stdout.strip() == "django.contrib.sessions.backends.db", default.stderr
    shared = _settings_probe({"DJANGO_DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/1"}, expr)
    assert shared.stdout.strip() == "django.contrib.sessions.backends.cached_db", shared.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-0123456789\n")
    result = _settings_probe({"DJANGO_SECRET_KEY_FILE": str(secret)}, "s.SECRET_KEY")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-file-0123456789"


@pytest.mark.parametrize(
    "name,value", [("CRM_SCORING_CHUNK_SIZE", "0"), ("CRM_TASK_TIME_LIMIT", "10")]
)
def test_invalid_numbers_are_refused(name, value):
    result = _settings_probe({"DJANGO_DEBUG": "1", name: value}, "1")
    assert result.returncode != 0
    assert name in result.stderr


def test_deploy_check_passes_with_debug_off():
    env = {
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_healthz_reports_database_and_broker_without_login(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
