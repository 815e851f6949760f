"""Per-account aggregates over the interaction frame, vectorised with groupby/merge_asof.

Every count is also kept as evidence: the ids of the (most recent) interactions behind
it, so detectors can cite them. The longest window's features carry plain names
(``complaints``); shorter windows add a suffix (``complaints_90d``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from accounts.vocabulary import Direction, Kind
from signals.detectors.base import MAX_EVIDENCE_IDS
from signals.text import Cue

INBOUND, OUTBOUND = Direction.INBOUND.value, Direction.OUTBOUND.value
#: Kinds that are bookkeeping rather than conversation.
NON_CONVERSATION = {Kind.INVOICE, Kind.PAYMENT, Kind.SURVEY, Kind.POLICY_VIOLATION}
#: Inbound kinds that deserve an answer from us (praise and a "no" do not require one).
ANSWERABLE = {Kind.MESSAGE, Kind.COMPLAINT, Kind.REQUEST, Kind.DISCOUNT_REQUEST, Kind.ESCALATION}
#: Our messages that ask for an answer (promises and follow-ups are deliveries).
OUTREACH = {Kind.MESSAGE, Kind.REQUEST}
NEGOTIATION = {Kind.DISCOUNT_REQUEST, Kind.OBJECTION}

#: A reply later than two weeks is not a reply to that message any more.
REPLY_HORIZON = pd.Timedelta(days=14)
#: Messages this recent are still "pending", neither answered nor unanswered.
REPLY_GRACE = pd.Timedelta(days=3)
#: Inbound messages closer together than this form a burst ("hours apart").
BURST_GAP = pd.Timedelta(hours=4)
#: A pitch within six weeks of a "no" is not taking no for an answer.
PITCH_AFTER_NO = pd.Timedelta(weeks=6)
#: Invoices paid within this slack after their due date are on time.
PAYMENT_GRACE = pd.Timedelta(days=3)
#: A follow-up within this slack after a promise's due date keeps the promise.
COMMITMENT_GRACE = pd.Timedelta(days=2)
#: Tone at or below this is a clearly negative message (VADER compound ≤ −0.35).
NEGATIVE_TONE = -0.35
VERY_NEGATIVE_TONE = -0.6


class Aggregator:
    """Accumulates feature columns and their evidence ids for one chunk."""

    def __init__(self, df: pd.DataFrame, index: pd.Index, windows: tuple[int, ...]) -> None:
        self.df = df
        self.index = index
        self.windows = tuple(sorted(windows, reverse=True))
        self.longest = self.windows[0]
        #: Feature columns aligned with ``index``: Series, or plain arrays from ``count``.
        self.columns: dict[str, pd.Series | np.ndarray] = {}
        self.evidence: dict[str, dict[int, list[int]]] = {}
        # What ``count`` needs of each row, as plain arrays: the frame arrives sorted by
        # account, time and id, so each account's rows are one run of positions.
        self._accounts = index.to_numpy().astype("int64")
        self._codes = np.searchsorted(self._accounts, df["account_id"].to_numpy("int64"))
        self._ids = df["id"].to_numpy("int64")
        self._windows: dict[int, pd.Series] = {}
        self._window_arrays: dict[int, np.ndarray] = {}

    # --- primitives -----------------------------------------------------------------

    def cue(self, flag: Cue) -> pd.Series:
        return (self.df["cue_flags"] & int(flag)) != 0

    def in_window(self, days: int) -> pd.Series:
        if days not in self._windows:
            self._windows[days] = self.df["age_days"] < days
        return self._windows[days]

    def _window_array(self, days: int) -> np.ndarray:
        if days not in self._window_arrays:
            self._window_arrays[days] = self.in_window(days).to_numpy(dtype=bool)
        return self._window_arrays[days]

    def name(self, base: str, days: int) -> str:
        return base if days == self.longest else f"{base}_{days}d"

    def put(self, name: str, values: pd.Series, fill: float = 0.0) -> None:
        self.columns[name] = values.reindex(self.index).astype(float).fillna(fill)

    def put_nan(self, name: str, values: pd.Series) -> None:
        self.columns[name] = values.reindex(self.index).astype(float)

    def ids(self, name: str, rows: pd.DataFrame, id_col: str = "id") -> None:
        """Keep the most recent ids of ``rows`` per account as the evidence of ``name``."""
        if rows.empty:
            self.evidence[name] = {}
            return
        rows = rows.sort_values(["account_id", "occurred_at", id_col])
        accounts = rows["account_id"].to_numpy().astype("int64")
        self.evidence[name] = _recent_ids(accounts, rows[id_col].to_numpy().astype("int64"))

    def count(self, base: str, mask: pd.Series) -> None:
        """``base`` (and its shorter-window variants): rows matching ``mask`` per account.

        Plain numpy over the sorted rows (a bincount and a slice per account): this runs
        ~90 times per chunk, and pandas' fixed cost per groupby would dominate a small
        chunk (one account rescored after a write)."""
        matching = mask.to_numpy(dtype=bool)
        for days in self.windows:
            selected = np.flatnonzero(matching & self._window_array(days))
            name = self.name(base, days)
            counts = np.bincount(self._codes[selected], minlength=len(self._accounts))
            # A plain array: a Series per count was most of a one-account chunk's cost.
            self.columns[name] = counts.astype(float)
            self.evidence[name] = _recent_ids(
                self._accounts[self._codes[selected]], self._ids[selected]
            )

    def series(self, name: str) -> pd.Series:
        """A feature column as a Series over the chunk's accounts."""
        return pd.Series(self.columns[name], index=self.index)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns, index=self.index)


def _recent_ids(accounts: np.ndarray, ids: np.ndarray) -> dict[int, list[int]]:
    """The last ``MAX_EVIDENCE_IDS`` ids of each account's run in rows sorted by
    account (then time), sliced at the account boundaries rather than grouped: a
    per-group Python callback is the slow part of a groupby."""
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


def compute(agg: Aggregator) -> None:
    """Fill ``agg`` with every interaction feature."""
    df = agg.df
    inbound = df["direction"] == INBOUND
    outbound = ~inbound
    talk = ~df["kind"].isin(NON_CONVERSATION)
    kind = df["kind"]
    cue = agg.cue

    said_in = inbound & talk
    complaint = inbound & (
        (kind == Kind.COMPLAINT) | (talk & (cue(Cue.QUALITY_COMPLAINT) | cue(Cue.MINOR_DETAIL)))
    )
    negotiation = kind.isin(NEGOTIATION) | cue(Cue.DISCOUNT_ASK) | cue(Cue.DECLINE)
    simple = {
        "inbound": said_in,
        "outbound": outbound & talk,
        "complaints": complaint,
        "discount_asks": inbound & ((kind == Kind.DISCOUNT_REQUEST) | cue(Cue.DISCOUNT_ASK)),
        "quality_complaints": said_in & cue(Cue.QUALITY_COMPLAINT),
        "minor_details": said_in & cue(Cue.MINOR_DETAIL),
        "blame": said_in & cue(Cue.BLAME),
        "challenges": said_in & cue(Cue.CHALLENGES_EXPERTISE),
        "control": said_in & cue(Cue.CONTROL),
        "urgency": said_in & cue(Cue.URGENCY),
        "entitlement": said_in & cue(Cue.ENTITLEMENT),
        "sarcasm": said_in & cue(Cue.SARCASM),
        "aggression": said_in & cue(Cue.AGGRESSION),
        "praise": inbound & ((kind == Kind.PRAISE) | cue(Cue.PRAISE)),
        "changed_requirements": said_in & cue(Cue.CHANGED_REQUIREMENTS),
        "unreasonable_demands": said_in & cue(Cue.UNREASONABLE_DEMAND),
        "unrealistic_expectations": said_in & cue(Cue.UNREALISTIC_EXPECTATION),
        "refusals": said_in & cue(Cue.REFUSAL_TO_LISTEN),
        "inflexible": said_in & cue(Cue.INFLEXIBLE),
        "hard_bargaining": said_in & negotiation & (cue(Cue.INFLEXIBLE) | cue(Cue.THREAT_TO_LEAVE)),
        "out_of_contract": said_in & cue(Cue.OUT_OF_CONTRACT),
        "threats_to_leave": said_in & cue(Cue.THREAT_TO_LEAVE),
        "escalations": inbound & (kind == Kind.ESCALATION),
        "requests": inbound & (kind == Kind.REQUEST),
        "objections": inbound & ((kind == Kind.OBJECTION) | cue(Cue.DECLINE)),
        "policy_violations": kind == Kind.POLICY_VIOLATION,
        "negative_messages": said_in & (df["tone"] <= NEGATIVE_TONE),
        "very_negative_messages": said_in & (df["tone"] <= VERY_NEGATIVE_TONE),
        "inward_replies": outbound & talk & cue(Cue.VENDOR_INWARD),
        "tickets": inbound & (df["channel"] == "ticket"),
        "low_csat": df["csat"] <= 2,
    }
    for base, mask in simple.items():
        agg.count(base, mask)

    long = agg.in_window(agg.longest)
    _tone(agg, df.loc[said_in & long])
    _complaint_spread(agg, df.loc[complaint & long])
    _surveys(agg, df.loc[long & (df["nps"].notna() | df["csat"].notna())])
    _replies(agg, df.loc[said_in & long & kind.isin(ANSWERABLE)], df.loc[outbound & talk & long])
    _silence(agg, df.loc[said_in & long], df.loc[outbound & talk & long])
    _contacts(agg, df.loc[said_in & long & df["contact_id"].notna()])
    _bursts(agg, df.loc[said_in & long])
    _payments(agg, df.loc[long & (kind == Kind.INVOICE)], df.loc[kind == Kind.PAYMENT])
    _commitments(agg, df.loc[outbound & long & (kind == Kind.COMMITMENT)], df)
    # Domain: "our outbound pitches/requests after a customer objection".
    pitches = outbound & long & (cue(Cue.PITCH) | (kind == Kind.REQUEST))
    _pitches_after_no(agg, df.loc[simple["objections"] & long], df.loc[pitches])

    inbound_count = agg.series("inbound")
    total = inbound_count + agg.series("outbound")
    agg.columns["conversation"] = total
    agg.columns["inbound_share"] = (inbound_count / total.where(total > 0)).astype(float)
    agg.columns["complaint_share"] = agg.series("complaints") / inbound_count.where(
        inbound_count > 0
    )


def _moment_of(ids: pd.Series, moments: pd.Series) -> pd.Series:
    """``moments`` (indexed by an id) looked up for ``ids``; NaT when absent. (A plain
    ``map`` fails on empty datetime lookups in pandas 3.)"""
    out = pd.Series(pd.NaT, index=ids.index, dtype="datetime64[ns, UTC]")
    if moments.empty or ids.empty:
        return out
    found = ids.astype("int64").map(moments.set_axis(moments.index.astype("int64")))
    return out.where(found.isna(), found)


def _tone(agg: Aggregator, said: pd.DataFrame) -> None:
    grouped = said.groupby("account_id")["tone"]
    agg.put_nan("tone_mean", grouped.mean())
    agg.put_nan("tone_min", grouped.min())


def _complaint_spread(agg: Aggregator, complaints: pd.DataFrame) -> None:
    months = complaints["occurred_at"].dt.strftime("%Y-%m")
    agg.put("complaint_months", months.groupby(complaints["account_id"]).nunique())


def _surveys(agg: Aggregator, surveys: pd.DataFrame) -> None:
    from signals.metrics.survey import csat_by_group, nps_by_group

    agg.ids("surveys", surveys)
    if surveys.empty:
        agg.put_nan("nps", pd.Series(dtype=float))
        agg.put_nan("csat", pd.Series(dtype=float))
        agg.put_nan("csat_satisfied_pct", pd.Series(dtype=float))
        agg.put("nps_responses", pd.Series(dtype=float))
        return
    agg.put_nan("nps", nps_by_group(surveys, "account_id", "nps"))
    by_csat = csat_by_group(surveys, "account_id", "csat")
    agg.put_nan("csat", by_csat["csat"])
    agg.put_nan("csat_satisfied_pct", by_csat["satisfied_pct"])
    agg.put("nps_responses", surveys.groupby("account_id")["nps"].count())


def _replies(agg: Aggregator, asked: pd.DataFrame, said_out: pd.DataFrame) -> None:
    """Each answerable inbound → our reply: the outbound that explicitly responds to it,
    else the account's next outbound that does not respond to something else."""
    left = asked[["account_id", "occurred_at", "id", "as_of"]].sort_values("occurred_at")
    linked = said_out.loc[said_out["responds_to_id"].notna()]
    linked_at = linked.groupby("responds_to_id")["occurred_at"].min()
    free = said_out.loc[said_out["responds_to_id"].isna(), ["account_id", "occurred_at"]]
    free = free.rename(columns={"occurred_at": "reply_at"}).sort_values("reply_at")
    if left.empty:
        matched = left.assign(reply_at=pd.Series(dtype="datetime64[ns, UTC]"))
    else:
        matched = pd.merge_asof(
            left,
            free,
            left_on="occurred_at",
            right_on="reply_at",
            by="account_id",
            direction="forward",
            allow_exact_matches=False,
        )
        explicit = _moment_of(matched["id"], linked_at)
        # Where an account's replies are threaded (our outbound carries responds_to),
        # the links are the truth: an unlinked update of ours is not a reply. Elsewhere
        # the first outbound after their message is taken as the reply.
        threaded = matched["account_id"].isin(linked["account_id"].unique())
        inferred = matched["reply_at"].where(~threaded)
        matched["reply_at"] = pd.concat([explicit, inferred], axis=1).min(axis=1)
    latency = matched["reply_at"] - matched["occurred_at"]
    answered = latency.notna() & (latency <= REPLY_HORIZON)
    settled = matched["as_of"] - matched["occurred_at"] > REPLY_GRACE
    unanswered = ~answered & settled
    hours = latency.dt.total_seconds() / 3600.0
    replied = matched.loc[answered].assign(hours=hours[answered])
    agg.put("replies_measured", replied.groupby("account_id").size())
    agg.put_nan("reply_median_hours", replied.groupby("account_id")["hours"].median())
    slow = replied.loc[replied["hours"] > 48]
    agg.ids("slow_replies", slow)
    agg.put("answerable", matched.loc[answered | settled].groupby("account_id").size())
    agg.put("unanswered", matched.loc[unanswered].groupby("account_id").size())
    agg.ids("unanswered", matched.loc[unanswered])


def _silence(agg: Aggregator, said_in: pd.DataFrame, said_out: pd.DataFrame) -> None:
    """Days since the customer last wrote, and our outreach since then that they left
    unanswered. Outreach is a message or request of ours that is not itself a reply;
    the first one within the reply horizon after their last message is our answer to it,
    not outreach."""
    last_in = said_in.groupby("account_id")["occurred_at"].max()
    as_of = agg.df.groupby("account_id")["as_of"].first()
    agg.put_nan("silence_days", (as_of - last_in).dt.total_seconds() / 86400.0)
    outreach = said_out.loc[said_out["kind"].isin(OUTREACH) & said_out["responds_to_id"].isna()]
    last_seen = _moment_of(outreach["account_id"], last_in)
    after = outreach.loc[last_seen.isna() | (outreach["occurred_at"] > last_seen)]
    seen = _moment_of(after["account_id"], last_in)
    first = after.groupby("account_id").cumcount() == 0
    reply = first & seen.notna() & (after["occurred_at"] - seen <= REPLY_HORIZON)
    streak = after.loc[~reply]
    agg.put("outreach_unanswered", streak.groupby("account_id").size())
    agg.ids("outreach_unanswered", streak)


def _contacts(agg: Aggregator, said_in: pd.DataFrame) -> None:
    per_contact = said_in.groupby(["account_id", "contact_id"]).size()
    if per_contact.empty:
        agg.put("inbound_contacts", pd.Series(dtype=float))
        agg.put_nan("top_contact_share", pd.Series(dtype=float))
        agg.ids("top_contact", said_in)
        return
    totals = per_contact.groupby(level="account_id").sum()
    ordered = per_contact.reset_index(name="n").sort_values(
        ["account_id", "n", "contact_id"], ascending=[True, False, True]
    )
    top = ordered.drop_duplicates("account_id").set_index("account_id")
    agg.put("inbound_contacts", per_contact.groupby(level="account_id").size())
    agg.put_nan("top_contact_share", top["n"] / totals)
    from_top = said_in["contact_id"] == said_in["account_id"].map(top["contact_id"])
    agg.ids("top_contact", said_in.loc[from_top])


def _bursts(agg: Aggregator, said_in: pd.DataFrame) -> None:
    gap = said_in.groupby("account_id")["occurred_at"].diff()
    burst = said_in.loc[gap.notna() & (gap <= BURST_GAP)]
    agg.put("burst_messages", burst.groupby("account_id").size())
    agg.ids("burst_messages", burst)


def _payments(agg: Aggregator, invoices: pd.DataFrame, payments: pd.DataFrame) -> None:
    """Invoices paid after due (plus slack) or still unpaid past due."""
    invoices = invoices.loc[invoices["due_at"].notna()]
    if invoices.empty:
        for name in ("invoices_due", "late_payments"):
            agg.put(name, pd.Series(dtype=float))
        agg.ids("late_payments", invoices)
        return
    linked = (
        payments.loc[payments["responds_to_id"].notna()]
        .groupby("responds_to_id")["occurred_at"]
        .min()
    )
    paid_at = _moment_of(invoices["id"], linked)
    # Without a link, the account's next payment after the invoice settles it.
    next_payment = pd.Series(pd.NaT, index=invoices.index, dtype="datetime64[ns, UTC]")
    if not invoices.empty and not payments.empty:
        nxt = pd.merge_asof(
            invoices[["account_id", "occurred_at"]].reset_index().sort_values("occurred_at"),
            payments[["account_id", "occurred_at"]]
            .rename(columns={"occurred_at": "paid_at"})
            .sort_values("paid_at"),
            left_on="occurred_at",
            right_on="paid_at",
            by="account_id",
            direction="forward",
        ).set_index("index")["paid_at"]
        next_payment = nxt.reindex(invoices.index)
    paid_at = paid_at.fillna(next_payment)
    due = invoices["due_at"] + PAYMENT_GRACE
    late = (paid_at > due) | (paid_at.isna() & (invoices["as_of"] > due))
    settled = paid_at.notna() | (invoices["as_of"] > due)
    agg.put("invoices_due", invoices.loc[settled].groupby("account_id").size())
    agg.put("late_payments", invoices.loc[late].groupby("account_id").size())
    agg.ids("late_payments", invoices.loc[late])


def _commitments(agg: Aggregator, promises: pd.DataFrame, df: pd.DataFrame) -> None:
    """Our promises whose due date passed without a follow-up answering them."""
    promises = promises.loc[promises["due_at"].notna()]
    if promises.empty:
        for name in ("commitments_due", "commitments_broken"):
            agg.put(name, pd.Series(dtype=float))
        agg.ids("commitments_broken", promises)
        return
    follow_ups = df.loc[(df["kind"] == Kind.FOLLOW_UP) & df["responds_to_id"].notna()]
    kept_at = follow_ups.groupby("responds_to_id")["occurred_at"].min()
    fulfilled = _moment_of(promises["id"], kept_at)
    deadline = promises["due_at"] + COMMITMENT_GRACE
    due = promises["as_of"] > deadline
    broken = due & ~(fulfilled <= deadline)
    agg.put("commitments_due", promises.loc[due].groupby("account_id").size())
    agg.put("commitments_broken", promises.loc[broken].groupby("account_id").size())
    agg.ids("commitments_broken", promises.loc[broken])


def _pitches_after_no(agg: Aggregator, objections: pd.DataFrame, pitches: pd.DataFrame) -> None:
    """Our pitches that came within weeks after the customer said no."""
    if objections.empty or pitches.empty:
        agg.put("pitches_after_no", pd.Series(dtype=float))
        agg.put("objections_pushed", pd.Series(dtype=float))
        agg.ids("pitches_after_no", pitches.iloc[:0])
        return
    matched = pd.merge_asof(
        pitches[["account_id", "occurred_at", "id"]].sort_values("occurred_at"),
        objections[["account_id", "occurred_at", "id"]]
        .rename(columns={"occurred_at": "no_at", "id": "no_id"})
        .sort_values("no_at"),
        left_on="occurred_at",
        right_on="no_at",
        by="account_id",
        direction="backward",
        tolerance=PITCH_AFTER_NO,
    )
    pushed = matched.loc[matched["no_id"].notna()]
    agg.put("pitches_after_no", pushed.groupby("account_id").size())
    agg.put("objections_pushed", pushed.groupby("account_id")["no_id"].nunique())
    cited = pd.concat(
        [
            pushed[["account_id", "occurred_at", "id"]],
            pushed[["account_id", "no_at", "no_id"]].rename(
                columns={"no_at": "occurred_at", "no_id": "id"}
            ),
        ]
    ).drop_duplicates("id")
    agg.ids("pitches_after_no", cited.astype({"id": np.int64}))
