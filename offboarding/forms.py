"""Forms of the case page. They parse input only; the guards live in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.models import Account
from accounts.vocabulary import Role
from crm_health.fields import ModelChoiceField

from .models import Case
from .services.steps import ASSESSMENT_TEXT_FIELDS
from .vocabulary import (
    FREE_TEXT_QUESTIONS,
    Criterion,
    FitJudgement,
    Outcome,
    ReflectionQuestion,
    ReflectionRating,
)

DATE = forms.DateInput(attrs={"type": "date"})


def people_for(account: Account) -> QuerySet:
    """Who can own a step: the account's manager, managers and admins."""
    return (
        get_user_model()
        .objects.filter(
            Q(pk=account.owner_id)
            | Q(is_superuser=True)
            | Q(groups__name__in=[Role.MANAGER, Role.ADMIN])
        )
        .filter(is_active=True)
        .distinct()
        .order_by("username")
    )


class StartCaseForm(forms.Form):
    reason = forms.CharField(
        label="Why should we consider ending this relationship?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class AssessmentForm(forms.ModelForm):
    criteria = forms.MultipleChoiceField(
        choices=Criterion.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Criteria that apply (each becomes a reason in the letter)",
    )
    fit_judgement = forms.ChoiceField(
        choices=[("", "Not judged yet"), *FitJudgement.choices],
        required=False,
        label="Do their values and needs still fit what we offer?",
    )

    class Meta:
        model = Case
        fields = ["criteria", "fit_judgement", *ASSESSMENT_TEXT_FIELDS]
        labels = {
            "concerns": "Specific concerns",
            "alternatives_considered": "Alternatives we considered (and why they fall short)",
            "long_term_implications": "Long-term implications for us and for them",
            "findings": "Findings",
            "vendor_change_first": "What could we change on our side first?",
            "fit_notes": "Notes on fit",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ASSESSMENT_TEXT_FIELDS}


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your input", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the decision", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ChecklistItemForm(forms.Form):
    owner = ModelChoiceField(queryset=get_user_model().objects.none(), required=False)
    due_on = forms.DateField(required=False, widget=DATE, label="When")
    note = forms.CharField(required=False, max_length=2000)
    done = forms.BooleanField(required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_for(account)


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_on = forms.DateField(widget=DATE, label="Due")
    owner = ModelChoiceField(queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_for(account)


class TransitionNotesForm(forms.Form):
    referrals = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Referrals: other providers who may suit them",
        max_length=5000,
    )
    resources = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Resources we hand over (guides, contacts, documents)",
        max_length=5000,
    )


class LetterForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24}), label="Letter")


class ReflectionForm(forms.Form):
    """One rating (yes/partly/no) and one note per question; the last is written only."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in ReflectionQuestion:
            if question.value not in FREE_TEXT_QUESTIONS:
                self.fields[f"{question.value}__rating"] = forms.ChoiceField(
                    choices=[("", "—"), *ReflectionRating.choices],
                    required=False,
                    label=question.label,
                )
            self.fields[f"{question.value}__note"] = forms.CharField(
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=question.label if question.value in FREE_TEXT_QUESTIONS else "Notes",
            )

    def rows(self) -> list[tuple]:
        return [
            (
                question,
                self[f"{question.value}__rating"]
                if question.value not in FREE_TEXT_QUESTIONS
                else None,
                self[f"{question.value}__note"],
            )
            for question in ReflectionQuestion
        ]

    def answers(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            q.value: {
                "rating": data.get(f"{q.value}__rating", ""),
                "note": data[f"{q.value}__note"],
            }
            for q in ReflectionQuestion
        }


class CloseForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Closing note"
    )
