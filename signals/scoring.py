"""The recompute service: features → detectors → health → snapshot, for any set of
accounts through one code path (a single account is a one-row portfolio).

Per chunk, in one transaction: build features, score, append a snapshot where the
document changed (chained by ``supersedes``), upsert ``AccountHealth`` and clear the
dirty flag with compare-and-set.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Account
from accounts.vocabulary import AccountStatus
from signals.bulk import insert_all
from signals.catalogue import CATALOGUE, CUSTOMER_KEYS, VENDOR_KEYS
from signals.config import ScoringConfig, scoring_config
from signals.detectors import run_detectors
from signals.features import build_features
from signals.features.frames import ACCOUNT_COLUMNS, AccountRow, load_accounts
from signals.health import PRESENT, build_document, canonical, components, sides
from signals.models import AccountHealth, HealthSnapshot, HealthWeights
from signals.portfolio import (
    PortfolioModels,
    fit_churn_model_for_portfolio,
    fit_clv_model_for_portfolio,
    fit_portfolio_models,
    metrics_for,
    side_columns,
)
from signals.thresholds import Scored

__all__ = [
    "RecomputeResult",
    "fit_churn_model_for_portfolio",
    "fit_clv_model_for_portfolio",
    "fit_portfolio_models",
    "fingerprint",
    "health_document",
    "recompute_accounts",
    "score_accounts",
    "snapshot_diff",
]

log = logging.getLogger(__name__)

#: Accounts per statement of the compare-and-set that clears dirty flags (two bound
#: values each: well inside SQLite's limit on variables).
DIRTY_CLEAR_BATCH = 500


@dataclass
class RecomputeResult:
    """What a recompute did. ``snapshots`` are the ones it appended (changed accounts),
    for callers that chain on them (threshold evaluation)."""

    processed: int = 0
    frozen: int = 0
    snapshots: list[HealthSnapshot] = field(default_factory=list)
    #: Every account found, as the threshold evaluation that follows needs it.
    scored: dict[int, Scored] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return len(self.snapshots)


def fingerprint(document: Mapping) -> str:
    """sha256 of the document without ``computed_at``: equal means nothing changed."""
    body = {k: v for k, v in document.items() if k != "computed_at"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def scoring_moments(account_ids: Iterable[int], as_of: datetime) -> dict[int, datetime]:
    """The moment each account is scored at: ``as_of``, except that a churned account is
    seen as it was when it left (the end of its churn day) — after that there is no
    relationship left to judge, only silence."""
    ids = list(account_ids)
    churned = Account.objects.filter(
        pk__in=ids, status=AccountStatus.CHURNED, churned_at__isnull=False
    ).values_list("pk", "churned_at")
    return _moments(ids, as_of, churned)


def _moments(
    account_ids: Iterable[int], as_of: datetime, churned: Iterable[tuple[int, date]]
) -> dict[int, datetime]:
    moments = dict.fromkeys(account_ids, as_of)
    for account_id, day in churned:
        end_of_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
        moments[account_id] = min(as_of, end_of_day)
    return moments


def score_accounts(
    accounts: Mapping[int, str],
    *,
    as_of: datetime,
    weights: HealthWeights,
    models: PortfolioModels,
    rows: Mapping[int, AccountRow] | None = None,
) -> dict[int, dict]:
    """Health documents (``computed_at`` = ``as_of``) for ``{account id: external id}``.
    ``rows``: the accounts as the caller already read them (else read here).

    Pure computation on the chunk's features: no writes.
    """
    ids = list(accounts)
    rows = rows if rows is not None else load_accounts(ids)
    churned = [
        (a, row.churned_at)
        for a, row in rows.items()
        if row.status == AccountStatus.CHURNED and row.churned_at is not None
    ]
    features = build_features(ids, as_of=_moments(ids, as_of, churned), accounts=rows)
    # Detectors run once per account; both sides (for the churn model) and the
    # document are built from the same results.
    results = {a: run_detectors(features.account(a)) for a in sorted(accounts)}
    pairs = {a: sides(results[a], weights) for a in results}
    side = side_columns(features, weights, pairs)
    metrics = metrics_for(features, side, models)
    stamp = _stamp(as_of)
    return {
        account_id: build_document(
            external_id=accounts[account_id],
            computed_at=stamp,
            results=results[account_id],
            metrics=metrics[account_id],
            weights=weights,
            both_sides=pairs[account_id],
        )
        for account_id in sorted(accounts)
    }


def recompute_accounts(
    *,
    account_ids: Sequence[int],
    as_of: datetime | None = None,
    config: ScoringConfig | None = None,
) -> RecomputeResult:
    """Rescore ``account_ids`` (one or the whole portfolio) at ``as_of`` (default now).

    Offboarded accounts are frozen: scored once if they never were, never again. Chunks
    of ``CRM_SCORING_CHUNK_SIZE`` accounts each commit on their own, so a failure loses at
    most one chunk and the dirty flags tell what is left.
    """
    ids = sorted({int(a) for a in account_ids})
    config = config or scoring_config()
    weights, models = config.weights, config.models
    total = RecomputeResult()
    size = settings.CRM_SCORING_CHUNK_SIZE
    for start in range(0, len(ids), size):
        part = _recompute_chunk(ids[start : start + size], as_of, weights, models)
        total.processed += part.processed
        total.frozen += part.frozen
        total.snapshots.extend(part.snapshots)
        total.scored.update(part.scored)
    _after_snapshots(total.snapshots)
    return total


def _after_snapshots(snapshots: Sequence[HealthSnapshot]) -> None:
    """Hook for what follows a snapshot (threshold evaluation → alerts). Nothing yet."""


# One transaction per chunk; inside a caller's (a job's batch) no savepoint: nothing
# between here and that caller catches an error, so it would only cost two round trips.
@transaction.atomic(savepoint=False)
def _recompute_chunk(
    ids: list[int],
    as_of: datetime | None,
    weights: HealthWeights,
    models: PortfolioModels,
) -> RecomputeResult:
    moment = as_of or timezone.now()
    # What the features read of each account comes with it (one query, not three).
    rows = [
        (a, ext, dirty, AccountRow(*rest))
        for a, ext, dirty, *rest in Account.objects.filter(pk__in=ids).values_list(
            "id", "external_id", "scores_dirty_since", *ACCOUNT_COLUMNS[1:]
        )
    ]
    # The tips' fingerprints, not their documents: an unchanged portfolio's nightly run
    # parsed every stored document only to compare a hash.
    tips = {
        s.account_id: s
        for s in HealthSnapshot.objects.filter(account_id__in=ids, superseded_by__isnull=True).only(
            "id", "account_id", "fingerprint", "health"
        )
    }
    live = {
        a: ext for a, ext, _, row in rows if row.status != AccountStatus.OFFBOARDED or a not in tips
    }
    outcome = RecomputeResult(processed=len(live), frozen=len(rows) - len(live))
    if not live:
        outcome.scored = _scored(rows, [])
        return outcome
    documents = score_accounts(
        live,
        as_of=moment,
        weights=weights,
        models=models,
        rows={a: row for a, _, _, row in rows if a in live},
    )
    pending = []
    for account_id, document in documents.items():
        tip = tips.get(account_id)
        print_ = fingerprint(document)
        if tip is None or tip.fingerprint != print_:
            pending.append(_snapshot(account_id, document, print_, moment, tip))
    written = _append(pending)
    _upsert_current(written, tips)
    _clear_dirty([(a, dirty) for a, _, dirty, _ in rows if a in live and dirty is not None])
    outcome.snapshots = written
    outcome.scored = _scored(rows, written)
    return outcome


def _scored(rows: list[tuple], written: list[HealthSnapshot]) -> dict[int, Scored]:
    """What the evaluation needs of each account read: its rows' segment and status,
    and the snapshot appended for it, if any."""
    appended = {s.account_id: s for s in written}
    return {a: Scored(row.segment, row.status, appended.get(a)) for a, _, _, row in rows}


def _snapshot(
    account_id: int, document: dict, print_: str, moment: datetime, tip: HealthSnapshot | None
) -> HealthSnapshot:
    metrics = document["metrics"]
    return HealthSnapshot(
        account_id=account_id,
        # The id, not the instance: a one-to-one's reverse cache would tie the tip and
        # its successor (with its document) into a cycle for the collector.
        supersedes_id=tip.pk if tip else None,
        computed_at=moment,
        health=document["health"],
        band=document["band"],
        customer_side=document["customer_side"],
        vendor_side=document["vendor_side"],
        nps=metrics["nps"],
        csat=metrics["csat"],
        churn_probability=metrics["churn_probability"],
        clv=metrics["clv"],
        components=components(document),
        document=document,
        fingerprint=print_,
    )


def _append(pending: list[HealthSnapshot]) -> list[HealthSnapshot]:
    """Insert all at once; if a concurrent recompute appended to one of these chains
    first (the unique ``supersedes`` refuses a second successor), redo them one by one."""
    if not pending:
        return []
    try:
        with transaction.atomic():
            return insert_all(pending)
    except IntegrityError:
        log.info("concurrent snapshot append; retrying %d one by one", len(pending))
    written = []
    for snapshot in pending:
        snapshot.pk = None
        appended = _append_one(snapshot)
        if appended is not None:
            written.append(appended)
    return written


def _append_one(snapshot: HealthSnapshot) -> HealthSnapshot | None:
    try:
        with transaction.atomic():
            snapshot.save(force_insert=True)
            return snapshot
    except IntegrityError:
        pass
    # Someone else appended: re-read their tip; if it says the same, we are done.
    tip = HealthSnapshot.objects.get(account_id=snapshot.account_id, superseded_by__isnull=True)
    if tip.fingerprint == snapshot.fingerprint:
        return None
    snapshot.pk = None
    snapshot.supersedes_id = tip.pk
    try:
        with transaction.atomic():
            snapshot.save(force_insert=True)
            return snapshot
    except IntegrityError:
        # A third writer raced us again; its result is as recent as ours.
        return None


def _upsert_current(written: list[HealthSnapshot], tips: Mapping[int, HealthSnapshot]) -> None:
    rows = []
    for s in written:
        previous = tips.get(s.account_id)
        if s.supersedes_id and (previous is None or previous.pk != s.supersedes_id):
            previous = s.supersedes  # re-pointed after a concurrent append (rare): read it
        rows.append(
            AccountHealth(
                account_id=s.account_id,
                snapshot_id=s.pk,
                computed_at=s.computed_at,
                health=s.health,
                previous_health=previous.health if previous else None,
                band=s.band,
                customer_side=s.customer_side,
                vendor_side=s.vendor_side,
                top_customer_issue=_top(s.components, CUSTOMER_KEYS),
                top_vendor_issue=_top(s.components, VENDOR_KEYS),
                nps=s.nps,
                csat=s.csat,
                churn_probability=s.churn_probability,
                clv=s.clv,
            )
        )
    if rows:
        fields = [f.name for f in AccountHealth._meta.concrete_fields if f.name != "account"]
        AccountHealth.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["account"], update_fields=fields
        )


def _top(parts: Mapping[str, float | None], keys: Sequence[str]) -> str:
    key = min(keys, key=lambda k: (-(parts.get(k) or 0.0), k))
    return key if (parts.get(key) or 0.0) >= PRESENT else ""


def _clear_dirty(pairs: list[tuple[int, datetime]]) -> None:
    """Compare-and-set: an account marked dirty again during the recompute (a newer
    timestamp) stays dirty, so its change is scored by the next run."""
    # One statement matching (id, timestamp) rows against a VALUES list: the ORM's
    # OR of one Q per account cost more to build and plan than the whole update.
    table = connection.ops.quote_name(Account._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), DIRTY_CLEAR_BATCH):
            batch = pairs[start : start + DIRTY_CLEAR_BATCH]
            rows = ", ".join(["(%s, %s)"] * len(batch))
            # The table name comes from the model; every value is bound.
            cursor.execute(
                f"UPDATE {table} SET scores_dirty_since = NULL "  # noqa: S608  # nosec B608
                f"WHERE (id, scores_dirty_since) IN (VALUES {rows})",
                [value for a, d in batch for value in (a, adapt(d))],
            )


# --- reading ---------------------------------------------------------------------------


def health_document(account: Account) -> dict | None:
    """The account's current health document (its latest snapshot), None if never scored."""
    tip = (
        HealthSnapshot.objects.filter(account=account, superseded_by__isnull=True)
        .only("document")
        .first()
    )
    return canonical(tip.document) if tip else None


_SUMMARY_GROUPS = {
    **dict.fromkeys(("health", "customer_side", "vendor_side"), "summary"),
    **dict.fromkeys(("nps", "csat", "churn_probability", "clv"), "metrics"),
}


def snapshot_diff(older: HealthSnapshot, newer: HealthSnapshot) -> list[dict]:
    """Components that changed between two snapshots, largest move first ("why did it
    drop?"): ``[{key, group, before, after, delta}]``; delta is None when a side is null."""
    before, after = older.components or {}, newer.components or {}
    changes = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if a == b:
            continue
        delta = None if a is None or b is None else round(a - b, 4)
        group = CATALOGUE[key].group.value if key in CATALOGUE else _SUMMARY_GROUPS.get(key, "")
        changes.append({"key": key, "group": group, "before": b, "after": a, "delta": delta})
    changes.sort(key=lambda c: (c["delta"] is None, -abs(c["delta"] or 0.0), c["key"]))
    return changes
