"""The ordinary relationship every demo account starts from: questions answered within
hours, check-ins, quarterly reviews, commitments followed up before they are due,
occasional offers that stop after a no, surveys, and invoices paid on time. The
profile's knobs on the builder bend it (see ``AccountBuilder``)."""

from __future__ import annotations

import datetime as dt

from .builder import CENT, AccountBuilder, money
from .names import ADD_ONS

DAY = dt.timedelta(days=1)
# Conversational inbound messages per 30 days in an ordinary relationship.
_INBOUND_RATE = {"enterprise": 2.2, "mid_market": 1.5, "smb": 1.0}
_INVOICES_PER_YEAR = {"enterprise": 4, "mid_market": 4, "smb": 12}


def ordinary_relationship(b: AccountBuilder) -> None:
    _conversation(b)
    _our_initiative(b)
    _commitments(b)
    _offers(b)
    _surveys(b)
    _billing(b)
    if b.spec.churned_at and b.silent_from is None:
        when = b.when(b.end - 60 * DAY, b.end - 20 * DAY)
        b.converse(when, "churn_notice", "message", "reply_churn", channel="email", contact=0)


def _conversation(b: AccountBuilder) -> None:
    rng = b.rng
    days = (b.end - b.start).days
    count = round(_INBOUND_RATE[b.spec.segment] * b.ambient * days / 30 * rng.uniform(0.8, 1.2))
    for when in b.spread(count, b.start, b.end):
        if rng.random() < 0.65:
            b.converse(when, "question", "request", "answer")
        else:
            b.converse(when, "update", "message", "answer")
    if b.praise_every:
        every = b.praise_every
        for when in b.every(b.start, b.end, (0.7 * every, 1.3 * every)):
            b.converse(when, "praise", "praise", "reply_praise")
    for _ in range(b.mild_complaints):
        if rng.random() < 0.5:
            b.converse(b.when(b.start, b.end), "mild_complaint", "complaint", "reply_complaint")


def _our_initiative(b: AccountBuilder) -> None:
    rng = b.rng
    for when in b.every(b.start, b.end, (28, 45)):
        b.write(when, "checkin", channel=rng.choice(("email", "email", "chat")))
    if b.spec.segment != "smb":
        for when in b.every(b.start, b.end, (80, 100)):
            if not b.is_silent(when):
                b.write(when, "qbr_note", channel="meeting")


def _commitments(b: AccountBuilder) -> None:
    """Our promises, each with a due date; kept ones get a follow_up before it."""
    rng = b.rng
    for when in b.every(b.start, b.end, (40, 60)):
        if b.is_silent(when):
            continue
        due = b.due_after(when)
        ref = b.write(when, "commitment", "commitment", due_at=due)
        if ref is None or (b.break_commitments and when >= b.lately):
            continue
        done = max(when + dt.timedelta(hours=1), due - dt.timedelta(hours=rng.uniform(2, 48)))
        b.write(done, "follow_up", "follow_up", responds_to=ref)


def _offers(b: AccountBuilder) -> None:
    """Our occasional pitch. A no is answered politely and the next offer waits at least
    ``pitch_every[0]`` days (always more than 100)."""
    rng = b.rng
    when = b.start + rng.uniform(30, 150) * DAY
    while when < b.end and not b.is_silent(when):
        addon = rng.choice(ADD_ONS)
        ref = b.write(b.when(when, when + DAY), "pitch", "request", addon=addon)
        if ref is not None and rng.random() < 0.6:
            sent = b.items[ref].occurred_at
            b.converse(
                b.when(sent + DAY, sent + 4 * DAY),
                "decline_offer",
                "objection",
                "reply_decline",
                responds_to=ref,
                contact=0,
                addon=addon,
            )
        when += rng.uniform(*b.pitch_every) * DAY


def survey_scores(b: AccountBuilder, when: dt.datetime) -> tuple[tuple[int, int], tuple[int, int]]:
    if when >= b.recent and b.recent_scores is not None:
        return b.recent_scores
    return b.nps, b.csat


def _surveys(b: AccountBuilder) -> None:
    rng = b.rng
    for when in b.every(b.start, b.end, (80, 100)):
        if b.is_silent(when) or rng.random() > 0.75:
            continue
        nps_range, csat_range = survey_scores(b, when)
        nps, csat = rng.randint(*nps_range), rng.randint(*csat_range)
        shape = rng.random()
        if shape < 0.25:
            csat = None
        elif shape < 0.4:
            nps = None
        write_survey(b, when, nps, csat)


def write_survey(b: AccountBuilder, when: dt.datetime, nps: int | None, csat: int | None) -> None:
    """One survey answer, its comment matching its scores."""
    score = nps if nps is not None else (csat or 3) * 2
    intent = "survey_good" if score >= 9 else "survey_ok" if score >= 7 else "survey_bad"
    contact = b.pick_contact()
    text = b.render(when, intent, "inbound", "survey", contact)
    b.add(when, "survey", "inbound", "survey", text, contact=contact, nps=nps, csat=csat)


def _billing(b: AccountBuilder) -> None:
    """Invoices on the first of each period, due 30 days later; payments answer them.
    A late payer (lately) pays 10–60 days after the due date or not at all, and we
    send reminders."""
    rng, spec = b.rng, b.spec
    per_year = _INVOICES_PER_YEAR[spec.segment]
    amount = (spec.annual_value / per_year).quantize(CENT)
    finance = _finance_contact(b)
    month = (b.start.replace(day=1) + 32 * DAY).replace(day=1)
    number = 0
    while month < b.end:
        number += 1
        invoice = f"INV-{spec.external_id[5:]}-{number:03d}"
        issued = month.replace(hour=9)
        due = issued + 30 * DAY
        # Billing rows carry their facts in amount/due_at; the text is a short label, so
        # thousands of them share a few texts (and one text analysis each).
        text = _INVOICE_TEXT[per_year]
        ref = b.add(
            issued,
            "invoice",
            "outbound",
            "invoice",
            text,
            contact=finance,
            amount=amount,
            due_at=due,
        )
        paid = issued + rng.uniform(3, 25) * DAY
        if b.late_payer and issued >= b.end - 300 * DAY:
            roll = rng.random()
            paid = None if roll < 0.3 else due + rng.uniform(10, 60) * DAY if roll < 0.8 else paid
            if paid is None or paid > due:
                b.write(
                    due + rng.uniform(5, 9) * DAY,
                    "overdue_reminder",
                    contact=finance,
                    invoice=invoice,
                    amount=money(amount),
                    due=due,
                )
        if ref is not None and paid is not None:
            b.add(
                paid,
                "payment",
                "inbound",
                "payment",
                rng.choice(_PAYMENT_TEXTS),
                contact=finance,
                amount=amount,
                responds_to=ref,
            )
        month = (month + (12 // per_year) * 31 * DAY).replace(day=1)


_INVOICE_TEXT = {4: "Quarterly subscription invoice.", 12: "Monthly subscription invoice."}
_PAYMENT_TEXTS = (
    "Payment received by bank transfer.",
    "Card payment received.",
    "Payment received.",
)


def _finance_contact(b: AccountBuilder) -> int:
    from .names import FINANCE_ROLES

    for i, contact in enumerate(b.spec.contacts):
        if contact.role in FINANCE_ROLES:
            return i
    return 0
