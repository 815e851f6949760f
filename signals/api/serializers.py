"""Representations and inputs of the alerts and thresholds API (interfaces.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from signals.models import Alert, AlertEvent, RootCause, ScoringRun, ThresholdRule
from signals.thresholds import MAX_PREVIEW_DAYS, validate_rule


class AlertEventSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="null: the system."
    )

    class Meta:
        model = AlertEvent
        fields = ["at", "by", "note"]

    def get_fields(self):
        # "from" and "to" are Python keywords, so they cannot be declared as attributes.
        fields = super().get_fields()
        fields["from"] = serializers.CharField(
            source="from_status", read_only=True, allow_null=True, help_text="null: created."
        )
        fields["to"] = serializers.CharField(source="to_status", read_only=True)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["from"] = data["from"] or None
        return data


class RuleRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThresholdRule
        fields = ["id", "name"]


class AlertSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="external_id", read_only=True)
    rule = RuleRefSerializer(read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    events = AlertEventSerializer(many=True, read_only=True)
    value_at_risk = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "account",
            "rule",
            "measure",
            "value",
            "severity",
            "status",
            "opened_at",
            "assignee",
            "snoozed_until",
            "resolved_at",
            "root_cause",
            "action_taken",
            "recommendations",
            "value_at_risk",
            "events",
        ]
        read_only_fields = fields


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SnoozeInput(NoteInput):
    until = serializers.DateTimeField(help_text="A future date-time with a time zone.")


class ResolveInput(NoteInput):
    root_cause = serializers.ChoiceField(choices=RootCause.choices)
    action_taken = serializers.CharField(max_length=5000)


class AssignInput(NoteInput):
    assignee = serializers.CharField(
        allow_null=True, help_text="A username; null to unassign.", max_length=150
    )


class ThresholdRuleSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(max_length=40)
    operator = serializers.CharField(max_length=3)
    severity = serializers.CharField(max_length=10, required=False, default="warning")
    value = serializers.FloatField()

    class Meta:
        model = ThresholdRule
        fields = [
            "id",
            "name",
            "measure",
            "operator",
            "value",
            "severity",
            "segment",
            "enabled",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs):
        merged = {
            field: attrs.get(field, getattr(self.instance, field, None))
            for field in ("measure", "operator", "value", "severity", "segment")
        }
        try:
            validate_rule(
                measure=merged["measure"] or "",
                operator=merged["operator"] or "",
                value=merged["value"],
                severity=merged["severity"] or "warning",
                segment=merged["segment"] or "",
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict)
        return attrs


class PreviewInput(ThresholdRuleSerializer):
    name = serializers.CharField(required=False, allow_blank=True, default="preview")
    days = serializers.IntegerField(min_value=1, max_value=MAX_PREVIEW_DAYS, default=30)

    class Meta(ThresholdRuleSerializer.Meta):
        fields = [*ThresholdRuleSerializer.Meta.fields, "days"]


class PreviewSerializer(serializers.Serializer):
    matching_now = serializers.ListField(child=serializers.CharField())
    would_have_fired = serializers.IntegerField()


class ScoringRunSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True, help_text="Percent of chunks done.")
    # Plain text, not an enum: a third "status" choice set would collide in the schema.
    status = serializers.CharField(read_only=True, help_text="running, succeeded or failed")

    class Meta:
        model = ScoringRun
        fields = [
            "id",
            "period_key",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "total_accounts",
            "processed_accounts",
            "changed_accounts",
            "chunks_total",
            "chunks_done",
            "progress",
            "alerts_opened",
            "alerts_resolved",
            "error",
        ]
        read_only_fields = fields


class NotificationPreferenceSerializer(serializers.Serializer):
    daily_digest = serializers.BooleanField()
