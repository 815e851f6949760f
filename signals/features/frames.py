"""Loading one chunk of accounts as plain numpy columns: one narrow query per table.

The interaction query covers the longest window for every kind, plus every payment up
to ``as_of`` (lifetime value needs the whole payment history). Times are whole
microseconds since 1970 (UTC): integers where always present, floats with NaN where
optional (exact: today's microsecond counts are far below 2**53).

No pandas here or in ``aggregates``: a rescore after one write reads one account, and
pandas' fixed cost per operation (~50–500 µs, some 150 operations) was most of that
rescore; plain numpy costs a few microseconds per operation at that size and scales the
same way over a 500-account chunk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from django.db import connection
from django.db.models import Count

from accounts.models import SCORING_COLUMNS, Account, Contact, Contract, Interaction
from accounts.vocabulary import Channel, Kind

#: The columns the scoring read takes: the account, the time and what the covering index
#: ``interaction_scoring_read`` includes (``accounts.models.SCORING_COLUMNS``).
INTERACTION_COLUMNS = (
    "account_id",
    "occurred_at",
    *(Interaction._meta.get_field(name).column for name in SCORING_COLUMNS),
)
ACCOUNT_COLUMNS = (
    "id",
    "segment",
    "status",
    "started_at",
    "churned_at",
    "annual_value",
)
CONTRACT_COLUMNS = (
    "account_id",
    "start",
    "end",
    "auto_renew",
    "renewals_so_far",
    "early_termination_fee",
    "notice_days",
)

US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def microseconds(value: datetime | date | None) -> float:
    """A moment (an aware datetime, or a date as its UTC midnight) as microseconds since
    1970; NaN for None."""
    if value is None:
        return np.nan
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return float((value - _EPOCH) // _ONE_US)


def seconds(us: np.ndarray | float) -> np.ndarray | float:
    """Microseconds as seconds, split as pandas' ``total_seconds`` splits them (whole
    seconds plus the remainder) so every figure matches it to the last bit."""
    whole, residual = np.divmod(us, US_PER_SECOND)
    return whole + residual / US_PER_SECOND


@dataclass
class Rows:
    """A chunk's interactions, one numpy array per column, sorted by account, time, id.

    ``code``: the position of each row's account in the chunk's sorted account ids.
    ``at``/``as_of``: int64 microseconds; ``due``, ``contact``, ``responds_to``,
    ``nps``, ``csat``, ``amount``: float64 with NaN for none.
    """

    id: np.ndarray
    account: np.ndarray
    code: np.ndarray
    contact: np.ndarray
    at: np.ndarray
    inbound: np.ndarray
    kind: np.ndarray
    channel: np.ndarray
    tone: np.ndarray
    cues: np.ndarray
    nps: np.ndarray
    csat: np.ndarray
    amount: np.ndarray
    due: np.ndarray
    responds_to: np.ndarray
    as_of: np.ndarray

    def __len__(self) -> int:
        return len(self.id)

    def of_kind(self, kind: Kind) -> np.ndarray:
        """Which rows are of this kind."""
        return self.kind == str(kind)

    @property
    def age_days(self) -> np.ndarray:
        return seconds(self.as_of - self.at) / 86400.0


def as_of_microseconds(
    account_ids: Sequence[int], as_of: datetime | Mapping[int, datetime]
) -> np.ndarray:
    """``as_of`` per account (one moment, or one per account for churn training)."""
    if isinstance(as_of, Mapping):
        return np.array([microseconds(as_of[a]) for a in account_ids], dtype=np.int64)
    return np.full(len(account_ids), microseconds(as_of), dtype=np.int64)


class AccountRow(NamedTuple):
    """What the features read of an account (``ACCOUNT_COLUMNS`` after the id)."""

    segment: str
    status: str
    started_at: date | None
    churned_at: date | None
    annual_value: Decimal


def load_accounts(account_ids: Sequence[int]) -> dict[int, AccountRow]:
    rows = Account.objects.filter(pk__in=account_ids).values_list(*ACCOUNT_COLUMNS)
    return {row[0]: AccountRow(*row[1:]) for row in rows}


def load_contracts(account_ids: Sequence[int]) -> dict[int, tuple]:
    """The current contract of each account, the one with the latest start:
    account id → (start, end, auto_renew, renewals_so_far, fee, notice_days)."""
    rows = (
        Contract.objects.filter(account_id__in=account_ids)
        .order_by("account_id", "-start", "-id")
        .values_list(*CONTRACT_COLUMNS)
    )
    current: dict[int, tuple] = {}
    for row in rows:
        current.setdefault(row[0], row[1:])
    return current


def load_contact_counts(account_ids: Sequence[int]) -> dict[int, int]:
    rows = (
        Contact.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(n=Count("id"))
        .values_list("account_id", "n")
    )
    return dict(rows)


def _floats(values: Sequence) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def load_interactions(accounts: np.ndarray, as_of: np.ndarray, longest_days: int) -> Rows:
    """The chunk's interactions (``accounts`` sorted, ``as_of`` aligned with them)."""
    if not len(accounts):
        return Rows(**_value_columns([]), code=np.zeros(0, np.int64), as_of=np.zeros(0, np.int64))
    start = _EPOCH + _ONE_US * int(as_of.min()) - timedelta(days=longest_days)
    end = _EPOCH + _ONE_US * int(as_of.max())
    read = read_copy if connection.vendor == "postgresql" else read_values
    columns = read(accounts.tolist(), start, end)
    code = np.searchsorted(accounts, columns["account"])
    row_as_of = as_of[code]
    # Rows after an account's own as_of (a per-account cut-off) do not exist for it.
    keep = columns["at"] <= row_as_of
    order = np.lexsort((columns["id"], columns["at"], columns["account"]))
    order = order[keep[order]]
    return Rows(
        **{name: values[order] for name, values in columns.items()},
        code=code[order],
        as_of=row_as_of[order],
    )


# Two disjoint index range scans per account (the window; older payments) rather than
# one OR: PostgreSQL answers the OR by scanning the whole portfolio's window on the time
# index for every chunk, which makes a full recompute quadratic.


def read_values(account_ids: list[int], start: datetime, end: datetime) -> dict[str, np.ndarray]:
    """The chunk's rows through the ORM, as ``Rows`` columns in no particular order."""
    chunk = Interaction.objects.filter(account_id__in=account_ids).order_by()
    window = chunk.filter(occurred_at__gt=start, occurred_at__lte=end)
    older_payments = chunk.filter(kind=Kind.PAYMENT, occurred_at__lte=start)
    rows = window.values_list(*INTERACTION_COLUMNS).union(
        older_payments.values_list(*INTERACTION_COLUMNS), all=True
    )
    return _value_columns(list(rows))


def _value_columns(rows: list[tuple]) -> dict[str, np.ndarray]:
    """``INTERACTION_COLUMNS`` tuples as ``Rows`` columns."""
    raw = dict(zip(INTERACTION_COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}

    def column(name: str) -> Sequence:
        return raw.get(name, ())

    return {
        "id": np.array(column("id"), dtype=np.int64),
        "account": np.array(column("account_id"), dtype=np.int64),
        "contact": _floats(column("contact_id")),
        "at": np.array([microseconds(v) for v in column("occurred_at")]).astype(np.int64),
        "inbound": np.array(column("direction"), dtype=str) == "inbound",
        "kind": np.array(column("kind"), dtype=str),
        "channel": np.array(column("channel"), dtype=str),
        "tone": _floats(column("tone")),
        "cues": np.array([v or 0 for v in column("cue_flags")], dtype=np.int64),
        "nps": _floats(column("nps")),
        "csat": _floats(column("csat")),
        "amount": _floats(column("amount")),
        "due": np.array([microseconds(v) for v in column("due_at")], dtype=float),
        "responds_to": _floats(column("responds_to_id")),
    }


#: ``read_copy``'s columns: name, SQL expression (fixed width, never NULL), binary type.
#: Absent ids are -1 and absent small numbers -1 (all are ≥ 0 when present); kind and
#: channel travel as their position in the vocabulary.
_KINDS = np.array([""] + [k.value for k in Kind])
_CHANNELS = np.array([""] + [c.value for c in Channel])
_COPY_COLUMNS = (
    ("id", "id", ">i8"),
    ("account", "account_id", ">i8"),
    ("contact", "COALESCE(contact_id, -1)", ">i8"),
    ("at", "(EXTRACT(EPOCH FROM occurred_at) * 1000000)::bigint", ">i8"),
    ("inbound", "(direction = 'inbound')", "?"),
    ("kind", "COALESCE(array_position(%(kinds)s::text[], kind::text), 1)::smallint", ">i2"),
    (
        "channel",
        "COALESCE(array_position(%(channels)s::text[], channel::text), 1)::smallint",
        ">i2",
    ),
    ("tone", "tone", ">f8"),
    ("cues", "cue_flags", ">i8"),
    ("nps", "COALESCE(nps, -1)::smallint", ">i2"),
    ("csat", "COALESCE(csat, -1)::smallint", ">i2"),
    ("amount", "COALESCE(amount::float8, 'NaN')", ">f8"),
    ("due", "COALESCE((EXTRACT(EPOCH FROM due_at) * 1000000)::float8, 'NaN')", ">f8"),
    ("responds_to", "COALESCE(responds_to_id, -1)", ">i8"),
)
#: A binary COPY row: a field count, then each field's byte length and its value.
_COPY_ROW = np.dtype(
    [("fields", ">i2")]
    + [item for name, _, kind in _COPY_COLUMNS for item in ((f"{name}_size", ">i4"), (name, kind))]
)
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def read_copy(account_ids: list[int], start: datetime, end: datetime) -> dict[str, np.ndarray]:
    """The chunk's rows on PostgreSQL: ``COPY … TO STDOUT (FORMAT BINARY)`` of fixed-width
    columns, read into numpy in one step. Going through Python objects (one tuple per
    row, one object per value) cost more than the query, much of it in the garbage
    collector walking the ~50,000 fresh tuples of a chunk."""
    table = connection.ops.quote_name(Interaction._meta.db_table)
    expressions = ", ".join(sql for _, sql, _ in _COPY_COLUMNS)
    # The table name comes from the model and every value is bound.
    query = (
        f"COPY (SELECT {expressions} FROM {table} "  # noqa: S608  # nosec B608
        "WHERE account_id = ANY(%(ids)s) AND occurred_at > %(start)s AND occurred_at <= %(end)s "
        f"UNION ALL SELECT {expressions} FROM {table} "
        "WHERE account_id = ANY(%(ids)s) AND kind = %(payment)s AND occurred_at <= %(start)s"
        ") TO STDOUT (FORMAT BINARY)"
    )
    params = {
        "ids": account_ids,
        "start": start,
        "end": end,
        "payment": Kind.PAYMENT.value,
        "kinds": _KINDS[1:].tolist(),
        "channels": _CHANNELS[1:].tolist(),
    }
    data = bytearray()
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor() as raw,
        raw.copy(query, params) as copy,
    ):
        for block in copy:
            data += block
    rows = _copy_rows(bytes(data))
    return {
        "id": rows["id"].astype(np.int64),
        "account": rows["account"].astype(np.int64),
        "contact": _absent(rows["contact"]),
        "at": rows["at"].astype(np.int64),
        "inbound": rows["inbound"].astype(bool),
        "kind": _KINDS[rows["kind"]],
        "channel": _CHANNELS[rows["channel"]],
        "tone": rows["tone"].astype(float),
        "cues": rows["cues"].astype(np.int64),
        "nps": _absent(rows["nps"]),
        "csat": _absent(rows["csat"]),
        "amount": rows["amount"].astype(float),
        "due": rows["due"].astype(float),
        "responds_to": _absent(rows["responds_to"]),
    }


def _absent(values: np.ndarray) -> np.ndarray:
    """-1 (absent) as NaN, as floats."""
    out = values.astype(float)
    out[values < 0] = np.nan
    return out


def _copy_rows(data: bytes) -> np.ndarray:
    """Parse a binary COPY stream of ``_COPY_COLUMNS`` rows (checked, not assumed)."""
    if not data.startswith(_COPY_SIGNATURE):
        raise ValueError("not a PostgreSQL binary COPY stream")
    extension = int.from_bytes(data[15:19], "big")
    body = data[19 + extension : -2]
    if data[-2:] != b"\xff\xff" or len(body) % _COPY_ROW.itemsize:
        raise ValueError("unexpected binary COPY layout")
    rows = np.frombuffer(body, dtype=_COPY_ROW)
    sizes = [rows[f"{name}_size"] for name, _, _ in _COPY_COLUMNS]
    expected = [_COPY_ROW.fields[name][0].itemsize for name, _, _ in _COPY_COLUMNS]
    if (rows["fields"] != len(_COPY_COLUMNS)).any() or any(
        (size != width).any() for size, width in zip(sizes, expected, strict=True)
    ):
        raise ValueError("unexpected binary COPY row (a NULL or a different type)")
    return rows
