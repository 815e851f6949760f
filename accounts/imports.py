"""CSV imports of accounts and interactions (interfaces.md "Import rules").

A file is validated whole before anything is written: the first pass reads it row by
row and keeps only the file's accounts in memory; its interaction ids and replies go to
a scratch SQLite file (``import_index``), so memory does not grow with the file. A file
with any bad cell writes nothing. The second pass writes in batches inside one
transaction; a failure there rolls everything back.
Re-importing the same file finds every row's identity already present and writes
nothing new.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import transaction

from . import audit, cells
from .cells import CellError
from .import_index import FileIdIndex
from .models import Account, Contact, Contract, Interaction, text_hash
from .vocabulary import AccountStatus, Channel, Direction, Kind

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 1000
# csv's default field limit is 128 KiB; keep it, a longer cell is refused by name.
csv.field_size_limit(1 << 20)

ACCOUNT_COLUMNS = [
    "account_id",
    "name",
    "segment",
    "owner",
    "annual_value",
    "started_at",
    "status",
    "churned_at",
    "contract_start",
    "contract_end",
    "auto_renew",
    "renewals_so_far",
    "early_termination_fee",
    "notice_days",
]
ACCOUNT_REQUIRED = {"account_id", "name"}
INTERACTION_COLUMNS = [
    "account_id",
    "occurred_at",
    "channel",
    "direction",
    "kind",
    "contact",
    "text",
    "nps",
    "csat",
    "amount",
    "due_at",
    "interaction_id",
    "responds_to",
]
INTERACTION_REQUIRED = {"account_id", "occurred_at", "channel", "direction", "kind"}


@dataclass(frozen=True)
class ImportError_:
    row: int  # the file's line number as a spreadsheet shows it: the header is row 1
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        where = f"row {self.row}" if self.row else "file"
        col = f", column {self.column}" if self.column else ""
        return (
            f"{where}{col}: {shown!r} {self.reason}"
            if self.value
            else f"{where}{col}: {self.reason}"
        )


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    dry_run: bool = False
    touched_account_ids: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int, column: str, value: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(ImportError_(row, column, value, reason))

    def summary(self) -> str:
        if not self.ok:
            return f"{self.error_count} bad cell(s) in {self.rows} row(s); nothing was written."
        verb = "would create" if self.dry_run else "created"
        return (
            f"{self.rows} row(s) valid; {verb} {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}; new accounts {self.accounts_created}."
        )


class FileRejected(Exception):
    """The file as a whole cannot be read (encoding, header)."""


def _open(source: str | Path | IO[bytes] | IO[str]) -> IO[str]:
    """A text stream at the start of ``source``. Files are read twice (validate, then
    write), so a stream the caller passed is rewound, never closed."""
    if isinstance(source, str | Path):
        # utf-8-sig drops a byte-order mark that spreadsheet programs like to add.
        return open(source, encoding="utf-8-sig", newline="")
    if source.seekable():
        source.seek(0)
    if isinstance(source, io.TextIOBase):
        return source
    return io.TextIOWrapper(source, encoding="utf-8-sig", newline="")


def _release(source, handle: IO[str]) -> None:
    if isinstance(source, str | Path):
        handle.close()
    elif handle is not source:
        # Detach our text wrapper: letting it be garbage-collected would close the
        # caller's binary stream under the second pass.
        handle.detach()


def _rows(
    source, columns: list[str], required: set[str], report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, cells) for each data row; header problems reject the file."""
    handle = _open(source)
    try:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise FileRejected("the file is empty (no header row)") from None
        header = [h.strip() for h in header]
        unknown = [h for h in header if h not in columns]
        missing = sorted(required - set(header))
        duplicated = sorted({h for h in header if header.count(h) > 1})
        problems = []
        if missing:
            problems.append(f"missing required column(s): {', '.join(missing)}")
        if unknown:
            problems.append(
                f"unknown column(s): {', '.join(unknown)} (expected: {', '.join(columns)})"
            )
        if duplicated:
            problems.append(f"repeated column(s): {', '.join(duplicated)}")
        if problems:
            raise FileRejected("; ".join(problems))
        width = len(header)
        for cells_ in reader:
            row = reader.line_num
            if not any(c.strip() for c in cells_):
                continue  # blank lines are not rows
            report.rows += 1
            if len(cells_) != width:
                report.add_error(
                    row, "", "", f"has {len(cells_)} cells; the header has {width} columns"
                )
                continue
            yield row, dict(zip(header, cells_, strict=True))
    except UnicodeDecodeError as exc:
        raise FileRejected(f"the file is not valid UTF-8 (byte {exc.start} of a line)") from None
    except csv.Error as exc:
        raise FileRejected(f"the file is not valid CSV: {exc}") from None
    finally:
        _release(source, handle)


def _cell(
    report: ImportReport, row: int, data: dict[str, str], column: str, parse: Callable[[str], Any]
) -> Any:
    """Parse one optional cell; empty means None. Records an error and returns None."""
    raw = data.get(column, "")
    if raw is None or not raw.strip():
        return None
    try:
        return parse(raw)
    except CellError as exc:
        report.add_error(row, column, raw, str(exc))
        return None


def _required(report, row, data, column, parse) -> Any:
    raw = data.get(column, "")
    if not raw.strip():
        report.add_error(row, column, raw, "is required")
        return None
    return _cell(report, row, data, column, parse)


def _batches(iterable: Iterator, size: int) -> Iterator[list]:
    batch: list = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------- accounts


def _parse_account_row(report: ImportReport, row: int, data: dict[str, str]) -> dict | None:
    before = report.error_count
    parsed = {
        "external_id": _required(report, row, data, "account_id", cells.identifier),
        "name": _required(report, row, data, "name", lambda v: cells.short_text(v, max_chars=200)),
        "segment": _cell(report, row, data, "segment", lambda v: cells.short_text(v, max_chars=60)),
        "owner": _cell(report, row, data, "owner", cells.username),
        "annual_value": _cell(report, row, data, "annual_value", cells.amount),
        "started_at": _cell(report, row, data, "started_at", cells.date),
        "status": _cell(
            report, row, data, "status", lambda v: cells.choice(v, AccountStatus.values)
        ),
        "churned_at": _cell(report, row, data, "churned_at", cells.date),
        "contract_start": _cell(report, row, data, "contract_start", cells.date),
        "contract_end": _cell(report, row, data, "contract_end", cells.date),
        "auto_renew": _cell(report, row, data, "auto_renew", cells.boolean),
        "renewals_so_far": _cell(
            report, row, data, "renewals_so_far", lambda v: cells.integer(v, low=0, high=1000)
        ),
        "early_termination_fee": _cell(report, row, data, "early_termination_fee", cells.amount),
        "notice_days": _cell(
            report, row, data, "notice_days", lambda v: cells.integer(v, low=0, high=3650)
        ),
    }
    if report.error_count > before:
        return None
    if (
        parsed["churned_at"]
        and parsed["started_at"]
        and parsed["churned_at"] < parsed["started_at"]
    ):
        report.add_error(row, "churned_at", data["churned_at"], "is before started_at")
    if parsed["status"] == AccountStatus.CHURNED and not parsed["churned_at"]:
        report.add_error(row, "churned_at", "", "is required when status is churned")
    contract_terms = (
        "contract_end",
        "auto_renew",
        "renewals_so_far",
        "early_termination_fee",
        "notice_days",
    )
    if not parsed["contract_start"] and any(parsed[k] is not None for k in contract_terms):
        report.add_error(row, "contract_start", "", "is required when contract terms are given")
    if (
        parsed["contract_start"]
        and parsed["contract_end"]
        and parsed["contract_end"] < parsed["contract_start"]
    ):
        report.add_error(row, "contract_end", data["contract_end"], "is before contract_start")
    return parsed if report.error_count == before else None


def import_accounts(*, source, dry_run: bool = False) -> ImportReport:
    """Accounts and their contracts from CSV. Upserts by ``account_id``; a contract is
    identified by (account, contract_start). Empty cells leave existing values alone."""
    report = ImportReport(dry_run=dry_run)
    seen: dict[str, int] = {}
    try:
        for row, data in _rows(source, ACCOUNT_COLUMNS, ACCOUNT_REQUIRED, report):
            parsed = _parse_account_row(report, row, data)
            if parsed is None:
                continue
            if parsed["external_id"] in seen:
                report.add_error(
                    row,
                    "account_id",
                    parsed["external_id"],
                    f"repeats row {seen[parsed['external_id']]}",
                )
                continue
            seen[parsed["external_id"]] = row
    except FileRejected as exc:
        report.add_error(0, "", "", str(exc))
    if not report.ok or dry_run:
        if dry_run and report.ok:
            existing = set(
                Account.objects.filter(external_id__in=list(seen)).values_list(
                    "external_id", flat=True
                )
            )
            report.accounts_created = report.created = len(set(seen) - existing)
        return report
    _write_accounts(source, report)
    return report


@transaction.atomic
def _write_accounts(source, report: ImportReport) -> None:
    users = {u.username: u for u in get_user_model().objects.all().only("id", "username")}
    scratch = ImportReport()
    for batch in _batches(_rows(source, ACCOUNT_COLUMNS, ACCOUNT_REQUIRED, scratch), BATCH_SIZE):
        parsed_rows = [_parse_account_row(scratch, row, data) for row, data in batch]
        existing = Account.objects.in_bulk(
            [p["external_id"] for p in parsed_rows], field_name="external_id"
        )
        for parsed in parsed_rows:
            account = existing.get(parsed["external_id"])
            fields = {
                k: parsed[k]
                for k in ("name", "segment", "annual_value", "started_at", "status", "churned_at")
                if parsed[k] is not None
            }
            if parsed["owner"]:
                fields["owner"] = users[parsed["owner"]]
            touched = True
            if account is None:
                account = Account.objects.create(external_id=parsed["external_id"], **fields)
                report.created += 1
                report.accounts_created += 1
            else:
                changed = [k for k, v in fields.items() if getattr(account, k) != v]
                if "owner" in changed:
                    audit.record(
                        by=None,
                        action="account.owner_changed",
                        target=account,
                        changes={"owner": [_username(account.owner), fields["owner"].username]},
                        note="import_accounts",
                    )
                if changed:
                    for k in changed:
                        setattr(account, k, fields[k])
                    account.save(update_fields=[*changed, "updated_at"])
                    report.updated += 1
                else:
                    report.unchanged += 1
                    touched = False
            if parsed["contract_start"]:
                terms = {
                    k_model: parsed[k_csv]
                    for k_csv, k_model in (
                        ("contract_end", "end"),
                        ("auto_renew", "auto_renew"),
                        ("renewals_so_far", "renewals_so_far"),
                        ("early_termination_fee", "early_termination_fee"),
                        ("notice_days", "notice_days"),
                    )
                    if parsed[k_csv] is not None
                }
                touched |= _upsert_contract(account, parsed["contract_start"], terms)
            if touched:
                # Only real changes rescore: a re-import of the same file is a no-op.
                report.touched_account_ids.add(account.pk)
    from .services import accounts_changed

    accounts_changed(account_ids=report.touched_account_ids)


def _username(user) -> str | None:
    return user.get_username() if user else None


def _upsert_contract(account: Account, start, terms: dict) -> bool:
    """Create or update the contract starting on ``start``; True if anything changed."""
    contract = Contract.objects.filter(account=account, start=start).first()
    if contract is None:
        Contract.objects.create(account=account, start=start, **terms)
        return True
    changed = [k for k, v in terms.items() if getattr(contract, k) != v]
    if changed:
        for k in changed:
            setattr(contract, k, terms[k])
        contract.save(update_fields=changed)
    return bool(changed)


# ----------------------------------------------------------------------- interactions


def _parse_interaction_row(report: ImportReport, row: int, data: dict[str, str]) -> dict | None:
    before = report.error_count
    parsed = {
        "account_id": _required(report, row, data, "account_id", cells.identifier),
        "occurred_at": _required(report, row, data, "occurred_at", cells.timestamp),
        "channel": _required(
            report, row, data, "channel", lambda v: cells.choice(v, Channel.values)
        ),
        "direction": _required(
            report, row, data, "direction", lambda v: cells.choice(v, Direction.values)
        ),
        "kind": _required(report, row, data, "kind", lambda v: cells.choice(v, Kind.values)),
        "contact": _cell(
            report, row, data, "contact", lambda v: cells.short_text(v, max_chars=200)
        ),
        # Our CSV exports prefix formula-like text with an apostrophe; take it back off.
        "text": cells.unneutralise(_cell(report, row, data, "text", cells.text) or ""),
        "nps": _cell(report, row, data, "nps", lambda v: cells.integer(v, low=0, high=10)),
        "csat": _cell(report, row, data, "csat", lambda v: cells.integer(v, low=1, high=5)),
        "amount": _cell(report, row, data, "amount", cells.amount),
        "due_at": _cell(report, row, data, "due_at", cells.timestamp),
        "interaction_id": _cell(report, row, data, "interaction_id", cells.identifier) or "",
        "responds_to": _cell(report, row, data, "responds_to", cells.identifier) or "",
    }
    return parsed if report.error_count == before else None


def import_interactions(*, source, dry_run: bool = False) -> ImportReport:
    """Interactions from CSV. Identity: ``interaction_id`` when given, else (account,
    occurred_at, direction, kind, text hash); rows already present are skipped."""
    report = ImportReport(dry_run=dry_run)
    account_ids: set[str] = set()
    with FileIdIndex() as file_ids:
        try:
            for row, data in _rows(source, INTERACTION_COLUMNS, INTERACTION_REQUIRED, report):
                # Duplicates are checked on the raw id, so a row with another bad cell
                # still claims its id and a later repeat is reported too.
                raw_id = (data.get("interaction_id") or "").strip()
                first = file_ids.claim(raw_id, row) if raw_id else None
                if first is not None:
                    report.add_error(row, "interaction_id", raw_id, f"repeats row {first}")
                parsed = _parse_interaction_row(report, row, data)
                if parsed is None:
                    continue
                account_ids.add(parsed["account_id"])
                if parsed["responds_to"]:
                    file_ids.refer(parsed["responds_to"], row)
        except FileRejected as exc:
            report.add_error(0, "", "", str(exc))
        for chunk in _batches(file_ids.unresolved(), 5000):
            known = set(
                Interaction.objects.filter(external_id__in=chunk).values_list(
                    "external_id", flat=True
                )
            )
            for missing in chunk:
                if missing in known:
                    continue
                for row in file_ids.rows_referring_to(missing):
                    report.add_error(
                        row,
                        "responds_to",
                        missing,
                        "names no interaction_id in this file or the database",
                    )
    if not report.ok:
        return report
    if dry_run:
        existing = set(
            Account.objects.filter(external_id__in=list(account_ids)).values_list(
                "external_id", flat=True
            )
        )
        report.accounts_created = len(account_ids - existing)
        return report
    _write_interactions(source, report)
    return report


@transaction.atomic
def _write_interactions(source, report: ImportReport) -> None:
    from signals.text import TEXT_ANALYSIS_VERSION, analyse_many

    accounts: dict[str, int] = {}
    contacts: dict[tuple[int, str], int] = {}
    pending_links: list[tuple[int, str]] = []  # (child pk, parent interaction_id)
    scratch = ImportReport()
    rows = _rows(source, INTERACTION_COLUMNS, INTERACTION_REQUIRED, scratch)
    for batch in _batches(rows, BATCH_SIZE):
        parsed_rows = [_parse_interaction_row(scratch, row, data) for row, data in batch]
        _ensure_accounts(parsed_rows, accounts, report)
        _ensure_contacts(parsed_rows, accounts, contacts)
        fresh = _without_existing(parsed_rows, accounts, report)
        if not fresh:
            continue
        analyses = analyse_many([(p["text"], p["direction"]) for p in fresh])
        objects = []
        for p, analysis in zip(fresh, analyses, strict=True):
            account_pk = accounts[p["account_id"]]
            objects.append(
                Interaction(
                    account_id=account_pk,
                    contact_id=contacts.get((account_pk, p["contact"])) if p["contact"] else None,
                    occurred_at=p["occurred_at"],
                    channel=p["channel"],
                    direction=p["direction"],
                    kind=p["kind"],
                    text=p["text"],
                    text_hash=text_hash(p["text"]),
                    nps=p["nps"],
                    csat=p["csat"],
                    amount=p["amount"],
                    due_at=p["due_at"],
                    external_id=p["interaction_id"],
                    tone=analysis.tone,
                    cue_flags=analysis.cue_flags,
                    analysis_version=TEXT_ANALYSIS_VERSION,
                )
            )
        Interaction.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        report.created += len(objects)
        for p, obj in zip(fresh, objects, strict=True):
            report.touched_account_ids.add(obj.account_id)
            if p["responds_to"]:
                pending_links.append((obj.pk, p["responds_to"]))
    _link_responses(pending_links)
    from .services import accounts_changed

    accounts_changed(account_ids=report.touched_account_ids)


def _ensure_accounts(
    parsed_rows: list[dict], accounts: dict[str, int], report: ImportReport
) -> None:
    wanted = {p["account_id"] for p in parsed_rows} - set(accounts)
    if not wanted:
        return
    found = dict(Account.objects.filter(external_id__in=wanted).values_list("external_id", "id"))
    missing = wanted - set(found)
    if missing:
        # An unknown account_id creates the account, named after its id.
        Account.objects.bulk_create(
            [Account(external_id=ext, name=ext) for ext in sorted(missing)], batch_size=BATCH_SIZE
        )
        found.update(
            Account.objects.filter(external_id__in=missing).values_list("external_id", "id")
        )
        report.accounts_created += len(missing)
    accounts.update(found)


def _ensure_contacts(
    parsed_rows: list[dict], accounts: dict[str, int], contacts: dict[tuple[int, str], int]
) -> None:
    wanted = {(accounts[p["account_id"]], p["contact"]) for p in parsed_rows if p["contact"]}
    wanted -= set(contacts)
    if not wanted:
        return
    _load_contacts(wanted, contacts)
    missing = wanted - set(contacts)
    if missing:
        Contact.objects.bulk_create(
            [
                Contact(account_id=a, name=n, email=n if "@" in n and len(n) <= 254 else "")
                for a, n in sorted(missing)
            ]
        )
        _load_contacts(missing, contacts)


def _load_contacts(wanted: set[tuple[int, str]], contacts: dict[tuple[int, str], int]) -> None:
    # A superset query (accounts × names) keeps the SQL flat; exact pairs are kept here.
    rows = Contact.objects.filter(
        account_id__in={a for a, _ in wanted}, name__in={n for _, n in wanted}
    ).values_list("id", "account_id", "name")
    contacts.update({(a, n): pk for pk, a, n in rows if (a, n) in wanted})


def _without_existing(
    parsed_rows: list[dict], accounts: dict[str, int], report: ImportReport
) -> list[dict]:
    """Drop rows whose identity is already stored (re-imports) or repeated in the batch."""
    with_id = [p["interaction_id"] for p in parsed_rows if p["interaction_id"]]
    existing_ids = set(
        Interaction.objects.filter(external_id__in=with_id).values_list("external_id", flat=True)
    )
    without_id = [p for p in parsed_rows if not p["interaction_id"]]
    existing_keys: set[tuple] = set()
    if without_id:
        # A superset query (accounts × hashes × times); exact identities compared here.
        existing_keys = set(
            Interaction.objects.filter(
                account_id__in={accounts[p["account_id"]] for p in without_id},
                occurred_at__in={p["occurred_at"] for p in without_id},
                external_id="",
            ).values_list("account_id", "occurred_at", "direction", "kind", "text_hash")
        )
    fresh, batch_keys = [], set()
    for p in parsed_rows:
        if p["interaction_id"]:
            if p["interaction_id"] in existing_ids:
                report.unchanged += 1
                continue
        else:
            key = (
                accounts[p["account_id"]],
                p["occurred_at"],
                p["direction"],
                p["kind"],
                text_hash(p["text"]),
            )
            if key in existing_keys or key in batch_keys:
                report.unchanged += 1
                continue
            batch_keys.add(key)
        fresh.append(p)
    return fresh


def _link_responses(pending: list[tuple[int, str]]) -> None:
    """Resolve ``responds_to`` once every row of the file exists (a reply may come
    before the row it answers in the file)."""
    for chunk in _batches(iter(pending), 5000):
        parents = dict(
            Interaction.objects.filter(external_id__in={p for _, p in chunk}).values_list(
                "external_id", "id"
            )
        )
        children = Interaction.objects.in_bulk([c for c, _ in chunk])
        for child_pk, parent_ext in chunk:
            children[child_pk].responds_to_id = parents[parent_ext]
        Interaction.objects.bulk_update(
            list(children.values()), ["responds_to"], batch_size=BATCH_SIZE
        )
