"""Judgement about the record: scores and their history, weights, thresholds, alerts,
notifications and scoring runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Account


class Band(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    WATCH = "watch", "Watch"
    AT_RISK = "at_risk", "At risk"
    CRITICAL = "critical", "Critical"


class HealthWeights(models.Model):
    """How the health score is composed; one row (pk=1), edited by admins.

    Health = 100 − the weighted mean of the penalty components (each 0–100):
    customer-side friction, vendor-side friction, NPS (mapped −100…100 → 100…0),
    CSAT (1…5 → 100…0) and churn probability (0…1 → 0…100). A component that is null
    for an account drops out and the remaining weights are renormalised.
    """

    customer_side = models.FloatField(default=0.30)
    vendor_side = models.FloatField(default=0.25)
    nps = models.FloatField(default=0.15)
    csat = models.FloatField(default=0.10)
    churn_probability = models.FloatField(default=0.20)
    # Lower bounds of the bands (health ≥ healthy_min is healthy, and so on).
    healthy_min = models.FloatField(default=70.0)
    watch_min = models.FloatField(default=50.0)
    at_risk_min = models.FloatField(default=30.0)
    # Optional per-key weights inside each side ({"ghost": 1.5, ...}); missing keys weigh 1.
    key_weights = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "health weights"
        verbose_name_plural = "health weights"
        constraints = [
            models.CheckConstraint(
                condition=Q(customer_side__gte=0, vendor_side__gte=0, nps__gte=0, csat__gte=0)
                & Q(churn_probability__gte=0),
                name="weights_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(healthy_min__gt=models.F("watch_min"))
                & Q(watch_min__gt=models.F("at_risk_min"))
                & Q(at_risk_min__gte=0)
                & Q(healthy_min__lte=100),
                name="weights_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return "Health weights"

    @classmethod
    def current(cls) -> HealthWeights:
        weights, _ = cls.objects.get_or_create(pk=1)
        return weights


class HealthSnapshot(models.Model):
    """One recompute's result for one account that changed something. Append-only.

    Snapshots form a chain per account: ``supersedes`` points at the previous one and
    is unique, so two concurrent recomputes of the same account cannot both append
    (the loser's insert fails and it re-reads). The first snapshot has no predecessor;
    a partial unique constraint allows only one such root per account.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="snapshots")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    computed_at = models.DateTimeField(db_index=True)
    health = models.FloatField()
    band = models.CharField(max_length=10, choices=Band.choices)
    customer_side = models.FloatField()
    vendor_side = models.FloatField()
    nps = models.FloatField(null=True, blank=True)
    csat = models.FloatField(null=True, blank=True)
    churn_probability = models.FloatField(null=True, blank=True)
    clv = models.FloatField(null=True, blank=True)
    # Every component by key ({"ghost": 81.0, ...}) for diffs and threshold previews.
    components = models.JSONField(default=dict)
    # The full health document of interfaces.md, exactly as the API serves it.
    document = models.JSONField(default=dict)
    # Hash of everything but computed_at: equal fingerprints mean nothing changed.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(supersedes__isnull=True), name="snapshot_one_root"
            ),
            models.CheckConstraint(
                condition=Q(health__gte=0, health__lte=100), name="snapshot_health_0_100"
            ),
            models.CheckConstraint(condition=Q(band__in=Band.values), name="snapshot_band_valid"),
        ]
        indexes = [models.Index(fields=["account", "-computed_at"], name="snapshot_account_time")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.computed_at:%Y-%m-%d %H:%M} {self.health:.1f}"


class AccountHealth(models.Model):
    """The current scores of an account: a denormalised copy of its latest snapshot,
    one row per account, so the portfolio page sorts and filters without joins over
    history."""

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.CASCADE, related_name="current_health"
    )
    snapshot = models.OneToOneField(HealthSnapshot, on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField()
    health = models.FloatField(db_index=True)
    previous_health = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=10, choices=Band.choices, db_index=True)
    customer_side = models.FloatField()
    vendor_side = models.FloatField()
    top_customer_issue = models.CharField(max_length=40, blank=True)
    top_vendor_issue = models.CharField(max_length=40, blank=True)
    nps = models.FloatField(null=True, blank=True)
    csat = models.FloatField(null=True, blank=True)
    churn_probability = models.FloatField(null=True, blank=True)
    clv = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "account health"

    def __str__(self) -> str:
        return f"{self.account_id}: {self.health:.1f} ({self.band})"


class ChurnModelState(models.Model):
    """The churn model fitted on the portfolio's own history (refitted by the scheduled
    job). Stored as plain JSON parameters, never as pickled objects."""

    fitted_at = models.DateTimeField()
    kind = models.CharField(max_length=10)  # "fitted" or "prior"
    n_train = models.PositiveIntegerField(default=0)
    n_positive = models.PositiveIntegerField(default=0)
    auc_cv = models.FloatField(null=True, blank=True)
    prior = models.FloatField()
    note = models.TextField(blank=True)
    parameters = models.JSONField(default=dict)

    class Meta:
        get_latest_by = "fitted_at"
        ordering = ["-fitted_at"]

    def __str__(self) -> str:
        return f"churn model {self.kind} @ {self.fitted_at:%Y-%m-%d %H:%M}"


class Operator(models.TextChoices):
    LT = "lt", "<"
    LTE = "lte", "≤"
    GT = "gt", ">"
    GTE = "gte", "≥"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class ThresholdRule(models.Model):
    name = models.CharField(max_length=120)
    measure = models.CharField(
        max_length=40, help_text="health, customer_side, vendor_side, a metric, or a catalogue key"
    )
    operator = models.CharField(max_length=3, choices=Operator.choices)
    value = models.FloatField()
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    segment = models.CharField(max_length=60, blank=True, help_text="Empty: every segment.")
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(operator__in=Operator.values), name="rule_operator_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="rule_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SNOOZED = "snoozed", "Snoozed"
    RESOLVED = "resolved", "Resolved"


#: Alerts that still want attention (a snoozed one comes back by itself).
OPEN_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class RootCause(models.TextChoices):
    DISSATISFACTION = "dissatisfaction", "Dissatisfaction (product or service failure)"
    MISUNDERSTANDING = "misunderstanding", "Misunderstanding"
    PERSONAL_ISSUES = "personal_issues", "Personal issues"
    PREVIOUS_NEGATIVE_EXPERIENCE = "previous_negative_experience", "Previous negative experience"
    PERCEIVED_INJUSTICE = "perceived_injustice", "Perceived injustice"
    LACK_OF_CONTROL = "lack_of_control", "Lack of control"
    CULTURAL_DIFFERENCES = "cultural_differences", "Cultural differences"
    PERSONALITY = "personality", "Personality"
    OTHER = "other", "Other"


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user) -> AlertQuerySet:
        """Alerts on the accounts the user may see (``Account.objects.visible_to``)."""
        from accounts.roles import sees_all_accounts

        if user and user.is_authenticated and sees_all_accounts(user):
            return self  # every account: no semi-join over all of them
        return self.filter(account__in=Account.objects.visible_to(user).values("pk"))


class Alert(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="alerts")
    rule = models.ForeignKey(ThresholdRule, on_delete=models.PROTECT, related_name="alerts")
    measure = models.CharField(max_length=40)
    value = models.FloatField(null=True, help_text="The measure's value when the alert last fired.")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(
        max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(db_index=True)
    snapshot = models.ForeignKey(
        HealthSnapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_alerts",
    )
    snoozed_until = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    root_cause = models.CharField(max_length=30, choices=RootCause.choices, blank=True)
    action_taken = models.TextField(blank=True)
    recommendations = models.JSONField(default=list, blank=True)
    value_at_risk = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Set once (compare-and-set) when a critical alert stayed open too long, so the
    # escalation is sent once per alert however often the periodic task runs.
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # At most one unresolved alert per (account, rule).
            models.UniqueConstraint(
                fields=["account", "rule"],
                condition=~Q(status=AlertStatus.RESOLVED),
                name="alert_one_open_per_account_rule",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlertStatus.values), name="alert_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(root_cause="") | Q(root_cause__in=RootCause.values),
                name="alert_root_cause_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "severity"], name="alert_status_severity")]

    def __str__(self) -> str:
        return f"{self.rule} on {self.account_id} ({self.status})"


class AlertEvent(models.Model):
    """Append-only record of every alert state change; ``by`` null means the system."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.from_status or '∅'} → {self.to_status}"


class Notification(models.Model):
    """Outbox: one row per message to send. A sender claims a row by setting
    ``claimed_at`` with a compare-and-set update, so each is sent exactly once."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Alert opened"
        ESCALATED = "escalated", "Critical alert still open"
        DIGEST = "digest", "Daily digest"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What makes this message unique (e.g. "opened:<alert id>:<event id>", "digest:<date>").
    dedupe_key = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}"


class ScoringRun(models.Model):
    """A full-portfolio recompute, split into chunks that any number of workers share."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    # One run per scheduled period: "2026-11-22" for the nightly run, or a manual key.
    period_key = models.CharField(max_length=60, unique=True)
    trigger = models.CharField(max_length=20, default="schedule")  # schedule | manual | api
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    total_accounts = models.PositiveIntegerField(default=0)
    processed_accounts = models.PositiveIntegerField(default=0)
    changed_accounts = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    alerts_opened = models.PositiveIntegerField(default=0)
    alerts_resolved = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.period_key} ({self.status})"

    @property
    def progress(self) -> float:
        return 100.0 * self.chunks_done / self.chunks_total if self.chunks_total else 0.0


class ScoringChunk(models.Model):
    """One chunk of a run; ``done_at`` is set once (compare-and-set), so a redelivered
    chunk task does not count twice."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    account_ids = models.JSONField(default=list)
    done_at = models.DateTimeField(null=True, blank=True)
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="chunk_unique")]


class ClvModelState(models.Model):
    """BG/NBD + Gamma-Gamma parameters fitted on the whole portfolio's payments (refitted
    by the scheduled job), so one account's lifetime value can be computed without
    refitting. ``parameters`` is empty when the payments could not support a fit."""

    fitted_at = models.DateTimeField()
    n_customers = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        get_latest_by = "fitted_at"
        ordering = ["-fitted_at"]
        verbose_name = "CLV model state"

    def __str__(self) -> str:
        return f"CLV model @ {self.fitted_at:%Y-%m-%d %H:%M}"


class RecomputeRequest(models.Model):
    """Coalescing marker: a row means "a recompute of this account is queued and has not
    started yet". Dispatch enqueues only accounts it could insert a row for; the task
    deletes the rows before it reads anything, so a change committed after that delete
    enqueues a new recompute and a change committed before it is seen by this one.
    See signals/dispatch.py and docs/JOBS.md."""

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"recompute of {self.account_id} queued at {self.enqueued_at:%H:%M:%S}"


class NotificationPreference(models.Model):
    """Per-user notification choices; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    daily_digest = models.BooleanField(
        default=False, help_text="Email a daily list of the open alerts of my accounts."
    )

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"
