"""IdPaginator: the same pages as Django's paginator, from a sort of ids alone."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from crm_health.pagination import IdPaginator
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(am_alice):
    # Ties on segment and annual value: the order must follow the full sort key.
    for i in range(23):
        AccountFactory(
            owner=am_alice,
            external_id=f"P-{i:02d}",
            name=f"Account {(i * 7) % 23:02d}",
            segment=("smb", "mid", "enterprise")[i % 3],
            annual_value=1000 * (i % 4),
        )
    return Account.objects.select_related("owner").order_by(
        "segment", "-annual_value", "name", "pk"
    )


@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (5, 2), (23, 0), (50, 0)])
def test_every_page_holds_what_djangos_paginator_holds(accounts, per_page, orphans):
    ours, django = IdPaginator(accounts, per_page), Paginator(accounts, per_page)
    ours.orphans = django.orphans = orphans
    assert ours.num_pages == django.num_pages
    for number in django.page_range:
        mine, theirs = ours.page(number), django.page(number)
        assert [a.pk for a in mine] == [a.pk for a in theirs]
        assert (mine.start_index(), mine.end_index()) == (theirs.start_index(), theirs.end_index())
        assert mine.has_next() == theirs.has_next()


def test_a_page_loads_whole_rows_with_their_joins_in_two_queries(accounts):
    with CaptureQueriesContext(connection) as queries:
        page = IdPaginator(accounts, 5, count=23).page(2)
        owners = [a.owner.username for a in page]
    assert len(queries) == 2  # the ids, then the page's rows (the count was given)
    assert len(owners) == 5 and all(owners)


def test_a_known_count_is_not_queried_and_out_of_range_pages_fall_back(accounts):
    paginator = IdPaginator(accounts, 10, count=23)
    assert paginator.num_pages == 3
    assert [a.pk for a in paginator.get_page(99)] == [a.pk for a in Paginator(accounts, 10).page(3)]
    assert list(IdPaginator(Account.objects.none(), 10).get_page(1)) == []
