"""Reflect and learn: the answers of every case put side by side, with the root causes
managers recorded when they resolved the accounts' alerts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from signals.models import Alert, RootCause

from .models import ReflectionEntry
from .vocabulary import FREE_TEXT_QUESTIONS, ReflectionQuestion, ReflectionRating


@dataclass
class QuestionSummary:
    key: str
    label: str
    free_text: bool
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.counts.values())


@dataclass
class ReflectionSummary:
    cases: int
    questions: list[QuestionSummary]
    root_causes: list[dict]


def summarise(cases) -> ReflectionSummary:
    """Aggregate the reflections of ``cases`` (a queryset the user may see)."""
    cases = cases.select_related("account")
    by_question = {
        q.value: QuestionSummary(
            q.value,
            q.label,
            q.value in FREE_TEXT_QUESTIONS,
            {r.value: 0 for r in ReflectionRating} if q.value not in FREE_TEXT_QUESTIONS else {},
        )
        for q in ReflectionQuestion
    }
    entries = ReflectionEntry.objects.filter(case__in=cases).select_related("case__account")
    for entry in entries.order_by("answered_at", "id"):
        summary = by_question[entry.question]
        if entry.rating:
            summary.counts[entry.rating] = summary.counts.get(entry.rating, 0) + 1
        if entry.note:
            summary.notes.append(
                {"case": entry.case_id, "account": entry.case.account.name, "text": entry.note}
            )
    return ReflectionSummary(
        cases=cases.count(), questions=list(by_question.values()), root_causes=root_causes(cases)
    )


def root_causes(cases) -> list[dict]:
    """Root causes of the alerts that managers resolved on these accounts, excluding
    the alerts the case itself closed (those say "offboarded", not why)."""
    counts: Counter[str] = Counter()
    for case in cases:
        alerts = Alert.objects.filter(account_id=case.account_id).exclude(root_cause="")
        if case.closed_at is not None:
            alerts = alerts.filter(resolved_at__lt=case.closed_at)
        counts.update(alerts.values_list("root_cause", flat=True))
    labels = dict(RootCause.choices)
    return [
        {"key": key, "label": labels.get(key, key), "count": n} for key, n in counts.most_common()
    ]
