"""Form fields shared by the apps."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class ChoicesInOneQuery(ModelChoiceIterator):
    """Choices read with one plain query.

    Django reads a model choice field's options through ``queryset.iterator()``: on
    PostgreSQL a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE outside a
    transaction) that cost ~5 ms a select, more than rendering it. The lists offered
    here are short (people, one account's contacts)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` whose options are read with one plain query."""

    iterator = ChoicesInOneQuery
