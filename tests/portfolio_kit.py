"""A varied random portfolio written straight to the database (tests only)."""

from __future__ import annotations

import datetime as dt
import random

from accounts.models import Account, Contact, Contract, Interaction
from accounts.vocabulary import Channel, Direction, Kind
from signals.text import Cue

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
KINDS = list(Kind.values)
CUES = list(Cue)


def random_portfolio(n: int, *, seed: int = 1, per_account: int = 60) -> list[Account]:
    rng = random.Random(seed)
    accounts = []
    for i in range(n):
        account = Account.objects.create(
            external_id=f"RND-{seed}-{i:04d}",
            name=f"Random {i}",
            segment=rng.choice(["smb", "mid", "enterprise"]),
            annual_value=rng.choice([0, 5000, 12000, 80000]),
            started_at=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 500)),
        )
        contacts = [
            Contact.objects.create(account=account, name=f"C{j}") for j in range(rng.randint(0, 3))
        ]
        if rng.random() < 0.7:
            Contract.objects.create(
                account=account,
                start=dt.date(2024, 1, 1),
                end=dt.date(2027, 1, 1),
                auto_renew=rng.random() < 0.5,
                renewals_so_far=rng.randint(0, 4),
                early_termination_fee=rng.choice([0, 1000, 12000, 50000]),
            )
        rows = []
        # Some accounts are busy, some nearly silent, some bursty.
        count = rng.choice([0, 3, per_account, per_account * 2])
        for k in range(count):
            kind = rng.choice(KINDS)
            when = NOW - dt.timedelta(hours=rng.uniform(0, 24 * 420))
            flags = 0
            for cue in CUES:
                if rng.random() < 0.08:
                    flags |= int(cue)
            rows.append(
                Interaction(
                    account=account,
                    contact=rng.choice(contacts) if contacts and rng.random() < 0.8 else None,
                    occurred_at=when,
                    channel=rng.choice(list(Channel.values)),
                    direction=rng.choice(list(Direction.values)),
                    kind=kind,
                    text=f"r{seed}-{i}-{k}",
                    text_hash=f"{seed}-{i}-{k}",
                    tone=rng.uniform(-1, 1),
                    cue_flags=flags,
                    nps=rng.randint(0, 10) if kind == Kind.SURVEY else None,
                    csat=rng.randint(1, 5) if kind == Kind.SURVEY else None,
                    amount=rng.randint(100, 5000) if kind in (Kind.INVOICE, Kind.PAYMENT) else None,
                    due_at=when + dt.timedelta(days=rng.randint(-5, 40))
                    if kind in (Kind.INVOICE, Kind.COMMITMENT)
                    else None,
                )
            )
        Interaction.objects.bulk_create(rows)
        accounts.append(account)
    return accounts
