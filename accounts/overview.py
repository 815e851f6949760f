"""The portfolio's overview (tiles and charts), cached until the data behind it changes.

At 10,000 accounts the tiles and the two charts that draw every account cost hundreds
of milliseconds and a megabyte of chart JSON, while the data behind them changes only
when scores or accounts do. So the overview is built once per *data version* and
visible set, and kept in the cache (``CACHE_URL``: per process by default, Redis in
the production shape, shared by every web worker).

The version is one cheap query: the newest snapshot id (every recompute that changed
an account appends one) and the accounts' count and latest edit. A stale overview is
never served: any new score or account edit changes the version, so the next request
builds a fresh one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.db.models.query import QuerySet
from django.utils.html import json_script
from django.utils.safestring import SafeString

from signals.models import HealthSnapshot

from . import charts, pages
from .models import Account

#: Keep an overview an hour at most: versions move on, old keys simply age out.
OVERVIEW_SECONDS = 3600
#: The filters that change what the overview covers (page and sort do not).
SCOPE_FILTERS = ("q", "segment", "band", "status", "owner")


@dataclass(frozen=True)
class Overview:
    summary: pages.Summary
    #: Rendered ``json_script`` blocks; empty when the chart has nothing to draw.
    map_script: SafeString | str
    distribution_script: SafeString | str
    trend_script: SafeString | str


def data_version() -> str:
    """Changes whenever a score or an account changes (see the module docstring)."""
    newest = HealthSnapshot.objects.order_by("-pk").values_list("pk", flat=True).first()
    stamp = Account.objects.aggregate(n=Count("pk"), edited=Max("updated_at"))
    edited = stamp["edited"].isoformat() if stamp["edited"] else "-"
    return f"{newest}:{stamp['n']}:{edited}"


def _key(*, scope: str, filters: dict[str, Any], version: str) -> str:
    wanted = {name: filters.get(name) for name in SCOPE_FILTERS if filters.get(name)}
    owner = wanted.get("owner")
    if owner is not None:
        wanted["owner"] = getattr(owner, "pk", owner)
    raw = f"{version}|{scope}|{sorted((k, str(v)) for k, v in wanted.items())}"
    return "portfolio-overview:" + hashlib.sha256(raw.encode()).hexdigest()


def portfolio_overview(
    accounts: QuerySet[Account], *, scope: str, filters: dict[str, Any]
) -> Overview:
    """The overview of ``accounts`` (the visible set after ``filters``); ``scope`` names
    the visible set (one owner's accounts, or all)."""
    key = _key(scope=scope, filters=filters, version=data_version())
    overview = cache.get(key)
    if overview is None:
        overview = build_overview(accounts)
        cache.set(key, overview, OVERVIEW_SECONDS)
    return overview


def _script(figure, element_id: str) -> SafeString | str:
    data = charts.figure_json(figure)
    return json_script(data, element_id) if data.get("data") else ""


def build_overview(accounts: QuerySet[Account]) -> Overview:
    """The overview from scratch (what a request pays when the data changed)."""
    trend = pages.weekly_trend(accounts)
    return Overview(
        summary=pages.portfolio_summary(accounts),
        map_script=_script(charts.two_sided_map(pages.map_points(accounts)), "map-data"),
        distribution_script=_script(
            charts.health_distribution(pages.health_values(accounts)), "distribution-data"
        ),
        trend_script=_script(charts.portfolio_trend(trend), "trend-data") if len(trend) > 1 else "",
    )
