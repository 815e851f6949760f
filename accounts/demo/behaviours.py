"""Which behaviours the demo portfolio contains, what each implies, and who gets what.

Every generated account gets one *profile*: ``healthy``, a customer-side primary key
(one archetype, trait or warning sign), or ``neutral`` (an ordinary customer). Customer
primaries may carry one vendor-side sign; ``neutral`` accounts always carry one. The
ground truth recorded for an account is its primary, the vendor sign, and what either
*implies* (``IMPLIES``): behaviours that cannot be generated without also showing the
other one, so labelling only one of them would make the ground truth lie.

How each key is expressed in the data (counts are per account; "recent" is the last
180 days of its history, "lately" the last 240):

customer side (inbound unless noted)
  perfectionist        7–9 quality complaints lately ("not acceptable", "expected better",
                       redo requests), CSAT 1–2 recently even after our fixes, no praise
  chronic_complainer   a complaint every 2–4 weeks for the whole history, emotive negative
                       words, NPS 0–4 and CSAT 1–2 throughout; few ordinary messages
  nitpicker            9–12 complaints (a few requests) lately about typos, pixels, fonts,
                       "minor" things
  gatekeeper           ~97% of inbound from one contact, 4–5 "everything goes through me",
                       2–3 escalations (kind escalation)
  ghost                no inbound at all (payments aside) for the last 120–200 days while
                       we reach out every 1–2 weeks; no survey answers in that time
  bargainer            4–6 discount_request + 2–3 haggling messages lately
  know_it_all          5–7 "you're wrong / I know better" messages lately
  victim               5–7 blaming messages lately ("not my fault", "because of you")
  rule_breaker         3–5 policy_violation rows, 3–4 out-of-contract demands, and recent
                       invoices paid 10–60 days late or not at all (with our reminders)
  aggressiveness       6–8 hostile messages recently (insults, threats, shouting), few
                       ordinary ones
  passive_aggressiveness 4–6 sarcastic messages recently
  excessive_demands    a multi-item request every 4–7 days recently (about 30)
  inflexibility        4–6 "no alternatives / non-negotiable" messages about delivery
  impatience           4–6 chains: a request chased 1–2 times within hours ("still
                       waiting", "ASAP"), each chaser answered
  entitlement          4–6 "as a loyal customer I deserve" messages
  refusal_to_listen    4–6 dismissals of our explanation, replying to our reply
  inconsistency        4–6 requests that reverse earlier ones
  unreasonable_demands 4–6 insistent impossible demands (kind request)
  unrealistic_expectations 4–6 "zero errors / instant / guaranteed" messages
  repeated_complaints  7–9 complaints lately about real issues, answered and fixed
  negative_tone        9–11 emotive negative messages recently, few ordinary ones, no praise
  overly_demanding_communication 2–3 bursts of 5–7 chat messages within hours, each
                       answered, ending in an escalation
  unreasonable_requests 4–5 polite but impossible requests (free extras, overnight jobs)
  excessive_criticism  5–7 harsh critiques of our work recently, no praise at all
  inflexible_negotiation 3–5 "final offer / take it or leave it" messages on terms
  boundary_disregard   3–5 policy_violation rows lately (payments on time)

vendor side (outbound unless noted)
  ignores_no           2–3 times lately: our pitch, their objection, then 2–3 more
                       pitches (kind request) within 5–35 days
  exit_penalties       contract early_termination_fee 60–150% of annual value
  renewal_lock_in      auto_renew, renewals_so_far 1–4, fee 50–120% of annual value
  slow_response        every reply lately comes 2–7 days after the inbound
  unanswered_inbound   ~55% of inbound lately never gets a reply (no responds_to)
  broken_commitments   commitments lately every ~4 weeks, most past due_at with no
                       follow_up; the customer chases them
  effort_imbalance     recently we send an update every 3–5 days, they write rarely
  inward_focus         replies to complaints lately talk about our policy and process (an
                       otherwise ordinary customer sends 3–4 complaints for them to answer)

Every other account shows none of these: replies within hours (responds_to set),
commitments followed up before due_at, at most one mild complaint, pitches at most a
few times a year and never within 100 days of an objection, contract fees ≤ 10% of
annual value, invoices paid before due_at, praise from time to time.
"""

from __future__ import annotations

import functools
import random

from signals.catalogue import KEYS_BY_GROUP, Group

HEALTHY = "healthy"
NEUTRAL = "neutral"

ARCHETYPES: tuple[str, ...] = KEYS_BY_GROUP[Group.ARCHETYPES]
TRAITS: tuple[str, ...] = KEYS_BY_GROUP[Group.TRAITS]
WARNING_SIGNS: tuple[str, ...] = KEYS_BY_GROUP[Group.WARNING_SIGNS]
VENDOR_SIGNS: tuple[str, ...] = KEYS_BY_GROUP[Group.VENDOR_SIGNS]
CUSTOMER_PRIMARIES: tuple[str, ...] = ARCHETYPES + TRAITS + WARNING_SIGNS

#: Ground-truth keys: every catalogue key plus "healthy".
GROUND_TRUTH_KEYS: tuple[str, ...] = CUSTOMER_PRIMARIES + VENDOR_SIGNS + (HEALTHY,)

#: Keys that come with another key: generating the first shows the second as well.
IMPLIES: dict[str, tuple[str, ...]] = {
    "perfectionist": ("repeated_complaints", "excessive_criticism"),
    "chronic_complainer": ("repeated_complaints", "negative_tone"),
    "nitpicker": ("repeated_complaints",),
    "know_it_all": ("refusal_to_listen",),
    "rule_breaker": ("boundary_disregard",),
    "ghost": ("effort_imbalance",),
    "aggressiveness": ("negative_tone",),
    "unreasonable_demands": ("unreasonable_requests",),
    "renewal_lock_in": ("exit_penalties",),
}

# Customers whose complaints give inward-focused replies something to answer.
_COMPLAINING = frozenset(
    {
        "perfectionist",
        "chronic_complainer",
        "nitpicker",
        "repeated_complaints",
        "negative_tone",
        "aggressiveness",
        "excessive_criticism",
    }
)
# A one-sided relationship is only generated on its own: with a talkative customer it
# would contradict the customer's own behaviour.
_ALONE_ONLY = frozenset({"effort_imbalance"})


def compatible_vendor_signs(primary: str) -> tuple[str, ...]:
    """Vendor-side signs that can be generated on top of ``primary`` without one
    behaviour hiding or faking the other."""
    if primary == NEUTRAL:
        return VENDOR_SIGNS
    if primary == "ghost":
        return ("exit_penalties", "renewal_lock_in")
    excluded = set(_ALONE_ONLY)
    if primary in {"impatience", "overly_demanding_communication"}:
        # Their chasers are answered within minutes by construction.
        excluded |= {"slow_response", "unanswered_inbound"}
    if primary not in _COMPLAINING:
        excluded.add("inward_focus")
    return tuple(k for k in VENDOR_SIGNS if k not in excluded)


def labels_for(primary: str, vendor_sign: str | None) -> tuple[str, ...]:
    """The ground truth of an account generated as ``primary`` (+ ``vendor_sign``)."""
    if primary == HEALTHY:
        return (HEALTHY,)
    keys: list[str] = []
    for key in (primary, vendor_sign):
        if key and key != NEUTRAL:
            for k in (key, *IMPLIES.get(key, ())):
                if k not in keys:
                    keys.append(k)
    return tuple(keys)


#: Every block of COVERAGE_SIZE consecutive accounts contains every customer primary and
#: every vendor sign at least once (in a seed-shuffled order), so any portfolio of that
#: size covers the whole catalogue and larger ones keep every key well represented.
COVERAGE_SIZE = 60
HEALTHY_SHARE = 0.35
NEUTRAL_SHARE = 0.08
VENDOR_SIGN_SHARE = 0.3


@functools.cache
def _block(seed: int, number: int) -> tuple[tuple[str, str | None], ...]:
    rng = random.Random(f"{seed}:block:{number}")
    block: list[tuple[str, str | None]] = [(key, None) for key in CUSTOMER_PRIMARIES]
    block += [(NEUTRAL, sign) for sign in VENDOR_SIGNS]
    block += [(HEALTHY, None)] * round(COVERAGE_SIZE * HEALTHY_SHARE)
    while len(block) < COVERAGE_SIZE:
        block.append(_draw(rng))
    rng.shuffle(block)
    # Customer primaries get their random vendor sign after the shuffle.
    return tuple(
        (p, v if v is not None or p in (HEALTHY, NEUTRAL) else _maybe_vendor(rng, p))
        for p, v in block
    )


def _maybe_vendor(rng: random.Random, primary: str) -> str | None:
    if rng.random() >= VENDOR_SIGN_SHARE:
        return None
    return rng.choice(compatible_vendor_signs(primary))


def _draw(rng: random.Random) -> tuple[str, str | None]:
    roll = rng.random()
    if roll < HEALTHY_SHARE:
        return HEALTHY, None
    if roll < HEALTHY_SHARE + NEUTRAL_SHARE:
        return NEUTRAL, rng.choice(VENDOR_SIGNS)
    # Archetypes are the headline behaviours: twice as likely as a single trait or sign.
    weights = [2.0 if k in ARCHETYPES else 1.0 for k in CUSTOMER_PRIMARIES]
    return rng.choices(CUSTOMER_PRIMARIES, weights=weights)[0], None


def profile_for(index: int, seed: int) -> tuple[str, str | None]:
    """``(primary, vendor_sign)`` of the account at ``index`` (0-based). It depends only
    on the seed and the index, never on the portfolio size, so a larger run extends a
    smaller one."""
    return _block(seed, index // COVERAGE_SIZE)[index % COVERAGE_SIZE]
