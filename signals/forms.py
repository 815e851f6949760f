"""Forms of the judgement pages: alert triage, threshold rules, health weights.

Validation that is a business rule lives in the services (``signals.alerts``,
``signals.thresholds``); these forms parse input and surface those errors per field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.forms import role_users
from accounts.pages import label
from crm_health.fields import ModelChoiceField

from .catalogue import CATALOGUE, MEASURES, Group
from .models import AlertStatus, HealthWeights, RootCause, Severity, ThresholdRule
from .thresholds import MAX_PREVIEW_DAYS, validate_rule

SUMMARY_LABELS = {
    "health": "Health",
    "customer_side": "Customer-side friction",
    "vendor_side": "Vendor-side friction",
    "nps": "NPS",
    "csat": "CSAT",
    "churn_probability": "Churn probability (0–1)",
    "clv": "Lifetime value",
}
GROUP_LABELS = {
    Group.ARCHETYPES: "Archetypes",
    Group.TRAITS: "Traits",
    Group.WARNING_SIGNS: "Early warning signs",
    Group.VENDOR_SIGNS: "Vendor-side signs",
}


def measure_choices() -> list:
    """Grouped choices for a ``<select>``: summary measures, then each catalogue group."""
    summary = [(m, SUMMARY_LABELS.get(m, m)) for m in MEASURES if m not in CATALOGUE]
    grouped: dict[Group, list[tuple[str, str]]] = {g: [] for g in Group}
    for key, entry in CATALOGUE.items():
        grouped[entry.group].append((key, entry.label))
    return [("Scores and metrics", summary)] + [
        (GROUP_LABELS[g], sorted(items, key=lambda i: i[1])) for g, items in grouped.items()
    ]


def measure_label(measure: str) -> str:
    return SUMMARY_LABELS.get(measure) or label(measure)


def _blank(text: str, choices) -> list[tuple[str, str]]:
    return [("", text), *[(str(v), str(lbl)) for v, lbl in choices]]


# --- alerts ----------------------------------------------------------------------------

INBOX_STATUSES = [
    ("unresolved", "Needs attention (open, acknowledged)"),
    ("all_unresolved", "Every unresolved (incl. snoozed)"),
    *[(s.value, s.label) for s in AlertStatus],
    ("all", "All, including resolved"),
]


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=INBOX_STATUSES)
    severity = forms.ChoiceField(required=False, choices=_blank("Any severity", Severity.choices))
    assignee = forms.ChoiceField(required=False)
    owner = ModelChoiceField(required=False, queryset=role_users(), empty_label="Any owner")
    measure = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, show_owner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "Any measure"), *measure_choices()]
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody"),
            *[(str(u.pk), u.get_username()) for u in role_users()],
        ]
        if not show_owner:
            del self.fields["owner"]


class BulkAlertForm(forms.Form):
    ACTIONS = [("acknowledge", "Acknowledge"), ("assign", "Assign to…")]

    action = forms.ChoiceField(choices=ACTIONS)
    assignee = ModelChoiceField(
        required=False, queryset=role_users(), empty_label="—", label="Assignee"
    )
    alerts = forms.TypedMultipleChoiceField(coerce=int, choices=())

    def __init__(self, *args: Any, alert_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alerts"].choices = [(i, str(i)) for i in alert_ids]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", "Choose who gets these alerts.")
        return data


class AcknowledgeForm(forms.Form):
    note = forms.CharField(required=False, max_length=500)


class SnoozeForm(forms.Form):
    until = forms.DateTimeField(
        label="Snooze until",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["until"] = (timezone.localtime() + dt.timedelta(days=7)).replace(
                hour=9, minute=0, second=0, microsecond=0
            )


class ResolveForm(forms.Form):
    root_cause = forms.ChoiceField(choices=_blank("Choose…", RootCause.choices))
    action_taken = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Action taken", max_length=2000
    )
    note = forms.CharField(required=False, max_length=500)


class AssignForm(forms.Form):
    assignee = ModelChoiceField(
        required=False, queryset=role_users(), empty_label="Nobody (unassign)"
    )
    note = forms.CharField(required=False, max_length=500)


# --- settings --------------------------------------------------------------------------


class ThresholdRuleForm(forms.ModelForm):
    measure = forms.ChoiceField(choices=())
    segment = forms.CharField(required=False, max_length=60, help_text="Empty: every segment.")

    class Meta:
        model = ThresholdRule
        fields = ["name", "measure", "operator", "value", "severity", "segment", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measure_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            validate_rule(
                measure=data["measure"],
                operator=data["operator"],
                value=data["value"],
                severity=data["severity"],
                segment=data.get("segment") or "",
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class PreviewDaysForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_PREVIEW_DAYS,
        initial=30,
        required=False,
        label="Preview over the last … days",
    )


class HealthWeightsForm(forms.ModelForm):
    class Meta:
        model = HealthWeights
        fields = [
            "customer_side",
            "vendor_side",
            "nps",
            "csat",
            "churn_probability",
            "healthy_min",
            "watch_min",
            "at_risk_min",
        ]
        labels = {
            "customer_side": "Customer-side friction",
            "vendor_side": "Vendor-side friction",
            "nps": "NPS",
            "csat": "CSAT",
            "churn_probability": "Churn probability",
            "healthy_min": "Healthy from",
            "watch_min": "Watch from",
            "at_risk_min": "At risk from",
        }

    WEIGHTS = ("customer_side", "vendor_side", "nps", "csat", "churn_probability")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.WEIGHTS:
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, "A weight cannot be negative.")
        if all(data.get(n) is not None for n in self.WEIGHTS) and not any(
            data[n] > 0 for n in self.WEIGHTS
        ):
            self.add_error(None, "At least one weight must be above zero.")
        healthy, watch, at_risk = (data.get(n) for n in ("healthy_min", "watch_min", "at_risk_min"))
        if healthy is not None and not 0 < healthy <= 100:
            self.add_error("healthy_min", "Must be between 0 and 100.")
        if at_risk is not None and at_risk < 0:
            self.add_error("at_risk_min", "Cannot be negative.")
        if healthy is not None and watch is not None and not watch < healthy:
            self.add_error("watch_min", "Must be below the healthy band's lower bound.")
        if watch is not None and at_risk is not None and not at_risk < watch:
            self.add_error("at_risk_min", "Must be below the watch band's lower bound.")
        return data
