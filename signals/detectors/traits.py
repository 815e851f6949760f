"""The nine behavioural traits (domain.md §2.2).

Most traits are read from text cues stored on each interaction; a cue seen in 2–3
messages within the window reaches 50 (``half`` below), one message alone stays
under it (halved), since a single sharp sentence is an incident, not a trait.
"""

from __future__ import annotations

from signals.features import AccountFeatures

from .base import DetectorResult, Evidence, any_of, detector, hill, plural, result


def _from_cue(
    key: str, f: AccountFeatures, name: str, what: str, half: float = 2.5
) -> DetectorResult:
    n = f[name]
    if n <= 0:
        return result(key, 0.0)
    score = hill(n, half) * (1.0 if n >= 2 else 0.5)
    return result(
        key, score, [Evidence(f"{plural(n, what)} in the last {f.long_days} days", f.ids(name))]
    )


@detector("aggressiveness")
def aggressiveness(f: AccountFeatures) -> DetectorResult:
    """Hostile, abusive or threatening language; very negative messages support it."""
    hostile, harsh = f["aggression"], f["very_negative_messages"]
    score = any_of(hill(hostile, 2), 0.6 * hill(harsh, 4))
    if hostile < 1:
        score = min(score, 45.0)  # harsh tone alone is negativity, not aggression
    return result(
        "aggressiveness",
        score,
        [
            Evidence(f"{plural(hostile, 'hostile message')}", f.ids("aggression"))
            if hostile
            else None,
            Evidence(f"{plural(harsh, 'very negative message')}", f.ids("very_negative_messages"))
            if harsh
            else None,
        ],
    )


@detector("passive_aggressiveness")
def passive_aggressiveness(f: AccountFeatures) -> DetectorResult:
    """Sarcasm and back-handed praise."""
    return _from_cue("passive_aggressiveness", f, "sarcasm", "sarcastic message")


@detector("excessive_demands")
def excessive_demands(f: AccountFeatures) -> DetectorResult:
    """A high volume of requests in the recent window (eight in 90 days → 50, about
    one every eleven days, well above what a normal account sends)."""
    n = f.recent("requests")
    if n <= 0:
        return result("excessive_demands", 0.0)
    return result(
        "excessive_demands",
        hill(n, 8, 3),
        [
            Evidence(
                f"{plural(n, 'request')} in the last {f.recent_days} days", f.recent_ids("requests")
            )
        ],
    )


@detector("inflexibility")
def inflexibility(f: AccountFeatures) -> DetectorResult:
    """Messages refusing to move from a position ("non-negotiable", "no alternatives")."""
    return _from_cue("inflexibility", f, "inflexible", "message refusing any alternative")


@detector("impatience")
def impatience(f: AccountFeatures) -> DetectorResult:
    """Urgency language ("still waiting", "ASAP") and chasers sent hours apart. Messages
    in quick succession with no word pressing for speed are volume, not impatience
    (``overly_demanding_communication``): without urgency they stay under 40."""
    urgent, chasers = f["urgency"], f["burst_messages"]
    score = any_of(hill(urgent, 3), 0.6 * hill(chasers, 4))
    if urgent < 1:
        score = min(score, 40.0)
    return result(
        "impatience",
        score,
        [
            Evidence(f"{plural(urgent, 'message')} pressing for speed", f.ids("urgency"))
            if urgent
            else None,
            Evidence(
                f"{plural(chasers, 'message')} sent within hours of the previous one",
                f.ids("burst_messages"),
            )
            if chasers
            else None,
        ],
    )


@detector("entitlement")
def entitlement(f: AccountFeatures) -> DetectorResult:
    """Claims to special treatment because of who they are ("as a loyal customer I deserve")."""
    return _from_cue("entitlement", f, "entitlement", "claim to special treatment", half=2)


@detector("refusal_to_listen")
def refusal_to_listen(f: AccountFeatures) -> DetectorResult:
    """Dismissing explanations ("I don't want to hear it", "stop explaining")."""
    return _from_cue("refusal_to_listen", f, "refusals", "message dismissing our explanation")


@detector("inconsistency")
def inconsistency(f: AccountFeatures) -> DetectorResult:
    """Requirements changed after they were agreed."""
    return _from_cue("inconsistency", f, "changed_requirements", "change to agreed requirements")


@detector("unreasonable_demands")
def unreasonable_demands(f: AccountFeatures) -> DetectorResult:
    """Demands for impossible scope or timing ("everything by tomorrow, for free")."""
    return _from_cue("unreasonable_demands", f, "unreasonable_demands", "unreasonable demand")
