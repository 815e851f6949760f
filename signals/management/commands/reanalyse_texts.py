"""Re-run the text analysis on interactions analysed by an older version of the rules.

Text is analysed once, when an interaction is written (``signals.text``); when the rules
change, ``TEXT_ANALYSIS_VERSION`` is bumped and this command brings the stored rows up to
date: every row whose ``analysis_version`` is older gets its ``tone``, ``cue_flags`` and
``analysis_version`` rewritten, in batches (one transaction each, ``bulk_update``). The
accounts whose rows actually changed are marked dirty in the same transaction, so they
are rescored. Idempotent: a second run finds nothing to do; an interrupted run resumes
where it stopped, since finished batches carry the new version.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Interaction
from accounts.services import accounts_changed
from signals.text import TEXT_ANALYSIS_VERSION, TextAnalysis, analyse_text

FIELDS = ("tone", "cue_flags", "analysis_version")


class Command(BaseCommand):
    help = (
        "Re-analyse interaction texts stored by an older TEXT_ANALYSIS_VERSION and mark "
        "the accounts whose tone or cues changed for rescoring."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            type=int,
            default=2000,
            help="Rows per transaction (default 2000).",
        )

    def handle(self, *args, batch: int = 2000, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        stale = Interaction.objects.filter(analysis_version__lt=TEXT_ANALYSIS_VERSION)
        total = stale.count()
        self.stdout.write(
            f"{total} interaction(s) older than text analysis v{TEXT_ANALYSIS_VERSION}."
        )
        seen = changed = batches = 0
        dirty: set[int] = set()
        last_pk = 0
        while True:
            with transaction.atomic():
                rows = list(
                    stale.filter(pk__gt=last_pk)
                    .order_by("pk")
                    .select_for_update()
                    .only("pk", "account_id", "text", "direction", *FIELDS)[:batch]
                )
                if not rows:
                    break
                last_pk = rows[-1].pk
                touched, n_changed = self._reanalyse(rows)
                Interaction.objects.bulk_update(rows, FIELDS)
                accounts_changed(account_ids=touched)
            batches += 1
            seen += len(rows)
            changed += n_changed
            dirty |= touched
            self.stdout.write(f"  batch {batches}: {seen}/{total} re-analysed")
        self.stdout.write(
            f"{seen} interaction(s) re-analysed in {batches} batch(es), {changed} with a new "
            f"tone or cues; {len(dirty)} account(s) marked for rescoring."
        )

    @staticmethod
    def _reanalyse(rows: list[Interaction]) -> tuple[set[int], int]:
        """Analyse ``rows`` in place; return the accounts whose tone or cues changed and
        how many rows did."""
        memo: dict[tuple[str, str], TextAnalysis] = {}  # repeated texts are common
        touched: set[int] = set()
        changed = 0
        for row in rows:
            key = (row.text or "", row.direction)
            if key not in memo:
                memo[key] = analyse_text(row.text, direction=row.direction)
            analysis = memo[key]
            if row.tone != analysis.tone or row.cue_flags != analysis.cue_flags:
                touched.add(row.account_id)
                changed += 1
            row.tone, row.cue_flags = analysis.tone, analysis.cue_flags
            row.analysis_version = TEXT_ANALYSIS_VERSION
        return touched, changed
