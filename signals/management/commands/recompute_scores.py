from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Account
from signals.jobs import recompute_and_evaluate
from signals.scoring import fit_portfolio_models
from signals.tasks import recompute_accounts_task


class Command(BaseCommand):
    help = (
        "Recompute health scores. Without --account, refits the portfolio's churn and "
        "lifetime-value models first and rescores every account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", metavar="EXTERNAL_ID", help="Only this account.")
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Run in this process and return when every score is written.",
        )
        parser.add_argument(
            "--no-refit",
            action="store_true",
            help="Keep the stored churn/CLV models (a full run refits them by default).",
        )

    def handle(self, *args, account=None, sync=False, no_refit=False, **options):
        if account:
            found = Account.objects.filter(external_id=account).values_list("pk", flat=True)
            ids = list(found)
            if not ids:
                raise CommandError(f"No account with external id {account!r}.")
        else:
            ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
            if not no_refit:
                models = fit_portfolio_models()
                self.stdout.write(f"churn model: {models.churn.note}")
                self.stdout.write(f"CLV model: {models.clv.note}")
        size = settings.CRM_SCORING_CHUNK_SIZE
        chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
        if sync:
            # The same pipeline as the workers: scores, then thresholds and alerts.
            processed = changed = opened = resolved = 0
            for chunk in chunks:
                outcome = recompute_and_evaluate(account_ids=chunk)
                processed += outcome.processed
                changed += outcome.changed
                opened += outcome.alerts_opened
                resolved += outcome.alerts_resolved
            self.stdout.write(
                f"{processed} account(s) scored, {changed} changed; "
                f"alerts opened {opened}, resolved {resolved}."
            )
            return
        for chunk in chunks:
            recompute_accounts_task.delay(chunk)
        self.stdout.write(f"{len(ids)} account(s) queued in {len(chunks)} task(s).")
