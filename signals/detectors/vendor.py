"""The vendor side: how we make the relationship one-sided (domain.md §3)."""

from __future__ import annotations

from signals.features import AccountFeatures

from .base import DetectorResult, Evidence, both, detector, hill, plural, result


@detector("ignores_no")
def ignores_no(f: AccountFeatures) -> DetectorResult:
    """Our pitches within six weeks after the customer declined.

    One pitch after a no could be a misunderstanding (≈ 30); two is a habit (≈ 64).
    """
    pushed = f["pitches_after_no"]
    if pushed <= 0:
        return result("ignores_no", 0.0)
    return result(
        "ignores_no",
        hill(pushed, 1.5),
        [
            Evidence(
                f"{plural(pushed, 'pitch', 'pitches')} within six weeks after "
                f"{plural(f['objections_pushed'], 'refusal')}",
                f.ids("pitches_after_no"),
            )
        ],
    )


@detector("exit_penalties")
def exit_penalties(f: AccountFeatures) -> DetectorResult:
    """An early-termination fee that is large relative to the annual value.

    A quarter of the annual value (three months of revenue, about what an onboarding
    cost recovery can justify) is the half-way point; beyond it the fee mainly deters
    leaving.
    """
    fee, ratio = f["termination_fee"], f.get("fee_ratio")
    if fee <= 0:
        return result("exit_penalties", 0.0)
    if f["annual_value"] <= 0:
        ratio = 1.0  # a fee on an account with no recorded value is all penalty
    return result(
        "exit_penalties",
        hill(ratio, 0.25),
        [Evidence(f"early-termination fee {fee:,.0f} = {ratio:.0%} of the annual value")],
    )


@detector("renewal_lock_in")
def renewal_lock_in(f: AccountFeatures) -> DetectorResult:
    """Automatic renewal with an exit penalty, renewed at least once.

    High only when both are high: the renewal cycle (60 after the first renewal, each
    further one closing the remaining gap, 1 − 0.4ⁿ) and the penalty (scored as in
    ``exit_penalties``). Auto-renewal with a token fee is a convenience, not a lock.
    """
    renewals, fee = f["renewals"], f["termination_fee"]
    if not f["auto_renew"] or fee <= 0 or renewals < 1:
        return result("renewal_lock_in", 0.0)
    ratio = f.get("fee_ratio", 1.0) if f["annual_value"] > 0 else 1.0
    return result(
        "renewal_lock_in",
        both(100.0 * (1.0 - 0.4**renewals), hill(ratio, 0.25)),
        [
            Evidence(
                f"renews automatically, renewed {plural(renewals, 'time')}, "
                f"with an early-termination fee of {fee:,.0f} ({ratio:.0%} of annual value)"
            )
        ],
    )


@detector("slow_response")
def slow_response(f: AccountFeatures) -> DetectorResult:
    """Median time from their message to our next reply; two days is the half-way
    point (one business day is a common service target), measured on ≥ 3 replies."""
    measured, median = f["replies_measured"], f.get("reply_median_hours")
    if measured < 3:
        return result("slow_response", 0.0)
    return result(
        "slow_response",
        hill(median, 48, 3),
        [
            Evidence(
                f"median reply time {median:.0f} hours over {plural(measured, 'message')}",
                f.ids("slow_replies"),
            )
        ],
    )


@detector("unanswered_inbound")
def unanswered_inbound(f: AccountFeatures) -> DetectorResult:
    """Their messages with no reply from us within two weeks: high only when both the
    count (2.5 → 50) and the share of their messages (25 % → 50) are."""
    missed, asked = f["unanswered"], f["answerable"]
    if missed <= 0 or asked <= 0:
        return result("unanswered_inbound", 0.0)
    share = missed / asked
    return result(
        "unanswered_inbound",
        both(hill(missed, 2.5), hill(share, 0.25)),
        [
            Evidence(
                f"{plural(missed, 'message')} of {int(asked)} left without a reply",
                f.ids("unanswered"),
            )
        ],
    )


@detector("broken_commitments")
def broken_commitments(f: AccountFeatures) -> DetectorResult:
    """Our promises past their due date without a follow-up: both the count (1.5 → 50)
    and the share of promises due (30 % → 50) must be high."""
    broken, due = f["commitments_broken"], f["commitments_due"]
    if broken <= 0 or due <= 0:
        return result("broken_commitments", 0.0)
    return result(
        "broken_commitments",
        both(hill(broken, 1.5), hill(broken / due, 0.3)),
        [
            Evidence(
                f"{plural(broken, 'promise')} of {int(due)} not kept by the date",
                f.ids("commitments_broken"),
            )
        ],
    )


@detector("effort_imbalance")
def effort_imbalance(f: AccountFeatures) -> DetectorResult:
    """One side carries the conversation lately: the inbound share of the last 90 days
    far from half, either way (80/20 → 50), on at least eight messages. Recent on
    purpose: balance is about how the relationship works now."""
    days = f.recent_days
    said_in, said_out = f.within("inbound", days), f.within("outbound", days)
    total = said_in + said_out
    if total < 8:
        return result("effort_imbalance", 0.0)
    share = said_in / total
    deviation = abs(share - 0.5) * 2.0
    who, heavy = ("they write", "inbound") if share > 0.5 else ("we write", "outbound")
    return result(
        "effort_imbalance",
        hill(deviation, 0.6, 4),
        [
            Evidence(
                f"{who} {max(share, 1 - share):.0%} of {int(total)} messages "
                f"in the last {days} days",
                f.within_ids(heavy, days),
            )
        ],
    )


@detector("inward_focus")
def inward_focus(f: AccountFeatures) -> DetectorResult:
    """Our replies about our policies and constraints rather than their problem; both
    the count (2.5 → 50) and the share of our messages (15 % → 50) matter. The share's
    half-way point is low because most of what we send is routine (updates, answers,
    promises): one message in seven about ourselves is a habit."""
    inward, ours = f["inward_replies"], f["outbound"]
    if inward <= 0 or ours <= 0:
        return result("inward_focus", 0.0)
    return result(
        "inward_focus",
        both(hill(inward, 2.5), hill(inward / ours, 0.15)),
        [
            Evidence(
                f"{plural(inward, 'reply', 'replies')} of {int(ours)} centred on ourselves",
                f.ids("inward_replies"),
            )
        ],
    )
