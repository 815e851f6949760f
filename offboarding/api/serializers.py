"""API shapes of the offboarding case and its steps. Input serializers parse only; the
services decide what is allowed."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..models import (
    Case,
    CaseEvent,
    ChecklistItem,
    Comment,
    FollowUpTask,
    LetterVersion,
    ReflectionEntry,
)
from ..vocabulary import (
    CaseStatus,
    Criterion,
    FitJudgement,
    Outcome,
    ReflectionQuestion,
    ReflectionRating,
)

User = get_user_model()


def _username() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


def _owner_field() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )


class EventSerializer(serializers.ModelSerializer):
    by = _username()

    class Meta:
        model = CaseEvent
        fields = ["at", "by", "action", "from_status", "to_status", "note"]


class CommentSerializer(serializers.ModelSerializer):
    author = _username()

    class Meta:
        model = Comment
        fields = ["id", "author", "at", "text"]
        read_only_fields = ["id", "author", "at"]


class ChecklistItemSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_key_display", read_only=True)
    owner = _owner_field()
    done = serializers.BooleanField(required=False)
    done_by = _username()

    class Meta:
        model = ChecklistItem
        fields = [
            "key",
            "label",
            "position",
            "owner",
            "due_on",
            "note",
            "done",
            "done_at",
            "done_by",
        ]
        read_only_fields = ["key", "label", "position", "done_at", "done_by"]


class FollowUpTaskSerializer(serializers.ModelSerializer):
    owner = _owner_field()
    done = serializers.BooleanField(required=False)
    created_by = _username()

    class Meta:
        model = FollowUpTask
        fields = ["id", "title", "due_on", "owner", "done", "done_at", "created_by", "created_at"]
        read_only_fields = ["id", "done_at", "created_by", "created_at"]


class LetterVersionSerializer(serializers.ModelSerializer):
    created_by = _username()

    class Meta:
        model = LetterVersion
        fields = ["number", "body", "created_by", "created_at"]
        read_only_fields = ["number", "created_by", "created_at"]


class LetterSerializer(serializers.Serializer):
    current = LetterVersionSerializer(allow_null=True)
    draft = serializers.CharField(help_text="A fresh draft written from the case as it is now.")
    versions = serializers.IntegerField(help_text="How many versions are kept.")


class ReflectionEntrySerializer(serializers.ModelSerializer):
    answered_by = _username()

    class Meta:
        model = ReflectionEntry
        fields = ["question", "rating", "note", "answered_by", "answered_at"]


class ReflectionAnswerSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=ReflectionRating.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReflectionInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=ReflectionAnswerSerializer(),
        help_text=f"Keyed by question: {', '.join(ReflectionQuestion.values)}.",
    )


class CaseListSerializer(serializers.ModelSerializer):
    account = serializers.SlugRelatedField(slug_field="external_id", read_only=True)
    opened_by = _username()
    # Plain text here, the enum on the detail: one component owns the enum, so the
    # schema names it CaseStatusEnum instead of a hashed name.
    status = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(CaseStatus.values)}."
    )
    state = serializers.CharField(source="presentation_state", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "account",
            "status",
            "state",
            "outcome",
            "opened_by",
            "opened_at",
            "closed_at",
        ]


class CaseSerializer(CaseListSerializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    decided_by = _username()
    closed_by = _username()
    checklist = ChecklistItemSerializer(many=True, read_only=True)
    tasks = FollowUpTaskSerializer(many=True, read_only=True)
    comments = CommentSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    reflections = ReflectionEntrySerializer(many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "reason_for_request",
            "frozen_health",
            "criteria",
            "fit_judgement",
            "fit_notes",
            "concerns",
            "alternatives_considered",
            "long_term_implications",
            "findings",
            "vendor_change_first",
            "assessment_snapshot",
            "decision_reason",
            "decided_by",
            "decided_at",
            "referrals",
            "resources",
            "closed_by",
            "checklist",
            "tasks",
            "comments",
            "reflections",
            "events",
        ]


class CaseCreateSerializer(serializers.Serializer):
    account = serializers.CharField(help_text="The account's external_id.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AssessmentSerializer(serializers.Serializer):
    """The team's part of the assessment; PATCH any subset."""

    criteria = serializers.ListField(
        child=serializers.ChoiceField(choices=Criterion.choices), required=False
    )
    fit_judgement = serializers.ChoiceField(
        choices=FitJudgement.choices, required=False, allow_blank=True
    )
    fit_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    concerns = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    alternatives_considered = serializers.CharField(
        required=False, allow_blank=True, max_length=10000
    )
    long_term_implications = serializers.CharField(
        required=False, allow_blank=True, max_length=10000
    )
    findings = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    vendor_change_first = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="What could we change on our side first? Required before a decision.",
    )


class AssessmentViewSerializer(AssessmentSerializer):
    computed = serializers.JSONField(
        help_text="Evidence computed from the record (live while assessing, frozen after)."
    )


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=5000)


class TransitionNotesSerializer(serializers.Serializer):
    referrals = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    resources = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class LetterInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=50000, trim_whitespace=False)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
