"""The record of customer relationships: who the customer is and what happened."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from .vocabulary import AccountStatus, Channel, Direction, Kind


def _in(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


def text_hash(text: str) -> str:
    """The text part of an interaction's identity: sha256 of the whitespace-trimmed text."""
    return hashlib.sha256((text or "").strip().encode("utf-8")).hexdigest()


class AccountQuerySet(models.QuerySet["Account"]):
    def visible_to(self, user) -> AccountQuerySet:
        """Accounts the user may see: managers and admins all, account managers their own."""
        from .roles import sees_all_accounts

        if not user or not user.is_authenticated:
            return self.none()
        if sees_all_accounts(user):
            return self
        return self.filter(owner=user)


class Account(models.Model):
    external_id = models.CharField(
        max_length=100, unique=True, help_text="Stable identifier from your CRM or billing."
    )
    name = models.CharField(max_length=200)
    segment = models.CharField(max_length=60, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        help_text="The account manager responsible for this relationship.",
    )
    status = models.CharField(
        max_length=20, choices=AccountStatus.choices, default=AccountStatus.ACTIVE, db_index=True
    )
    started_at = models.DateField(null=True, blank=True)
    churned_at = models.DateField(null=True, blank=True)
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # Set when something that feeds the scores changes; cleared by the recompute that
    # scored the change (compare-and-set on scores_dirty_since, see signals/tasks.py).
    scores_dirty_since = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=_in("status", AccountStatus), name="account_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(annual_value__gte=0), name="account_annual_value_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(churned_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(churned_at__gte=F("started_at")),
                name="account_churned_after_started",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"

    def get_absolute_url(self) -> str:
        return reverse("account-detail", kwargs={"external_id": self.external_id})

    @property
    def current_contract(self) -> Contract | None:
        return self.contracts.order_by("-start", "-id").first()


class Contact(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name"], name="contact_unique_name_per_account"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contracts")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=False)
    renewals_so_far = models.PositiveIntegerField(default=0)
    early_termination_fee = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    notice_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(early_termination_fee__gte=0), name="contract_fee_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(renewals_so_far__gte=0), name="contract_renewals_gte_0"
            ),
            models.CheckConstraint(condition=Q(notice_days__gte=0), name="contract_notice_gte_0"),
            models.UniqueConstraint(fields=["account", "start"], name="contract_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.account.external_id} {self.start}–{self.end or 'open'}"


#: What the scoring read (``signals.features.frames``) takes of each interaction besides
#: its account and time: the columns its index includes.
SCORING_COLUMNS = [
    "id",
    "contact",
    "direction",
    "kind",
    "channel",
    "tone",
    "cue_flags",
    "nps",
    "csat",
    "amount",
    "due_at",
    "responds_to",
]


class Interaction(models.Model):
    """One touch point, either direction. Text is analysed once, when written
    (``tone``/``cue_flags``, see signals/text.py); the recompute never re-reads it."""

    # No index of its own: every index below that starts with the account serves
    # lookups by account (and the cascade when one is deleted); a fourth copy of the
    # column only cost every insert.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="interactions", db_index=False
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    csat = models.PositiveSmallIntegerField(null=True, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    responds_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    external_id = models.CharField(
        max_length=100, blank=True, default="", help_text="The import's interaction_id, if given."
    )
    text_hash = models.CharField(max_length=64, editable=False)
    # Results of the one-time text analysis.
    tone = models.FloatField(default=0.0)
    cue_flags = models.BigIntegerField(default=0)
    analysis_version = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_in("channel", Channel), name="interaction_channel_valid"
            ),
            models.CheckConstraint(
                condition=_in("direction", Direction), name="interaction_direction_valid"
            ),
            models.CheckConstraint(condition=_in("kind", Kind), name="interaction_kind_valid"),
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__gte=0, nps__lte=10),
                name="interaction_nps_0_10",
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="interaction_csat_1_5",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="interaction_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(tone__gte=-1, tone__lte=1), name="interaction_tone_range"
            ),
            # Identity: an explicit interaction_id when given, else the natural key.
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="interaction_unique_external_id",
            ),
            models.UniqueConstraint(
                fields=["account", "occurred_at", "direction", "kind", "text_hash"],
                condition=Q(external_id=""),
                name="interaction_unique_natural_key",
            ),
        ]
        indexes = [
            # The scoring read (signals.features.frames.load_interactions): a chunk of
            # consecutive accounts over a time window is one range of this index, and
            # on PostgreSQL the included columns answer it without visiting the table,
            # whose rows of one account lie scattered by arrival. Elsewhere a plain
            # (account, occurred_at) index.
            models.Index(
                fields=["account", "occurred_at"],
                include=SCORING_COLUMNS,
                name="interaction_scoring_read",
            ),
            models.Index(fields=["occurred_at"], name="interaction_time"),
            models.Index(fields=["account", "kind"], name="interaction_account_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.occurred_at:%Y-%m-%d} {self.direction} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        # Derived column only: the hash is part of the identity and must match the text.
        self.text_hash = text_hash(self.text)
        super().save(*args, **kwargs)


class SeededBehaviour(models.Model):
    """Ground truth written by ``seed_demo``: which behaviours an account was generated
    with, so ``python -m signals.evaluate`` can measure the detectors against it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="seeded_behaviours")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="seeded_behaviour_unique")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.key}"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    # The trail is append-only: bulk changes through the ORM are refused outright
    # (PostgreSQL also refuses them with a trigger, see migration 0003).
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """Who changed what, when, from what to what (accounts/audit.py writes these).

    Append-only. It holds no foreign keys on purpose: deleting a user or a rule must
    neither cascade into the trail nor rewrite it, so the actor and the target are
    copied in as plain values.
    """

    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="Null: the system.")
    actor = models.CharField(max_length=150, blank=True, help_text="Username at the time.")
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=100)
    target_label = models.CharField(max_length=250, blank=True)
    changes = models.JSONField(default=dict, help_text='{"field": ["from", "to"], …}')
    note = models.TextField(blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action} {self.target_label}"
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")
