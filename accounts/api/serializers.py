"""What the API reads and writes. Serializers only parse and render: every write goes
through a use case in ``accounts/services.py``, which owns the rules."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Account, Interaction
from accounts.services import find_duplicate
from accounts.vocabulary import AccountStatus, Channel, Direction, Kind
from signals.models import Band

from .fields import (
    AmountCell,
    BooleanCell,
    ChoiceCell,
    DateCell,
    IdentifierCell,
    IntegerCell,
    RequiredTextCell,
    TextCell,
    TimestampCell,
    refusal,
)

# --- accounts ---------------------------------------------------------------------------


class HealthMetricsSerializer(serializers.Serializer):
    nps = serializers.FloatField(allow_null=True)
    csat = serializers.FloatField(allow_null=True)
    churn_probability = serializers.FloatField(allow_null=True)
    clv = serializers.FloatField(allow_null=True)


class HealthSummarySerializer(serializers.Serializer):
    """The account's current scores (``null`` until it has been scored once)."""

    computed_at = serializers.DateTimeField()
    health = serializers.FloatField()
    previous_health = serializers.FloatField(allow_null=True)
    band = serializers.ChoiceField(choices=Band.choices)
    customer_side = serializers.FloatField()
    vendor_side = serializers.FloatField()
    top_customer_issue = serializers.CharField()
    top_vendor_issue = serializers.CharField()
    metrics = serializers.SerializerMethodField()

    @extend_schema_field(HealthMetricsSerializer)
    def get_metrics(self, current) -> dict:
        return {k: getattr(current, k) for k in ("nps", "csat", "churn_probability", "clv")}


@extend_schema_field({"type": "string", "nullable": True, "description": "A username."})
class OwnerField(serializers.Field):
    """An owner by username; ``null`` or empty for none."""

    def to_internal_value(self, data: Any):
        if not isinstance(data, str):
            raise serializers.ValidationError("This field must be a username (a string).")
        if not data.strip():
            return None
        user = get_user_model().objects.filter(username=data.strip()).first()
        if user is None:
            raise serializers.ValidationError(refusal(data, "is not an existing username"))
        return user

    def to_representation(self, value):
        return value.username if value else None


class AccountSerializer(serializers.Serializer):
    external_id = IdentifierCell(help_text="Stable identifier from your CRM or billing.")
    name = RequiredTextCell(max_chars=200)
    segment = TextCell(max_chars=60, strip=True, required=False)
    owner = OwnerField(
        required=False,
        allow_null=True,
        help_text="Username of the account manager. Account managers own what they create "
        "and may not assign it to anyone else.",
    )
    status = ChoiceCell(
        AccountStatus,
        required=False,
        help_text="active or churned here; offboarding and offboarded belong to the "
        "offboarding workflow. Only managers and admins change it.",
    )
    started_at = DateCell(required=False, allow_null=True)
    churned_at = DateCell(
        required=False, allow_null=True, help_text="Required when status is churned."
    )
    annual_value = AmountCell(required=False)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    current_health = serializers.SerializerMethodField(
        help_text="Current scores; null until the account has been scored."
    )

    @extend_schema_field(HealthSummarySerializer(allow_null=True))
    def get_current_health(self, account: Account) -> dict | None:
        current = getattr(account, "current_health", None)
        return HealthSummarySerializer(current).data if current is not None else None


# --- contacts and contracts -------------------------------------------------------------


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = RequiredTextCell(max_chars=200)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    role = TextCell(max_chars=100, strip=True, required=False)


class ContractSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    start = DateCell()
    end = DateCell(required=False, allow_null=True)
    auto_renew = BooleanCell(required=False)
    renewals_so_far = IntegerCell(low=0, high=1000, required=False)
    early_termination_fee = AmountCell(required=False)
    notice_days = IntegerCell(low=0, high=3650, required=False)


# --- interactions -----------------------------------------------------------------------


class ContactRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "description": "A contact id of this account."},
            {
                "type": "string",
                "maxLength": 200,
                "description": "A contact name; created if new.",
            },
        ],
        "nullable": True,
    }
)
class ContactInputField(serializers.Field):
    """A contact of the interaction's account: its id, or its name (created if new)."""

    def to_internal_value(self, data: Any) -> int | str | None:
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError(
                "This field must be a contact id (a number) or a contact name (a string)."
            )
        if isinstance(data, str):
            return TextCell(max_chars=200, strip=True).run_validation(data) or None
        return data

    def to_representation(self, value):
        return value


class InteractionSerializer(serializers.Serializer):
    """An interaction as read. Written through ``InteractionCreateSerializer``."""

    id = serializers.IntegerField(read_only=True)
    account = serializers.CharField(source="account.external_id", read_only=True)
    contact = serializers.SerializerMethodField()
    occurred_at = TimestampCell()
    channel = ChoiceCell(Channel)
    direction = ChoiceCell(Direction)
    kind = ChoiceCell(Kind)
    text = TextCell()
    nps = IntegerCell(low=0, high=10, allow_null=True)
    csat = IntegerCell(low=1, high=5, allow_null=True)
    amount = AmountCell(allow_null=True)
    due_at = TimestampCell(allow_null=True)
    responds_to = serializers.IntegerField(source="responds_to_id", allow_null=True)
    interaction_id = serializers.CharField(source="external_id")
    tone = serializers.FloatField(
        read_only=True, help_text="Tone of the text, −1 (hostile) … 1 (warm)."
    )
    created_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(ContactRefSerializer(allow_null=True))
    def get_contact(self, interaction: Interaction) -> dict | None:
        c = interaction.contact
        return {"id": c.pk, "name": c.name} if c else None


class InteractionCreateSerializer(serializers.Serializer):
    """Validated like a row of the interactions import (same words for the same fault).

    Unlike the import, an unknown account is refused, not created: create it first.
    """

    account = serializers.CharField(
        max_length=200, help_text="The account's external_id (an account you can see)."
    )
    occurred_at = TimestampCell(help_text="ISO 8601; a date alone means midnight UTC.")
    channel = ChoiceCell(Channel)
    direction = ChoiceCell(Direction)
    kind = ChoiceCell(Kind)
    contact = ContactInputField(required=False, allow_null=True)
    text = TextCell(required=False)
    nps = IntegerCell(low=0, high=10, required=False, allow_null=True)
    csat = IntegerCell(low=1, high=5, required=False, allow_null=True)
    amount = AmountCell(required=False, allow_null=True)
    due_at = TimestampCell(required=False, allow_null=True)
    responds_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**62,
        help_text="Id of an earlier interaction of the same account.",
    )
    interaction_id = IdentifierCell(
        required=False, help_text="Your own identifier; makes re-submission idempotent-safe."
    )

    def validate_account(self, value: str) -> Account:
        visible = self.context["visible_accounts"]
        account = visible.filter(external_id=value.strip()).first() if value.isprintable() else None
        if account is None:
            # The same words whether it does not exist or belongs to someone else.
            raise serializers.ValidationError(refusal(value, "is not a known account"))
        return account

    def validate(self, attrs: dict) -> dict:
        account: Account = attrs["account"]
        errors: dict[str, str] = {}
        contact = attrs.get("contact")
        if isinstance(contact, int):
            attrs["contact"] = account.contacts.filter(pk=contact).first()
            if attrs["contact"] is None:
                errors["contact"] = f"{contact} is not a contact of account {account.external_id}."
        parent_id = attrs.get("responds_to")
        if parent_id is not None:
            attrs["responds_to"] = account.interactions.filter(pk=parent_id).first()
            if attrs["responds_to"] is None:
                errors["responds_to"] = (
                    f"{parent_id} is not an interaction of account {account.external_id}."
                )
        if errors:
            raise serializers.ValidationError(errors)
        duplicate = find_duplicate(
            account=account,
            occurred_at=attrs["occurred_at"],
            direction=attrs["direction"],
            kind=attrs["kind"],
            text=attrs.get("text", ""),
            external_id=attrs.get("interaction_id", ""),
        )
        if duplicate is not None:
            if duplicate.account_id != account.pk:
                # interaction_id is unique across accounts; name no id the user can't see.
                raise serializers.ValidationError(
                    {"interaction_id": "is already used by another interaction."}
                )
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        f"An identical interaction is already recorded (id {duplicate.pk})."
                    ]
                }
            )
        return attrs


# --- health -----------------------------------------------------------------------------


class EvidenceSerializer(serializers.Serializer):
    fact = serializers.CharField()
    interactions = serializers.ListField(child=serializers.IntegerField())


class ScoredKeySerializer(serializers.Serializer):
    key = serializers.CharField()
    score = serializers.FloatField()
    evidence = EvidenceSerializer(many=True)


class RecommendationSerializer(serializers.Serializer):
    advice = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["for"] = serializers.CharField(help_text="The catalogue key it answers.")
        return fields


class HealthDocumentSerializer(serializers.Serializer):
    """The health document of interfaces.md, exactly as stored with the snapshot."""

    account = serializers.CharField()
    computed_at = serializers.DateTimeField()
    health = serializers.FloatField(min_value=0, max_value=100)
    band = serializers.ChoiceField(choices=Band.choices)
    customer_side = serializers.FloatField()
    vendor_side = serializers.FloatField()
    archetypes = ScoredKeySerializer(many=True)
    traits = ScoredKeySerializer(many=True)
    warning_signs = ScoredKeySerializer(many=True)
    vendor_signs = ScoredKeySerializer(many=True)
    metrics = HealthMetricsSerializer()
    recommendations = RecommendationSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField(), required=False)


class ComponentChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    before = serializers.FloatField(allow_null=True)
    after = serializers.FloatField(allow_null=True)
    delta = serializers.FloatField(allow_null=True)


class HealthHistoryItemSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    health = serializers.FloatField()
    band = serializers.ChoiceField(choices=Band.choices)
    customer_side = serializers.FloatField()
    vendor_side = serializers.FloatField()
    metrics = HealthMetricsSerializer()
    changes = ComponentChangeSerializer(
        many=True,
        allow_null=True,
        help_text="Components that moved since the previous snapshot, largest move first; "
        "null for an account's first snapshot.",
    )


# --- auth -------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
