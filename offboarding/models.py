"""An offboarding case per account and the record of every step it took.

The case's status only moves forward through ``vocabulary.TRANSITIONS`` (see
``offboarding.services``). Every step is also an append-only ``CaseEvent`` row (who,
when, from, to), so the case page and an audit read the same history. Nothing here is
ever deleted by the workflow: accounts are protected, and follow-up tasks are the only
rows a user may remove (the removal itself is an event).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import Account

from .vocabulary import (
    AFTER_APPROVAL,
    CaseStatus,
    ChecklistKey,
    Criterion,
    EventAction,
    FitJudgement,
    Outcome,
    ReflectionQuestion,
    ReflectionRating,
)

USER = settings.AUTH_USER_MODEL


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user) -> CaseQuerySet:
        """Cases of the accounts the user may see (managers: all; account managers: own)."""
        return self.filter(account__in=Account.objects.visible_to(user))

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="offboarding_cases")
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.ASSESSMENT, db_index=True
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    opened_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    # The health document as it stood when the case was opened ({} if never scored), so
    # the decision can be read later against what the team saw at the time.
    frozen_health = models.JSONField(default=dict, blank=True)
    # --- assessment (the team's words; the evidence itself is computed) ---
    reason_for_request = models.TextField(blank=True)
    criteria = models.JSONField(
        default=list, blank=True, help_text="Keys of the criteria the team judges to apply."
    )
    fit_judgement = models.CharField(max_length=10, choices=FitJudgement.choices, blank=True)
    fit_notes = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    alternatives_considered = models.TextField(blank=True)
    long_term_implications = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    vendor_change_first = models.TextField(
        blank=True, help_text="What could we change on our side first?"
    )
    # The computed assessment as it stood when the decision was requested.
    assessment_snapshot = models.JSONField(default=dict, blank=True)
    # --- decision ---
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # --- transition help ---
    referrals = models.TextField(blank=True, help_text="Other providers we can point them to.")
    resources = models.TextField(
        blank=True, help_text="Guides, contacts and material we hand over."
    )
    # --- close ---
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open case per account; closed ones stay as the record.
            models.UniqueConstraint(
                fields=["account"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="offboarding_one_open_case_per_account",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="offboarding_case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values),
                name="offboarding_case_outcome_valid",
            ),
            # Past the decision there is always an outcome; before it there never is.
            models.CheckConstraint(
                condition=(
                    Q(
                        status__in=[CaseStatus.ASSESSMENT, CaseStatus.AWAITING_DECISION],
                        outcome="",
                    )
                    | Q(status__in=AFTER_APPROVAL, outcome=Outcome.APPROVED)
                    | Q(status=CaseStatus.CLOSED) & ~Q(outcome="")
                ),
                name="offboarding_case_outcome_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Offboarding {self.account.external_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("offboarding-case", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def criteria_labels(self) -> list[str]:
        return [Criterion(key).label for key in self.criteria if key in Criterion.values]

    @property
    def presentation_state(self) -> str:
        """One line on where the case stands (derived, never stored)."""
        if self.status == CaseStatus.CLOSED:
            return "Closed, customer kept" if self.outcome == Outcome.REJECTED else "Offboarded"
        return self.get_status_display()


class CaseEvent(models.Model):
    """Append-only: one row per step taken (transitions and the work inside a step)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30, choices=EventAction.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"


class Comment(models.Model):
    """Stakeholder input on the assessment: one row per teammate's comment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.author} on case {self.case_id}"


class ChecklistItem(models.Model):
    """One item of the communication plan: who does it, by when, and whether it is done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checklist")
    key = models.CharField(max_length=30, choices=ChecklistKey.choices)
    position = models.PositiveSmallIntegerField()
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="offboarding_checklist_unique"),
            models.CheckConstraint(
                condition=Q(key__in=ChecklistKey.values), name="offboarding_checklist_key_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_key_display()

    @property
    def done(self) -> bool:
        return self.done_at is not None


class FollowUpTask(models.Model):
    """A hand-over task with a date and an owner (it also dates the letter's steps)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on})"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class LetterVersion(models.Model):
    """Every saved version of the follow-up letter; the newest is the current one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letter_versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="offboarding_letter_unique")
        ]

    def __str__(self) -> str:
        return f"Letter v{self.number} for case {self.case_id}"


class ReflectionEntry(models.Model):
    """The team's answer to one reflection question for one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reflections")
    question = models.CharField(max_length=30, choices=ReflectionQuestion.choices)
    rating = models.CharField(max_length=10, choices=ReflectionRating.choices, blank=True)
    note = models.TextField(blank=True)
    answered_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "id"]
        verbose_name_plural = "reflection entries"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "question"], name="offboarding_reflection_unique"
            ),
            models.CheckConstraint(
                condition=Q(question__in=ReflectionQuestion.values),
                name="offboarding_reflection_question_valid",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=ReflectionRating.values),
                name="offboarding_reflection_rating_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.question}"
