"""Per-account features for many accounts at once.

``build_features(account_ids, as_of=...)`` loads one chunk with one narrow query per
table (``frames``) and computes every aggregate with vectorised numpy (``aggregates``).
Detectors read one account at a time through :class:`AccountFeatures`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from accounts.vocabulary import Kind

from . import frames
from .aggregates import Aggregator, compute

#: 90 days: "recently"; 180: "lately", the half-year a pattern needs to establish
#: itself; 365: the long view (a full year of seasons, renewals and surveys).
DEFAULT_WINDOWS = (90, 180, 365)


@dataclass
class Features:
    """Features of a chunk of accounts.

    ``account_ids``: the chunk's accounts, sorted. ``columns``: feature name → one value
    per account (numeric arrays, plus the accounts' ``segment``/``status`` as lists).
    ``evidence``: feature name → account id → the ids of the most recent interactions
    behind that feature. ``rows``: the loaded interactions (payments feed lifetime
    value); ``moments``: each account's ``as_of`` in microseconds.
    """

    account_ids: np.ndarray
    columns: dict[str, np.ndarray | list]
    evidence: dict[str, dict[int, list[int]]]
    rows: frames.Rows
    moments: np.ndarray
    windows: tuple[int, ...]
    _row_cache: dict[int, dict[str, object]] | None = field(default=None, repr=False)

    def account(self, account_id: int) -> AccountFeatures:
        return AccountFeatures(
            account_id=account_id,
            values=self._rows()[account_id],
            evidence=_AccountEvidence(self.evidence, account_id),
            windows=self.windows,
        )

    def accounts(self) -> list[AccountFeatures]:
        return [self.account(a) for a in self.account_ids.tolist()]

    def table(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """These feature columns (default: all) as a frame indexed by account id."""
        chosen = self.columns if names is None else {n: self.columns[n] for n in names}
        return pd.DataFrame(chosen, index=pd.Index(self.account_ids, name="account_id"))

    @property
    def frame(self) -> pd.DataFrame:
        return self.table()

    def payments(self) -> pd.DataFrame:
        """Payments with an amount: ``account_id``, ``occurred_at`` (UTC), ``amount``."""
        rows = self.rows
        paid = np.flatnonzero(rows.of_kind(Kind.PAYMENT) & ~np.isnan(rows.amount))
        return pd.DataFrame(
            {
                "account_id": rows.account[paid],
                "occurred_at": pd.to_datetime(rows.at[paid], unit="us", utc=True),
                "amount": rows.amount[paid],
            }
        )

    @property
    def observation_end(self) -> pd.Timestamp:
        """The latest ``as_of`` of the chunk."""
        return pd.Timestamp(int(self.moments.max()), unit="us", tz="UTC")

    def _rows(self) -> dict[int, dict[str, object]]:
        # One conversion per chunk into plain Python values (a dict per account): the
        # detectors read ~100 values per account, one by one.
        if self._row_cache is None:
            names = list(self.columns)
            values = [c.tolist() if isinstance(c, np.ndarray) else c for c in self.columns.values()]
            self._row_cache = {
                account: dict(zip(names, row, strict=True))
                for account, row in zip(
                    self.account_ids.tolist(), zip(*values, strict=True), strict=True
                )
            }
        return self._row_cache


class _AccountEvidence(Mapping[str, list[int]]):
    """One account's view of the chunk's evidence (feature name → ids), read on demand:
    a detector cites a handful of the ~300 features, so copying them all per account
    cost more than the lookups."""

    def __init__(self, evidence: Mapping[str, Mapping[int, list[int]]], account_id: int) -> None:
        self._evidence = evidence
        self._account_id = account_id

    def __getitem__(self, name: str) -> list[int]:
        return self._evidence[name].get(self._account_id, [])

    def __iter__(self) -> Iterator[str]:
        return iter(self._evidence)

    def __len__(self) -> int:
        return len(self._evidence)


@dataclass
class AccountFeatures:
    """One account's features, as detectors read them.

    ``f["complaints"]`` is a number (0 for an absent count, NaN for an undefined rate);
    ``f.ids("complaints")`` the interactions behind it; ``f.recent("complaints")`` the
    same count over the shortest window.
    """

    account_id: int
    values: dict[str, object]
    evidence: Mapping[str, list[int]]
    windows: tuple[int, ...] = DEFAULT_WINDOWS

    def __getitem__(self, name: str) -> float:
        value = self.values.get(name, 0.0)
        return float(value) if isinstance(value, int | float | np.number) else math.nan

    def get(self, name: str, default: float = 0.0) -> float:
        value = self[name]
        return default if math.isnan(value) else value

    @property
    def recent_days(self) -> int:
        return min(self.windows)

    @property
    def long_days(self) -> int:
        return max(self.windows)

    def recent(self, name: str) -> float:
        return self.get(f"{name}_{self.recent_days}d")

    def within(self, name: str, days: int) -> float:
        """``name`` counted over ``days`` (the long window when not computed)."""
        key = f"{name}_{days}d"
        return self.get(key if days < self.long_days and key in self.values else name)

    def within_ids(self, name: str, days: int) -> list[int]:
        key = f"{name}_{days}d"
        return self.ids(key if days < self.long_days and key in self.evidence else name)

    def ids(self, name: str) -> list[int]:
        return list(self.evidence.get(name, []))

    def recent_ids(self, name: str) -> list[int]:
        return self.ids(f"{name}_{self.recent_days}d")


def build_features(
    account_ids: Sequence[int],
    *,
    as_of: datetime | Mapping[int, datetime],
    windows: tuple[int, ...] = DEFAULT_WINDOWS,
    accounts: Mapping[int, frames.AccountRow] | None = None,
) -> Features:
    """Features of ``account_ids`` at ``as_of`` (one moment, or one per account).

    Runs a fixed number of queries whatever the number of accounts: accounts (unless
    the caller has read them: ``accounts``), contracts, contact counts and interactions
    (the longest window plus all payments).
    """
    ids = np.array(sorted({int(a) for a in account_ids}), dtype=np.int64)
    moments = frames.as_of_microseconds(ids.tolist(), as_of)
    rows = frames.load_interactions(ids, moments, max(windows))
    agg = Aggregator(rows, ids, windows)
    compute(agg)
    columns: dict[str, np.ndarray | list] = dict(agg.columns)
    if accounts is None:
        accounts = frames.load_accounts(ids.tolist())
    _account_columns(columns, accounts, ids.tolist(), moments.tolist())
    return Features(ids, columns, agg.evidence, rows, moments, tuple(sorted(windows)))


def _account_columns(
    columns: dict, accounts: Mapping[int, frames.AccountRow], ids: list[int], moments: list[int]
) -> None:
    """Account and contract terms; for a churned account, tenure stops at churn."""
    contracts = frames.load_contracts(ids)
    contacts = frames.load_contact_counts(ids)
    us = frames.microseconds
    named: dict[str, list] = {
        name: []
        for name in (
            "segment",
            "status",
            "annual_value",
            "tenure_days",
            "known_contacts",
            "has_contract",
            "termination_fee",
            "auto_renew",
            "renewals",
            "notice_days",
            "contract_days",
            "fee_ratio",
        )
    }
    for account_id, moment in zip(ids, moments, strict=True):
        segment, status, started, churned, value = accounts.get(
            account_id, ("", None, None, None, None)
        )
        value = float(value or 0)
        ended = moment if churned is None else min(us(churned), moment)
        start, end, auto_renew, renewals, fee, notice = contracts.get(
            account_id, (None, None, False, 0, 0, 0)
        )
        fee = float(fee or 0)
        named["segment"].append(segment or "")
        named["status"].append(status)
        named["annual_value"].append(value)
        named["tenure_days"].append(
            math.nan if started is None else float((ended - us(started)) // frames.US_PER_DAY)
        )
        named["known_contacts"].append(float(contacts.get(account_id, 0)))
        named["has_contract"].append(0.0 if start is None else 1.0)
        named["termination_fee"].append(fee)
        named["auto_renew"].append(float(bool(auto_renew)))
        named["renewals"].append(float(renewals or 0))
        named["notice_days"].append(float(notice or 0))
        named["contract_days"].append(
            math.nan if start is None or end is None else float((end - start).days)
        )
        named["fee_ratio"].append(fee / value if value > 0 else math.nan)
    for name, values in named.items():
        columns[name] = values if name in ("segment", "status") else np.array(values, dtype=float)
