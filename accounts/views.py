"""Pages about the record: the portfolio and one account.

Views only parse input, call a read model (``accounts.pages``) or a service
(``accounts.services.record_interaction``) and render. htmx requests get partials.
"""

from __future__ import annotations

import functools
import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, urlencode
from django.views.decorators.http import require_GET, require_POST
from markupsafe import Markup

from crm_health.cache import cached
from crm_health.pagination import IdPaginator
from signals.models import AccountHealth, HealthSnapshot

from . import charts, overview, pages
from .forms import (
    DEFAULT_SORT,
    PORTFOLIO_SORTS,
    InteractionForm,
    PortfolioFilterForm,
    TimelineFilterForm,
)
from .models import Account
from .roles import is_manager, sees_all_accounts
from .services import record_interaction

PAGE_SIZE = 25


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _visible_account(request: HttpRequest, external_id: str, *related: str) -> Account:
    # Another owner's account is a 404, never a 403 that confirms it exists.
    visible = Account.objects.visible_to(request.user)
    return get_object_or_404(visible.select_related(*related), external_id=external_id)


# --- portfolio -------------------------------------------------------------------------


def _portfolio_selection(request: HttpRequest) -> dict:
    """The portfolio's filter form, its filters, the filtered accounts, the name of the
    visible set (``scope``) and the data version, as the page and its charts read them."""
    visible = Account.objects.visible_to(request.user)
    show_all = sees_all_accounts(request.user)
    scope = "all" if show_all else f"owner:{request.user.pk}"
    version = overview.data_version()
    form = PortfolioFilterForm(
        request.GET or None,
        segments=overview.segments(visible, scope=scope, version=version),
        show_owner=show_all,
    )
    filters = form.cleaned_data if form.is_valid() else {}
    return {
        "form": form,
        "filters": filters,
        "accounts": pages.portfolio_accounts(visible, filters),
        "scope": scope,
        "version": version,
    }


def _order_key(selection: dict, sort: str) -> str | None:
    """What names the order of the portfolio's rows: the data version (every new score
    and every account change moves it), the visible set, the filters and the sort.
    Open-alert counts change without either, so that sort is never cached."""
    if sort.lstrip("-") == "alerts":
        return None
    key = overview.overview_key(
        scope=selection["scope"], filters=selection["filters"], version=selection["version"]
    )
    return f"{key}:order:{sort}"


@login_required
@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    selection = _portfolio_selection(request)
    form = selection["form"]
    sort = form.cleaned_sort() if form.is_bound else DEFAULT_SORT
    partial = _is_htmx(request) and request.headers.get("HX-Target") == "portfolio-results"
    tiles = None
    if not partial:
        tiles = overview.portfolio_summary(
            selection["accounts"],
            scope=selection["scope"],
            filters=selection["filters"],
            version=selection["version"],
        )
    # The summary counted the same filtered accounts: the pager need not count again.
    paginator = IdPaginator(
        pages.ordered(selection["accounts"], sort),
        PAGE_SIZE,
        count=tiles.summary.accounts if tiles else None,
        order_key=_order_key(selection, sort),
    )
    context = {
        "form": form,
        "page": paginator.get_page(request.GET.get("page")),
        "sort": sort,
        "columns": _sort_links(request, sort),
        "query_without_page": _query(request, drop=("page",)),
        "partial": partial,
    }
    if partial:
        return render(request, "accounts/_portfolio_results.jinja", context)
    context["overview"] = tiles
    context["charts_url"] = (
        reverse("portfolio-charts") + "?" + _query(request, drop=("page", "sort"))
    ).rstrip("?")
    return render(request, "accounts/portfolio.html", context)


@login_required
@require_GET
def portfolio_charts(request: HttpRequest) -> HttpResponse:
    """The portfolio's charts as JSON (see ``accounts.overview``): for the same query
    string as the page, built once per data version; 304 when the browser has them."""
    selection = _portfolio_selection(request)
    charts_ = overview.portfolio_charts(
        selection["accounts"],
        scope=selection["scope"],
        filters=selection["filters"],
        version=selection["version"],
    )
    if charts_.etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        compressed = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
        response = HttpResponse(
            charts_.gzipped if compressed else charts_.body, content_type="application/json"
        )
        if compressed:
            response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = charts_.etag
    # Private (per user), and revalidated on every use: a new score must show.
    response.headers["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


def _query(request: HttpRequest, *, drop: tuple[str, ...] = (), **override: str) -> str:
    params = {k: v for k, v in request.GET.items() if k not in drop and v != ""}
    params.update(override)
    return urlencode(params)


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the query string that sorts by it (toggling direction when
    it is already the sort key) and its current ``aria-sort`` state."""
    current, descending = sort.lstrip("-"), sort.startswith("-")
    links = {}
    for key in PORTFOLIO_SORTS:
        if key == current:
            target, state = (
                (key if descending else f"-{key}"),
                ("descending" if descending else "ascending"),
            )
        else:
            target, state = key, "none"
        links[key] = {"query": _query(request, drop=("page",), sort=target), "aria": state}
    return links


# --- account detail --------------------------------------------------------------------


def _stamp(value) -> str:
    return value.isoformat() if value else "none"


#: How long the parts of a health panel derived from one snapshot stay cached.
PANEL_SECONDS = 3600


def _snapshot_parts(account: Account, current: AccountHealth | None) -> dict:
    """What the health panel derives from the account's current snapshot alone (its
    document, the history up to it and its change against the one before), built once
    per snapshot: snapshots never change, and a new one changes the key."""
    if current is None:
        return _derived_parts(None, document=None, history=[], changes=[])

    def build() -> dict:
        document = (
            HealthSnapshot.objects.filter(pk=current.snapshot_id)
            .values_list("document", flat=True)
            .first()
        )
        return _derived_parts(
            current,
            document=document,
            history=pages.health_history(account),
            changes=pages.changes_since_last(account)[:12],
        )

    return cached(f"health-panel:{account.pk}:{current.snapshot_id}", build, PANEL_SECONDS)


def _derived_parts(
    current: AccountHealth | None, *, document: dict | None, history: list, changes: list
) -> dict:
    groups = pages.score_groups(document)
    return {
        "customer_groups": [g for g in groups if g.key != "vendor_signs"],
        "vendor_groups": [g for g in groups if g.key == "vendor_signs"],
        "history": history,
        "gauge_chart": charts.figure_json(
            charts.health_gauge(current.health, current.band, current.previous_health)
        )
        if current
        else None,
        "history_chart": charts.figure_json(charts.health_history(history))
        if len(history) > 1
        else None,
        "changes": changes,
        "metrics": pages.metric_trends(history),
        "recommendations": [
            {**r, "label": pages.label(r.get("for", ""))}
            for r in (document or {}).get("recommendations", [])
        ],
    }


def _current_health(account: Account) -> AccountHealth | None:
    """The account's current scores: read with the account where it was loaded with
    ``select_related("current_health")``, else one query."""
    try:
        return account.current_health
    except AccountHealth.DoesNotExist:
        return None


def health_context(account: Account) -> dict:
    """Everything the health panel shows; a fixed number of queries. What follows from
    the snapshot is cached per snapshot; the cited interactions (their text may be
    edited), the open alerts and the pending state are read fresh."""
    current = _current_health(account)
    parts = _snapshot_parts(account, current)
    cited = pages.evidence_interactions(
        account, [*parts["customer_groups"], *parts["vendor_groups"]]
    )
    return {
        **parts,
        "current": current,
        "cited": cited,
        "breakdown": _breakdown(account, current, parts, cited) if current else "",
        "alerts": pages.open_alerts(account),
        "since": _stamp(current.computed_at if current else None),
        "pending": account.scores_dirty_since is not None,
    }


BREAKDOWN_TEMPLATE = "accounts/_breakdown.jinja"


@functools.cache
def _breakdown_templates_digest() -> str:
    """The breakdown's markup version: a deployment that changes its templates renders
    anew instead of serving what the cache kept from the previous release."""
    env = engines["jinja2"].env
    sources = [
        env.loader.get_source(env, name)[0]
        for name in (BREAKDOWN_TEMPLATE, "accounts/_score_groups.jinja")
    ]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]


def _breakdown(account: Account, current: AccountHealth, parts: dict, cited: dict) -> Markup:
    """Both sides' score breakdown, rendered once per snapshot and state of the cited
    interactions (a fifth of the account page's server time, the same on every visit
    until the scores or a cited interaction change), then served from the cache."""
    seen = hashlib.sha256()
    for pk in sorted(cited):
        i = cited[pk]
        seen.update(f"{pk}|{i.occurred_at.isoformat()}|{i.kind}|{i.text}\0".encode())
    key = ":".join(
        [
            "health-breakdown",
            str(account.pk),
            str(current.snapshot_id),
            seen.hexdigest()[:24],
            _breakdown_templates_digest(),
            timezone.get_current_timezone_name(),
            translation.get_language() or "",
        ]
    )

    def render_it() -> str:
        template = engines["jinja2"].get_template(BREAKDOWN_TEMPLATE)
        return template.render({"current": current, "health": {**parts, "cited": cited}})

    # Rendered by Jinja2 with autoescape on: every value in it was escaped.
    return Markup(cached(key, render_it, PANEL_SECONDS))  # noqa: S704  # nosec B704


def _offboarding_url(request: HttpRequest, account: Account) -> str | None:
    if not is_manager(request.user):
        return None
    try:
        return reverse("offboarding-start", kwargs={"external_id": account.external_id})
    except NoReverseMatch:
        return None


@login_required
@require_GET
def account_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    account = _visible_account(request, external_id, "owner", "current_health")
    timeline_form = TimelineFilterForm(request.GET or None, auto_id="timeline_%s")
    filters = timeline_form.cleaned_data if timeline_form.is_valid() else {}
    context = {
        "account": account,
        "contract": account.current_contract,
        "health": health_context(account),
        "timeline_form": timeline_form,
        "timeline": pages.timeline(account, filters),
        "timeline_query": request.GET.urlencode(),
        "filtered": bool(filters.get("kind") or filters.get("direction")),
        "log_form": InteractionForm(account=account, auto_id="log_%s"),
        "logged": None,
        "offboarding_url": _offboarding_url(request, account),
    }
    return render(request, "accounts/account_detail.html", context)


@login_required
@require_GET
def account_health_panel(request: HttpRequest, external_id: str) -> HttpResponse:
    """The health panel, polled after a write: 204 (nothing to swap, keep polling)
    until the recompute has landed, i.e. the scores' ``computed_at`` moved past
    ``since`` or the account is no longer waiting for a recompute."""
    account = _visible_account(request, external_id, "current_health")
    since = request.GET.get("since")
    if since is not None:
        current = _current_health(account)
        computed_at = current.computed_at if current else None
        landed = _stamp(computed_at) != since or account.scores_dirty_since is None
        if not landed:
            return HttpResponse(status=204)
    return render(
        request,
        "accounts/_health.jinja",
        {"account": account, "health": health_context(account)},
    )


@login_required
@require_GET
def account_timeline(request: HttpRequest, external_id: str) -> HttpResponse:
    account = _visible_account(request, external_id)
    form = TimelineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        offset = max(0, int(request.GET.get("offset") or 0))
    except ValueError:
        offset = 0
    query = request.GET.copy()
    query.pop("offset", None)
    return render(
        request,
        "accounts/_timeline_list.jinja",
        {
            "account": account,
            "timeline": pages.timeline(account, filters, offset=offset),
            "timeline_query": query.urlencode(),
            "filtered": bool(filters.get("kind") or filters.get("direction")),
        },
    )


@login_required
@require_POST
def log_interaction(request: HttpRequest, external_id: str) -> HttpResponse:
    account = _visible_account(request, external_id)
    form = InteractionForm(request.POST, account=account, auto_id="log_%s")
    if not form.is_valid():
        # 200, not 4xx: htmx swaps only successful responses, and the errors must show.
        return render(
            request,
            "accounts/_log_form.jinja",
            {"account": account, "log_form": form, "logged": None},
        )
    before = AccountHealth.objects.filter(account=account).values_list("computed_at", flat=True)
    since = _stamp(before.first())
    data = form.cleaned_data
    interaction = record_interaction(
        account=account,
        occurred_at=data["occurred_at"],
        channel=data["channel"],
        direction=data["direction"],
        kind=data["kind"],
        text=data["text"] or "",
        contact=data["contact"],
        nps=data["nps"],
        csat=data["csat"],
    )
    account.refresh_from_db(fields=["scores_dirty_since"])
    after = AccountHealth.objects.filter(account=account).values_list("computed_at", flat=True)
    # Tasks ran in-process (no broker): the scores are in already, fetch them once.
    # Otherwise poll until the worker's recompute lands.
    landed = _stamp(after.first()) != since or account.scores_dirty_since is None
    if not _is_htmx(request):
        return redirect(account)
    return render(
        request,
        "accounts/_log_response.jinja",
        {
            "account": account,
            "log_form": InteractionForm(account=account, auto_id="log_%s"),
            "logged": interaction,
            "timeline": pages.timeline(account, {}),
            "timeline_query": "",
            "filtered": False,
            "since": since,
            "poll_trigger": "load" if landed else "every 2s",
        },
    )
