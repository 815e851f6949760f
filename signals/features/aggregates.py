"""Per-account aggregates over a chunk's interaction rows, in plain numpy.

The rows arrive sorted by account, time and id (``frames.Rows``), so a set of rows is a
sorted array of positions, each account's rows are one run of it, and "per account" is a
``bincount`` or a ``reduceat`` over the runs. "The next reply after this message" is a
``searchsorted`` over positions: within one account, a later position is a later (or
equally timed) row.

Every count is also kept as evidence: the ids of the (most recent) interactions behind
it, so detectors can cite them. The longest window's features carry plain names
(``complaints``); shorter windows add a suffix (``complaints_90d``).
"""

from __future__ import annotations

import numpy as np

from accounts.vocabulary import Direction, Kind
from signals.detectors.base import MAX_EVIDENCE_IDS
from signals.text import Cue

from .frames import US_PER_DAY, US_PER_SECOND, Rows, seconds

INBOUND, OUTBOUND = Direction.INBOUND.value, Direction.OUTBOUND.value
#: Kinds that are bookkeeping rather than conversation.
NON_CONVERSATION = {Kind.INVOICE, Kind.PAYMENT, Kind.SURVEY, Kind.POLICY_VIOLATION}
#: Inbound kinds that deserve an answer from us (praise and a "no" do not require one).
ANSWERABLE = {Kind.MESSAGE, Kind.COMPLAINT, Kind.REQUEST, Kind.DISCOUNT_REQUEST, Kind.ESCALATION}
#: Our messages that ask for an answer (promises and follow-ups are deliveries).
OUTREACH = {Kind.MESSAGE, Kind.REQUEST}
NEGOTIATION = {Kind.DISCOUNT_REQUEST, Kind.OBJECTION}

_HOUR = 3600 * US_PER_SECOND
#: A reply later than two weeks is not a reply to that message any more.
REPLY_HORIZON = 14 * US_PER_DAY
#: Messages this recent are still "pending", neither answered nor unanswered.
REPLY_GRACE = 3 * US_PER_DAY
#: Inbound messages closer together than this form a burst ("hours apart").
BURST_GAP = 4 * _HOUR
#: A pitch within six weeks of a "no" is not taking no for an answer.
PITCH_AFTER_NO = 42 * US_PER_DAY
#: Invoices paid within this slack after their due date are on time.
PAYMENT_GRACE = 3 * US_PER_DAY
#: A follow-up within this slack after a promise's due date keeps the promise.
COMMITMENT_GRACE = 2 * US_PER_DAY
#: Tone at or below this is a clearly negative message (VADER compound ≤ −0.35).
NEGATIVE_TONE = -0.35
VERY_NEGATIVE_TONE = -0.6


class Aggregator:
    """Accumulates feature columns (arrays aligned with the chunk's sorted account ids)
    and their evidence ids for one chunk."""

    def __init__(self, rows: Rows, accounts: np.ndarray, windows: tuple[int, ...]) -> None:
        self.rows = rows
        self.n = len(accounts)
        self.windows = tuple(sorted(windows, reverse=True))
        self.longest = self.windows[0]
        self.columns: dict[str, np.ndarray] = {}
        self.evidence: dict[str, dict[int, list[int]]] = {}
        self._age = rows.age_days
        self._windows: dict[int, np.ndarray] = {}
        # Runs of equal (account, time): "strictly after this row" starts at its run's end.
        new = np.ones(len(rows), dtype=bool)
        new[1:] = (rows.code[1:] != rows.code[:-1]) | (rows.at[1:] != rows.at[:-1])
        starts = np.flatnonzero(new)
        run = np.cumsum(new) - 1
        self.run_start = starts[run] if len(rows) else starts
        self.run_end = np.r_[starts[1:], len(rows)][run] if len(rows) else starts

    # --- primitives -----------------------------------------------------------------

    def cue(self, flag: Cue) -> np.ndarray:
        return (self.rows.cues & int(flag)) != 0

    def kind_in(self, kinds: set[Kind]) -> np.ndarray:
        return np.isin(self.rows.kind, [str(k) for k in sorted(kinds)])

    def in_window(self, days: int) -> np.ndarray:
        if days not in self._windows:
            self._windows[days] = self._age < days
        return self._windows[days]

    def name(self, base: str, days: int) -> str:
        return base if days == self.longest else f"{base}_{days}d"

    def size(self, positions: np.ndarray) -> np.ndarray:
        """Rows per account."""
        return np.bincount(self.rows.code[positions], minlength=self.n).astype(float)

    def ids(self, name: str, positions: np.ndarray) -> None:
        """Keep the most recent ids of these rows per account as the evidence of ``name``."""
        positions = np.unique(positions)
        self.evidence[name] = _recent_ids(self.rows.account[positions], self.rows.id[positions])

    def count(self, base: str, mask: np.ndarray) -> None:
        """``base`` (and its shorter-window variants): rows matching ``mask`` per account."""
        for days in self.windows:
            selected = np.flatnonzero(mask & self.in_window(days))
            name = self.name(base, days)
            self.columns[name] = self.size(selected)
            self.ids(name, selected)

    def reduce(self, ufunc: np.ufunc, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
        """``ufunc`` over each account's values (NaN for an account without any)."""
        out = np.full(self.n, np.nan)
        if len(positions):
            codes = self.rows.code[positions]
            starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
            out[codes[starts]] = ufunc.reduceat(values, starts)
        return out

    def mean(self, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Mean of the present (non-NaN) values per account; NaN without any."""
        present = ~np.isnan(values)
        codes = self.rows.code[positions][present]
        total = np.bincount(codes, weights=values[present], minlength=self.n)
        counted = np.bincount(codes, minlength=self.n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counted > 0, total / counted, np.nan)

    def median(self, positions: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Median per account (the mean of the middle two of an even count); NaN
        without any."""
        codes = self.rows.code[positions]
        order = np.lexsort((values, codes))
        codes, values = codes[order], values[order]
        out = np.full(self.n, np.nan)
        if len(codes):
            starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
            sizes = np.diff(np.r_[starts, len(codes)])
            low, high = starts + (sizes - 1) // 2, starts + sizes // 2
            out[codes[starts]] = (values[low] + values[high]) / 2
        return out

    def next_of(self, positions: np.ndarray, candidates: np.ndarray, *, strict: bool) -> np.ndarray:
        """For each row, the time of the same account's first candidate row at or after
        it (``strict``: after it); NaN where there is none."""
        rows = self.rows
        after = self.run_end[positions] if strict else self.run_start[positions]
        j = np.searchsorted(candidates, after, side="left")
        found = j < len(candidates)
        out = np.full(len(positions), np.nan)
        hit = candidates[j[found]]
        same = rows.code[hit] == rows.code[positions[found]]
        out[np.flatnonzero(found)[same]] = rows.at[hit[same]]
        return out

    def last_of(self, positions: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """For each row, the position of the same account's last candidate row at or
        before its time; -1 where there is none."""
        rows = self.rows
        j = np.searchsorted(candidates, self.run_end[positions], side="left") - 1
        out = np.full(len(positions), -1)
        found = j >= 0
        hit = candidates[j[found]]
        same = rows.code[hit] == rows.code[positions[found]]
        out[np.flatnonzero(found)[same]] = hit[same]
        return out


def _recent_ids(accounts: np.ndarray, ids: np.ndarray) -> dict[int, list[int]]:
    """The last ``MAX_EVIDENCE_IDS`` ids of each account's run in rows sorted by
    account (then time), sliced at the account boundaries."""
    if not len(ids):
        return {}
    starts = np.flatnonzero(np.r_[True, accounts[1:] != accounts[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    first = np.maximum(starts, ends - MAX_EVIDENCE_IDS)
    values = ids.tolist()
    return {
        account: values[s:e]
        for account, s, e in zip(
            accounts[starts].tolist(), first.tolist(), ends.tolist(), strict=True
        )
    }


def _first_by_key(keys: np.ndarray, moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The earliest moment per key: (sorted unique keys, their earliest moments)."""
    order = np.lexsort((moments, keys))
    keys, moments = keys[order], moments[order]
    first = np.r_[True, keys[1:] != keys[:-1]] if len(keys) else np.zeros(0, dtype=bool)
    return keys[first], moments[first]


def _lookup(ids: np.ndarray, keys: np.ndarray, moments: np.ndarray) -> np.ndarray:
    """``moments`` (per sorted ``keys``) looked up for ``ids``; NaN when absent."""
    out = np.full(len(ids), np.nan)
    if not len(keys):
        return out
    j = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
    found = keys[j] == ids
    out[found] = moments[j[found]]
    return out


def compute(agg: Aggregator) -> None:
    """Fill ``agg`` with every interaction feature."""
    rows = agg.rows
    inbound = rows.inbound
    outbound = ~inbound
    talk = ~agg.kind_in(NON_CONVERSATION)
    cue = agg.cue
    kind = rows.of_kind
    said_in = inbound & talk
    complaint = inbound & (
        kind(Kind.COMPLAINT) | (talk & (cue(Cue.QUALITY_COMPLAINT) | cue(Cue.MINOR_DETAIL)))
    )
    negotiation = agg.kind_in(NEGOTIATION) | cue(Cue.DISCOUNT_ASK) | cue(Cue.DECLINE)
    simple = {
        "inbound": said_in,
        "outbound": outbound & talk,
        "complaints": complaint,
        "discount_asks": inbound & (kind(Kind.DISCOUNT_REQUEST) | cue(Cue.DISCOUNT_ASK)),
        "quality_complaints": said_in & cue(Cue.QUALITY_COMPLAINT),
        "minor_details": said_in & cue(Cue.MINOR_DETAIL),
        "blame": said_in & cue(Cue.BLAME),
        "challenges": said_in & cue(Cue.CHALLENGES_EXPERTISE),
        "control": said_in & cue(Cue.CONTROL),
        "urgency": said_in & cue(Cue.URGENCY),
        "entitlement": said_in & cue(Cue.ENTITLEMENT),
        "sarcasm": said_in & cue(Cue.SARCASM),
        "aggression": said_in & cue(Cue.AGGRESSION),
        "praise": inbound & (kind(Kind.PRAISE) | cue(Cue.PRAISE)),
        "changed_requirements": said_in & cue(Cue.CHANGED_REQUIREMENTS),
        "unreasonable_demands": said_in & cue(Cue.UNREASONABLE_DEMAND),
        "unrealistic_expectations": said_in & cue(Cue.UNREALISTIC_EXPECTATION),
        "refusals": said_in & cue(Cue.REFUSAL_TO_LISTEN),
        "inflexible": said_in & cue(Cue.INFLEXIBLE),
        "hard_bargaining": said_in & negotiation & (cue(Cue.INFLEXIBLE) | cue(Cue.THREAT_TO_LEAVE)),
        "out_of_contract": said_in & cue(Cue.OUT_OF_CONTRACT),
        "threats_to_leave": said_in & cue(Cue.THREAT_TO_LEAVE),
        "escalations": inbound & kind(Kind.ESCALATION),
        "requests": inbound & kind(Kind.REQUEST),
        "objections": inbound & (kind(Kind.OBJECTION) | cue(Cue.DECLINE)),
        "policy_violations": kind(Kind.POLICY_VIOLATION),
        "negative_messages": said_in & (rows.tone <= NEGATIVE_TONE),
        "very_negative_messages": said_in & (rows.tone <= VERY_NEGATIVE_TONE),
        "inward_replies": outbound & talk & cue(Cue.VENDOR_INWARD),
        "tickets": inbound & (rows.channel == "ticket"),
        "low_csat": rows.csat <= 2,
    }
    for base, mask in simple.items():
        agg.count(base, mask)

    long = agg.in_window(agg.longest)
    said_in_long = np.flatnonzero(said_in & long)
    said_out_long = np.flatnonzero(outbound & talk & long)
    _tone(agg, said_in_long)
    _complaint_spread(agg, np.flatnonzero(complaint & long))
    _surveys(agg, np.flatnonzero(long & (~np.isnan(rows.nps) | ~np.isnan(rows.csat))))
    _replies(agg, np.flatnonzero(said_in & long & agg.kind_in(ANSWERABLE)), said_out_long)
    _silence(agg, said_in_long, said_out_long)
    _contacts(agg, np.flatnonzero(said_in & long & ~np.isnan(rows.contact)))
    _bursts(agg, said_in_long)
    _payments(
        agg,
        np.flatnonzero(long & kind(Kind.INVOICE) & ~np.isnan(rows.due)),
        np.flatnonzero(kind(Kind.PAYMENT)),
    )
    _commitments(agg, np.flatnonzero(outbound & long & kind(Kind.COMMITMENT) & ~np.isnan(rows.due)))
    # Domain: "our outbound pitches/requests after a customer objection".
    pitches = outbound & long & (cue(Cue.PITCH) | kind(Kind.REQUEST))
    _pitches_after_no(agg, np.flatnonzero(simple["objections"] & long), np.flatnonzero(pitches))

    inbound_count = agg.columns["inbound"]
    total = inbound_count + agg.columns["outbound"]
    agg.columns["conversation"] = total
    with np.errstate(invalid="ignore", divide="ignore"):
        agg.columns["inbound_share"] = np.where(total > 0, inbound_count / total, np.nan)
        agg.columns["complaint_share"] = np.where(
            inbound_count > 0, agg.columns["complaints"] / inbound_count, np.nan
        )


def _tone(agg: Aggregator, said: np.ndarray) -> None:
    tone = agg.rows.tone[said]
    agg.columns["tone_mean"] = agg.mean(said, tone)
    present = ~np.isnan(tone)
    agg.columns["tone_min"] = agg.reduce(np.minimum, said[present], tone[present])


def _complaint_spread(agg: Aggregator, complaints: np.ndarray) -> None:
    months = agg.rows.at[complaints].astype("datetime64[us]").astype("datetime64[M]")
    codes = agg.rows.code[complaints]
    # Rows are in time order within an account: a new month is a change from the last.
    new = np.r_[True, (codes[1:] != codes[:-1]) | (months[1:] != months[:-1])]
    agg.columns["complaint_months"] = agg.size(complaints[new[: len(complaints)]])


def _surveys(agg: Aggregator, surveys: np.ndarray) -> None:
    from signals.metrics.survey import DETRACTOR_MAX, PROMOTER_MIN, SATISFIED_MIN

    rows = agg.rows
    agg.ids("surveys", surveys)
    nps, csat = rows.nps[surveys], rows.csat[surveys]
    # Net contribution of each response: +1 promoter, −1 detractor, 0 passive/missing.
    net = (nps >= PROMOTER_MIN).astype(float) - (nps <= DETRACTOR_MAX).astype(float)
    net[np.isnan(nps)] = np.nan
    agg.columns["nps"] = 100.0 * agg.mean(surveys, net)
    agg.columns["csat"] = agg.mean(surveys, csat)
    satisfied = (csat >= SATISFIED_MIN).astype(float)
    satisfied[np.isnan(csat)] = np.nan
    agg.columns["csat_satisfied_pct"] = 100.0 * agg.mean(surveys, satisfied)
    agg.columns["nps_responses"] = agg.size(surveys[~np.isnan(nps)])


def _replies(agg: Aggregator, asked: np.ndarray, said_out: np.ndarray) -> None:
    """Each answerable inbound → our reply: the outbound that explicitly responds to it,
    else the account's next outbound that does not respond to something else."""
    rows = agg.rows
    threads = rows.responds_to[said_out]
    linked, free = said_out[~np.isnan(threads)], said_out[np.isnan(threads)]
    keys, first_at = _first_by_key(rows.responds_to[linked].astype(np.int64), rows.at[linked])
    explicit = _lookup(rows.id[asked], keys, first_at.astype(float))
    # Where an account's replies are threaded (our outbound carries responds_to), the
    # links are the truth: an unlinked update of ours is not a reply. Elsewhere the
    # first outbound after their message is taken as the reply.
    threaded = np.bincount(rows.code[linked], minlength=agg.n) > 0
    inferred = agg.next_of(asked, free, strict=True)
    inferred[threaded[rows.code[asked]]] = np.nan
    reply_at = np.fmin(explicit, inferred)
    latency = reply_at - rows.at[asked]
    with np.errstate(invalid="ignore"):
        answered = latency <= REPLY_HORIZON
    settled = rows.as_of[asked] - rows.at[asked] > REPLY_GRACE
    unanswered = asked[~answered & settled]
    hours = seconds(latency[answered]) / 3600.0
    replied = asked[answered]
    agg.columns["replies_measured"] = agg.size(replied)
    agg.columns["reply_median_hours"] = agg.median(replied, hours)
    agg.ids("slow_replies", replied[hours > 48])
    agg.columns["answerable"] = agg.size(asked[answered | settled])
    agg.columns["unanswered"] = agg.size(unanswered)
    agg.ids("unanswered", unanswered)


def _silence(agg: Aggregator, said_in: np.ndarray, said_out: np.ndarray) -> None:
    """Days since the customer last wrote, and our outreach since then that they left
    unanswered. Outreach is a message or request of ours that is not itself a reply;
    the first one within the reply horizon after their last message is our answer to it,
    not outreach."""
    rows = agg.rows
    last_in = agg.reduce(np.maximum, said_in, rows.at[said_in].astype(float))
    as_of = np.full(agg.n, np.nan)
    as_of[rows.code] = rows.as_of
    agg.columns["silence_days"] = seconds(as_of - last_in) / 86400.0
    outreach = said_out[agg.kind_in(OUTREACH)[said_out] & np.isnan(rows.responds_to[said_out])]
    seen = last_in[rows.code[outreach]]
    after_last = np.isnan(seen) | (rows.at[outreach] > seen)
    after, seen = outreach[after_last], seen[after_last]
    codes = rows.code[after]
    first = np.r_[True, codes[1:] != codes[:-1]][: len(after)]
    with np.errstate(invalid="ignore"):
        reply = first & (rows.at[after] - seen <= REPLY_HORIZON)
    streak = after[~reply]
    agg.columns["outreach_unanswered"] = agg.size(streak)
    agg.ids("outreach_unanswered", streak)


def _contacts(agg: Aggregator, said_in: np.ndarray) -> None:
    rows = agg.rows
    codes, contacts = rows.code[said_in], rows.contact[said_in]
    order = np.lexsort((contacts, codes))
    pair_codes, pair_contacts = codes[order], contacts[order]
    new = np.r_[
        True, (pair_codes[1:] != pair_codes[:-1]) | (pair_contacts[1:] != pair_contacts[:-1])
    ]
    starts = np.flatnonzero(new[: len(order)])
    sizes = np.diff(np.r_[starts, len(order)])
    pair_codes, pair_contacts = pair_codes[starts], pair_contacts[starts]
    agg.columns["inbound_contacts"] = np.bincount(pair_codes, minlength=agg.n).astype(float)
    totals = np.bincount(pair_codes, weights=sizes, minlength=agg.n)
    # The top contact: most messages, the lowest contact id on a tie.
    ranked = np.lexsort((pair_contacts, -sizes, pair_codes))
    top = ranked[np.r_[True, pair_codes[ranked][1:] != pair_codes[ranked][:-1]][: len(ranked)]]
    share = np.full(agg.n, np.nan)
    share[pair_codes[top]] = sizes[top] / totals[pair_codes[top]]
    agg.columns["top_contact_share"] = share
    top_contact = np.full(agg.n, np.nan)
    top_contact[pair_codes[top]] = pair_contacts[top]
    agg.ids("top_contact", said_in[contacts == top_contact[codes]])


def _bursts(agg: Aggregator, said_in: np.ndarray) -> None:
    rows = agg.rows
    codes, at = rows.code[said_in], rows.at[said_in]
    burst = np.zeros(len(said_in), dtype=bool)
    burst[1:] = (codes[1:] == codes[:-1]) & (at[1:] - at[:-1] <= BURST_GAP)
    agg.columns["burst_messages"] = agg.size(said_in[burst])
    agg.ids("burst_messages", said_in[burst])


def _payments(agg: Aggregator, invoices: np.ndarray, payments: np.ndarray) -> None:
    """Invoices paid after due (plus slack) or still unpaid past due."""
    rows = agg.rows
    linked = payments[~np.isnan(rows.responds_to[payments])]
    keys, first_at = _first_by_key(rows.responds_to[linked].astype(np.int64), rows.at[linked])
    paid_at = _lookup(rows.id[invoices], keys, first_at.astype(float))
    # Without a link, the account's next payment at or after the invoice settles it.
    unlinked = np.isnan(paid_at)
    paid_at[unlinked] = agg.next_of(invoices[unlinked], payments, strict=False)
    due = rows.due[invoices] + PAYMENT_GRACE
    as_of = rows.as_of[invoices]
    unpaid = np.isnan(paid_at)
    late = (paid_at > due) | (unpaid & (as_of > due))
    settled = ~unpaid | (as_of > due)
    agg.columns["invoices_due"] = agg.size(invoices[settled])
    agg.columns["late_payments"] = agg.size(invoices[late])
    agg.ids("late_payments", invoices[late])


def _commitments(agg: Aggregator, promises: np.ndarray) -> None:
    """Our promises whose due date passed without a follow-up answering them."""
    rows = agg.rows
    follow_ups = np.flatnonzero(rows.of_kind(Kind.FOLLOW_UP) & ~np.isnan(rows.responds_to))
    keys, first_at = _first_by_key(
        rows.responds_to[follow_ups].astype(np.int64), rows.at[follow_ups]
    )
    fulfilled = _lookup(rows.id[promises], keys, first_at.astype(float))
    deadline = rows.due[promises] + COMMITMENT_GRACE
    due = rows.as_of[promises] > deadline
    broken = due & ~(fulfilled <= deadline)
    agg.columns["commitments_due"] = agg.size(promises[due])
    agg.columns["commitments_broken"] = agg.size(promises[broken])
    agg.ids("commitments_broken", promises[broken])


def _pitches_after_no(agg: Aggregator, objections: np.ndarray, pitches: np.ndarray) -> None:
    """Our pitches that came within weeks after the customer said no."""
    rows = agg.rows
    no = agg.last_of(pitches, objections)
    matched = no >= 0
    matched[matched] = rows.at[pitches[matched]] - rows.at[no[matched]] <= PITCH_AFTER_NO
    pushed, their_no = pitches[matched], no[matched]
    agg.columns["pitches_after_no"] = agg.size(pushed)
    distinct = np.unique(their_no)
    agg.columns["objections_pushed"] = agg.size(distinct)
    agg.ids("pitches_after_no", np.r_[pushed, distinct])
