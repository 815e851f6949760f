"""Alerts (triage) and thresholds (admins) over the API. Views parse input, call one
service from ``signals.alerts`` / ``signals.thresholds`` / ``signals.jobs`` and render.

Object access is the queryset: an account manager's alert list holds only alerts of
accounts they own, so another owner's alert is a 404 on every path.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole, IsAdmin
from signals import alerts as alert_actions
from signals.models import (
    Alert,
    AlertEvent,
    AlertStatus,
    NotificationPreference,
    ScoringRun,
    Severity,
    ThresholdRule,
)
from signals.notifications import set_daily_digest
from signals.thresholds import create_rule, delete_rule, preview_rule, update_rule

from .serializers import (
    AlertSerializer,
    AssignInput,
    NoteInput,
    NotificationPreferenceSerializer,
    PreviewInput,
    PreviewSerializer,
    ResolveInput,
    ScoringRunSerializer,
    SnoozeInput,
    ThresholdRuleSerializer,
)

SEVERITY_RANK = Case(
    When(severity=Severity.CRITICAL, then=Value(2)),
    When(severity=Severity.WARNING, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
ORDERINGS = {
    "severity": "severity_rank",
    "value_at_risk": "value_at_risk",
    "opened_at": "opened_at",
    "status": "status",
}


class AlertFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AlertStatus.choices)
    severity = filters.ChoiceFilter(choices=Severity.choices)
    assignee = filters.CharFilter(field_name="assignee__username", help_text="A username.")
    account = filters.CharFilter(field_name="account__external_id", help_text="external_id")

    class Meta:
        model = Alert
        fields = ["status", "severity", "assignee", "account"]


def _ordering(request: Request) -> list:
    raw = request.query_params.get("ordering", "")
    terms = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in terms if t.lstrip("-") not in ORDERINGS]
    if unknown:
        raise ValidationError(
            {
                "ordering": [
                    f"{unknown[0]!r} is not a known ordering; use one of {', '.join(ORDERINGS)}"
                ]
            }
        )
    if not terms:
        # The inbox: most severe first, then the most money at stake.
        return ["-severity_rank", "-value_at_risk", "-opened_at", "pk"]
    return [("-" if t.startswith("-") else "") + ORDERINGS[t.lstrip("-")] for t in terms] + ["pk"]


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """The triage inbox. Filters: status, severity, assignee (username), account
    (external_id). Ordering: severity then value at risk by default (``?ordering=``
    severity, value_at_risk, opened_at, status; prefix - for descending)."""

    serializer_class = AlertSerializer
    permission_classes = [HasRole]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        return (
            Alert.objects.visible_to(self.request.user)
            .select_related("account", "rule", "assignee")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=AlertEvent.objects.select_related("by").order_by("at", "id"),
                )
            )
            .annotate(severity_rank=SEVERITY_RANK)
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list" or self.action == "export":
            queryset = queryset.order_by(*_ordering(self.request))
        return queryset

    def _respond(self, alert: Alert) -> Response:
        fresh = self.get_queryset().get(pk=alert.pk)
        return Response(AlertSerializer(fresh, context=self.get_serializer_context()).data)

    def _run(self, change, **kwargs) -> Response:
        try:
            alert = change(alert=self.get_object(), by=self.request.user, **kwargs)
        except alert_actions.AlertConflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except alert_actions.AlertTransitionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return self._respond(alert)

    @action(detail=True, methods=["post"], serializer_class=NoteInput)
    def acknowledge(self, request: Request, pk=None) -> Response:
        data = _parse(NoteInput, request)
        return self._run(alert_actions.acknowledge_alert, note=data["note"])

    @action(detail=True, methods=["post"], serializer_class=SnoozeInput)
    def snooze(self, request: Request, pk=None) -> Response:
        data = _parse(SnoozeInput, request)
        return self._run(alert_actions.snooze_alert, until=data["until"], note=data["note"])

    @action(detail=True, methods=["post"], serializer_class=ResolveInput)
    def resolve(self, request: Request, pk=None) -> Response:
        data = _parse(ResolveInput, request)
        return self._run(
            alert_actions.resolve_alert,
            root_cause=data["root_cause"],
            action_taken=data["action_taken"],
            note=data["note"],
        )

    @action(detail=True, methods=["post"], serializer_class=AssignInput)
    def assign(self, request: Request, pk=None) -> Response:
        data = _parse(AssignInput, request)
        assignee = None
        if data["assignee"]:
            assignee = get_user_model().objects.filter(username=data["assignee"]).first()
            if assignee is None:
                raise ValidationError({"assignee": [f"No user named {data['assignee']!r}."]})
        return self._run(alert_actions.assign_alert, assignee=assignee, note=data["note"])

    @extend_schema(
        summary="The filtered inbox as CSV (same filters as the list)",
        filters=True,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV")},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request):
        """The filtered inbox as CSV (formulas neutralised by the shared writer)."""
        from accounts.api.exports import csv_response

        alerts = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        header = [
            "id", "account_id", "rule", "measure", "value", "severity", "status",
            "opened_at", "assignee", "snoozed_until", "resolved_at", "root_cause",
            "action_taken", "value_at_risk",
        ]  # fmt: skip
        rows = (
            [
                a.pk,
                a.account.external_id,
                a.rule.name,
                a.measure,
                a.value,
                a.severity,
                a.status,
                a.opened_at,
                a.assignee.username if a.assignee else None,
                a.snoozed_until,
                a.resolved_at,
                a.root_cause,
                a.action_taken,
                a.value_at_risk,
            ]  # fmt: skip
            for a in alerts.iterator(chunk_size=2000)
        )
        return csv_response(filename="alerts.csv", header=header, rows=rows)


def _parse(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ThresholdRuleViewSet(viewsets.ModelViewSet):
    """Admins only. Saving a rule evaluates it on every account in the background, so
    its alerts appear without waiting for the next recompute."""

    serializer_class = ThresholdRuleSerializer
    permission_classes = [IsAdmin]
    queryset = ThresholdRule.objects.all()

    # Writes go through the services so each change lands in the audit trail.
    @transaction.atomic
    def perform_create(self, serializer) -> None:
        serializer.instance = create_rule(by=self.request.user, **serializer.validated_data)
        _evaluate_after_commit(serializer.instance.pk)

    @transaction.atomic
    def perform_update(self, serializer) -> None:
        rule = update_rule(
            rule=serializer.instance, by=self.request.user, **serializer.validated_data
        )
        _evaluate_after_commit(rule.pk)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        rule = self.get_object()
        if rule.alerts.exists():
            # Alerts keep their rule for the record; a rule that fired is retired by
            # disabling it (its unresolved alerts then resolve).
            return Response(
                {"detail": "This rule has alerts; disable it instead of deleting it."},
                status=status.HTTP_409_CONFLICT,
            )
        delete_rule(rule=rule, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["post"], serializer_class=PreviewInput)
    def preview(self, request: Request) -> Response:
        """Take an unsaved rule and ``days``; answer the accounts it matches now and the
        alerts it would have opened over the last ``days`` of snapshots."""
        data = _parse(PreviewInput, request)
        result = preview_rule(
            measure=data["measure"],
            operator=data["operator"],
            value=data["value"],
            segment=data.get("segment", ""),
            days=data["days"],
        )
        return Response(
            PreviewSerializer(
                {"matching_now": result.matching_now, "would_have_fired": result.would_have_fired}
            ).data
        )


def _evaluate_after_commit(rule_id: int) -> None:
    from signals.tasks import evaluate_rule_task

    def publish() -> None:
        try:
            evaluate_rule_task.delay(rule_id)
        except Exception:
            # The next recompute of each account evaluates the rule anyway.
            logging.getLogger(__name__).exception("rule %s evaluation not queued", rule_id)

    transaction.on_commit(publish)


class ScoringRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Full recomputes and their progress; admins may start one by hand (POST)."""

    serializer_class = ScoringRunSerializer
    queryset = ScoringRun.objects.all()
    renderer_classes = [JSONRenderer]

    def get_permissions(self):
        return [IsAdmin()] if self.action == "create" else [HasRole()]

    @extend_schema(
        request=None,
        responses={202: OpenApiResponse(description="The run was queued; its period_key.")},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        from signals.tasks import start_full_recompute_task

        key = f"manual:{timezone.now():%Y-%m-%dT%H:%M:%S}"
        start_full_recompute_task.delay(key, "api")
        return Response({"period_key": key}, status=status.HTTP_202_ACCEPTED)


class NotificationPreferenceView(APIView):
    """My notification choices (the daily digest)."""

    permission_classes = [HasRole]
    serializer_class = NotificationPreferenceSerializer

    def get(self, request: Request) -> Response:
        preference = NotificationPreference.objects.filter(user=request.user).first()
        return Response({"daily_digest": bool(preference and preference.daily_digest)})

    def put(self, request: Request) -> Response:
        data = _parse(NotificationPreferenceSerializer, request)
        preference = set_daily_digest(user=request.user, enabled=data["daily_digest"])
        return Response({"daily_digest": preference.daily_digest})
