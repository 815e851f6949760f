"""Use cases that write the record. Views, the API, commands and tasks call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import audit
from .models import Account, Contact, Contract, Interaction, text_hash
from .vocabulary import AccountStatus


def accounts_changed(*, account_ids: Iterable[int]) -> None:
    """Mark accounts dirty and ask for their recompute once the transaction commits.

    The dirty flag is the guarantee: if the broker is down the enqueue fails, the
    write still stands, and the periodic sweep scores every dirty account later.
    The timestamp is always renewed: a recompute already running read the old one, so
    its compare-and-set cannot clear a change it never saw.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return
    Account.objects.filter(pk__in=ids).update(scores_dirty_since=timezone.now())
    from signals.dispatch import request_recompute

    transaction.on_commit(lambda: request_recompute(account_ids=ids))


@transaction.atomic
def record_interaction(
    *,
    account: Account,
    occurred_at: dt.datetime,
    channel: str,
    direction: str,
    kind: str,
    text: str = "",
    contact: Contact | None = None,
    nps: int | None = None,
    csat: int | None = None,
    amount: Decimal | None = None,
    due_at: dt.datetime | None = None,
    responds_to: Interaction | None = None,
    external_id: str = "",
) -> Interaction:
    """Write one interaction: analyse its text once, store it, mark the account dirty."""
    interaction = Interaction(
        account=account,
        contact=contact,
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        kind=kind,
        text=text,
        nps=nps,
        csat=csat,
        amount=amount,
        due_at=due_at,
        responds_to=responds_to,
        external_id=external_id,
    )
    analyse(interaction)
    # The account is the caller's, read from the database in this request: checking that
    # it exists would cost one more query before every write (and saving an unsaved one
    # raises anyway).
    interaction.full_clean(exclude=["account"], validate_unique=False, validate_constraints=False)
    interaction.save()
    accounts_changed(account_ids=[account.pk])
    return interaction


def analyse(interaction: Interaction) -> None:
    """Set what is derived from an interaction's text and direction: its identity hash,
    tone and cues (the scores read those, never the text itself)."""
    from signals.text import TEXT_ANALYSIS_VERSION, analyse_text

    analysis = analyse_text(interaction.text, direction=interaction.direction)
    interaction.text_hash = text_hash(interaction.text)
    interaction.tone = analysis.tone
    interaction.cue_flags = analysis.cue_flags
    interaction.analysis_version = TEXT_ANALYSIS_VERSION


def find_duplicate(
    *, account: Account, occurred_at, direction: str, kind: str, text: str, external_id: str = ""
) -> Interaction | None:
    """The stored interaction with the same identity, if any (interfaces.md)."""
    if external_id:
        return Interaction.objects.filter(external_id=external_id).first()
    return Interaction.objects.filter(
        Q(external_id=""),
        account=account,
        occurred_at=occurred_at,
        direction=direction,
        kind=kind,
        text_hash=text_hash(text),
    ).first()


# --- accounts, contacts and contracts (the API's write paths) --------------------------

#: Account fields that feed the scores: changing one asks for a recompute.
SCORED_ACCOUNT_FIELDS = frozenset({"annual_value", "status", "started_at", "churned_at"})
#: Account fields whose changes are recorded in the audit trail (responsibility).
AUDITED_ACCOUNT_FIELDS = ("owner",)
#: Statuses the offboarding workflow owns; nothing else sets or leaves them.
WORKFLOW_STATUSES = frozenset({AccountStatus.OFFBOARDING, AccountStatus.OFFBOARDED})


def account_rules(*, account: Account | None, by, values: dict[str, Any]) -> None:
    """Who may set what on an account; raises ValidationError naming the field."""
    from .roles import is_manager

    errors: dict[str, str] = {}
    owner = values.get("owner", account.owner if account else by)
    if not is_manager(by) and owner != (account.owner if account else by):
        errors["owner"] = "Only managers and admins may assign an account to someone else."
    status = values.get("status", account.status if account else AccountStatus.ACTIVE)
    current = account.status if account else AccountStatus.ACTIVE
    if status != current:
        if status in WORKFLOW_STATUSES:
            errors["status"] = f"'{status}' is set by the offboarding workflow, not here."
        elif current in WORKFLOW_STATUSES:
            errors["status"] = (
                f"The account is {current}; its status changes through its offboarding case."
            )
        elif not is_manager(by):
            errors["status"] = "Only managers and admins may change an account's status."
    started_at = values.get("started_at", account.started_at if account else None)
    churned_at = values.get("churned_at", account.churned_at if account else None)
    if status == AccountStatus.CHURNED and churned_at is None:
        errors["churned_at"] = "is required when status is churned."
    if churned_at and started_at and churned_at < started_at:
        errors["churned_at"] = "is before started_at."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_account(*, by, external_id: str, name: str, **values: Any) -> Account:
    """A new account. An account manager who creates one owns it; managers and admins
    may name any owner (``owner``, a user) or none."""
    from .roles import is_manager

    values.setdefault("owner", None if is_manager(by) else by)
    account_rules(account=None, by=by, values=values)
    if values.get("status", AccountStatus.ACTIVE) == AccountStatus.ACTIVE:
        values["churned_at"] = None
    if Account.objects.filter(external_id=external_id).exists():
        raise ValidationError({"external_id": "is already used by another account."})
    account = Account(external_id=external_id, name=name, **values)
    account.full_clean(validate_unique=False, validate_constraints=False)
    account.save()
    accounts_changed(account_ids=[account.pk])
    return account


@transaction.atomic
def update_account(*, account: Account, by, **values: Any) -> Account:
    """Change an account's own fields; owner and status follow ``account_rules``.
    Reactivating a churned account clears ``churned_at``."""
    if "external_id" in values and values.pop("external_id") != account.external_id:
        raise ValidationError(
            {"external_id": "cannot change; it is the account's stable identifier."}
        )
    account_rules(account=account, by=by, values=values)
    if values.get("status") == AccountStatus.ACTIVE and "churned_at" not in values:
        values["churned_at"] = None
    changed = [k for k, v in values.items() if getattr(account, k) != v]
    if not changed:
        return account
    before = audit.values_of(account, AUDITED_ACCOUNT_FIELDS)
    for key in changed:
        setattr(account, key, values[key])
    account.full_clean(validate_unique=False, validate_constraints=False)
    account.save(update_fields=[*changed, "updated_at"])
    audit.record(
        by=by,
        action="account.owner_changed",
        target=account,
        changes=audit.changes_between(before, audit.values_of(account, AUDITED_ACCOUNT_FIELDS)),
    )
    if SCORED_ACCOUNT_FIELDS.intersection(changed):
        accounts_changed(account_ids=[account.pk])
    return account


def change_owner(*, account: Account, owner, by) -> Account:
    """Hand an account to another person (``owner`` None: nobody). Managers and admins
    only (``account_rules``); the change is recorded in the audit trail. Every path that
    reassigns an account (API, pages, admin) should come through here."""
    return update_account(account=account, by=by, owner=owner)


@transaction.atomic
def add_contact(*, account: Account, name: str, email: str = "", role: str = "") -> Contact:
    if account.contacts.filter(name=name).exists():
        raise ValidationError({"name": "A contact with this name already exists for this account."})
    contact = Contact(account=account, name=name, email=email, role=role)
    contact.full_clean(validate_unique=False, validate_constraints=False)
    contact.save()
    return contact


@transaction.atomic
def update_contact(*, contact: Contact, **values: Any) -> Contact:
    name = values.get("name", contact.name)
    if name != contact.name and contact.account.contacts.filter(name=name).exists():
        raise ValidationError({"name": "A contact with this name already exists for this account."})
    changed = [k for k, v in values.items() if getattr(contact, k) != v]
    for key in changed:
        setattr(contact, key, values[key])
    if changed:
        contact.full_clean(validate_unique=False, validate_constraints=False)
        contact.save(update_fields=changed)
    return contact


def contact_named(*, account: Account, name: str) -> Contact:
    """The account's contact of that name, created if new (as the import does)."""
    contact, _ = Contact.objects.get_or_create(
        account=account,
        name=name,
        defaults={"email": name if "@" in name and len(name) <= 254 else ""},
    )
    return contact


def _contract_rules(*, account: Account, contract: Contract | None, values: dict) -> None:
    start = values.get("start", contract.start if contract else None)
    end = values.get("end", contract.end if contract else None)
    errors = {}
    if start and end and end < start:
        errors["end"] = "is before start."
    clash = account.contracts.filter(start=start)
    if contract is not None:
        clash = clash.exclude(pk=contract.pk)
    if start and clash.exists():
        errors["start"] = "Another contract of this account starts on this date."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_contract(*, account: Account, **values: Any) -> Contract:
    _contract_rules(account=account, contract=None, values=values)
    contract = Contract(account=account, **values)
    contract.full_clean(validate_unique=False, validate_constraints=False)
    contract.save()
    accounts_changed(account_ids=[account.pk])
    return contract


@transaction.atomic
def update_contract(*, contract: Contract, **values: Any) -> Contract:
    _contract_rules(account=contract.account, contract=contract, values=values)
    changed = [k for k, v in values.items() if getattr(contract, k) != v]
    if changed:
        for key in changed:
            setattr(contract, key, values[key])
        contract.full_clean(validate_unique=False, validate_constraints=False)
        contract.save(update_fields=changed)
        accounts_changed(account_ids=[contract.account_id])
    return contract
