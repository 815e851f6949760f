"""The eight early warning signs (domain.md §2.2): patterns that precede a difficult
relationship, read over the recent window where recency is the point."""

from __future__ import annotations

from signals.features import AccountFeatures

from .base import DetectorResult, Evidence, any_of, detector, hill, plural, result

#: "Lately": the half-year over which a recurring pattern shows.
LATELY = 180


@detector("unrealistic_expectations")
def unrealistic_expectations(f: AccountFeatures) -> DetectorResult:
    """Expecting what no supplier can deliver: zero errors, 100% uptime, the whole
    migration overnight, instant turnaround (the ``unrealistic_expectation`` text cue;
    2.5 such messages → 50, one alone is an incident). Impossible demands and claims to
    special treatment around them support the sign but cannot make it on their own (at
    most 40): asking for the impossible is the ``unreasonable_*`` signs' evidence."""
    stated = f["unrealistic_expectations"]
    demands, entitled = f["unreasonable_demands"], f["entitlement"]
    support = any_of(0.4 * hill(demands, 3), 0.4 * hill(entitled, 3))
    score = any_of(hill(stated, 2.5), support) if stated else min(support, 40.0)
    said = f["inbound"]
    share = f" ({stated / said:.0%} of their messages)" if said >= stated > 0 else ""
    return result(
        "unrealistic_expectations",
        score,
        [
            Evidence(
                f"{plural(stated, 'message')} expecting the impossible{share}",
                f.ids("unrealistic_expectations"),
            )
            if stated
            else None,
            Evidence(
                f"{plural(demands, 'demand')} beyond what can be delivered",
                f.ids("unreasonable_demands"),
            )
            if demands
            else None,
            Evidence(f"{plural(entitled, 'claim')} to special treatment", f.ids("entitlement"))
            if entitled
            else None,
        ],
    )


@detector("repeated_complaints")
def repeated_complaints(f: AccountFeatures) -> DetectorResult:
    """Complaints recurring within half a year (four in 180 days → 50, steeply: one
    or two are incidents, five or more a pattern)."""
    n = f.within("complaints", LATELY)
    if n < 2:
        return result("repeated_complaints", 0.0)
    return result(
        "repeated_complaints",
        hill(n, 4, 3),
        [
            Evidence(
                f"{plural(n, 'complaint')} in the last {LATELY} days",
                f.within_ids("complaints", LATELY),
            )
        ],
    )


@detector("negative_tone")
def negative_tone(f: AccountFeatures) -> DetectorResult:
    """A large share of clearly negative messages (more than a quarter: 28 % → 50), on
    at least four messages so one bad day does not define the account."""
    said, negative = f["inbound"], f["negative_messages"]
    if said < 4 or negative < 2:
        return result("negative_tone", 0.0)
    share = negative / said
    return result(
        "negative_tone",
        hill(share, 0.28),
        [
            Evidence(
                f"{plural(negative, 'clearly negative message')} of {int(said)} ({share:.0%}); "
                f"mean tone {f.get('tone_mean'):+.2f}",
                f.ids("negative_messages"),
            )
        ],
    )


@detector("overly_demanding_communication")
def overly_demanding_communication(f: AccountFeatures) -> DetectorResult:
    """Bursts of messages within hours of each other, and escalations."""
    bursts, escalations = f["burst_messages"], f["escalations"]
    score = any_of(hill(bursts, 5), 0.5 * hill(escalations, 3))
    return result(
        "overly_demanding_communication",
        score,
        [
            Evidence(
                f"{plural(bursts, 'message')} sent within hours of the previous one",
                f.ids("burst_messages"),
            )
            if bursts
            else None,
            Evidence(f"{plural(escalations, 'escalation')}", f.ids("escalations"))
            if escalations
            else None,
        ],
    )


@detector("unreasonable_requests")
def unreasonable_requests(f: AccountFeatures) -> DetectorResult:
    """Requests outside the contract or beyond what can be delivered; either kind
    counts fully (2.5 out-of-contract or 3 impossible asks a year → 50)."""
    outside, demands = f["out_of_contract"], f["unreasonable_demands"]
    score = any_of(hill(outside, 2.5), hill(demands, 3))
    return result(
        "unreasonable_requests",
        score,
        [
            Evidence(f"{plural(outside, 'request')} outside the contract", f.ids("out_of_contract"))
            if outside
            else None,
            Evidence(
                f"{plural(demands, 'demand')} beyond what can be delivered",
                f.ids("unreasonable_demands"),
            )
            if demands
            else None,
        ],
    )


@detector("excessive_criticism")
def excessive_criticism(f: AccountFeatures) -> DetectorResult:
    """Criticism without acknowledgement: judgements of the quality of our work ("not
    acceptable", "below standard", "needs redoing"; four → 50) discounted by every word
    of praise, since criticism balanced with praise is just feedback. Complaints that
    only report a problem or blame someone are not criticism of the work (those are
    ``repeated_complaints`` and the victim's blame)."""
    critiques, praise = f["quality_complaints"], f["praise"]
    if critiques < 2:
        return result("excessive_criticism", 0.0)
    balance = critiques / (critiques + 3.0 * praise)
    return result(
        "excessive_criticism",
        hill(critiques, 4) * balance,
        [
            Evidence(
                f"{plural(critiques, 'criticism')} of our work and "
                f"{plural(praise, 'positive remark')}",
                f.ids("quality_complaints"),
            )
        ],
    )


@detector("inflexible_negotiation")
def inflexible_negotiation(f: AccountFeatures) -> DetectorResult:
    """No give while negotiating: ultimatums ("final offer", "take it or leave it") from
    a customer who is negotiating with us (asking for discounts, declining offers or
    threatening to leave). Without any negotiation on record, the same words are the
    ``inflexibility`` trait and count for a third."""
    firm = f["inflexible"] + f["hard_bargaining"] - min(f["inflexible"], f["hard_bargaining"])
    negotiating = f["discount_asks"] + f["objections"] + f["threats_to_leave"] > 0
    score = hill(firm, 2.5) * (1.0 if negotiating else 0.33)
    return result(
        "inflexible_negotiation",
        score,
        [
            Evidence(
                f"{plural(firm, 'message')} leaving no room to move"
                + (" while negotiating" if negotiating else ""),
                f.ids("hard_bargaining") or f.ids("inflexible"),
            )
        ]
        if firm
        else [],
    )


@detector("boundary_disregard")
def boundary_disregard(f: AccountFeatures) -> DetectorResult:
    """Repeated policy violations (two → 50), the first one counting for less."""
    violations = f["policy_violations"]
    if violations <= 0:
        return result("boundary_disregard", 0.0)
    return result(
        "boundary_disregard",
        hill(violations, 2, 3),
        [Evidence(f"{plural(violations, 'policy violation')}", f.ids("policy_violations"))],
    )
