"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (task_always_eager)."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_health.settings")

app = Celery("crm_health")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _tidy_connections(sender=None, **kwargs) -> None:
    """Database connections in a worker live as in a web request (Django does this on
    request_started/request_finished): kept up to CONN_MAX_AGE and health-checked, but
    dropped when a task left them broken or inside a transaction. Celery's own fixup
    would reconnect for every task (settings.CELERY_DB_REUSE_MAX). Not for an eager
    task: it runs inside its caller's request or transaction."""
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        close_old_connections()


def _crontab(expression: str) -> crontab:
    """A five-field cron expression ("15 2 * * *") as a Celery crontab."""
    fields = expression.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(f"CRM_FULL_RECOMPUTE_CRON must have 5 fields: {expression!r}")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
    )


# The schedule lives in code; django-celery-beat's DatabaseScheduler copies it into its
# PeriodicTask table on start, where admins can pause or retime entries. Tasks are
# idempotent, so a double fire (two beat processes) does no harm. See docs/JOBS.md.
app.conf.beat_schedule = {
    "full-recompute": {
        "task": "signals.start_full_recompute",
        "schedule": _crontab(settings.CRM_FULL_RECOMPUTE_CRON),
    },
    "sweep-dirty-accounts": {
        "task": "signals.sweep_dirty_accounts",
        "schedule": float(settings.CRM_SWEEP_SECONDS),
    },
    "wake-snoozed-alerts": {"task": "signals.wake_snoozed_alerts", "schedule": 60.0},
    "send-pending-notifications": {
        "task": "signals.send_pending_notifications",
        "schedule": 120.0,
    },
    "escalate-critical-alerts": {"task": "signals.escalate_critical_alerts", "schedule": 900.0},
    "daily-digest": {
        "task": "signals.queue_daily_digests",
        "schedule": crontab(minute="0", hour="7"),
    },
}


@app.task(name="crm_health.ping")
def ping() -> str:
    """A no-op round trip: used by /healthz-style checks and as the bench baseline."""
    return "pong"
