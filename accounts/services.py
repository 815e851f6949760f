"""Use cases that write the record. Views, the API, commands and tasks call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Account, Contact, Interaction, text_hash


def accounts_changed(*, account_ids: Iterable[int]) -> None:
    """Mark accounts dirty and ask for their recompute once the transaction commits.

    The dirty flag is the guarantee: if the broker is down the enqueue fails, the
    write still stands, and the periodic sweep scores every dirty account later.
    An account already dirty keeps its earlier timestamp.
    """
    ids = sorted(set(account_ids))
    if not ids:
        return
    Account.objects.filter(pk__in=ids, scores_dirty_since__isnull=True).update(
        scores_dirty_since=timezone.now()
    )
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
    from signals.text import TEXT_ANALYSIS_VERSION, analyse_text

    analysis = analyse_text(text, direction=direction)
    interaction = Interaction(
        account=account,
        contact=contact,
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        kind=kind,
        text=text,
        text_hash=text_hash(text),
        nps=nps,
        csat=csat,
        amount=amount,
        due_at=due_at,
        responds_to=responds_to,
        external_id=external_id,
        tone=analysis.tone,
        cue_flags=analysis.cue_flags,
        analysis_version=TEXT_ANALYSIS_VERSION,
    )
    interaction.full_clean(validate_unique=False, validate_constraints=False)
    interaction.save()
    accounts_changed(account_ids=[account.pk])
    return interaction


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
