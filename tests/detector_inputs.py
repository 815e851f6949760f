"""Hand-built detector inputs: one account's features as a plain dict.

Every count named gets evidence ids automatically (one id per counted interaction,
capped like the real builder), so a test states only the numbers that matter.
"""

from __future__ import annotations

from signals.features import AccountFeatures

NOT_COUNTS = {
    "silence_days",
    "reply_median_hours",
    "top_contact_share",
    "inbound_share",
    "complaint_share",
    "tone_mean",
    "tone_min",
    "nps",
    "csat",
    "fee_ratio",
    "annual_value",
    "termination_fee",
    "auto_renew",
    "renewals",
    "known_contacts",
    "tenure_days",
    "contract_days",
    "notice_days",
}


def features(**values: float) -> AccountFeatures:
    evidence = {}
    for name, value in values.items():
        if name not in NOT_COUNTS and value and value > 0:
            evidence[name] = list(range(1000, 1000 + min(int(value), 10)))
    evidence.setdefault("slow_replies", [900, 901])
    evidence.setdefault("top_contact", [800, 801])
    return AccountFeatures(account_id=1, values=dict(values), evidence=evidence)


def score(detector, **values: float) -> float:
    return detector(features(**values)).score
