"""Import files mutated every way a spreadsheet or a hostile user can: never an
unhandled exception, never a partial write, always an error naming the problem."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.imports import import_accounts, import_interactions
from accounts.models import Account, Contact, Interaction

pytestmark = pytest.mark.django_db

HEADER = ["account_id", "occurred_at", "channel", "direction", "kind", "text", "nps",
          "interaction_id", "responds_to"]  # fmt: skip
GOOD_ROWS = [
    ["ACME", "2026-03-01T10:00:00Z", "email", "inbound", "complaint", "Invoice wrong again",
     "3", "i-1", ""],
    ["ACME", "2026-03-02", "email", "outbound", "message", "Sorry, fixing it", "", "i-2", "i-1"],
    ["GLOBEX", "2026-03-03T09:30:00+02:00", "call", "inbound", "praise", "Thanks!", "9", "i-3",
     ""],
]  # fmt: skip


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _rows() -> list[list[str]]:
    return [list(r) for r in GOOD_ROWS]


def _cell(rows, row: int, column: str, value: str) -> bytes:
    rows[row][HEADER.index(column)] = value
    return _csv(rows).encode()


# Each mutation: (file bytes, the word every error report must contain — the column
# or the reason). The file is otherwise valid, so the mutation is the only fault.
MUTATIONS = {
    "wrong type: nps": lambda d: (_cell(_rows(), d, "nps", "ten"), "nps"),
    "nps out of range": lambda d: (_cell(_rows(), d, "nps", "11"), "nps"),
    "wrong type: date": lambda d: (_cell(_rows(), d, "occurred_at", "yesterday"), "occurred_at"),
    "year out of range": lambda d: (_cell(_rows(), d, "occurred_at", "0001-01-01"), "occurred_at"),
    "unknown channel": lambda d: (_cell(_rows(), d, "channel", "pigeon"), "channel"),
    "missing required": lambda d: (_cell(_rows(), d, "kind", ""), "kind"),
    "huge text": lambda d: (_cell(_rows(), d, "text", "x" * 20_001), "text"),
    "huge id": lambda d: (_cell(_rows(), d, "account_id", "A" * 101), "account_id"),
    "NUL byte": lambda d: (_cell(_rows(), d, "text", "nul\x00here"), "NUL"),
    "NUL in an id": lambda d: (_cell(_rows(), d, "account_id", "AC\x00ME"), "account_id"),
    "slash in an id": lambda d: (_cell(_rows(), d, "account_id", "../etc"), "account_id"),
    "duplicate interaction_id": lambda d: (_cell(_rows(), 2, "interaction_id", "i-1"), "repeats"),
    "dangling responds_to": lambda d: (_cell(_rows(), d, "responds_to", "i-404"), "responds_to"),
    "ragged row (short)": lambda d: (
        _csv([*_rows()[:d], _rows()[d][:4], *_rows()[d + 1 :]]).encode(),
        "cells",
    ),
    "ragged row (long)": lambda d: (
        _csv([*_rows()[:d], [*_rows()[d], "extra"], *_rows()[d + 1 :]]).encode(),
        "cells",
    ),
    "latin-1 encoding": lambda d: (
        _cell(_rows(), d, "text", "café crème").decode().encode("latin-1"),
        "UTF-8",
    ),  # fmt: skip
    "unknown column": lambda d: (_csv(_rows(), [*HEADER[:-1], "surprise"]).encode(), "surprise"),
    "missing column": lambda d: (
        _csv([r[1:] for r in _rows()], HEADER[1:]).encode(),
        "account_id",
    ),
    "empty file": lambda d: (b"", "empty"),
    "binary garbage": lambda d: (bytes(range(256)) * 4, "UTF-8"),
    "unterminated quote": lambda d: (_csv(_rows()).encode() + b'"ACME,"2026', "cells"),
}

#: Mutations a spreadsheet produces that are not faults: the file imports whole.
HARMLESS = {
    "byte-order mark": lambda: b"\xef\xbb\xbf" + _csv(_rows()).encode(),
    "formula cell": lambda: _cell(_rows(), 0, "text", '=HYPERLINK("http://evil","x")'),
    "CRLF line ends": lambda: _csv(_rows()).replace("\n", "\r\n").encode(),
    "blank lines": lambda: _csv(_rows()).replace("\n", "\n\n", 1).encode(),
}


def _write(data: bytes) -> Path:
    handle = tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False)  # noqa: SIM115
    with handle:
        handle.write(data)
    return Path(handle.name)


def _counts() -> tuple[int, int, int]:
    return Account.objects.count(), Interaction.objects.count(), Contact.objects.count()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(sorted(MUTATIONS)), row=st.integers(0, 2))
def test_a_mutated_interactions_file_writes_nothing_and_names_the_problem(name, row):
    data, word = MUTATIONS[name](row)
    before = _counts()
    path = _write(data)
    try:
        report = import_interactions(source=path)
    finally:
        path.unlink()
    assert not report.ok, name
    assert _counts() == before, f"{name}: a bad file wrote something"
    text = "\n".join(str(e) for e in report.errors)
    assert word.lower() in text.lower(), f"{name}: {text}"
    assert all(e.reason for e in report.errors)


@pytest.mark.parametrize("name", sorted(HARMLESS))
def test_harmless_spreadsheet_habits_import_whole(name):
    path = _write(HARMLESS[name]())
    try:
        report = import_interactions(source=path)
    finally:
        path.unlink()
    assert report.ok, [str(e) for e in report.errors]
    assert Interaction.objects.count() == report.created == len(GOOD_ROWS)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.lists(st.text(max_size=30), min_size=len(HEADER), max_size=len(HEADER)),
        min_size=1,
        max_size=4,
    )
)
def test_random_cells_are_either_imported_whole_or_refused_whole(cells):
    before = _counts()
    path = _write(_csv(cells).encode("utf-8", errors="surrogatepass"))
    try:
        report = import_interactions(source=path)
    finally:
        path.unlink()
    if report.ok:
        assert _counts()[1] - before[1] == report.created
    else:
        assert _counts() == before
        assert all(str(e) for e in report.errors)


ACCOUNT_HEADER = ["account_id", "name", "annual_value", "started_at", "churned_at", "status",
                  "contract_start", "contract_end", "notice_days"]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    column=st.sampled_from(ACCOUNT_HEADER),
    value=st.one_of(
        st.sampled_from(["-5", "1e999", "NaN", "abc", "2026-13-40", "=1+1", "x" * 300, "\x00"]),
        st.text(max_size=20),
    ),
)
def test_a_mutated_accounts_file_is_imported_whole_or_not_at_all(column, value):
    good = ["ACC-1", "Acme", "1000", "2024-01-01", "", "active", "2024-01-01", "2025-01-01", "30"]
    good[ACCOUNT_HEADER.index(column)] = value
    before = _counts()
    path = _write(_csv([good], ACCOUNT_HEADER).encode("utf-8", errors="surrogatepass"))
    try:
        report = import_accounts(source=path)
    finally:
        path.unlink()
    if report.ok:
        assert Account.objects.filter(external_id=good[0].strip()).exists()
    else:
        assert _counts() == before
        assert any(column in str(e) or e.row == 0 for e in report.errors), report.errors


def test_the_import_command_exits_non_zero_naming_row_and_column(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_bytes(_cell(_rows(), 1, "nps", "ten"))
    with pytest.raises((CommandError, SystemExit)) as excinfo:
        call_command("import_interactions", str(path))
    assert not Interaction.objects.exists()
    assert excinfo.value is not None
