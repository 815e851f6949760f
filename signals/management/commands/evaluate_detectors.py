from django.core.management.base import BaseCommand, CommandError

from signals.evaluate import evaluate_seeded


class Command(BaseCommand):
    help = "Score the seeded demo portfolio against its ground truth (precision/recall/F1)."

    def handle(self, *args, **options):
        evaluation = evaluate_seeded()
        if not evaluation.n_accounts:
            raise CommandError("No seeded ground truth: run seed_demo first.")
        self.stdout.write(evaluation.report())
