"""The portfolio's overview (tiles and charts), cached until the data behind it changes.

At 10,000 accounts the tiles and the two charts that draw every account cost hundreds
of milliseconds and a megabyte of chart JSON, while the data behind them changes only
when scores or accounts do. So each part is built once per *data version* and visible
set, and kept in the cache (``CACHE_URL``: per process by default, Redis in the
production shape, shared by every web worker):

- the page reads the tiles (:func:`portfolio_summary`) and the segment list of its
  filter form (:func:`segments`), a few hundred bytes;
- the charts are a JSON document of their own (:func:`portfolio_charts`), serialised
  and gzipped once per version and fetched by the page's script from
  ``/portfolio/charts/`` with an ETag, so the page is not a megabyte of chart data and
  a browser that has the current version gets a 304.

The version is one cheap statement (``crm_health.cache.table_stamps``): the newest
snapshot id (every recompute that changed an account appends one) and the accounts'
count and latest edit. A stale part is never served: any new score or account edit
changes the version, so the next request builds a fresh one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.query import QuerySet
from django.utils.text import compress_string

from crm_health.cache import ROWS, cached, data_key, table_stamps
from signals.models import HealthSnapshot

from . import charts, pages
from .models import Account

#: Keep a part an hour at most: versions move on, old keys simply age out.
OVERVIEW_SECONDS = 3600
#: The filters that change what the overview covers (page and sort do not).
SCOPE_FILTERS = ("q", "segment", "band", "status", "owner")


@dataclass(frozen=True)
class Overview:
    """What the portfolio page shows above its table."""

    summary: pages.Summary
    #: Names the data version, visible set and filters the summary was built for.
    key: str


@dataclass(frozen=True)
class Charts:
    """The overview's charts as one JSON document ``{element id: plotly figure}``
    (a chart with nothing to draw is left out), and the same bytes gzipped."""

    body: bytes
    gzipped: bytes
    #: A weak ETag naming the version, visible set and filters.
    etag: str


def data_version() -> str:
    """Changes whenever a score or an account changes (see the module docstring)."""
    newest, accounts, edited = table_stamps(
        (HealthSnapshot, "id"), (Account, ROWS), (Account, "updated_at")
    )
    # The edit time as the backend returns it from raw SQL (a datetime on PostgreSQL, a
    # string on SQLite): every process of a deployment reads the same backend.
    return f"{newest}:{accounts}:{edited}"


def overview_key(*, scope: str, filters: dict[str, Any], version: str) -> str:
    """The cache key of the overview of one visible set (``scope``) after ``filters``."""
    wanted = {name: filters.get(name) for name in SCOPE_FILTERS}
    return data_key("portfolio-overview", version=version, scope=scope, filters=wanted)


def segments(visible: QuerySet[Account], *, scope: str, version: str) -> list[str]:
    """The segments of the visible accounts, for the filter form."""
    return cached(
        overview_key(scope=scope, filters={}, version=version) + ":segments",
        lambda: sorted(
            s for s in visible.order_by().values_list("segment", flat=True).distinct() if s
        ),
        OVERVIEW_SECONDS,
    )


def portfolio_summary(
    accounts: QuerySet[Account], *, scope: str, filters: dict[str, Any], version: str
) -> Overview:
    """The tiles of ``accounts`` (the visible set after ``filters``); ``scope`` names
    the visible set (one owner's accounts, or all)."""
    key = overview_key(scope=scope, filters=filters, version=version)
    return Overview(
        summary=cached(
            key + ":summary", lambda: pages.portfolio_summary(accounts), OVERVIEW_SECONDS
        ),
        key=key,
    )


def portfolio_charts(
    accounts: QuerySet[Account], *, scope: str, filters: dict[str, Any], version: str
) -> Charts:
    """The charts of ``accounts``, as :func:`portfolio_summary` names them."""
    key = overview_key(scope=scope, filters=filters, version=version)
    return cached(
        key + ":charts",
        lambda: build_charts(accounts, etag=f'W/"{key.rpartition(":")[2]}"'),
        OVERVIEW_SECONDS,
    )


def build_charts(accounts: QuerySet[Account], *, etag: str = 'W/"-"') -> Charts:
    """The charts from scratch (what the first request after a change pays)."""
    figures = {
        "map-data": charts.two_sided_map(pages.map_points(accounts)),
        "distribution-data": charts.health_distribution(pages.health_values(accounts)),
    }
    trend = pages.weekly_trend(accounts)
    if len(trend) > 1:
        figures["trend-data"] = charts.portfolio_trend(trend)
    document = {
        element: figure
        for element, figure in ((e, charts.figure_json(f)) for e, f in figures.items())
        if figure.get("data")
    }
    body = json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    return Charts(body=body, gzipped=compress_string(body), etag=etag)
