"""Per-account features for many accounts at once.

``build_features(account_ids, as_of=...)`` loads one chunk with one narrow query per
table (``frames``) and computes every aggregate with vectorised pandas
(``aggregates``). Detectors read one account at a time through :class:`AccountFeatures`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from . import frames
from .aggregates import Aggregator, compute

#: 90 days: "recently"; 180: "lately", the half-year a pattern needs to establish
#: itself; 365: the long view (a full year of seasons, renewals and surveys).
DEFAULT_WINDOWS = (90, 180, 365)


@dataclass
class Features:
    """Features of a chunk of accounts.

    ``frame``: one row per account (index ``account_id``), numeric feature columns plus
    the account's ``segment``/``status``. ``evidence``: feature name → account id → the
    ids of the most recent interactions behind that feature. ``interactions``: the
    loaded interaction frame (payments feed lifetime value).
    """

    frame: pd.DataFrame
    evidence: dict[str, dict[int, list[int]]]
    interactions: pd.DataFrame
    as_of: pd.Series
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
        return [self.account(int(a)) for a in self.frame.index]

    def _rows(self) -> dict[int, dict[str, object]]:
        # One conversion per chunk (``frame.loc[account]`` per account costs more than
        # every detector together), through one object array: ``to_dict("index")``
        # boxes value by value, column by column, ~2 ms even for a one-account chunk.
        if self._row_cache is None:
            columns = self.frame.columns.tolist()
            self._row_cache = {
                account: dict(zip(columns, row, strict=True))
                for account, row in zip(
                    self.frame.index.tolist(),
                    self.frame.to_numpy(dtype=object).tolist(),
                    strict=True,
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
) -> Features:
    """Features of ``account_ids`` at ``as_of`` (one moment, or one per account).

    Runs a fixed number of queries whatever the number of accounts: accounts,
    contracts, contact counts and interactions (the longest window plus all payments).
    """
    ids = sorted({int(a) for a in account_ids})
    moments = frames.as_of_series(ids, as_of)
    accounts = frames.load_accounts(ids).reindex(ids)
    contracts = frames.load_contracts(ids)
    contact_counts = frames.load_contact_counts(ids)
    interactions = frames.load_interactions(ids, moments, max(windows))

    index = pd.Index(ids, name="account_id")
    agg = Aggregator(interactions, index, windows)
    compute(agg)
    frame = agg.frame()
    _account_columns(frame, accounts, contracts, contact_counts, moments)
    return Features(frame, agg.evidence, interactions, moments, tuple(sorted(windows)))


def _account_columns(
    frame: pd.DataFrame,
    accounts: pd.DataFrame,
    contracts: pd.DataFrame,
    contact_counts: pd.Series,
    moments: pd.Series,
) -> None:
    """Account and contract terms; for a churned account, tenure stops at churn."""
    frame["segment"] = accounts["segment"].fillna("")
    frame["status"] = accounts["status"]
    frame["annual_value"] = accounts["annual_value"].fillna(0.0)
    ended = accounts["churned_at"].where(accounts["churned_at"].notna(), moments)
    ended = ended.where(ended <= moments, moments)
    frame["tenure_days"] = (ended - accounts["started_at"]).dt.days.astype(float)
    frame["known_contacts"] = contact_counts.reindex(frame.index).fillna(0.0)
    contract = contracts.reindex(frame.index)
    frame["has_contract"] = contract["start"].notna().astype(float)
    frame["termination_fee"] = contract["early_termination_fee"].fillna(0.0)
    frame["auto_renew"] = contract["auto_renew"].fillna(False).astype(float)
    frame["renewals"] = contract["renewals_so_far"].fillna(0).astype(float)
    frame["notice_days"] = contract["notice_days"].fillna(0).astype(float)
    frame["contract_days"] = (contract["end"] - contract["start"]).dt.days.astype(float)
    value = frame["annual_value"].where(frame["annual_value"] > 0)
    frame["fee_ratio"] = (frame["termination_fee"] / value).astype(float)
