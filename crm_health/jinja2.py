"""The Jinja2 environment for the long lists of the busiest pages.

The portfolio table, an account's timeline, its score breakdown and the alert inbox
repeat one block of markup 20–60 times per page; Django's template engine spent ~150 µs
per block on variable resolution and filters (about half of those pages' server time at
10,000 accounts). The same blocks in Jinja2, which compiles templates to Python, cost a
fraction of that. The account page, the most visited, is Jinja2 throughout (its body,
health panel and log form). Page layouts stay in Django templates and pull a Jinja2
part in with ``{% jinja "accounts/….jinja" %}`` (accounts/templatetags/crm_ui.py),
handing over their context; the htmx endpoints render the same files directly.

The filters mirror the Django ones the lists used, with the same output
(tests/test_jinja2.py compares them value for value).
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import jinja2
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template import defaultfilters
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.html import json_script

from accounts.templatetags import crm_ui
from accounts.vocabulary import AccountStatus, Channel, Direction, Kind
from signals.models import AlertStatus, Severity


def fixed(value, digits: int = 0) -> str:
    """Django's ``floatformat:digits`` for a positive ``digits`` or 0 (rounds half up;
    no "-0"); an empty string for nothing or for what is not a number."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not rounded:
        rounded = abs(rounded)  # Django prints 0, never -0
    return f"{rounded:f}"


@functools.cache
def _months(language: str | None) -> tuple[str, ...]:
    """The abbreviated month names in ``language`` (translating a lazy name on every
    date cost more than formatting the rest of it)."""
    return ("", *(str(MONTHS_3[m]).title() for m in range(1, 13)))


def _month(d: dt.date) -> str:
    return _months(translation.get_language())[d.month]


#: The format characters the lists use, done directly; any other format goes through
#: Django's own date formatting.
_FAST = {
    "j M Y": lambda d: f"{d.day} {_month(d)} {d.year}",
    "j M Y, H:i": lambda d: f"{d.day} {_month(d)} {d.year}, {d.hour:02d}:{d.minute:02d}",
    "j M": lambda d: f"{d.day} {_month(d)}",
}


def date(value, fmt: str = "j M Y") -> str:
    """Django's ``date`` filter: aware datetimes shown in the current time zone."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if fmt == "c":
        return value.isoformat()
    fast = _FAST.get(fmt)
    return fast(value) if fast else defaultfilters.date(value, fmt)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def environment(**options) -> jinja2.Environment:
    options.pop("autoescape", None)  # always on, whatever the settings say
    options["undefined"] = jinja2.StrictUndefined  # a typo fails a test, never renders ""
    env = jinja2.Environment(autoescape=True, **options)
    env.filters.update(
        fixed=fixed,
        floatformat=defaultfilters.floatformat,
        date=date,
        naturaltime=naturaltime,
        linebreaksbr=defaultfilters.linebreaksbr,
        pluralize=defaultfilters.pluralize,
        json_script=json_script,
        truncatechars=defaultfilters.truncatechars,
        tone=crm_ui.tone,
        level=crm_ui.level,
        money=crm_ui.money,
        percent=crm_ui.percent,
        trend=crm_ui.trend,
        band_label=crm_ui.band_label,
        catalogue_label=crm_ui.catalogue_label,
    )
    env.globals.update(
        url=url,
        url_or_none=crm_ui.url_or_none,
        # Choice labels as plain strings (a model's get_FOO_display rebuilds its
        # choices dict on every call).
        KINDS={k: str(v) for k, v in Kind.choices},
        DIRECTIONS={k: str(v) for k, v in Direction.choices},
        CHANNELS={k: str(v) for k, v in Channel.choices},
        STATUSES={k: str(v) for k, v in AccountStatus.choices},
        SEVERITIES={k: str(v) for k, v in Severity.choices},
        ALERT_STATUSES={k: str(v) for k, v in AlertStatus.choices},
    )
    return env
