"""The per-account builder: one account's timeline, its text, and the knobs a profile
turns. Recipes (``baseline``, ``overlays``) call it; it knows nothing of behaviours."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from . import names
from .customer_phrases import CONVERSATIONS, INBOUND
from .specs import AccountSpec, InteractionSpec
from .vendor_phrases import OUTBOUND

HISTORY_DAYS = 548  # 18 months
RECENT_DAYS = 180
LATELY_DAYS = 240
CENT = Decimal("0.01")
UTC = dt.UTC


def money(value: Decimal) -> str:
    return f"€{value:,.2f}"


def day_text(when: dt.datetime) -> str:
    return f"{when:%A} {when.day} {when:%B}"


class AccountBuilder:
    """Collects one account's interactions and the knobs the profile turns.

    Knobs (set by the profile before the baseline runs): ``ambient`` scales ordinary
    inbound traffic; ``praise_every`` (days, None = never); ``nps``/``csat`` are the
    survey score ranges; ``silent_from`` stops the customer's inbound; ``main_share``
    is the main contact's share of inbound; ``slow`` and ``unanswered`` change how we
    reply lately; ``inward`` makes our complaint replies talk about our policy lately;
    ``break_commitments`` stops follow-ups lately; ``late_payer`` delays payments;
    ``pitch_every`` spaces our offers.
    """

    def __init__(self, spec: AccountSpec, rng: random.Random, today: dt.date) -> None:
        self.spec = spec
        self.rng = rng
        end_day = spec.churned_at or today
        self.end = dt.datetime.combine(end_day, dt.time(0), tzinfo=UTC)
        start_day = max(spec.started_at, today - dt.timedelta(days=HISTORY_DAYS))
        self.start = dt.datetime.combine(start_day, dt.time(0), tzinfo=UTC)
        self.recent = max(self.start, self.end - dt.timedelta(days=RECENT_DAYS))
        self.lately = max(self.start, self.end - dt.timedelta(days=LATELY_DAYS))
        self.items: list[InteractionSpec] = []
        self._taken: set[dt.datetime] = set()
        self._decks: dict[str, list[int]] = {}
        # ref of an ordinary message → its CONVERSATIONS pair and the slots it used, so
        # the answer talks about the same person, product and date.
        self._topic: dict[int, tuple[int, dict[str, object]]] = {}
        self.products = rng.sample(names.PRODUCTS, 3)
        # knobs
        self.ambient = 1.0
        self.praise_every: int | None = 150
        self.nps = (6, 9)
        self.csat = (3, 5)
        self.recent_scores: tuple[tuple[int, int], tuple[int, int]] | None = None
        self.silent_from: dt.datetime | None = None
        self.main_share = 0.55
        self.slow = False
        self.unanswered = 0.0
        self.inward = False
        self.break_commitments = False
        self.late_payer = False
        self.pitch_every = (120, 220)
        self.mild_complaints = 1

    # time ----------------------------------------------------------------------------
    def when(self, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        """A working-hours moment (07:00–17:00 UTC, mostly weekdays) on a day from lo's
        to the day before hi's; never before lo. It may fall after hi when the span is
        shorter than a day; ``add`` drops anything past the end of the history."""
        days = max(0, (hi.date() - lo.date()).days - 1)
        day = lo.date() + dt.timedelta(days=self.rng.randint(0, days))
        if day.weekday() >= 5 and self.rng.random() < 0.85:
            day += dt.timedelta(days=7 - day.weekday())
        moment = dt.datetime.combine(day, dt.time(0), tzinfo=UTC) + dt.timedelta(
            minutes=self.rng.randint(7 * 60, 17 * 60)
        )
        if moment < lo:  # that day's working hours are over: the next working morning
            day = lo.date() + dt.timedelta(days=1)
            if day.weekday() >= 5:
                day += dt.timedelta(days=7 - day.weekday())
            moment = dt.datetime.combine(day, dt.time(0), tzinfo=UTC) + dt.timedelta(
                minutes=self.rng.randint(7 * 60, 10 * 60)
            )
        return moment

    def due_after(self, at: dt.datetime, days: tuple[int, int] = (3, 10)) -> dt.datetime:
        """A weekday 17:00 a few days after ``at``: when a promise or a meeting falls."""
        day = (at + dt.timedelta(days=self.rng.randint(*days))).date()
        if day.weekday() >= 5:
            day += dt.timedelta(days=7 - day.weekday())
        return dt.datetime.combine(day, dt.time(17), tzinfo=UTC)

    def spread(self, count: int, lo: dt.datetime, hi: dt.datetime) -> list[dt.datetime]:
        """``count`` moments spread evenly (with jitter) between lo and hi."""
        if count <= 0 or hi <= lo:
            return []
        span = (hi - lo) / count
        return sorted(self.when(lo + span * i, lo + span * (i + 1)) for i in range(count))

    def every(
        self, lo: dt.datetime, hi: dt.datetime, gap: tuple[float, float]
    ) -> list[dt.datetime]:
        """Moments from lo to hi, ``gap`` days apart (uniform in the range)."""
        out, t = [], lo + dt.timedelta(days=self.rng.uniform(0, gap[1]))
        while t < hi:
            moment = self.when(t, t + dt.timedelta(days=1))
            if moment < hi:
                out.append(moment)
            t += dt.timedelta(days=self.rng.uniform(*gap))
        return out

    def is_silent(self, when: dt.datetime) -> bool:
        return self.silent_from is not None and when >= self.silent_from

    # text ----------------------------------------------------------------------------
    def context(self, at: dt.datetime, contact: int | None, **extra: object) -> dict[str, object]:
        contacts = self.spec.contacts
        who = contacts[contact if contact is not None else 0]
        others = [c for i, c in enumerate(contacts) if i != contact] or contacts
        due = extra.pop("due", None) or self.due_after(at)
        ctx: dict[str, object] = {
            "first": who.name.split()[0],
            "other": self.rng.choice(others).name.split()[0],
            "am": self.spec.owner.capitalize(),
            "company": self.spec.name,
            "product": self.rng.choice(self.products),
            "deliverable": self.rng.choice(names.DELIVERABLES),
            "issue": self.rng.choice(names.ISSUES),
            "addon": self.rng.choice(names.ADD_ONS),
            "due": day_text(due),
            "amount": money(self.spec.annual_value),
            "n": self.rng.randint(3, 12),
            "invoice": "",
        }
        ctx.update(extra)
        return ctx

    def pick(self, intent: str, size: int) -> int:
        """A template index for ``intent``: a shuffled deck per account, so one customer
        does not repeat a sentence until they have used every paraphrase."""
        deck = self._decks.get(intent)
        if not deck:
            deck = self._decks[intent] = self.rng.sample(range(size), size)
        return deck.pop()

    def render(
        self,
        at: dt.datetime,
        intent: str,
        direction: str,
        channel: str,
        contact: int | None,
        template: str | None = None,
        **extra,
    ) -> str:
        if template is None:
            bank = (INBOUND if direction == "inbound" else OUTBOUND)[intent]
            template = bank[self.pick(intent, len(bank))]
        body = template.format(**self.context(at, contact, **extra))
        if channel != "email" or not body:
            return body
        ctx = self.context(at, contact)
        if direction == "inbound":
            warm = intent in _WARM_INTENTS
            greeting = self.rng.choice(_IN_GREETINGS if warm else _IN_CURT_GREETINGS)
            signoff = self.rng.choice(_IN_SIGNOFFS if warm else _IN_CURT_SIGNOFFS)
        else:
            greeting = self.rng.choice(_OUT_GREETINGS) if intent != "commitment" else ""
            signoff = self.rng.choice(_OUT_SIGNOFFS)
        parts = [greeting.format(**ctx), body, signoff.format(**ctx)]
        return "\n\n".join(p for p in parts if p)

    # writing -------------------------------------------------------------------------
    def add(
        self, when: dt.datetime, channel: str, direction: str, kind: str, text: str, **fields
    ) -> int | None:
        """Record one interaction; None (nothing recorded) when it falls after the end."""
        when = when.replace(microsecond=0)
        if when >= self.end or when < self.start:
            return None
        while when in self._taken:  # keeps the natural identity unique per account
            when += dt.timedelta(seconds=1)
        self._taken.add(when)
        ref = len(self.items)
        self.items.append(InteractionSpec(ref, when, channel, direction, kind, text, **fields))
        return ref

    def pick_contact(self) -> int:
        count = len(self.spec.contacts)
        if count == 1 or self.rng.random() < self.main_share:
            return 0
        return self.rng.randrange(1, count)

    def say(
        self,
        when: dt.datetime,
        intent: str,
        kind: str,
        *,
        channel: str | None = None,
        contact: int | None = None,
        responds_to: int | None = None,
        **extra,
    ) -> int | None:
        """The customer writes to us."""
        if self.is_silent(when):
            return None
        channel = channel or self.rng.choice(("email", "email", "email", "chat", "ticket"))
        contact = self.pick_contact() if contact is None else contact
        template, topic = None, None
        if intent in CONVERSATIONS:
            topic = self.pick(intent, len(CONVERSATIONS[intent]))
            template = CONVERSATIONS[intent][topic][0]
            slots = self.context(when, contact)
            extra = {k: slots[k] for k in ("other", "product", "deliverable", "n")} | extra
            extra.setdefault("due", self.due_after(when))
        text = self.render(when, intent, "inbound", channel, contact, template, **extra)
        ref = self.add(
            when, channel, "inbound", kind, text, contact=contact, responds_to=responds_to
        )
        if ref is not None and topic is not None:
            self._topic[ref] = (topic, extra)
        return ref

    def write(
        self,
        when: dt.datetime,
        intent: str,
        kind: str = "message",
        *,
        channel: str = "email",
        contact: int = 0,
        responds_to: int | None = None,
        due_at: dt.datetime | None = None,
        **extra,
    ) -> int | None:
        """We write to the customer. ``intent`` "answer" answers an ordinary message
        (``responds_to``) with one of the replies that fit it."""
        extra.setdefault("due", due_at)
        template = None
        if intent == "answer" and responds_to is not None:
            asked = self.items[responds_to]
            topic_intent = "question" if asked.kind == "request" else "update"
            topic, slots = self._topic[responds_to]
            template = self.rng.choice(CONVERSATIONS[topic_intent][topic][1])
            extra = slots | {k: v for k, v in extra.items() if v is not None}
        text = self.render(when, intent, "outbound", channel, contact, template, **extra)
        return self.add(
            when,
            channel,
            "outbound",
            kind,
            text,
            contact=contact,
            responds_to=responds_to,
            due_at=due_at,
        )

    def reply_delay(self, when: dt.datetime) -> dt.timedelta:
        if self.slow and when >= self.lately:
            return dt.timedelta(days=self.rng.uniform(2.0, 7.0))
        return dt.timedelta(minutes=self.rng.randint(15, 300))

    def converse(
        self,
        when: dt.datetime,
        intent: str,
        kind: str,
        reply_intent: str,
        *,
        channel: str | None = None,
        contact: int | None = None,
        responds_to: int | None = None,
        delay: dt.timedelta | None = None,
        always_answer: bool = False,
        **extra,
    ) -> tuple[int | None, int | None]:
        """The customer writes and we answer (or not, per the vendor-side knobs).

        Returns the refs of the message and of our reply. A message so close to the end
        that its reply would fall after it is not generated at all: an unanswered
        message must be a choice of the profile, never an accident of the calendar.
        """
        delay = delay if delay is not None else self.reply_delay(when)
        if when + delay >= self.end:
            return None, None
        ref = self.say(
            when, intent, kind, channel=channel, contact=contact, responds_to=responds_to, **extra
        )
        if ref is None:
            return None, None
        msg = self.items[ref]
        lately = when >= self.lately
        if not always_answer and lately and self.rng.random() < self.unanswered:
            return ref, None
        if self.inward and lately and (kind == "complaint" or self.rng.random() < 0.5):
            reply_intent = "reply_inward"
        reply_channel = (
            "email" if msg.channel == "ticket" and self.rng.random() < 0.3 else msg.channel
        )
        answer = self.write(
            when + delay, reply_intent, channel=reply_channel, contact=msg.contact, responds_to=ref
        )
        return ref, answer


_WARM_INTENTS = frozenset(
    {
        "question",
        "update",
        "praise",
        "mild_complaint",
        "decline_offer",
        "churn_notice",
        "complaint",
        "nitpick",
    }
)
_IN_GREETINGS = ("Hi {am},", "Hello {am},", "Hi {am}!", "Dear {am},", "")
_IN_SIGNOFFS = (
    "Thanks,\n{first}",
    "Best,\n{first}",
    "Kind regards,\n{first}",
    "Cheers,\n{first}",
    "{first}",
)
_IN_CURT_GREETINGS = ("{am},", "Hello,", "")
_IN_CURT_SIGNOFFS = ("{first}", "Regards,\n{first}", "- {first}")
_OUT_GREETINGS = ("Hi {first},", "Hello {first},", "Dear {first},")
_OUT_SIGNOFFS = ("Best,\n{am}", "Kind regards,\n{am}", "Thanks,\n{am}", "Best wishes,\n{am}")
