"""Query filters and ordering. Every list starts from what the user may see, so a
filter naming another owner's account matches nothing rather than confirming it."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters
from rest_framework.exceptions import ValidationError

from accounts import cells
from accounts.cells import CellError
from accounts.models import Account, Interaction
from accounts.vocabulary import AccountStatus, Channel, Direction, Kind
from signals.models import Band

from .fields import refusal


class TimestampFormField(forms.CharField):
    """ISO 8601, read like the import reads it (a date alone is midnight UTC)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return cells.timestamp(value)
        except CellError as exc:
            raise forms.ValidationError(refusal(value, str(exc))) from None


@extend_schema_field(OpenApiTypes.DATETIME)
class TimestampFilter(django_filters.Filter):
    field_class = TimestampFormField


class AccountFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(
        field_name="owner__username", max_length=150, help_text="The owner's username."
    )
    segment = django_filters.CharFilter(max_length=60)
    band = django_filters.ChoiceFilter(
        field_name="current_health__band",
        choices=Band.choices,
        help_text="Current health band (accounts never scored match no band).",
    )
    status = django_filters.ChoiceFilter(choices=AccountStatus.choices)

    class Meta:
        model = Account
        fields = ["owner", "segment", "band", "status"]


class InteractionFilter(django_filters.FilterSet):
    account = django_filters.CharFilter(
        field_name="account__external_id", max_length=200, help_text="An account's external_id."
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    occurred_after = TimestampFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="On or after (ISO 8601)."
    )
    occurred_before = TimestampFilter(
        field_name="occurred_at", lookup_expr="lt", help_text="Before (ISO 8601)."
    )

    class Meta:
        model = Interaction
        fields = ["account", "kind", "direction", "channel", "occurred_after", "occurred_before"]


class StrictOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` over the names a view offers (``ordering_aliases``: name → model
    path). An unknown name is a 400 naming the choices, not silently ignored; rows
    without a value (never scored) come last either way."""

    def _aliases(self, view) -> dict[str, str]:
        return view.ordering_aliases

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None or not raw.strip():
            return []  # the model's own ordering
        aliases = self._aliases(view)
        terms = [t.strip() for t in raw.split(",") if t.strip()]
        unknown = [t for t in terms if t.lstrip("-") not in aliases]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        refusal(
                            unknown[0],
                            f"is not a known ordering; use one of: "
                            f"{', '.join(aliases)} (prefix - for descending)",
                        )
                    ]
                }
            )
        return terms

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        terms = self.get_ordering(request, queryset, view)
        if not terms:
            return queryset
        aliases = self._aliases(view)
        expressions = []
        for term in terms:
            path = aliases[term.lstrip("-")]
            expr = F(path)
            expressions.append(
                expr.desc(nulls_last=True) if term.startswith("-") else expr.asc(nulls_last=True)
            )
        return queryset.order_by(*expressions, "pk")

    def get_schema_operation_parameters(self, view):
        names = list(self._aliases(view))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by one of these (prefix - for descending).",
                "schema": {"type": "string", "enum": [*names, *[f"-{n}" for n in names]]},
            }
        ]
