"""The portfolio page: who sees what, filters, sorting, summary tiles, query budget."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from signals.scoring import recompute_accounts
from tests.browser import open_alert, recorded_account, score
from tests.factories import AccountFactory, InteractionFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _charts(client: Client, query: str = "") -> dict:
    response = client.get("/portfolio/charts/" + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _map_names(client: Client, query: str = "") -> list[str]:
    return sorted(n for trace in _charts(client, query)["map-data"]["data"] for n in trace["text"])


def _names(response) -> list[str]:
    return re.findall(
        r'<th scope="row"><a href="/accounts/[^"]+/">([^<]+)</a>', response.content.decode()
    )


@pytest.fixture
def portfolio(am_alice, am_bob):
    difficult = recorded_account(owner=am_alice, external_id="A-1", name="Acme", annual_value=90000)
    calm = recorded_account(owner=am_alice, external_id="A-2", name="Calm", difficult=False)
    bobs = recorded_account(
        owner=am_bob, external_id="B-1", name="Bobcat", segment="enterprise", annual_value=30000
    )
    score(difficult, calm, bobs)
    open_alert(difficult)
    return {"difficult": difficult, "calm": calm, "bob": bobs}


def test_an_account_manager_sees_only_their_own_accounts(am_alice, portfolio):
    response = _client(am_alice).get("/")
    assert sorted(_names(response)) == ["Acme", "Calm"]
    assert "Bobcat" not in response.content.decode()
    assert 'name="owner"' not in response.content.decode()


def test_a_manager_sees_every_account_and_can_filter_by_owner(manager, am_bob, portfolio):
    client = _client(manager)
    assert sorted(_names(client.get("/"))) == ["Acme", "Bobcat", "Calm"]
    assert _names(client.get("/", {"owner": am_bob.pk})) == ["Bobcat"]


def test_filters_narrow_the_table(manager, portfolio):
    client = _client(manager)
    assert _names(client.get("/", {"segment": "enterprise"})) == ["Bobcat"]
    assert _names(client.get("/", {"q": "cal"})) == ["Calm"]
    assert _names(client.get("/", {"q": "A-1"})) == ["Acme"]
    band = portfolio["difficult"].current_health.band
    assert "Acme" in _names(client.get("/", {"band": band}))
    assert _names(client.get("/", {"status": "churned"})) == []
    assert (
        "No account matches these filters."
        in client.get("/", {"status": "churned"}).content.decode()
    )


def test_the_table_sorts_by_any_column_both_ways(manager, portfolio):
    client = _client(manager)
    assert _names(client.get("/", {"sort": "value"})) == ["Calm", "Bobcat", "Acme"]
    assert _names(client.get("/", {"sort": "-value"})) == ["Acme", "Bobcat", "Calm"]
    healths = [a.current_health.health for a in client.get("/").context["page"]]
    assert healths == sorted(healths)  # worst first by default
    assert _names(client.get("/", {"sort": "-alerts"}))[0] == "Acme"
    # An unknown sort key falls back to the default instead of failing.
    assert client.get("/", {"sort": "password"}).status_code == 200


def test_rows_show_health_trend_both_sides_top_issues_and_open_alerts(am_alice, portfolio):
    html = _client(am_alice).get("/").content.decode()
    row = re.search(r'<tr data-account="A-1">(.*?)</tr>', html, re.S).group(1)
    assert "health band-" in row
    assert "friction" in row
    assert 'class="chip chip-them"' in row
    assert '<span class="count">1</span>' in row


def test_summary_tiles_show_value_at_risk_of_at_risk_and_critical_accounts(am_alice, portfolio):
    response = _client(am_alice).get("/")
    summary = response.context["overview"].summary
    at_risk = {"at_risk", "critical"}
    expected = sum(
        a.annual_value
        for a in (portfolio["difficult"], portfolio["calm"])
        if a.current_health.band in at_risk
    )
    assert summary.value_at_risk == expected
    assert summary.accounts == 2
    assert summary.nps is not None and summary.csat is not None


def test_the_charts_are_a_json_document_the_page_points_at(am_alice, portfolio):
    client = _client(am_alice)
    html = client.get("/").content.decode()
    # The page carries no chart data, only where to fetch it (with the page's filters).
    assert 'type="application/json"' not in html
    assert 'data-chart="map-data" data-chart-src="/portfolio/charts/"' in html
    assert 'data-chart="distribution-data" data-chart-src="/portfolio/charts/"' in html
    figures = _charts(client)
    names = [n for trace in figures["map-data"]["data"] for n in trace["text"]]
    assert sorted(names) == ["Acme", "Calm"]
    annotations = {a["text"] for a in figures["map-data"]["layout"]["annotations"]}
    assert annotations == {"them", "us", "both", "healthy"}
    assert figures["distribution-data"]["data"]
    # Scores recorded in one week only: no trend to draw, the element says why.
    assert "trend-data" not in figures
    assert "The trend appears once scores have been recorded" in html


def test_the_charts_follow_the_page_filters_and_who_is_asking(manager, am_bob, portfolio):
    client = _client(manager)
    html = client.get("/", {"segment": "enterprise", "sort": "-value", "page": "1"}).content
    assert b'data-chart-src="/portfolio/charts/?segment=enterprise"' in html
    assert _map_names(client, "?segment=enterprise") == ["Bobcat"]
    assert _map_names(client) == ["Acme", "Bobcat", "Calm"]
    assert _map_names(_client(am_bob)) == ["Bobcat"]


def test_the_charts_are_gzipped_and_revalidated_with_their_etag(am_alice, portfolio):
    client = _client(am_alice)
    plain = client.get("/portfolio/charts/")
    zipped = client.get("/portfolio/charts/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in plain["Vary"] and "Cookie" in plain["Vary"]
    assert plain["Cache-Control"] == "private, no-cache"
    etag = plain["ETag"]
    assert etag.startswith('W/"') and zipped["ETag"] == etag
    again = client.get("/portfolio/charts/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    # A new score is a new version: the old ETag no longer matches.
    calm = portfolio["calm"]
    InteractionFactory(account=calm, kind="complaint", text="This is unacceptable, we leave.")
    recompute_accounts(account_ids=[calm.pk])
    fresh = client.get("/portfolio/charts/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag


def test_the_charts_need_a_login(portfolio):
    response = Client().get("/portfolio/charts/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_htmx_requests_get_only_the_table(am_alice, portfolio):
    response = _client(am_alice).get(
        "/", {"sort": "-value"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="portfolio-results"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert _names(response) == ["Acme", "Calm"]
    assert 'hx-swap-oob="true"' in html  # keeps the filter form's sort in step


def test_an_empty_portfolio_explains_itself(am_bob):
    html = _client(am_bob).get("/").content.decode()
    assert "No accounts yet." in html
    assert "No account has been scored yet." in html


def _portfolio_queries(client, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_accounts(
    manager, am_alice, django_assert_max_num_queries
):
    def add_accounts(n: int, start: int) -> None:
        accounts = [AccountFactory(external_id=f"Q-{start + i}", owner=am_alice) for i in range(n)]
        for a in accounts:
            InteractionFactory(account=a, kind="complaint", text="This is not acceptable.")
        recompute_accounts(account_ids=[a.pk for a in accounts])
        for a in accounts[:2]:
            open_alert(a, name=f"rule {a.pk}")

    client = _client(manager)
    add_accounts(3, 0)
    cache.clear()  # both counts below are of a first view, nothing cached
    few = _portfolio_queries(client, django_assert_max_num_queries)
    add_accounts(30, 100)
    cache.clear()
    many = _portfolio_queries(client, django_assert_max_num_queries)
    assert many == few, f"{few} queries for 3 accounts, {many} for 33"
    assert few <= 20
    # Unchanged data: the overview comes from the cache, only the table is queried.
    cached = _portfolio_queries(client, django_assert_max_num_queries)
    assert cached < many


def test_the_overview_is_rebuilt_as_soon_as_a_score_changes(am_alice, portfolio):
    client = _client(am_alice)
    first = client.get("/").context["overview"]
    assert client.get("/").context["overview"] == first  # served from the cache
    calm = portfolio["calm"]
    InteractionFactory(
        account=calm, kind="complaint", text="This is unacceptable, we are furious and leaving."
    )
    recompute_accounts(account_ids=[calm.pk])
    rebuilt = client.get("/").context["overview"]
    calm.refresh_from_db()
    assert rebuilt != first
    assert _map_names(client) == ["Acme", "Calm"]


def test_the_overview_is_rebuilt_when_an_account_changes(am_alice, portfolio):
    client = _client(am_alice)
    before = client.get("/").context["overview"].summary.accounts
    recorded_account(owner=am_alice, external_id="A-3", name="Newco")
    assert client.get("/").context["overview"].summary.accounts == before + 1


def test_each_owner_and_each_filter_gets_its_own_overview(am_alice, am_bob, manager, portfolio):
    assert _client(am_alice).get("/").context["overview"].summary.accounts == 2
    assert _client(am_bob).get("/").context["overview"].summary.accounts == 1
    everyone = _client(manager)
    assert everyone.get("/").context["overview"].summary.accounts == 3
    assert everyone.get("/", {"segment": "enterprise"}).context["overview"].summary.accounts == 1


def test_the_table_order_is_sorted_once_per_data_version(manager, portfolio):
    client = _client(manager)
    assert _names(client.get("/", {"sort": "name"})) == ["Acme", "Bobcat", "Calm"]
    with CaptureQueriesContext(connection) as again:
        assert _names(client.get("/", {"sort": "name"})) == ["Acme", "Bobcat", "Calm"]
    sorts = [q["sql"] for q in again.captured_queries if 'ORDER BY "accounts_account"' in q["sql"]]
    assert sorts == []  # the page's ids came from the cache
    calm = portfolio["calm"]
    calm.name = "Aardvark"
    calm.save()  # an account change is a new data version
    assert _names(client.get("/", {"sort": "name"})) == ["Aardvark", "Acme", "Bobcat"]


def test_the_alert_sort_follows_alerts_opened_without_a_new_score(manager, portfolio):
    client = _client(manager)
    assert _names(client.get("/", {"sort": "-alerts"}))[0] == "Acme"
    open_alert(portfolio["bob"], name="first")
    open_alert(portfolio["bob"], name="second")
    assert _names(client.get("/", {"sort": "-alerts"}))[0] == "Bobcat"
