"""The Jinja2 list templates: their filters print exactly what the Django filters they
replace print, and what they render is escaped."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import defaultfilters, engines
from django.utils import timezone

from accounts.pages import ScoredKey, ScoreGroup
from crm_health.jinja2 import date, fixed

NUMBERS = [
    0, 1, -1, 7, 12345678, 0.0, -0.0, 0.4, -0.4, 0.5, -0.5, 1.5, 2.5, -2.5, 42.45, 42.55,
    99.95, 99.949999, 100.0, 3.14159, -3.14159, 1e-9, 12.05, 0.05, 0.15, 0.25, 66.6666,
    Decimal("2.50"), Decimal("-0.04"), Decimal("1234.5"),
]  # fmt: skip


@pytest.mark.parametrize("digits", [0, 1])
@pytest.mark.parametrize("value", NUMBERS, ids=repr)
def test_fixed_prints_what_floatformat_prints(value, digits):
    assert fixed(value, digits) == defaultfilters.floatformat(value, digits)


@pytest.mark.parametrize("value", [None, "", "n/a"])
def test_fixed_prints_nothing_for_what_is_not_a_number(value):
    assert fixed(value, 0) == defaultfilters.floatformat(value, 0) == ""


MOMENTS = [
    dt.datetime(2026, 1, 1, 0, 5, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # the hour Europe moves its clocks
    dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),  # already the next year in Tokyo
    dt.datetime(2027, 5, 9, 14, 3, 7, 120, tzinfo=dt.UTC),
]
DAY_FORMATS = ["j M Y", "j M", "D, d F"]
CASES = [(m, f) for m in MOMENTS for f in [*DAY_FORMATS, "j M Y, H:i", "c"]] + [
    (dt.date(2026, 9, 4), f) for f in DAY_FORMATS
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Asia/Tokyo", "America/St_Johns"])
@pytest.mark.parametrize(("value", "fmt"), CASES, ids=str)
def test_date_prints_what_the_date_filter_prints_in_the_current_time_zone(value, fmt, zone):
    # In a Django template the value reaches ``date`` already in the current time zone.
    django_date = engines["django"].from_string("{{ value|date:fmt }}")
    with timezone.override(ZoneInfo(zone)):
        assert date(value, fmt) == django_date.render({"value": value, "fmt": fmt})


def test_nothing_prints_as_nothing():
    assert date(None, "j M Y") == defaultfilters.date(None, "j M Y") == ""


def test_the_jinja_tag_hands_over_the_context_and_the_list_escapes_what_it_prints():
    page = engines["django"].from_string(
        '{% load crm_ui %}<div>{% jinja "accounts/_score_groups.jinja" %}</div>'
    )
    group = ScoreGroup(
        key="archetypes",
        title="Archetypes <b>",
        items=[
            ScoredKey(
                key="victim",
                label="Victim",
                score=62.5,
                description="Blames <script>alert(1)</script>",
                evidence=[{"fact": "3 blaming messages", "interactions": [1, 2]}],
            )
        ],
    )
    html = page.render({"groups": [group], "health": {"cited": {}}})
    assert html.startswith("<div>") and html.endswith("</div>")
    assert "Archetypes &lt;b&gt;" in html
    assert "Blames &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<span class="score-value">63</span>' in html  # half up, as floatformat
    assert '<a href="#interaction-2">interaction 2</a>' in html
