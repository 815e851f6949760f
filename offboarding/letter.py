"""The written follow-up letter, drafted from the case.

The draft states the reasons the team chose in the assessment (worded about the
situation, never as an accusation), thanks the customer, lists the hand-over steps with
their dates (follow-up tasks and the end of the notice period) and says who stays
reachable. The team edits it; every saved version is kept (``LetterVersion``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Case, LetterVersion
from .vocabulary import LETTER_REASONS


def long_date(day: dt.date) -> str:
    """``1 July 2026``: unambiguous in every locale the letter may be read in."""
    return f"{day.day} {day:%B %Y}"


def _tenure(started: dt.date | None, today: dt.date) -> str:
    if started is None:
        return "the time"
    years = (today - started).days // 365
    if years >= 2:
        return f"the {years} years"
    if years == 1:
        return "the year and more"
    return "the months"


def service_end(case: Case, *, today: dt.date) -> dt.date | None:
    """When service ends: the notice period counted from the decision (or today)."""
    contract = case.account.current_contract
    if contract is None:
        return None
    start = case.decided_at.date() if case.decided_at else today
    return start + dt.timedelta(days=contract.notice_days)


def _salutation(case: Case) -> str:
    contact = case.account.contacts.order_by("id").first()
    return f"Dear {contact.name}," if contact else f"Dear {case.account.name} team,"


def draft_letter(case: Case, *, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    account = case.account
    owner = account.owner
    signer = (owner.get_full_name() or owner.get_username()) if owner else "Your account team"
    contract = account.current_contract
    end = service_end(case, today=today)
    lines = [long_date(today), "", _salutation(case), ""]
    lines += [
        f"Thank you for {_tenure(account.started_at, today)} we have worked together. We "
        f"have valued the work we did with {account.name}, and we want to tell you "
        "ourselves, clearly and in writing, about a decision we have made.",
        "",
        f"After a careful review we have decided to end our service to {account.name}. "
        "Our reasons are:",
        "",
    ]
    lines += [f"- {LETTER_REASONS[key]}" for key in case.criteria if key in LETTER_REASONS]
    lines += ["", "We want the hand-over to be as easy for you as we can make it:", ""]
    steps: list[tuple[dt.date, str]] = [(t.due_on, t.title) for t in case.tasks.all()]
    if end is not None:
        steps.append(
            (end, f"Your service ends, after the {contract.notice_days}-day notice period")
        )
    for day, title in sorted(steps):
        lines.append(f"- {long_date(day)}: {title}")
    if end is None:
        lines.append("- We will agree an end date with you; until then your service continues.")
    lines.append(
        "- You will receive a full copy of your data (account, contacts, contract and every "
        "recorded interaction) as CSV and JSON files."
    )
    if contract is not None and contract.early_termination_fee > 0:
        lines.append("- As the decision is ours, we will not charge any early termination fee.")
    if case.referrals:
        lines += ["", "Providers who may suit you well:", case.referrals]
    if case.resources:
        lines += ["", "Material that may help with the move:", case.resources]
    contact_line = f"{signer}" + (f" ({owner.email})" if owner and owner.email else "")
    lines += [
        "",
        f"Until the hand-over is complete, and afterwards too, {contact_line} remains your "
        "contact for any question. If you are willing, we would also value hearing what we "
        "could have done better.",
        "",
        "With thanks and best wishes,",
        signer,
    ]
    return "\n".join(lines)


def current_letter(case: Case) -> LetterVersion | None:
    return case.letter_versions.order_by("-number").first()
