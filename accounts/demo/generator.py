"""The demo portfolio as plain data: no database, no clock, no global random state.

``generate_portfolio(accounts=N, seed=S, today=D)`` returns the same portfolio for the
same arguments. Each account is built from its own ``random.Random(f"{seed}:{index}")``
and its profile depends only on (seed, index), so account DEMO-0007 is the same in a
run of 60 accounts and in a run of 2,000.

An account's history is a baseline relationship (questions and prompt answers, check-ins,
kept commitments, surveys, invoices paid on time) that the profile then tunes and adds
to; ``overlays`` holds the per-behaviour recipes, ``behaviours`` the catalogue of what
is generated and recorded as ground truth.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from . import names
from .behaviours import HEALTHY, NEUTRAL, labels_for, profile_for
from .builder import CENT, AccountBuilder
from .specs import AccountSpec, ContactSpec, ContractSpec, Portfolio

OWNERS = ("alice", "bob", "carol")
SEGMENTS = ("enterprise", "mid_market", "smb")
_SEGMENT_WEIGHTS = (0.2, 0.35, 0.45)
_ANNUAL_VALUE = {
    "enterprise": (120_000, 600_000),
    "mid_market": (30_000, 120_000),
    "smb": (3_000, 30_000),
}
_CONTACTS = {"enterprise": (3, 5), "mid_market": (3, 4), "smb": (2, 3)}
_TERM_MONTHS = {"enterprise": 24, "mid_market": 12, "smb": 12}


def external_id(index: int) -> str:
    return f"DEMO-{index + 1:04d}"


def generate_portfolio(*, accounts: int, seed: int, today: dt.date) -> Portfolio:
    """The demo portfolio of ``accounts`` accounts whose history ends at ``today``."""
    if accounts < 0:
        raise ValueError("accounts must be ≥ 0")
    return Portfolio(
        seed=seed,
        today=today,
        accounts=[_build_account(i, seed, today) for i in range(accounts)],
    )


# --- names ---------------------------------------------------------------------------


def company_name(index: int, seed: int) -> str:
    """A company-like name, different for every index: the first 1,200 indices go
    through a seed-dependent bijection of the two word lists; beyond that a number is
    appended."""
    first, second, suffix = names.COMPANY_FIRST, names.COMPANY_SECOND, names.COMPANY_SUFFIX
    space = len(first) * len(second)
    rng = random.Random(f"{seed}:names")
    step = rng.randrange(1, space)
    while math.gcd(step, space) != 1:
        step += 1
    slot = (rng.randrange(space) + index * step) % space
    base = f"{first[slot % len(first)]} {second[slot // len(first)]}"
    tail = suffix[(index // space + slot) % len(suffix)]
    if index >= space:  # beyond the space the suffix keeps names apart
        tail = f"{tail} {index // space + 1}".strip()
    return f"{base} {tail}".strip()


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


# --- one account -----------------------------------------------------------------------

# Probability that an account of a profile has churned (before vendor-side signs).
_CHURN = {
    HEALTHY: 0.03,
    NEUTRAL: 0.15,
    "ghost": 0.45,
    "chronic_complainer": 0.4,
    "rule_breaker": 0.35,
}
_CHURN_DEFAULT = 0.2
_CHURN_VENDOR_BUMP = {"slow_response", "unanswered_inbound", "broken_commitments", "ignores_no"}


def _build_account(index: int, seed: int, today: dt.date) -> AccountSpec:
    from . import overlays  # the recipes need the builder defined above

    rng = random.Random(f"{seed}:{index}")
    primary, vendor = profile_for(index, seed)
    segment = rng.choices(SEGMENTS, weights=_SEGMENT_WEIGHTS)[0]
    lo, hi = _ANNUAL_VALUE[segment]
    annual = Decimal(round(math.exp(rng.uniform(math.log(lo), math.log(hi))), -2)).quantize(CENT)

    churn_p = _CHURN.get(primary, _CHURN_DEFAULT) + (0.12 if vendor in _CHURN_VENDOR_BUMP else 0)
    churned_at = today - dt.timedelta(days=rng.randint(10, 120)) if rng.random() < churn_p else None
    end = churned_at or today
    term_days = _TERM_MONTHS[segment] * 30
    # Every account has at least 200 days of history; a lock-in needs a completed term.
    min_age = 200 + (term_days if vendor == "renewal_lock_in" else 0)
    age = (
        rng.randint(min_age, max(min_age + 1, 5 * 365))
        if rng.random() < 0.7
        else rng.randint(min_age, min_age + 350)
    )
    started_at = end - dt.timedelta(days=age)

    name = company_name(index, seed)
    spec = AccountSpec(
        index=index,
        external_id=external_id(index),
        name=name,
        segment=segment,
        owner=rng.choices(OWNERS, weights=(0.4, 0.35, 0.25))[0],
        status="churned" if churned_at else "active",
        started_at=started_at,
        churned_at=churned_at,
        annual_value=annual,
        profile=primary,
        vendor_sign=vendor,
        behaviours=labels_for(primary, vendor),
    )
    spec.contacts = _contacts(rng, segment, name)
    spec.contract = _contract(rng, spec, today, term_days)
    builder = AccountBuilder(spec, rng, today)
    overlays.apply(builder, primary, vendor)
    spec.interactions = sorted(builder.items, key=lambda i: i.ref)
    return spec


def _contacts(rng: random.Random, segment: str, company: str) -> list[ContactSpec]:
    lo, hi = _CONTACTS[segment]
    roles = list(names.ROLES[segment])
    chosen_roles = [roles[0], *rng.sample(roles[1:], rng.randint(lo, hi) - 1)]
    domain = f"{_slug(company.split()[0] + company.split()[1])}.example"
    people: list[ContactSpec] = []
    used: set[str] = set()
    for role in chosen_roles:
        while True:
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
            if first not in used:
                break
        used.add(first)
        email = f"{_slug(first)}.{_slug(last)}@{domain}"
        people.append(ContactSpec(name=f"{first} {last}", email=email, role=role))
    return people


def _contract(
    rng: random.Random, spec: AccountSpec, today: dt.date, term_days: int
) -> ContractSpec:
    end_of_history = spec.churned_at or today
    renewals = max(0, (end_of_history - spec.started_at).days // term_days)
    annual = spec.annual_value
    auto_renew = rng.random() < 0.5
    fee = annual * Decimal(rng.uniform(0.02, 0.10)) if rng.random() < 0.6 else Decimal(0)
    notice = rng.choice((30, 60, 90))
    if spec.vendor_sign == "exit_penalties":
        auto_renew, renewals = False, renewals if rng.random() < 0.5 else 0
        fee, notice = annual * Decimal(rng.uniform(0.6, 1.5)), rng.choice((60, 90, 120))
    elif spec.vendor_sign == "renewal_lock_in":
        auto_renew, renewals = True, max(1, min(renewals, 4))
        fee, notice = annual * Decimal(rng.uniform(0.5, 1.2)), rng.choice((90, 120, 180))
    end = spec.churned_at or spec.started_at + dt.timedelta(days=term_days * (renewals + 1))
    return ContractSpec(
        start=spec.started_at,
        end=max(end, spec.started_at),
        auto_renew=auto_renew,
        renewals_so_far=renewals,
        early_termination_fee=fee.quantize(CENT),
        notice_days=notice,
    )
