"""Closing a case resolves the account's open alerts, with the case as the reason.

The alerts room owns alert transitions; this only says what to write.
"""

from __future__ import annotations

from accounts.models import Account
from signals.alerts import resolve_alerts_for_account
from signals.models import RootCause


def resolve_open_alerts(*, account: Account, by, case_id: int) -> int:
    """Resolve every unresolved alert of ``account``; returns how many were resolved."""
    return resolve_alerts_for_account(
        account=account,
        by=by,
        root_cause=RootCause.OTHER,
        action_taken=f"Customer offboarded (offboarding case {case_id}).",
        note=f"Resolved by closing offboarding case {case_id}.",
    )
