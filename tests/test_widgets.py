"""The Python widget renderer writes exactly what Django's widget templates write."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import accounts.forms
import offboarding.forms
import signals.forms
from crm_health.widgets import PythonWidgetRenderer

PYTHON = PythonWidgetRenderer()
TEMPLATES = DjangoTemplates()


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module in (accounts.forms, signals.forms, offboarding.forms):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def _values(field: forms.Field) -> list:
    values = [None, "", "plain", 'quote " <tag> & amp', 7]
    choices = list(getattr(field, "choices", []) or [])
    values += [choice[0] for choice in choices[:3] if not isinstance(choice[1], list | tuple)]
    return values


def _both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=PYTHON),
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
    )


def test_the_app_has_forms_to_check():
    classes = _form_classes()
    assert len(classes) >= 5
    widgets = {type(f.widget) for c in classes for f in c.base_fields.values()}
    assert {forms.Select, forms.TextInput, forms.Textarea} <= widgets


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__name__)
def test_every_field_of_every_form_renders_as_django_renders_it(form_class, manager, am_alice):
    # (the users give the user and account choice fields options to render)
    for name, field in form_class.base_fields.items():
        attrs = {"id": f"id_{name}", "aria-invalid": "true", "required": field.required}
        for value in _values(field):
            python, templates = _both(field.widget, name, value, attrs)
            assert python == templates, (form_class.__name__, name, value)


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=[("a", "A & B"), (1, 1), ("", "—")]), 1),
        (
            forms.Select(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]),
            "y",
        ),
        (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
        (forms.Select(choices=[("a", gettext_lazy("Lazy label"))]), "a"),
        (forms.NullBooleanSelect(), True),
        (forms.CheckboxInput(), True),
        (forms.CheckboxInput(), False),
        (forms.HiddenInput(), mark_safe("<safe>")),
        (forms.NumberInput(attrs={"min": 0, "step": 0.5}), 3),
        (forms.DateTimeInput(attrs={"type": "datetime-local"}), dt.datetime(2026, 1, 2, 3, 4)),
        (forms.DateInput(), dt.date(2026, 12, 1)),
        (forms.EmailInput(attrs={"disabled": True, "readonly": False}), "a@b.c"),
        (forms.Textarea(attrs={"rows": 3}), "line one\n<line two>"),
        (forms.Textarea(), None),
        (forms.PasswordInput(render_value=True), "secret"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, forms.Widget) else None,
)
def test_widgets_with_groups_multiple_values_flags_and_escaping(widget, value):
    python, templates = _both(widget, "field", value, {"id": "id_field", "class": "x y"})
    assert python == templates


def test_widgets_it_does_not_know_are_left_to_django():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    python, templates = _both(widget, "choice", "a")
    assert python == templates and 'type="radio"' in python


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "crm_health.widgets.PythonWidgetRenderer"
    assert isinstance(get_default_renderer(), PythonWidgetRenderer)


@pytest.mark.django_db
def test_model_choices_are_read_with_one_plain_query(manager, am_alice):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm_health.fields import ModelChoiceField

    people = get_user_model().objects.order_by("username")
    ours = ModelChoiceField(queryset=people, required=False, empty_label="Anyone")
    django = forms.ModelChoiceField(queryset=people, required=False, empty_label="Anyone")
    assert [(str(v), str(label)) for v, label in ours.choices] == [
        (str(v), str(label)) for v, label in django.choices
    ]
    with CaptureQueriesContext(connection) as queries:
        html = ours.widget.render("owner", None, renderer=PYTHON)
    assert len(queries) == 1
    assert "DECLARE" not in queries[0]["sql"]  # no server-side cursor on PostgreSQL
    assert html.count("<option") == people.count() + 1
