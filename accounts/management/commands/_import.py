"""Shared body of the two import commands: run, print the report, exit non-zero on error."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.imports import MAX_REPORTED_ERRORS, ImportReport


class ImportCommand(BaseCommand):
    importer = None  # set by subclasses: import_accounts or import_interactions

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file (UTF-8, header row; see README)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report only; write nothing"
        )

    def handle(self, *args, path: str, dry_run: bool, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        report: ImportReport = type(self).importer(source=file, dry_run=dry_run)
        for error in report.errors:
            self.stderr.write(f"{path}: {error}")
        if report.error_count > len(report.errors):
            self.stderr.write(
                f"... and {report.error_count - len(report.errors)} more "
                f"(the first {MAX_REPORTED_ERRORS} are shown)"
            )
        if not report.ok:
            raise CommandError(report.summary())
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
