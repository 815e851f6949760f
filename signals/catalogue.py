"""Every scored key in one registry: what it means and what to do about it.

The catalogue is the vocabulary shared by detectors (one per key), the health document
(one list per group, every key present), threshold rules (``MEASURES``) and alerts
(``entry(key).next_steps``). The wording is the product's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Group(StrEnum):
    ARCHETYPES = "archetypes"
    TRAITS = "traits"
    WARNING_SIGNS = "warning_signs"
    VENDOR_SIGNS = "vendor_signs"


CUSTOMER_GROUPS = (Group.ARCHETYPES, Group.TRAITS, Group.WARNING_SIGNS)


@dataclass(frozen=True)
class Entry:
    key: str
    group: Group
    label: str
    description: str
    next_steps: tuple[str, ...]

    @property
    def side(self) -> str:
        return "vendor" if self.group == Group.VENDOR_SIGNS else "customer"

    @property
    def advice(self) -> str:
        """The next steps as one sentence list, as the health document shows them."""
        return " ".join(self.next_steps)


def _e(key: str, group: Group, label: str, description: str, *steps: str) -> Entry:
    assert 2 <= len(steps) <= 4, key
    return Entry(key, group, label, description, tuple(steps))


A, T, W, V = Group.ARCHETYPES, Group.TRAITS, Group.WARNING_SIGNS, Group.VENDOR_SIGNS

_ENTRIES: tuple[Entry, ...] = (
    # --- archetypes -------------------------------------------------------------------
    _e(
        "perfectionist",
        A,
        "Perfectionist",
        "Holds the work to a very high bar and reports every shortfall in quality.",
        "Agree written acceptance criteria before the next delivery.",
        "Review deliverables against those criteria before they go out.",
        "Close each quality point explicitly, naming what was fixed.",
    ),
    _e(
        "chronic_complainer",
        A,
        "Chronic complainer",
        "Stays dissatisfied month after month, whatever gets resolved.",
        "Keep one running issue log and review it together on a fixed rhythm.",
        "Separate the complaints that point at a real defect from general discontent.",
        "Ask what a good month would look like, and write it down.",
    ),
    _e(
        "nitpicker",
        A,
        "Nitpicker",
        "Spends attention on small details far more than on outcomes.",
        "Batch minor corrections into one scheduled pass instead of one-off fixes.",
        "Confirm which details actually matter to their goals.",
        "Share a style or tolerance guide both sides sign off.",
    ),
    _e(
        "gatekeeper",
        A,
        "Gatekeeper",
        "One person controls every contact with the customer and expects special handling.",
        "Respect the main contact, but ask for a second named stakeholder.",
        "Put decisions in shared written summaries so they do not rest on one inbox.",
        "Offer a regular steering meeting where other voices can join.",
    ),
    _e(
        "ghost",
        A,
        "Ghost",
        "Hard to reach: our outreach goes unanswered and the silence grows.",
        "Agree one preferred channel and a standing check-in slot.",
        "Send short messages with a single, easy question to answer.",
        "Find a second contact before the renewal date comes close.",
    ),
    _e(
        "bargainer",
        A,
        "Bargainer",
        "Keeps reopening the price and asking for concessions.",
        "Anchor every conversation on the value delivered, with numbers.",
        "Trade any concession for something in return (term, volume, reference).",
        "Set one pricing review date instead of negotiating ad hoc.",
    ),
    _e(
        "know_it_all",
        A,
        "Know-it-all",
        "Disputes our expertise and dismisses our recommendations.",
        "Show the evidence behind a recommendation rather than arguing the point.",
        "Invite their expertise on scope, and keep ownership of the method.",
        "Record decisions taken against our advice, with the expected trade-offs.",
    ),
    _e(
        "victim",
        A,
        "Victim",
        "Puts the blame for problems on us or on others and takes no part in the cause.",
        "Walk through the timeline of facts calmly and without assigning fault.",
        "Agree shared responsibilities in writing for the next step.",
        "Acknowledge the frustration before moving to solutions.",
    ),
    _e(
        "rule_breaker",
        A,
        "Rule breaker",
        "Disregards the agreed terms: policies, payment dates, contract scope.",
        "Restate the relevant terms in plain language, once and in writing.",
        "Apply the agreed consequences consistently, without exceptions by default.",
        "Route out-of-scope asks to a priced change request.",
    ),
    # --- traits -----------------------------------------------------------------------
    _e(
        "aggressiveness",
        T,
        "Aggressiveness",
        "Hostile or abusive language towards our people.",
        "Lower the temperature: acknowledge, slow down, move to a call if safe.",
        "Set a clear, polite line on acceptable language.",
        "Involve a manager when abuse repeats, and protect the team.",
    ),
    _e(
        "passive_aggressiveness",
        T,
        "Passive-aggressiveness",
        "Sarcasm and back-handed remarks instead of saying what is wrong.",
        "Name the underlying issue directly and ask if it is the real concern.",
        "Reply to the content, never to the tone.",
        "Follow up sarcastic threads with a short call.",
    ),
    _e(
        "excessive_demands",
        T,
        "Excessive demands",
        "A stream of requests far beyond what the relationship normally carries.",
        "Summarise open requests in one list and agree priorities together.",
        "Tie request volume to the plan or a paid extension.",
    ),
    _e(
        "inflexibility",
        T,
        "Inflexibility",
        "Will not move from a position, whatever the constraints.",
        "Offer two or three concrete options rather than one answer.",
        "Ask which outcome matters most, and negotiate around that.",
    ),
    _e(
        "impatience",
        T,
        "Impatience",
        "Chases replies within hours and pushes every item as urgent.",
        "Publish response times and stick to them visibly.",
        "Send a holding reply with a date when the answer takes time.",
        "Agree which issues truly qualify as urgent.",
    ),
    _e(
        "entitlement",
        T,
        "Entitlement",
        "Expects treatment beyond the agreement because of who they are.",
        "Thank them for their loyalty while keeping to the agreed terms.",
        "Offer a clearly defined loyalty benefit rather than open-ended favours.",
    ),
    _e(
        "refusal_to_listen",
        T,
        "Refusal to listen",
        "Dismisses explanations and repeats the same point.",
        "Reflect their point back before giving ours.",
        "Put the explanation in writing with one short example.",
        "Bring in a neutral colleague for a fresh conversation.",
    ),
    _e(
        "inconsistency",
        T,
        "Inconsistency",
        "Requirements keep changing after they were agreed.",
        "Freeze requirements per iteration and log every change request.",
        "Show the cost and delay each change adds before accepting it.",
    ),
    _e(
        "unreasonable_demands",
        T,
        "Unreasonable demands",
        "Asks for what cannot reasonably be delivered: impossible scope or timing.",
        "Explain what is feasible, by when, and what it would take to do more.",
        "Put the agreed scope and deadline in writing.",
    ),
    # --- early warning signs ----------------------------------------------------------
    _e(
        "unrealistic_expectations",
        W,
        "Unrealistic expectations",
        "Expects results, speed or scope that nobody could deliver.",
        "Reset expectations early with a realistic plan and milestones.",
        "Check the original promise made during the sale.",
    ),
    _e(
        "repeated_complaints",
        W,
        "Repeated complaints",
        "Complaints keep coming back within a short time.",
        "Look for the common root cause behind the recent complaints.",
        "Assign one owner to see the fix through end to end.",
    ),
    _e(
        "negative_tone",
        W,
        "Negative tone",
        "The customer's messages are clearly negative in tone.",
        "Reach out personally and ask how things are going.",
        "Check whether a recent event explains the change.",
    ),
    _e(
        "overly_demanding_communication",
        W,
        "Overly demanding communication",
        "Bursts of messages in quick succession, often escalating.",
        "Offer a single scheduled touchpoint for open items.",
        "Answer bursts with one consolidated reply.",
    ),
    _e(
        "unreasonable_requests",
        W,
        "Unreasonable requests",
        "Requests outside the agreement or beyond what is feasible.",
        "Respond with what the agreement covers and a priced option for the rest.",
        "Escalate repeated out-of-scope requests to the account owner.",
    ),
    _e(
        "excessive_criticism",
        W,
        "Excessive criticism",
        "Criticism without any acknowledgement of what goes well.",
        "Share concrete wins and ask what they think of them.",
        "Ask for the one change that would matter most.",
    ),
    _e(
        "inflexible_negotiation",
        W,
        "Inflexible negotiation",
        "Negotiates on price or terms without any give.",
        "Prepare walk-away terms before the next negotiation.",
        "Bring options that trade scope against price.",
    ),
    _e(
        "boundary_disregard",
        W,
        "Boundary disregard",
        "Keeps overstepping agreed policies and limits.",
        "Document each incident and refer to the specific term.",
        "Agree together what happens on the next breach.",
    ),
    # --- the vendor side --------------------------------------------------------------
    _e(
        "ignores_no",
        V,
        "We ignore their no",
        "We keep pitching after the customer declined.",
        "Pause all offers to this account for at least a quarter.",
        "Log the objection and its reason where the whole team sees it.",
        "Ask what would need to change before raising it again.",
    ),
    _e(
        "exit_penalties",
        V,
        "Exit penalties",
        "Our contract keeps them with a heavy early-termination fee.",
        "Review whether the fee protects real costs or only retention.",
        "Offer a fair exit path, such as a pro-rata fee.",
    ),
    _e(
        "renewal_lock_in",
        V,
        "Renewal lock-in",
        "The contract renews itself with penalties, again and again.",
        "Remind them ahead of each renewal, with time to decide.",
        "Move to an opt-in renewal at the next term.",
    ),
    _e(
        "slow_response",
        V,
        "Slow response",
        "We take a long time to answer them.",
        "Set a response-time target for this account and track it.",
        "Route their messages to a shared queue, not one person.",
    ),
    _e(
        "unanswered_inbound",
        V,
        "Unanswered messages",
        "Some of their messages never got a reply from us.",
        "Answer the open messages today, starting with the oldest.",
        "Add a check for inbound messages left without a reply.",
    ),
    _e(
        "broken_commitments",
        V,
        "Broken commitments",
        "We promised things by a date and did not deliver.",
        "Contact them about each missed promise with a new, realistic date.",
        "Only commit to dates the delivery team has confirmed.",
    ),
    _e(
        "effort_imbalance",
        V,
        "Effort imbalance",
        "One side carries nearly all the communication.",
        "If we do all the talking, ask what they actually need from us.",
        "If they do all the talking, be proactive with updates.",
    ),
    _e(
        "inward_focus",
        V,
        "Inward focus",
        "Our replies talk about our rules and constraints instead of their problem.",
        "Lead each reply with their problem and what we will do about it.",
        "Mention policy only after the solution, and explain why it exists.",
    ),
)

CATALOGUE: dict[str, Entry] = {e.key: e for e in _ENTRIES}
assert len(CATALOGUE) == len(_ENTRIES), "duplicate catalogue key"

KEYS_BY_GROUP: dict[Group, tuple[str, ...]] = {
    group: tuple(e.key for e in _ENTRIES if e.group == group) for group in Group
}
CUSTOMER_KEYS: tuple[str, ...] = tuple(k for g in CUSTOMER_GROUPS for k in KEYS_BY_GROUP[g])
VENDOR_KEYS: tuple[str, ...] = KEYS_BY_GROUP[Group.VENDOR_SIGNS]

#: Top-level measures a threshold rule can watch, besides every catalogue key.
SUMMARY_MEASURES: tuple[str, ...] = (
    "health",
    "customer_side",
    "vendor_side",
    "nps",
    "csat",
    "churn_probability",
    "clv",
)
MEASURES: tuple[str, ...] = SUMMARY_MEASURES + tuple(CATALOGUE)


def is_valid_measure(key: str) -> bool:
    return key in MEASURES


def entry(key: str) -> Entry:
    """The catalogue entry of ``key``; ``KeyError`` for an unknown key."""
    return CATALOGUE[key]
