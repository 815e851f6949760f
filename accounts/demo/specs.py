"""The demo portfolio as plain data: what ``generator`` produces and ``writer`` stores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class ContactSpec:
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class ContractSpec:
    start: dt.date
    end: dt.date
    auto_renew: bool
    renewals_so_far: int
    early_termination_fee: Decimal
    notice_days: int


@dataclass
class InteractionSpec:
    ref: int  # position in the account's list; responds_to points at another ref
    occurred_at: dt.datetime
    channel: str
    direction: str
    kind: str
    text: str
    contact: int | None = None  # index into the account's contacts
    nps: int | None = None
    csat: int | None = None
    amount: Decimal | None = None
    due_at: dt.datetime | None = None
    responds_to: int | None = None


@dataclass
class AccountSpec:
    index: int
    external_id: str
    name: str
    segment: str
    owner: str
    status: str
    started_at: dt.date
    churned_at: dt.date | None
    annual_value: Decimal
    profile: str
    vendor_sign: str | None
    behaviours: tuple[str, ...]
    contacts: list[ContactSpec] = field(default_factory=list)
    contract: ContractSpec | None = None
    interactions: list[InteractionSpec] = field(default_factory=list)


@dataclass
class Portfolio:
    seed: int
    today: dt.date
    accounts: list[AccountSpec]
