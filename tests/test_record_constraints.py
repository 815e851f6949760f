"""The database itself refuses bad records, whatever path they come from."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Account, Contract, Interaction, text_hash
from tests.factories import AccountFactory, InteractionFactory

WHEN = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def _refused(**fields) -> bool:
    account = AccountFactory()
    base = dict(
        account=account, occurred_at=WHEN, channel="email", direction="inbound", kind="message"
    )
    base.update(fields)
    try:
        with transaction.atomic():
            Interaction.objects.create(**base)
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"nps": 11},
        {"csat": 0},
        {"csat": 6},
        {"amount": -1},
        {"channel": "fax"},
        {"direction": "sideways"},
        {"kind": "rant"},
        {"tone": 1.5},
    ],
    ids=lambda f: next(iter(f)),
)
def test_out_of_range_or_unknown_values_are_refused_by_the_database(fields):
    assert _refused(**fields)


@pytest.mark.django_db
def test_valid_boundaries_are_accepted():
    assert not _refused(nps=0, csat=5, amount=0)
    assert not _refused(nps=10, csat=1, text="other")


@pytest.mark.django_db
def test_external_id_of_an_account_is_unique():
    AccountFactory(external_id="DUP")
    with pytest.raises(IntegrityError):
        Account.objects.create(external_id="DUP", name="again")


@pytest.mark.django_db
def test_an_interactions_natural_identity_is_unique():
    first = InteractionFactory(text="same words")
    with pytest.raises(IntegrityError):
        Interaction.objects.create(
            account=first.account,
            occurred_at=first.occurred_at,
            channel="chat",
            direction=first.direction,
            kind=first.kind,
            text="same words",
            text_hash=text_hash("same words"),
        )


@pytest.mark.django_db
def test_an_explicit_interaction_id_is_unique_and_replaces_the_natural_key():
    first = InteractionFactory(text="same words", external_id="X-1")
    # Same natural key but a different explicit id: a different interaction.
    Interaction.objects.create(
        account=first.account,
        occurred_at=first.occurred_at,
        channel="email",
        direction=first.direction,
        kind=first.kind,
        text="same words",
        external_id="X-2",
    )
    with pytest.raises(IntegrityError):
        Interaction.objects.create(
            account=first.account,
            occurred_at=WHEN,
            channel="email",
            direction="inbound",
            kind="message",
            external_id="X-1",
        )


@pytest.mark.django_db
def test_contract_dates_and_terms_are_checked():
    account = AccountFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(account=account, start=dt.date(2026, 1, 1), end=dt.date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            account=account, start=dt.date(2026, 1, 1), early_termination_fee=-1
        )


@pytest.mark.django_db
def test_account_status_and_dates_are_checked():
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(external_id="S1", name="x", status="zombie")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(
            external_id="S2",
            name="x",
            started_at=dt.date(2026, 1, 1),
            churned_at=dt.date(2025, 1, 1),
        )
