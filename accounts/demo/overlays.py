"""One recipe per behaviour: how a profile bends the ordinary relationship (``_TUNE``,
applied before the baseline is generated) and what it adds to it (``_ADD``). The
counts are the ones documented in ``behaviours``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .baseline import DAY, ordinary_relationship, survey_scores, write_survey
from .behaviours import HEALTHY, IMPLIES, NEUTRAL
from .builder import AccountBuilder
from .names import ADD_ONS

Recipe = Callable[[AccountBuilder], None]
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)

# Implied keys that the implying behaviour already shows through its own recipe.
_SHOWN_BY_IMPLIER = frozenset(
    {
        "repeated_complaints",
        "excessive_criticism",
        "negative_tone",
        "boundary_disregard",
        "effort_imbalance",
        "exit_penalties",
    }
)


def apply(b: AccountBuilder, primary: str, vendor: str | None) -> None:
    """Generate the account's whole history for its profile."""
    for key in (primary, vendor):
        if key:
            _TUNE.get(key, _nothing)(b)
    if vendor in _SCORE_HIT:
        nps, csat = b.recent_scores or (b.nps, b.csat)
        b.recent_scores = ((max(0, nps[0] - 2), max(0, nps[1] - 2)), csat)
    ordinary_relationship(b)
    _ADD.get(primary, _nothing)(b)
    for key in IMPLIES.get(primary, ()):
        if key not in _SHOWN_BY_IMPLIER:
            _ADD[key](b)
    if vendor:
        _ADD.get(vendor, _nothing)(b)


def _nothing(b: AccountBuilder) -> None:
    return None


# --- helpers ---------------------------------------------------------------------------


def _moments(
    b: AccountBuilder, count: tuple[int, int], since: dt.datetime | None = None
) -> list[dt.datetime]:
    """``count`` moments spread over the recent window, leaving room for replies."""
    return b.spread(b.rng.randint(*count), since or b.recent, b.end - 8 * DAY)


def _messages(
    b: AccountBuilder,
    intent: str,
    kinds: tuple[str, ...],
    count: tuple[int, int],
    reply: str = "reply_difficult",
    *,
    since: dt.datetime | None = None,
    channels: tuple[str, ...] = ("email", "email", "chat", "ticket"),
    contact: int | None = None,
) -> None:
    for when in _moments(b, count, since):
        kind = b.rng.choice(kinds)
        b.converse(when, intent, kind, reply, channel=b.rng.choice(channels), contact=contact)


def _violations(b: AccountBuilder, count: tuple[int, int]) -> None:
    for when in _moments(b, count, b.lately):
        text = b.render(when, "violation", "inbound", "note", 0)
        b.add(when, "note", "inbound", "policy_violation", text, contact=0)


# --- tuning ----------------------------------------------------------------------------


def _tune_healthy(b: AccountBuilder) -> None:
    b.praise_every, b.nps, b.csat = 60, (8, 10), (4, 5)


def _tune_perfectionist(b: AccountBuilder) -> None:
    b.praise_every, b.mild_complaints = None, 0
    b.nps, b.csat, b.recent_scores = (5, 8), (2, 4), ((4, 6), (1, 2))


def _tune_chronic(b: AccountBuilder) -> None:
    b.ambient, b.praise_every, b.mild_complaints = 0.4, None, 0
    b.nps, b.csat = (0, 4), (1, 2)


def _tune_nitpicker(b: AccountBuilder) -> None:
    b.praise_every, b.mild_complaints, b.nps, b.csat = 200, 0, (6, 8), (3, 4)


def _tune_gatekeeper(b: AccountBuilder) -> None:
    b.main_share, b.nps = 0.97, (5, 7)


def _tune_ghost(b: AccountBuilder) -> None:
    b.silent_from = b.end - b.rng.randint(120, 200) * DAY
    b.ambient, b.praise_every, b.nps = 0.6, 300, (5, 7)


def _tune_rule_breaker(b: AccountBuilder) -> None:
    b.late_payer, b.nps = True, (5, 7)


def _tune_hostile(b: AccountBuilder) -> None:
    b.ambient, b.praise_every, b.mild_complaints = 0.5, None, 0
    b.nps, b.csat = (1, 5), (1, 3)


def _tune_negative(b: AccountBuilder) -> None:
    b.ambient, b.praise_every, b.mild_complaints = 0.4, None, 0
    b.nps, b.csat = (3, 6), (2, 3)


def _tune_no_praise(b: AccountBuilder) -> None:
    b.praise_every, b.mild_complaints, b.nps = None, 0, (4, 7)


def _tune_complaints(b: AccountBuilder) -> None:
    b.mild_complaints, b.nps, b.csat = 0, (5, 8), (3, 4)


def _tune_lukewarm(b: AccountBuilder) -> None:
    b.praise_every, b.nps = 300, (4, 7)


def _tune_slow(b: AccountBuilder) -> None:
    b.slow = True


def _tune_unanswered(b: AccountBuilder) -> None:
    b.unanswered, b.ambient = 0.55, b.ambient * 1.3


def _tune_broken(b: AccountBuilder) -> None:
    b.break_commitments = True


def _tune_pushy(b: AccountBuilder) -> None:
    b.pitch_every = (400, 500)  # the recipe's own pitches replace the ordinary ones


def _tune_quiet(b: AccountBuilder) -> None:
    b.ambient, b.praise_every = 0.5, 300


def _tune_inward(b: AccountBuilder) -> None:
    b.inward = True


_SCORE_HIT = frozenset({"slow_response", "unanswered_inbound", "broken_commitments", "ignores_no"})

_TUNE: dict[str, Recipe] = {
    HEALTHY: _tune_healthy,
    "perfectionist": _tune_perfectionist,
    "chronic_complainer": _tune_chronic,
    "nitpicker": _tune_nitpicker,
    "gatekeeper": _tune_gatekeeper,
    "ghost": _tune_ghost,
    "know_it_all": _tune_lukewarm,
    "victim": _tune_lukewarm,
    "rule_breaker": _tune_rule_breaker,
    "aggressiveness": _tune_hostile,
    "passive_aggressiveness": _tune_lukewarm,
    "refusal_to_listen": _tune_lukewarm,
    "repeated_complaints": _tune_complaints,
    "negative_tone": _tune_negative,
    "excessive_criticism": _tune_no_praise,
    "slow_response": _tune_slow,
    "unanswered_inbound": _tune_unanswered,
    "broken_commitments": _tune_broken,
    "ignores_no": _tune_pushy,
    "effort_imbalance": _tune_quiet,
    "inward_focus": _tune_inward,
}


# --- archetypes --------------------------------------------------------------------------


def _perfectionist(b: AccountBuilder) -> None:
    fixes = []
    for when in _moments(b, (5, 6), b.lately):
        _, answer = b.converse(
            when,
            "perfectionist_complaint",
            "complaint",
            "reply_complaint",
            channel=b.rng.choice(("email", "ticket")),
        )
        if answer is None:
            continue
        fixes.append(b.items[answer].occurred_at)
        if b.rng.random() < 0.5:
            again = b.items[answer].occurred_at + b.rng.uniform(1, 3) * DAY
            b.converse(
                again, "perfectionist_complaint", "complaint", "reply_complaint", responds_to=answer
            )
    _messages(b, "rework_request", ("request",), (2, 3), "reply_requests", since=b.lately)
    # The low rating "even after our fixes": the survey calendar alone may leave the
    # recent months without a CSAT answer, so one always follows a recent fix.
    recent_fixes = [at for at in fixes if b.recent <= at < b.end - 2 * DAY]
    if recent_fixes:
        fixed = b.rng.choice(recent_fixes)
        when = fixed + b.rng.uniform(1, min(10.0, (b.end - fixed) / DAY - 1)) * DAY
        nps_range, csat_range = survey_scores(b, when)
        write_survey(b, when, b.rng.randint(*nps_range), b.rng.randint(*csat_range))


def _chronic_complainer(b: AccountBuilder) -> None:
    for when in b.every(b.start, b.end - 8 * DAY, (14, 28)):
        b.converse(
            when,
            "chronic_complaint",
            "complaint",
            "reply_complaint",
            channel=b.rng.choice(("email", "ticket")),
        )


def _nitpicker(b: AccountBuilder) -> None:
    kinds = ("complaint", "complaint", "complaint", "request")
    _messages(b, "nitpick", kinds, (9, 12), "reply_complaint", since=b.lately)


def _gatekeeper(b: AccountBuilder) -> None:
    _messages(
        b,
        "gatekeeper_control",
        ("message",),
        (4, 5),
        since=b.lately,
        channels=("email",),
        contact=0,
    )
    _messages(b, "gatekeeper_escalation", ("escalation",), (2, 3), channels=("email",), contact=0)


def _ghost(b: AccountBuilder) -> None:
    assert b.silent_from is not None
    for when in b.every(b.silent_from + 3 * DAY, b.end, (7, 14)):
        b.write(when, "outreach", channel=b.rng.choice(("email", "email", "email", "call", "chat")))


def _bargainer(b: AccountBuilder) -> None:
    _messages(
        b,
        "bargain",
        ("discount_request",),
        (4, 6),
        since=b.lately,
        channels=("email", "email", "call"),
    )
    _messages(b, "haggle", ("message",), (2, 3))


def _know_it_all(b: AccountBuilder) -> None:
    _messages(b, "know_it_all", ("message",), (5, 7))


def _victim(b: AccountBuilder) -> None:
    _messages(b, "victim", ("message", "message", "message", "complaint"), (5, 7))


def _rule_breaker(b: AccountBuilder) -> None:
    _violations(b, (3, 5))
    _messages(b, "out_of_contract", ("request", "message"), (3, 4))


# --- traits ----------------------------------------------------------------------------


def _aggressiveness(b: AccountBuilder) -> None:
    _messages(b, "aggressive", ("complaint", "message", "message"), (6, 8))


def _passive_aggressiveness(b: AccountBuilder) -> None:
    _messages(b, "sarcastic", ("message",), (4, 6))


def _excessive_demands(b: AccountBuilder) -> None:
    for when in b.every(b.recent, b.end - 8 * DAY, (4, 7)):
        b.converse(when, "many_requests", "request", "reply_requests")


def _inflexibility(b: AccountBuilder) -> None:
    _messages(b, "inflexible", ("message", "request"), (4, 6))


def _impatience(b: AccountBuilder) -> None:
    """A request chased within hours, every chaser answered with a holding reply."""
    rng = b.rng

    def ack() -> dt.timedelta:
        return rng.randint(10, 40) * MINUTE

    for when in _moments(b, (4, 6)):
        _, answer = b.converse(
            when, "question", "request", "holding_reply", delay=ack(), always_answer=True
        )
        for _ in range(rng.choice((1, 2))):
            if answer is None:
                break
            chase_at = b.items[answer].occurred_at + rng.uniform(1.5, 3.0) * HOUR
            _, answer = b.converse(
                chase_at,
                "impatient",
                "message",
                "holding_reply",
                channel="chat",
                delay=ack(),
                always_answer=True,
            )


def _entitlement(b: AccountBuilder) -> None:
    _messages(b, "entitled", ("message", "request"), (4, 6))


def _refusal_to_listen(b: AccountBuilder) -> None:
    """They ask, we explain, they wave the explanation away."""
    for when in _moments(b, (4, 6)):
        _, explained = b.converse(when, "question", "request", "reply_explain", always_answer=True)
        if explained is not None:
            back = b.items[explained].occurred_at + b.rng.uniform(0.1, 1.0) * DAY
            b.converse(back, "refusal", "message", "reply_difficult", responds_to=explained)


def _inconsistency(b: AccountBuilder) -> None:
    _messages(b, "changed_requirements", ("request",), (4, 6), "reply_requests")


def _unreasonable_demands(b: AccountBuilder) -> None:
    _messages(b, "unreasonable_demand", ("request",), (4, 6))


# --- early warning signs -------------------------------------------------------------


def _unrealistic_expectations(b: AccountBuilder) -> None:
    _messages(b, "unrealistic", ("message", "request"), (4, 6))


def _repeated_complaints(b: AccountBuilder) -> None:
    _messages(b, "complaint", ("complaint",), (7, 9), "reply_complaint", since=b.lately)


def _negative_tone(b: AccountBuilder) -> None:
    _messages(b, "negative", ("message",), (9, 11))


def _overly_demanding(b: AccountBuilder) -> None:
    """Bursts of chat messages within hours, each answered, ending in an escalation."""
    rng = b.rng
    for start in _moments(b, (2, 3)):
        when = start
        for _ in range(rng.randint(5, 7)):
            b.converse(
                when,
                "burst",
                "message",
                "holding_reply",
                channel="chat",
                delay=rng.randint(5, 20) * MINUTE,
            )
            when += rng.randint(25, 70) * MINUTE
        b.converse(
            when,
            "burst_escalation",
            "escalation",
            "reply_difficult",
            channel="email",
            delay=2 * HOUR,
        )


def _unreasonable_requests(b: AccountBuilder) -> None:
    _messages(b, "unreasonable_request", ("request",), (4, 5), "reply_requests")


def _excessive_criticism(b: AccountBuilder) -> None:
    _messages(b, "criticism", ("message",), (5, 7))


def _inflexible_negotiation(b: AccountBuilder) -> None:
    _messages(b, "hard_negotiation", ("message",), (3, 5), channels=("email",))


def _boundary_disregard(b: AccountBuilder) -> None:
    _violations(b, (4, 5))


# --- the vendor side -----------------------------------------------------------------


def _ignores_no(b: AccountBuilder) -> None:
    """We pitch, they say no, and we keep pitching within weeks."""
    rng = b.rng
    for when in b.spread(rng.randint(2, 3), b.lately, b.end - 80 * DAY):
        addon = rng.choice(ADD_ONS)
        pitch = b.write(when, "pitch", "request", addon=addon)
        if pitch is None:
            continue
        sent = b.items[pitch].occurred_at
        no, _ = b.converse(
            b.when(sent + DAY, sent + 3 * DAY),
            "decline_offer",
            "objection",
            "reply_decline",
            responds_to=pitch,
            contact=0,
            addon=addon,
        )
        if no is None:
            continue
        again_at = b.items[no].occurred_at
        for round_ in range(rng.randint(2, 3)):
            again_at += rng.uniform(5, 15) * DAY
            channel = rng.choice(("email", "call"))
            again = b.write(
                b.when(again_at, again_at + DAY),
                "pitch_again",
                "request",
                channel=channel,
                addon=addon,
            )
            if again is not None and round_ == 1 and rng.random() < 0.6:
                sent = b.items[again].occurred_at
                b.converse(
                    b.when(sent, sent + 2 * DAY),
                    "repeat_no",
                    "objection",
                    "reply_decline",
                    responds_to=again,
                    contact=0,
                    addon=addon,
                )


def _unanswered_inbound(b: AccountBuilder) -> None:
    for when in _moments(b, (2, 3), b.lately):
        b.say(when, "unanswered_chaser", "message", channel="email")


def _broken_commitments(b: AccountBuilder) -> None:
    rng = b.rng
    promised = []
    for when in b.every(b.lately, b.end - 14 * DAY, (25, 35)):
        due = b.due_after(when)
        ref = b.write(when, "commitment", "commitment", due_at=due)
        if ref is not None:
            promised.append(due)
    for due in rng.sample(promised, min(2, len(promised))):
        b.converse(
            b.when(due + 2 * DAY, due + 5 * DAY),
            "commitment_chaser",
            "message",
            "commitment_apology",
            due=due,
        )


def _effort_imbalance(b: AccountBuilder) -> None:
    for when in b.every(b.recent, b.end, (3, 5)):
        b.write(when, b.rng.choice(("newsletter", "newsletter", "checkin", "outreach")))


def _inward_focus(b: AccountBuilder) -> None:
    if b.spec.profile == NEUTRAL:  # complaining profiles bring their own complaints
        _messages(b, "complaint", ("complaint",), (3, 4), "reply_complaint")


_ADD: dict[str, Recipe] = {
    "perfectionist": _perfectionist,
    "chronic_complainer": _chronic_complainer,
    "nitpicker": _nitpicker,
    "gatekeeper": _gatekeeper,
    "ghost": _ghost,
    "bargainer": _bargainer,
    "know_it_all": _know_it_all,
    "victim": _victim,
    "rule_breaker": _rule_breaker,
    "aggressiveness": _aggressiveness,
    "passive_aggressiveness": _passive_aggressiveness,
    "excessive_demands": _excessive_demands,
    "inflexibility": _inflexibility,
    "impatience": _impatience,
    "entitlement": _entitlement,
    "refusal_to_listen": _refusal_to_listen,
    "inconsistency": _inconsistency,
    "unreasonable_demands": _unreasonable_demands,
    "unrealistic_expectations": _unrealistic_expectations,
    "repeated_complaints": _repeated_complaints,
    "negative_tone": _negative_tone,
    "overly_demanding_communication": _overly_demanding,
    "unreasonable_requests": _unreasonable_requests,
    "excessive_criticism": _excessive_criticism,
    "inflexible_negotiation": _inflexible_negotiation,
    "boundary_disregard": _boundary_disregard,
    "ignores_no": _ignores_no,
    "unanswered_inbound": _unanswered_inbound,
    "broken_commitments": _broken_commitments,
    "effort_imbalance": _effort_imbalance,
    "inward_focus": _inward_focus,
}
