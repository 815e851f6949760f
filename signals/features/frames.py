"""Loading one chunk of accounts into pandas: one narrow query per table.

The interaction query covers the longest window for every kind, plus every payment up
to ``as_of`` (lifetime value needs the whole payment history). Everything after this
module is vectorised pandas over these frames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pandas as pd
from django.db.models import Count, DateTimeField, Func

from accounts.models import Account, Contact, Contract, Interaction
from accounts.vocabulary import Kind

INTERACTION_COLUMNS = (
    "id",
    "account_id",
    "contact_id",
    "occurred_at",
    "direction",
    "kind",
    "channel",
    "tone",
    "cue_flags",
    "nps",
    "csat",
    "amount",
    "due_at",
    "responds_to_id",
)
ACCOUNT_COLUMNS = (
    "id",
    "external_id",
    "segment",
    "status",
    "started_at",
    "churned_at",
    "annual_value",
)
CONTRACT_COLUMNS = (
    "account_id",
    "start",
    "end",
    "auto_renew",
    "renewals_so_far",
    "early_termination_fee",
    "notice_days",
)


#: Timestamps of the interaction frame (see ``_Moment``).
MOMENT_COLUMNS = ("occurred_at", "due_at")


class _Moment(Func):
    """A timestamp as whole microseconds since 1970 on PostgreSQL, so a chunk's
    ~50,000 rows load as integers instead of one Python datetime each (that was a
    third of building a chunk's features); elsewhere the stored value as it is.

    Typed as the timestamp it stands for: a PostgreSQL datetime field has no
    converter (the integer passes through), SQLite's turns its text into a datetime.
    """

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
            **extra_context,
        )


def _utc(values: pd.Series) -> pd.Series:
    """``_Moment`` values (microseconds, or datetimes) as UTC timestamps."""
    if pd.api.types.is_numeric_dtype(values):
        moments = pd.to_datetime(values, unit="us", utc=True)
    else:
        moments = pd.to_datetime(values, utc=True)
    return moments.astype("datetime64[us, UTC]")


def as_of_series(account_ids: Sequence[int], as_of: datetime | Mapping[int, datetime]) -> pd.Series:
    """``as_of`` per account (a single moment, or one per account for churn training)."""
    if isinstance(as_of, Mapping):
        values = [as_of[a] for a in account_ids]
    else:
        values = [as_of] * len(account_ids)
    return pd.Series(
        pd.to_datetime(values, utc=True), index=pd.Index(account_ids, name="account_id")
    )


def load_accounts(account_ids: Sequence[int]) -> pd.DataFrame:
    rows = Account.objects.filter(pk__in=account_ids).values_list(*ACCOUNT_COLUMNS)
    frame = pd.DataFrame.from_records(list(rows), columns=list(ACCOUNT_COLUMNS))
    frame["annual_value"] = frame["annual_value"].astype(float)
    for column in ("started_at", "churned_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.set_index("id").rename_axis("account_id")


def load_contracts(account_ids: Sequence[int]) -> pd.DataFrame:
    """The current contract of each account: the one with the latest start."""
    rows = (
        Contract.objects.filter(account_id__in=account_ids)
        .order_by("account_id", "-start", "-id")
        .values_list(*CONTRACT_COLUMNS)
    )
    frame = pd.DataFrame.from_records(list(rows), columns=list(CONTRACT_COLUMNS))
    frame = frame.drop_duplicates("account_id", keep="first")
    frame["early_termination_fee"] = frame["early_termination_fee"].astype(float)
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.set_index("account_id")


def load_contact_counts(account_ids: Sequence[int]) -> pd.Series:
    rows = (
        Contact.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(n=Count("id"))
        .values_list("account_id", "n")
    )
    return pd.Series(dict(rows), dtype=float)


def load_interactions(
    account_ids: Sequence[int], as_of: pd.Series, longest_days: int
) -> pd.DataFrame:
    start = as_of.min() - timedelta(days=longest_days)
    end = as_of.max()
    # Two disjoint index range scans per account (window; older payments) rather than
    # one OR: PostgreSQL answers the OR by scanning the whole portfolio's window on the
    # time index for every chunk, which makes a full recompute quadratic.
    chunk = (
        Interaction.objects.filter(account_id__in=account_ids)
        .order_by()
        .annotate(**{f"{c}_raw": _Moment(c) for c in MOMENT_COLUMNS})
    )
    window = chunk.filter(occurred_at__gt=start, occurred_at__lte=end)
    older_payments = chunk.filter(kind=Kind.PAYMENT, occurred_at__lte=start)
    selected = [f"{c}_raw" if c in MOMENT_COLUMNS else c for c in INTERACTION_COLUMNS]
    rows = window.values_list(*selected).union(older_payments.values_list(*selected), all=True)
    frame = pd.DataFrame.from_records(list(rows), columns=list(INTERACTION_COLUMNS))
    for column in MOMENT_COLUMNS:
        frame[column] = _utc(frame[column])
    for column in ("tone", "nps", "csat", "amount", "contact_id", "responds_to_id"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["cue_flags"] = frame["cue_flags"].fillna(0).astype("int64")
    frame["as_of"] = frame["account_id"].map(as_of)
    # Rows after an account's own as_of (a per-account cut-off) do not exist for it.
    frame = frame[frame["occurred_at"] <= frame["as_of"]]
    frame["age_days"] = (frame["as_of"] - frame["occurred_at"]).dt.total_seconds() / 86400.0
    # One deterministic order for every later groupby/merge.
    return frame.sort_values(["account_id", "occurred_at", "id"], kind="stable").reset_index(
        drop=True
    )
