"""``python manage.py restore_data PATH``: load a ``backup_data`` file into an empty,
migrated database.

The load runs in one transaction (``loaddata``): a damaged or partial file restores
nothing. A database that already holds accounts or users is refused unless ``--flush``
is given, which empties every table first — restoring on top of live data would mix
two histories.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Account


class Command(BaseCommand):
    help = "Restore a backup_data file into an empty database (--flush empties it first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete ALL data in this database before restoring.",
        )

    def handle(self, *args, path: str, flush: bool, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source} does not exist")
        if flush:
            call_command("flush", interactive=False, verbosity=0)
        elif Account.objects.exists() or get_user_model().objects.exists():
            raise CommandError(
                "this database already holds data; restore into an empty database "
                "or pass --flush to delete everything in it first"
            )
        with transaction.atomic():
            call_command("loaddata", str(source), verbosity=0)
        counts = {
            "users": get_user_model().objects.count(),
            "accounts": Account.objects.count(),
        }
        self.stdout.write(
            f"restored {source}: {counts['users']} users, {counts['accounts']} accounts"
        )
