"""Form widgets rendered in Python (``FORM_RENDERER``).

Django renders every widget through its template engine, and a select through one more
template per ``<option>`` plus one per attribute list: the account page's two forms
spent ~5 ms of a ~35 ms request there. This renderer writes the same markup as
Django's own templates for the widgets our pages use (select with its options, the
``<input>`` family, textarea) straight from the widget context, and hands every other
template to Django's renderer unchanged. ``tests/test_widgets.py`` checks it against
Django's templates, string for string, for every field of every form of the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
#: Templates that are exactly ``{% include "django/forms/widgets/input.html" %}``.
_INPUTS = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_TEXTAREA = f"{_WIDGETS}textarea.html"


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe."""
    text = "%s" % (value,)  # noqa: UP031 - exactly what the filter does
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _shown(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless safe."""
    return conditional_escape(localize(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_shown(name)}")
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_shown(value) if value else ''}</textarea>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None  # a custom option template: Django renders it
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"'
                f"{_attrs(option['attrs'])}>{_shown(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class PythonWidgetRenderer(DjangoTemplates):
    """Django's default renderer, with the common widgets written in Python."""

    def render(self, template_name: str, context: dict, request=None) -> str:
        widget = context.get("widget")
        html = None
        if widget is not None:
            if template_name in _INPUTS:
                html = _input(widget)
            elif template_name == _SELECT:
                html = _select(widget)
            elif template_name == _TEXTAREA:
                html = _textarea(widget)
        if html is None:
            return super().render(template_name, context, request)
        # Every value interpolated above went through conditional_escape.
        return mark_safe(html)  # noqa: S308  # nosec B308 B703
