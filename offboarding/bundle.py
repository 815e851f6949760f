"""The customer's own data, handed over as a zip: account, contacts, contracts and
interactions, each as CSV and JSON. Only that account's rows, never anyone else's.

The CSVs use the import columns (``accounts.imports``), so ``import_accounts`` and
``import_interactions`` read them back. Cells that a spreadsheet would run as a formula
get a leading apostrophe (``accounts.api.exports.cell``); the JSON files carry every value exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.utils import timezone

from accounts.api.exports import cell
from accounts.imports import ACCOUNT_COLUMNS, INTERACTION_COLUMNS
from accounts.models import Account, Contact, Contract, Interaction

CONTACT_COLUMNS = ["account_id", "name", "email", "role"]
CONTRACT_COLUMNS = [
    "account_id",
    "start",
    "end",
    "auto_renew",
    "renewals_so_far",
    "early_termination_fee",
    "notice_days",
]


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def _json(data: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)  # Decimal: exact, as text

    return json.dumps(data, indent=2, ensure_ascii=False, default=default)


def account_rows(account: Account) -> list[dict[str, Any]]:
    contract = account.current_contract
    row = {
        "account_id": account.external_id,
        "name": account.name,
        "segment": account.segment,
        "annual_value": account.annual_value,
        "started_at": account.started_at,
        "churned_at": account.churned_at,
    }
    if contract is not None:
        row |= {
            "contract_start": contract.start,
            "contract_end": contract.end,
            "auto_renew": contract.auto_renew,
            "renewals_so_far": contract.renewals_so_far,
            "early_termination_fee": contract.early_termination_fee,
            "notice_days": contract.notice_days,
        }
    return [row]


def contact_rows(account: Account) -> list[dict[str, Any]]:
    return [
        {"account_id": account.external_id, "name": c.name, "email": c.email, "role": c.role}
        for c in Contact.objects.filter(account=account).order_by("name")
    ]


def contract_rows(account: Account) -> list[dict[str, Any]]:
    return [
        {"account_id": account.external_id} | {c: getattr(k, c) for c in CONTRACT_COLUMNS[1:]}
        for k in Contract.objects.filter(account=account).order_by("start")
    ]


def interaction_rows(account: Account) -> list[dict[str, Any]]:
    """Rows in the import's columns. ``interaction_id`` is the stored one; a row that
    another row replies to but has none gets ``<account>#<n>`` so the link survives."""
    rows = list(
        Interaction.objects.filter(account=account)
        .select_related("contact")
        .order_by("occurred_at", "id")
    )
    own = {r.pk for r in rows}
    parents = {r.responds_to_id for r in rows if r.responds_to_id in own}
    ids = {
        r.pk: r.external_id or (f"{account.external_id}#{r.pk}" if r.pk in parents else "")
        for r in rows
    }
    return [
        {
            "account_id": account.external_id,
            "occurred_at": r.occurred_at,
            "channel": r.channel,
            "direction": r.direction,
            "kind": r.kind,
            "contact": r.contact.name if r.contact else "",
            "text": r.text,
            "nps": r.nps,
            "csat": r.csat,
            "amount": r.amount,
            "due_at": r.due_at,
            "interaction_id": ids[r.pk],
            "responds_to": ids.get(r.responds_to_id, "") if r.responds_to_id else "",
        }
        for r in rows
    ]


README = """Your data from crm-health: {name} ({external_id}), exported {when}.

account.csv / account.json            the account and its current contract terms
contacts.csv / contacts.json          the people on your side we had on record
contracts.csv / contracts.json        every contract with its terms
interactions.csv / interactions.json  every recorded interaction, oldest first

The CSV files are UTF-8 with a header row. Spreadsheet formulas are disabled: a cell
that would start with = + - or @ begins with an apostrophe. The JSON files hold every
value exactly as stored.
"""


def write_bundle(account: Account, target: IO[bytes]) -> None:
    """Write the zip for ``account`` into ``target``."""
    parts = {
        "account": (ACCOUNT_COLUMNS, account_rows(account)),
        "contacts": (CONTACT_COLUMNS, contact_rows(account)),
        "contracts": (CONTRACT_COLUMNS, contract_rows(account)),
        "interactions": (INTERACTION_COLUMNS, interaction_rows(account)),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                name=account.name, external_id=account.external_id, when=timezone.now().date()
            ),
        )
        for name, (columns, rows) in parts.items():
            archive.writestr(f"{name}.csv", _csv(columns, rows))
            archive.writestr(f"{name}.json", _json(rows))


def bundle_file(account: Account) -> IO[bytes]:
    """The zip as a file positioned at its start (spills to disk past 16 MiB)."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)  # noqa: SIM115 (returned open)
    write_bundle(account, spool)
    spool.seek(0)
    return spool


def bundle_filename(account: Account) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in account.external_id)
    return f"{safe}-data.zip"
