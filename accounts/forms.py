"""Forms of the account pages: the portfolio filters, the timeline filters and the
"log an interaction" form (which feeds ``accounts.services.record_interaction``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from crm_health.fields import ModelChoiceField
from signals.models import Band

from .models import Account, Contact
from .vocabulary import AccountStatus, Channel, Direction, Kind, Role

#: Sortable portfolio columns: the query parameter → the ORM expression it orders by.
PORTFOLIO_SORTS: dict[str, str] = {
    "name": "name",
    "health": "current_health__health",
    "customer_side": "current_health__customer_side",
    "vendor_side": "current_health__vendor_side",
    "nps": "current_health__nps",
    "csat": "current_health__csat",
    "churn": "current_health__churn_probability",
    "clv": "current_health__clv",
    "value": "annual_value",
    "alerts": "open_alerts",
}
DEFAULT_SORT = "health"


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *[(str(v), str(lbl)) for v, lbl in choices]]


def role_users() -> QuerySet:
    """People who can own accounts or be assigned alerts: anyone in a role group."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=Role.values)
        .distinct()
        .order_by("username")
    )


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name or ID", "type": "search"}),
    )
    segment = forms.ChoiceField(required=False)
    band = forms.ChoiceField(required=False, choices=_blank("Any band", Band.choices))
    status = forms.ChoiceField(required=False, choices=_blank("Any status", AccountStatus.choices))
    owner = ModelChoiceField(
        required=False, queryset=get_user_model().objects.none(), empty_label="Any owner"
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, segments: list[str], show_owner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = _blank("Any segment", ((s, s) for s in segments))
        if show_owner:
            self.fields["owner"].queryset = role_users()
        else:
            del self.fields["owner"]

    def cleaned_sort(self) -> str:
        raw = (self.cleaned_data.get("sort") or "") if self.is_valid() else ""
        return raw if raw.lstrip("-") in PORTFOLIO_SORTS else DEFAULT_SORT


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=_blank("Every kind", Kind.choices))
    direction = forms.ChoiceField(
        required=False, choices=_blank("Both directions", Direction.choices)
    )


class InteractionForm(forms.Form):
    """One new interaction, as an account manager records it by hand."""

    occurred_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.INBOUND)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.EMAIL)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.MESSAGE)
    contact = ModelChoiceField(required=False, queryset=Contact.objects.none(), empty_label="—")
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What was said"
    )
    nps = forms.IntegerField(required=False, min_value=0, max_value=10, label="NPS (0–10)")
    csat = forms.IntegerField(required=False, min_value=1, max_value=5, label="CSAT (1–5)")

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = account.contacts.all()
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        occurred = data.get("occurred_at")
        if occurred and occurred > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("occurred_at", "An interaction cannot happen in the future.")
        if data.get("kind") == Kind.SURVEY and data.get("nps") is None and data.get("csat") is None:
            self.add_error("nps", "A survey needs an NPS or a CSAT answer.")
        if data.get("kind") != Kind.SURVEY:
            for field in ("nps", "csat"):
                if data.get(field) is not None:
                    self.add_error(field, "Only a survey carries a score.")
        if not (data.get("text") or "").strip() and data.get("kind") != Kind.SURVEY:
            self.add_error("text", "Write down what was said; the scores read the text.")
        return data
