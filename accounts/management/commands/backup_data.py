"""``python manage.py backup_data PATH``: everything the product knows, as gzip JSON.

A logical dump (Django's ``dumpdata``) of the users, roles, API tokens, the record,
scores and their history, rules, alerts, outbox, offboarding cases, the audit trail and
the editable beat schedule. It restores into any supported database (SQLite or
PostgreSQL) with ``restore_data``. Left out on purpose: content types and permissions
(rebuilt by ``migrate``), sessions, login-lockout counters and recompute markers —
state that is either derived or only meaningful while the old server runs. RELIABILITY.md
compares this with ``pg_dump``.
"""

from __future__ import annotations

from pathlib import Path

from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

#: The apps whose data a backup holds.
APPS = ["auth", "authtoken", "django_celery_beat", "accounts", "signals", "offboarding"]
#: Models inside those apps that a restore must not bring back.
EXCLUDED = ["auth.permission", "signals.recomputerequest"]
#: JSON with microsecond date-times (accounts/backup_format.py); loaddata reads it as JSON.
FORMAT = "crm_json"


class Command(BaseCommand):
    help = "Dump all application data to a gzip-compressed JSON file (restore with restore_data)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Output file; .json.gz is added if missing.")

    def handle(self, *args, path: str, **options) -> None:
        target = Path(path)
        if not target.name.endswith(".json.gz"):
            target = target.with_name(target.name + ".json.gz")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory")
        serializers.register_serializer(FORMAT, "accounts.backup_format")
        # Natural foreign keys refer to content types and permissions by name, so the
        # dump loads into a database whose migrations numbered them differently.
        call_command(
            "dumpdata",
            *APPS,
            *(f"--exclude={label}" for label in EXCLUDED),
            natural_foreign=True,
            format=FORMAT,
            output=str(target),
            verbosity=0,
        )
        self.stdout.write(f"backup written to {target} ({target.stat().st_size} bytes)")
