"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (task_always_eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_health.settings")

app = Celery("crm_health")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="crm_health.ping")
def ping() -> str:
    """A no-op round trip: used by /healthz-style checks and as the bench baseline."""
    return "pong"
