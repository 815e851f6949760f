"""Score the seeded demo portfolio against its recorded ground truth.

``python -m signals.evaluate`` (or ``manage.py evaluate_detectors``) scores every account
that has ``SeededBehaviour`` rows and prints precision, recall and F1 per key and the
macro-F1 per group. A key is *predicted* when its score is ≥ 50; it is *true* when the
generator recorded it for the account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from signals.catalogue import KEYS_BY_GROUP, Group

PREDICTED = 50.0


@dataclass(frozen=True)
class KeyScore:
    key: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else (1.0 if not self.fp else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    keys: dict[str, KeyScore]
    n_accounts: int

    def macro_f1(self, group: Group) -> float:
        scores = [self.keys[k].f1 for k in KEYS_BY_GROUP[group]]
        return sum(scores) / len(scores)

    def report(self) -> str:
        lines = [f"{self.n_accounts} seeded accounts; predicted = score ≥ {PREDICTED:g}", ""]
        for group in Group:
            lines.append(f"{group.value:<32} {'prec':>6} {'recall':>6} {'F1':>6}   tp  fp  fn")
            for key in KEYS_BY_GROUP[group]:
                s = self.keys[key]
                lines.append(
                    f"  {key:<30} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f}"
                    f"  {s.tp:3d} {s.fp:3d} {s.fn:3d}"
                )
            lines.append(f"  {'macro-F1':<30} {'':6} {'':6} {self.macro_f1(group):6.2f}")
            lines.append("")
        return "\n".join(lines)


def evaluate_scores(
    scores: Mapping[int, Mapping[str, float]], truth: Mapping[int, set[str]]
) -> Evaluation:
    """Precision/recall/F1 per key from {account: {key: score}} and {account: {keys}}."""
    keys: dict[str, KeyScore] = {}
    for group in Group:
        for key in KEYS_BY_GROUP[group]:
            tp = fp = fn = 0
            for account_id, by_key in scores.items():
                predicted = by_key.get(key, 0.0) >= PREDICTED
                actual = key in truth.get(account_id, set())
                tp += predicted and actual
                fp += predicted and not actual
                fn += actual and not predicted
            keys[key] = KeyScore(key, tp, fp, fn)
    return Evaluation(keys, len(scores))


def evaluate_seeded(
    *, as_of: datetime | None = None, account_ids: Sequence[int] | None = None
) -> Evaluation:
    """Score the seeded accounts now (without writing snapshots) and compare."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import Account, SeededBehaviour
    from signals.models import HealthWeights
    from signals.portfolio import load_models
    from signals.scoring import score_accounts

    truth: dict[int, set[str]] = {}
    rows = SeededBehaviour.objects.values_list("account_id", "key")
    if account_ids is not None:
        rows = rows.filter(account_id__in=account_ids)
    for account_id, key in rows:
        truth.setdefault(account_id, set()).add(key)
    externals = dict(Account.objects.filter(pk__in=truth).values_list("pk", "external_id"))
    moment = as_of or timezone.now()
    weights, models = HealthWeights.current(), load_models()
    ids = sorted(externals)
    scores: dict[int, dict[str, float]] = {}
    size = settings.CRM_SCORING_CHUNK_SIZE
    for start in range(0, len(ids), size):
        chunk = {a: externals[a] for a in ids[start : start + size]}
        documents = score_accounts(chunk, as_of=moment, weights=weights, models=models)
        for account_id, document in documents.items():
            scores[account_id] = {
                item["key"]: item["score"] for group in Group for item in document[group.value]
            }
    return evaluate_scores(scores, truth)


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_health.settings")
    django.setup()
    print(evaluate_seeded().report())


if __name__ == "__main__":
    main()
