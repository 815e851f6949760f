"""A small world for API tests: Alice's scored account with a contact, a contract and
interactions, Bob's account beside it, and a user with no role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Account, Contact, Contract, Interaction
from signals.scoring import recompute_accounts
from tests.factories import (
    AccountFactory,
    ContactFactory,
    ContractFactory,
    InteractionFactory,
    UserFactory,
)


@dataclass
class World:
    alice_account: Account
    bob_account: Account
    contact: Contact
    contract: Contract
    interaction: Interaction
    bob_interaction: Interaction


def build_world(*, am_alice, am_bob) -> World:
    alice_account = AccountFactory(external_id="ALICE-001", name="Alice's customer", owner=am_alice)
    bob_account = AccountFactory(external_id="BOB-001", name="Bob's customer", owner=am_bob)
    contact = ContactFactory(account=alice_account, name="Dana")
    contract = ContractFactory(account=alice_account, early_termination_fee=500, auto_renew=True)
    t = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    interaction = InteractionFactory(
        account=alice_account,
        contact=contact,
        occurred_at=t,
        kind="complaint",
        text="Still waiting for an answer, this is not acceptable.",
    )
    InteractionFactory(
        account=alice_account,
        occurred_at=t + dt.timedelta(days=2),
        direction="outbound",
        kind="commitment",
        text="We will fix it by Friday.",
        due_at=t + dt.timedelta(days=5),
        responds_to=interaction,
    )
    bob_interaction = InteractionFactory(account=bob_account, occurred_at=t)
    recompute_accounts(account_ids=[alice_account.pk, bob_account.pk])
    InteractionFactory(account=alice_account, occurred_at=t + dt.timedelta(days=9), kind="praise")
    recompute_accounts(account_ids=[alice_account.pk])
    return World(alice_account, bob_account, contact, contract, interaction, bob_interaction)


@contextmanager
def shared_world(django_db_blocker) -> Iterator[World]:
    """One world for a whole test module (scoring it is the slow part), rolled back at
    the end. Each test still runs in its own savepoint, so its writes do not leak into
    the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(
            am_alice=UserFactory(username="alice", role="account_manager"),
            am_bob=UserFactory(username="bob", role="account_manager"),
        )
        yield world
        transaction.set_rollback(True)


def no_role_user():
    return UserFactory(username="norole")
