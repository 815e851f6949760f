"""CSV exports, streamed, with spreadsheet formulas neutralised.

``csv_response`` is the one writer every export uses (accounts, interactions, alerts):
rows are produced lazily from a queryset iterator, so an export of a million rows
never sits in memory, and every text cell a spreadsheet would read as a formula
(one starting with ``= + - @``, a tab or a carriage return) gets a leading apostrophe.
Numbers we format ourselves are written as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from accounts.cells import neutralise
from accounts.imports import INTERACTION_COLUMNS
from accounts.models import Account, Interaction

ITERATOR_CHUNK = 2000


def cell(value: Any) -> str:
    """One value as CSV text: empty for None, ISO 8601 in UTC for times, numbers as they
    are, every other text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


class _Echo:
    """A file-like whose write returns the line, for csv.writer over a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(*, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(v) for v in row])


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header=header, rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- accounts ---------------------------------------------------------------------------

ACCOUNT_EXPORT_COLUMNS = [
    "account_id",
    "name",
    "segment",
    "owner",
    "annual_value",
    "started_at",
    "status",
    "churned_at",
    "health",
    "band",
    "customer_side",
    "vendor_side",
    "top_customer_issue",
    "top_vendor_issue",
    "nps",
    "csat",
    "churn_probability",
    "clv",
    "scored_at",
]


def account_rows(accounts: QuerySet[Account]) -> Iterator[list[Any]]:
    accounts = accounts.select_related("owner", "current_health")
    for a in accounts.iterator(chunk_size=ITERATOR_CHUNK):
        h = getattr(a, "current_health", None)
        scores = (
            [
                round(h.health, 2),
                h.band,
                round(h.customer_side, 2),
                round(h.vendor_side, 2),
                h.top_customer_issue,
                h.top_vendor_issue,
                h.nps,
                h.csat,
                h.churn_probability,
                h.clv,
                h.computed_at,
            ]
            if h
            else [None] * 11
        )
        yield [
            a.external_id,
            a.name,
            a.segment,
            a.owner.username if a.owner else None,
            a.annual_value,
            a.started_at,
            a.status,
            a.churned_at,
            *scores,
        ]


# --- interactions -----------------------------------------------------------------------


def interaction_rows(interactions: QuerySet[Interaction]) -> Iterator[list[Any]]:
    """Rows in the interactions import's columns, so an export re-imports as it is.

    ``responds_to`` can only name a parent that has an ``interaction_id`` (the CSV's
    only way to point at a row); a link to a parent recorded without one is left out.
    """
    interactions = interactions.select_related("account", "contact", "responds_to").only(
        "occurred_at",
        "channel",
        "direction",
        "kind",
        "text",
        "nps",
        "csat",
        "amount",
        "due_at",
        "external_id",
        "account__external_id",
        "contact__name",
        "responds_to__external_id",
    )
    for i in interactions.iterator(chunk_size=ITERATOR_CHUNK):
        yield [
            i.account.external_id,
            i.occurred_at,
            i.channel,
            i.direction,
            i.kind,
            i.contact.name if i.contact else None,
            i.text,
            i.nps,
            i.csat,
            i.amount,
            i.due_at,
            i.external_id,
            i.responds_to.external_id if i.responds_to else None,
        ]


INTERACTION_EXPORT_COLUMNS = INTERACTION_COLUMNS
