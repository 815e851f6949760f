"""Stores the demo portfolio: ``seed_demo(accounts=N, seed=S)``.

Idempotent by replacement: demo accounts are keyed by ``external_id`` (DEMO-0001, ...);
on every run their contacts, contracts, interactions and ground truth are deleted and
written again from the generator, inside one transaction. Accounts that are not demo
accounts are never read or written. Demo accounts beyond ``accounts`` left by an earlier,
larger run are kept as they are (each account's data depends only on the seed and its
index, so they stay consistent).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact, Contract, Interaction, SeededBehaviour, text_hash
from accounts.vocabulary import Role
from signals.text import TEXT_ANALYSIS_VERSION, analyse_many

from .generator import generate_portfolio
from .specs import AccountSpec, Portfolio

BATCH = 2000
# Below this many distinct texts, starting worker processes costs more than it saves.
PARALLEL_FROM = 20000

#: The demo users and their passwords. Demo only: they exist because ``seed_demo`` made
#: them, and the README lists them.
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("admin", "demo-admin-pw", Role.ADMIN),
    ("manager", "demo-manager-pw", Role.MANAGER),
    ("alice", "demo-alice-pw", Role.ACCOUNT_MANAGER),
    ("bob", "demo-bob-pw", Role.ACCOUNT_MANAGER),
    ("carol", "demo-carol-pw", Role.ACCOUNT_MANAGER),
)


@dataclass
class SeedSummary:
    seed: int
    accounts: int
    contacts: int
    contracts: int
    interactions: int
    behaviours: int
    churned: int
    seconds: float
    users: list[tuple[str, str, str]] = field(default_factory=list)


def seed_demo(*, accounts: int = 200, seed: int = 42, today: dt.date | None = None) -> SeedSummary:
    """Generate and store the demo portfolio; returns what was written.

    ``today`` (default: the current UTC date) is where the 18 months of history end;
    everything else depends only on ``seed``.
    """
    started = time.monotonic()
    today = today or timezone.now().date()
    portfolio = generate_portfolio(accounts=accounts, seed=seed, today=today)
    with transaction.atomic():
        users = ensure_demo_users()
        summary = _store(portfolio, users)
        ensure_demo_rules(by=users["admin"])
    summary.seconds = round(time.monotonic() - started, 2)
    summary.users = [(username, password, role) for username, password, role in DEMO_USERS]
    return summary


#: Threshold rules a new demo starts with, so the triage inbox has something to show.
#: Created once (by name); an admin may edit or disable them like any other rule.
DEMO_RULES = (
    ("Critical health", "health", "lt", 35.0, "critical"),
    ("We are the problem", "vendor_side", "gte", 65.0, "warning"),
    ("Customer friction is severe", "customer_side", "gte", 85.0, "warning"),
    ("Gone quiet", "ghost", "gte", 60.0, "warning"),
    ("Likely to churn", "churn_probability", "gte", 0.6, "critical"),
)


def ensure_demo_rules(*, by) -> None:
    from signals.models import ThresholdRule
    from signals.thresholds import create_rule

    existing = set(ThresholdRule.objects.values_list("name", flat=True))
    for name, measure, operator, value, severity in DEMO_RULES:
        if name not in existing:
            create_rule(
                by=by, name=name, measure=measure, operator=operator, value=value, severity=severity
            )


def ensure_demo_users() -> dict[str, object]:
    """Create (or reset) the demo users with their documented passwords and roles."""
    user_model = get_user_model()
    users = {}
    for username, password, role in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demo.example"}
        )
        user.set_password(password)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.first_name = username.capitalize() if role == Role.ACCOUNT_MANAGER else ""
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def _store(portfolio: Portfolio, users: dict[str, object]) -> SeedSummary:
    specs = portfolio.accounts
    accounts = _upsert_accounts(specs, users)
    ids = [accounts[s.external_id].pk for s in specs]
    # Replace everything generated earlier for these accounts.
    _delete_interactions(ids)
    Contact.objects.filter(account_id__in=ids).delete()
    Contract.objects.filter(account_id__in=ids).delete()
    SeededBehaviour.objects.filter(account_id__in=ids).delete()

    contacts = Contact.objects.bulk_create(
        [
            Contact(account=accounts[s.external_id], name=c.name, email=c.email, role=c.role)
            for s in specs
            for c in s.contacts
        ],
        batch_size=BATCH,
    )
    contact_ids: dict[tuple[str, int], int] = {}
    position = 0
    for s in specs:
        for i in range(len(s.contacts)):
            contact_ids[(s.external_id, i)] = contacts[position].pk
            position += 1

    Contract.objects.bulk_create(
        [
            Contract(
                account=accounts[s.external_id],
                start=s.contract.start,
                end=s.contract.end,
                auto_renew=s.contract.auto_renew,
                renewals_so_far=s.contract.renewals_so_far,
                early_termination_fee=s.contract.early_termination_fee,
                notice_days=s.contract.notice_days,
            )
            for s in specs
            if s.contract is not None
        ],
        batch_size=BATCH,
    )
    interactions = _store_interactions(specs, accounts, contact_ids)
    behaviours = SeededBehaviour.objects.bulk_create(
        [
            SeededBehaviour(account=accounts[s.external_id], key=key)
            for s in specs
            for key in s.behaviours
        ],
        batch_size=BATCH,
    )
    return SeedSummary(
        seed=portfolio.seed,
        accounts=len(specs),
        contacts=len(contacts),
        contracts=sum(1 for s in specs if s.contract is not None),
        interactions=interactions,
        behaviours=len(behaviours),
        churned=sum(1 for s in specs if s.churned_at),
        seconds=0.0,
    )


def _delete_interactions(account_ids: list[int]) -> None:
    """Delete the accounts' interactions in one statement. ``QuerySet.delete()`` would
    load every row first, because ``responds_to`` is SET_NULL on delete; clearing the
    references beforehand makes a plain DELETE safe."""
    Interaction.objects.filter(responds_to__account_id__in=account_ids).update(responds_to=None)
    table = connection.ops.quote_name(Interaction._meta.db_table)
    for start in range(0, len(account_ids), 500):
        chunk = account_ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE account_id IN ({marks})", chunk)  # noqa: S608  # nosec B608 - table name from the model, values bound


def _upsert_accounts(specs: list[AccountSpec], users: dict[str, object]) -> dict[str, Account]:
    now = timezone.now()
    existing = {
        a.external_id: a
        for a in Account.objects.filter(external_id__in=[s.external_id for s in specs])
    }
    fresh, changed = [], []
    for s in specs:
        account = existing.get(s.external_id) or Account(external_id=s.external_id)
        account.name = s.name
        account.segment = s.segment
        account.owner = users[s.owner]
        account.status = s.status
        account.started_at = s.started_at
        account.churned_at = s.churned_at
        account.annual_value = s.annual_value
        # New history: the recompute must score these accounts again.
        account.scores_dirty_since = now
        (changed if account.pk else fresh).append(account)
    Account.objects.bulk_create(fresh, batch_size=BATCH)
    Account.objects.bulk_update(
        changed,
        [
            "name",
            "segment",
            "owner",
            "status",
            "started_at",
            "churned_at",
            "annual_value",
            "scores_dirty_since",
        ],
        batch_size=BATCH,
    )
    return {
        a.external_id: a
        for a in Account.objects.filter(external_id__in=[s.external_id for s in specs])
    }


def _store_interactions(
    specs: list[AccountSpec], accounts: dict[str, Account], contact_ids: dict[tuple[str, int], int]
) -> int:
    """Bulk-insert every interaction, parents before the replies that point at them
    (depth by depth), so each ``responds_to`` can use the id of a row already written."""
    analysis = _analyse((item.text, item.direction) for s in specs for item in s.interactions)
    by_depth: dict[int, list[tuple[AccountSpec, object]]] = {}
    for s in specs:
        depth: dict[int, int] = {}
        for item in s.interactions:  # refs only ever point backwards
            depth[item.ref] = 0 if item.responds_to is None else depth[item.responds_to] + 1
            by_depth.setdefault(depth[item.ref], []).append((s, item))

    pk_of: dict[tuple[str, int], int] = {}
    total = 0
    for level in sorted(by_depth):
        rows = []
        for s, item in by_depth[level]:
            tone, flags = analysis[(item.text, item.direction)]
            rows.append(
                Interaction(
                    account=accounts[s.external_id],
                    contact_id=None
                    if item.contact is None
                    else contact_ids[(s.external_id, item.contact)],
                    occurred_at=item.occurred_at,
                    channel=item.channel,
                    direction=item.direction,
                    kind=item.kind,
                    text=item.text,
                    text_hash=text_hash(item.text),
                    nps=item.nps,
                    csat=item.csat,
                    amount=item.amount,
                    due_at=item.due_at,
                    responds_to_id=None
                    if item.responds_to is None
                    else pk_of[(s.external_id, item.responds_to)],
                    tone=tone,
                    cue_flags=flags,
                    analysis_version=TEXT_ANALYSIS_VERSION,
                )
            )
        created = Interaction.objects.bulk_create(rows, batch_size=BATCH)
        for (s, item), row in zip(by_depth[level], created, strict=True):
            pk_of[(s.external_id, item.ref)] = row.pk
        total += len(created)
    return total


def _analyse(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[float, int]]:
    """Tone and cue flags for every distinct (text, direction).

    Text analysis is the slowest step of seeding (about a millisecond per text), so a
    large portfolio is analysed in chunks by worker processes. They are spawned, not
    forked, so no database connection is shared with them.
    """
    unique = list(dict.fromkeys(pairs))
    workers = min(os.cpu_count() or 1, 8)
    if workers == 1 or len(unique) < PARALLEL_FROM:
        results = analyse_many(unique)
    else:
        size = -(-len(unique) // (workers * 4))
        chunks = [unique[i : i + size] for i in range(0, len(unique), size)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = [r for chunk in pool.map(analyse_many, chunks) for r in chunk]
    return {pair: (r.tone, r.cue_flags) for pair, r in zip(unique, results, strict=True)}
