"""``manage.py seed_demo [--accounts N] [--seed S]``: fill the database with the demo
portfolio and its users (see accounts/demo/)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.demo.writer import seed_demo


class Command(BaseCommand):
    help = (
        "Fill the database with a realistic demo portfolio (18 months of history, every "
        "behaviour of the catalogue, ground truth for the detectors) and demo users. "
        "Idempotent: running it again with the same seed leaves the same data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--accounts", type=int, default=200, help="Number of demo accounts (default 200)."
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")

    def handle(self, *args, accounts: int, seed: int, **options) -> None:
        if accounts < 0:
            raise CommandError("--accounts must be zero or more")
        summary = seed_demo(accounts=accounts, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {summary.accounts} demo accounts (seed {summary.seed}) in {summary.seconds:.1f}s: "
                f"{summary.contacts} contacts, {summary.contracts} contracts, "
                f"{summary.interactions} interactions, {summary.behaviours} ground-truth behaviours, "
                f"{summary.churned} churned."
            )
        )
        self.stdout.write(
            "Scores are marked stale; run `manage.py recompute_scores --sync` to score them."
        )
        self.stdout.write("Demo users (demo only, never use these passwords elsewhere):")
        for username, password, role in summary.users:
            self.stdout.write(f"  {username:<8} {password:<17} {role}")
