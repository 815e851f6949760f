"""The nine customer archetypes (domain.md §2.1).

Counts are over the long window (a year by default) unless a detector says otherwise.
Most archetypes need at least two occurrences before they can reach 50: a single
message is an incident, a repeat is a pattern.
"""

from __future__ import annotations

from signals.features import AccountFeatures

from .base import DetectorResult, Evidence, any_of, both, detector, hill, plural, result


def _cue_count(
    f: AccountFeatures, name: str, what: str, half: float = 2.5
) -> tuple[float, Evidence | None]:
    n = f[name]
    if n <= 0:
        return 0.0, None
    return hill(n, half), Evidence(f"{plural(n, what)} in the last {f.long_days} days", f.ids(name))


@detector("perfectionist")
def perfectionist(f: AccountFeatures) -> DetectorResult:
    """Repeated, measured complaints about the quality of the work, with low
    satisfaction scores even after fixes.

    Five quality complaints a year are the half-way point (steep: two or three are
    ordinary feedback). Without a low CSAT (≤ 2) the score keeps 60 % of its weight —
    high standards show in the ratings too. A perfectionist's criticism is specific and
    calm; when most of their messages are emotionally negative the complaints read as
    general discontent (chronic_complainer, negative_tone), so the score fades with the
    share of negative messages (40 % → halved).
    """
    quality, low = f["quality_complaints"], f["low_csat"]
    if quality <= 0:
        return result("perfectionist", 0.0)
    said = f["inbound"]
    negative_share = f["negative_messages"] / said if said else 0.0
    calm = 1.0 - hill(negative_share, 0.4, 3) / 100.0
    score = hill(quality, 5, 3) * (0.6 + 0.4 * min(1.0, low)) * calm
    return result(
        "perfectionist",
        score,
        [
            Evidence(
                f"{plural(quality, 'quality complaint')} in the last {f.long_days} days",
                f.ids("quality_complaints"),
            ),
            Evidence(f"{plural(low, 'low satisfaction score')} (CSAT ≤ 2)", f.ids("low_csat"))
            if low
            else None,
        ],
    )


@detector("chronic_complainer")
def chronic_complainer(f: AccountFeatures) -> DetectorResult:
    """Complaints sustained across most of the year, making up a large share of what
    they send.

    Spread matters more than volume: a burst of complaints over one bad quarter is a
    problem, complaints in most months of the year are a disposition. Eight distinct
    months of the last twelve are the half-way point (steep, so five or six months of a
    rough patch stay low); the complaint share of inbound scales it (≥ 40 % counts
    fully, a few complaints among many ordinary messages half).
    """
    months, complaints = f["complaint_months"], f["complaints"]
    if complaints < 3:
        return result("chronic_complainer", 0.0)
    share = f.get("complaint_share")
    score = hill(months * 365 / f.long_days, 8, 4) * (0.5 + 0.5 * min(1.0, share / 0.4))
    return result(
        "chronic_complainer",
        score,
        [
            Evidence(
                f"{plural(complaints, 'complaint')} across {plural(months, 'month')} "
                f"({share:.0%} of their messages)",
                f.ids("complaints"),
            )
        ],
    )


@detector("nitpicker")
def nitpicker(f: AccountFeatures) -> DetectorResult:
    """Complaints about small details (typos, slight misalignments, trivial deviations).

    Three detail complaints a year reach 50.
    """
    score, said = _cue_count(f, "minor_details", "complaint about a minor detail", half=3)
    return result("nitpicker", score if f["minor_details"] >= 2 else score * 0.5, [said])


@detector("gatekeeper")
def gatekeeper(f: AccountFeatures) -> DetectorResult:
    """One person controlling access: control language, traffic concentrated on one
    contact although the customer has others, and escalations.

    Concentration only counts when we know at least two contacts and have six or more
    messages: a one-person customer is not a gatekeeper.
    """
    control, said = _cue_count(f, "control", "message insisting on controlling access", half=2)
    concentration = 0.0
    concentrated = None
    share = f.get("top_contact_share")
    if f["known_contacts"] >= 2 and f["inbound"] >= 6 and share >= 0.8:
        concentration = 100.0 * (share - 0.5) / 0.5
        concentrated = Evidence(
            f"{share:.0%} of their messages come from one of {int(f['known_contacts'])} contacts",
            f.ids("top_contact"),
        )
    escalations = f["escalations"]
    escalated = (
        Evidence(f"{plural(escalations, 'escalation')}", f.ids("escalations"))
        if escalations
        else None
    )
    score = any_of(control, 0.6 * concentration, 0.3 * hill(escalations, 3))
    if not control and not concentration:
        score = min(score, 30.0)
    return result("gatekeeper", score, [said, concentrated, escalated])


@detector("ghost")
def ghost(f: AccountFeatures) -> DetectorResult:
    """Our outreach goes unanswered and the silence lasts months.

    High only when both hold: four unanswered outreaches (about a month of weekly
    attempts) and two months without a word from them are the half-way points. A
    quiet customer we never contacted is not avoiding us, and a few days of silence
    after a busy stretch is just a rhythm.
    """
    streak, silence = f["outreach_unanswered"], f["silence_days"]
    if streak < 2:
        return result("ghost", 0.0)
    never = silence != silence  # NaN: no message from them in the whole window
    quiet = 100.0 if never else hill(silence, 60, 3)
    silent = (
        f"no message from them in the last {f.long_days} days"
        if never
        else f"no message from them for {int(silence)} days"
    )
    return result(
        "ghost",
        both(hill(streak, 4), quiet),
        [
            Evidence(
                f"{plural(streak, 'outreach', 'outreaches')} unanswered; {silent}",
                f.ids("outreach_unanswered"),
            )
        ],
    )


@detector("bargainer")
def bargainer(f: AccountFeatures) -> DetectorResult:
    """Repeated asks for discounts, price matches and better deals (2.5 a year → 50)."""
    score, said = _cue_count(f, "discount_asks", "request for a lower price")
    return result("bargainer", score if f["discount_asks"] >= 2 else score * 0.5, [said])


@detector("know_it_all")
def know_it_all(f: AccountFeatures) -> DetectorResult:
    """Messages disputing our expertise or dismissing our recommendations."""
    score, said = _cue_count(f, "challenges", "message disputing our expertise")
    return result("know_it_all", score if f["challenges"] >= 2 else score * 0.5, [said])


@detector("victim")
def victim(f: AccountFeatures) -> DetectorResult:
    """Messages putting the blame on us or on others for what went wrong."""
    score, said = _cue_count(f, "blame", "message blaming others")
    return result("victim", score if f["blame"] >= 2 else score * 0.5, [said])


@detector("rule_breaker")
def rule_breaker(f: AccountFeatures) -> DetectorResult:
    """Disregard for the commercial agreement: invoices paid late or not at all, demands
    outside the contract, policy violations.

    Two late invoices a year reach 50 on their own: payment terms are the one rule every
    customer signs. Out-of-contract demands and policy violations reinforce it but stay
    below 50 alone — repeated violations by themselves are the ``boundary_disregard``
    warning sign, and out-of-scope asks alone are ``unreasonable_requests``.
    """
    violations, late = f["policy_violations"], f["late_payments"]
    out_of_contract = f["out_of_contract"]
    score = any_of(hill(late, 2), 0.45 * hill(out_of_contract, 3), 0.4 * hill(violations, 2))
    return result(
        "rule_breaker",
        score,
        [
            Evidence(
                f"{plural(late, 'invoice')} paid late or unpaid past due "
                f"({int(f['invoices_due'])} due)",
                f.ids("late_payments"),
            )
            if late
            else None,
            Evidence(f"{plural(violations, 'policy violation')}", f.ids("policy_violations"))
            if violations
            else None,
            Evidence(
                f"{plural(out_of_contract, 'demand')} outside the contract",
                f.ids("out_of_contract"),
            )
            if out_of_contract
            else None,
        ],
    )
