"""Threshold rules: what a rule may say, whether a snapshot matches it, and a preview of
what a rule would do before it is saved.

Evaluation reads the *current* snapshot of each account (the tip of its chain), never
the one a caller happened to hold: a late, redelivered task must not judge an account
on a score that has since been superseded. Transitions themselves live in
``signals.alerts``; this module decides which ones to make.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import audit
from accounts.models import Account
from accounts.vocabulary import AccountStatus
from signals.catalogue import CATALOGUE, is_valid_measure
from signals.models import (
    Alert,
    AlertStatus,
    HealthSnapshot,
    HealthWeights,
    Operator,
    Severity,
    ThresholdRule,
)

#: Accounts whose alerts are settled by offboarding, not by scores.
NOT_EVALUATED = (AccountStatus.OFFBOARDED,)

#: The range a rule's value must fall in, per measure (catalogue keys score 0–100).
MEASURE_RANGES: dict[str, tuple[float, float | None]] = {
    "health": (0.0, 100.0),
    "customer_side": (0.0, 100.0),
    "vendor_side": (0.0, 100.0),
    "nps": (-100.0, 100.0),
    "csat": (1.0, 5.0),
    "churn_probability": (0.0, 1.0),
    "clv": (0.0, None),
}

MAX_PREVIEW_DAYS = 366


def measure_range(measure: str) -> tuple[float, float | None]:
    return MEASURE_RANGES.get(measure, (0.0, 100.0))


def validate_rule(
    *, measure: str, operator: str, value: float | None, severity: str, segment: str = ""
) -> None:
    """Raise ``ValidationError`` with one message per bad field (the API's 400 names
    the field)."""
    errors: dict[str, str] = {}
    if not is_valid_measure(measure):
        errors["measure"] = (
            f"Unknown measure {measure!r}: use health, customer_side, vendor_side, nps, "
            "csat, churn_probability, clv or a catalogue key."
        )
    if operator not in Operator.values:
        errors["operator"] = (
            f"Unknown operator {operator!r}: use one of {', '.join(Operator.values)}."
        )
    if severity not in Severity.values:
        errors["severity"] = (
            f"Unknown severity {severity!r}: use one of {', '.join(Severity.values)}."
        )
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        errors["value"] = "A finite number is required."
    elif "measure" not in errors:
        low, high = measure_range(measure)
        if value < low or (high is not None and value > high):
            upper = "" if high is None else f" and {high:g}"
            between = f"between {low:g}{upper}" if high is not None else f"at least {low:g}"
            errors["value"] = f"{measure} is {between}; {value:g} is outside that range."
    if len(segment or "") > 60:
        errors["segment"] = "At most 60 characters."
    if errors:
        raise ValidationError(errors)


def matches(value: float | None, operator: str, threshold: float) -> bool:
    """A measure that cannot be computed yet (null) never matches: no alert on a guess."""
    if value is None:
        return False
    if operator == Operator.LT:
        return value < threshold
    if operator == Operator.LTE:
        return value <= threshold
    if operator == Operator.GT:
        return value > threshold
    if operator == Operator.GTE:
        return value >= threshold
    raise ValueError(f"unknown operator {operator!r}")


def measure_value(components: Mapping[str, float | None], measure: str) -> float | None:
    value = components.get(measure)
    return None if value is None else float(value)


def rule_applies(rule: ThresholdRule, account: Account | Scored) -> bool:
    # A churned customer is gone: alerting on it is noise, and its open alerts resolve.
    if account.status == AccountStatus.CHURNED:
        return False
    return not rule.segment or rule.segment == account.segment


# --- admins' changes (each recorded in the audit trail) ------------------------------

#: What an admin sets on a rule; the audit entry records these fields' old and new values.
RULE_FIELDS = ("name", "measure", "operator", "value", "severity", "segment", "enabled")
#: What an admin sets on the health weights.
WEIGHT_FIELDS = (
    "customer_side",
    "vendor_side",
    "nps",
    "csat",
    "churn_probability",
    "healthy_min",
    "watch_min",
    "at_risk_min",
    "key_weights",
)


@transaction.atomic
def create_rule(*, by, **values) -> ThresholdRule:
    """A new rule, validated like every other path (``validate_rule``). The caller
    queues its evaluation (``signals.tasks.evaluate_rule``) after commit."""
    _validate_rule_values(values)
    rule = ThresholdRule.objects.create(created_by=by, **values)
    audit.record(
        by=by,
        action="threshold.created",
        target=rule,
        changes=audit.changes_between({}, audit.values_of(rule, RULE_FIELDS)),
    )
    return rule


@transaction.atomic
def update_rule(*, rule: ThresholdRule, by, **values) -> ThresholdRule:
    before = audit.values_of(rule, RULE_FIELDS)
    for name, value in values.items():
        setattr(rule, name, value)
    _validate_rule_values(audit.values_of(rule, RULE_FIELDS))
    rule.save()
    audit.record(
        by=by,
        action="threshold.updated",
        target=rule,
        changes=audit.changes_between(before, audit.values_of(rule, RULE_FIELDS)),
    )
    return rule


@transaction.atomic
def delete_rule(*, rule: ThresholdRule, by) -> None:
    """Delete a rule that never fired (alerts keep their rule: disable those instead)."""
    audit.record(
        by=by,
        action="threshold.deleted",
        target=rule,
        changes=audit.changes_between(audit.values_of(rule, RULE_FIELDS), {}),
    )
    rule.delete()


def _validate_rule_values(values: Mapping) -> None:
    validate_rule(
        measure=values.get("measure") or "",
        operator=values.get("operator") or "",
        value=values.get("value"),
        severity=values.get("severity") or Severity.WARNING,
        segment=values.get("segment") or "",
    )


def record_weights_change(*, weights: HealthWeights, by, before: Mapping) -> None:
    """Audit an edit of the health weights; ``before`` is ``weights_values(weights)``
    taken before the form or admin applied the change."""
    audit.record(
        by=by,
        action="weights.updated",
        target=weights,
        changes=audit.changes_between(before, weights_values(weights)),
    )


def weights_values(weights: HealthWeights) -> dict:
    return audit.values_of(weights, WEIGHT_FIELDS)


# --- evaluation -----------------------------------------------------------------------


@dataclass
class Evaluation:
    """What an evaluation did; ``notification_ids`` are outbox rows to send after commit."""

    opened: list[Alert] = field(default_factory=list)
    resolved: int = 0
    notification_ids: list[int] = field(default_factory=list)

    def add(self, other: Evaluation) -> None:
        self.opened.extend(other.opened)
        self.resolved += other.resolved
        self.notification_ids.extend(other.notification_ids)


@dataclass(frozen=True)
class Scored:
    """What a recompute holds of one account it just scored, so the evaluation that
    follows in the same transaction need not read it back: the account's fields rules
    look at, and the snapshot it appended (None when the scores did not change)."""

    segment: str
    status: str
    snapshot: HealthSnapshot | None = None


def evaluate_accounts(
    *,
    account_ids: Iterable[int],
    rules: Sequence[ThresholdRule] | None = None,
    scored: Mapping[int, Scored] | None = None,
) -> Evaluation:
    """Evaluate every enabled rule (or ``rules``) against each account's current snapshot:
    open an alert where a rule matches and none is unresolved, auto-resolve unresolved
    alerts whose condition cleared.

    Idempotent: evaluating the same snapshot again changes nothing, so callers may run
    it after every recompute, on redelivery, or for a whole chunk. An alert resolved by
    a person while the condition still held is not reopened on the *same* snapshot, only
    when a later snapshot still matches.

    ``scored``: what a recompute in the same transaction read and wrote for these
    accounts (an account missing from it was not found, e.g. deleted meanwhile).
    """
    from signals import alerts as alert_actions

    outcome = Evaluation()
    ids = sorted({int(a) for a in account_ids})
    if rules is None:
        from signals.config import scoring_config

        rules = scoring_config().rules
    if not ids or not rules:
        return outcome
    if scored is None:
        accounts: Mapping[int, Account | Scored] = {
            a.pk: a
            for a in Account.objects.filter(pk__in=ids)
            .exclude(status__in=NOT_EVALUATED)
            .select_related("owner")
        }
        fresh: dict[int, HealthSnapshot] = {}
    else:
        accounts = {
            a: scored[a] for a in ids if a in scored and scored[a].status not in NOT_EVALUATED
        }
        fresh = {a: accounts[a].snapshot for a in accounts if accounts[a].snapshot is not None}
    tips = {
        **fresh,
        **{
            s.account_id: s
            for s in HealthSnapshot.objects.filter(
                account_id__in=[a for a in accounts if a not in fresh],
                superseded_by__isnull=True,
            ).only("id", "account_id", "components", "computed_at")
        },
    }
    rule_ids = [r.pk for r in rules]
    # (account, rule) → (alert id, status): an alert row is built only to resolve it.
    unresolved = {
        (account_id, rule_id): (pk, status)
        for pk, account_id, rule_id, status in Alert.objects.filter(
            account_id__in=tips, rule_id__in=rule_ids
        )
        .exclude(status=AlertStatus.RESOLVED)
        .values_list("pk", "account_id", "rule_id", "status")
    }
    # Snapshots this recompute just appended have no alert yet.
    already_fired = set(
        Alert.objects.filter(
            snapshot_id__in=[s.pk for a, s in tips.items() if a not in fresh],
            rule_id__in=rule_ids,
        ).values_list("account_id", "rule_id", "snapshot_id")
    )
    matched = []
    for account_id, snapshot in sorted(tips.items()):
        account = accounts[account_id]
        for rule in rules:
            value = measure_value(snapshot.components, rule.measure)
            hit = (
                rule.enabled
                and rule_applies(rule, account)
                and matches(value, rule.operator, rule.value)
            )
            current = unresolved.get((account_id, rule.pk))
            if hit and current is None:
                if (account_id, rule.pk, snapshot.pk) not in already_fired:
                    matched.append((account_id, rule, snapshot, value))
            elif not hit and current is not None:
                pk, status = current
                stale = Alert(pk=pk, account_id=account_id, rule_id=rule.pk, status=status)
                if alert_actions.auto_resolve(alert=stale):
                    outcome.resolved += 1
    # Opening an alert tells people about the account: a recompute's accounts are read
    # whole (with their owner) only then.
    whole = (
        accounts
        if scored is None
        else Account.objects.select_related("owner").in_bulk({a for a, *_ in matched})
    )
    openings = [
        alert_actions.Opening(account=whole[a], rule=rule, snapshot=snapshot, value=value)
        for a, rule, snapshot, value in matched
        if a in whole
    ]
    for opened in alert_actions.open_alerts(openings=openings):
        outcome.opened.append(opened.alert)
        outcome.notification_ids.extend(opened.notification_ids)
    return outcome


# --- preview --------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    matching_now: list[str]
    would_have_fired: int


def preview_rule(
    *,
    measure: str,
    operator: str,
    value: float,
    segment: str = "",
    days: int,
    now: dt.datetime | None = None,
) -> Preview:
    """What an unsaved rule would do: the accounts it matches on their current snapshot,
    and how many alerts it would have opened over the last ``days`` of snapshots.

    An alert "would have fired" at each transition from not matching to matching, per
    account in snapshot order; the first snapshot inside the window counts when it
    matches (the rule would have fired the first time it saw that account).
    """
    now = now or timezone.now()
    accounts = Account.objects.exclude(status__in=NOT_EVALUATED).exclude(
        status=AccountStatus.CHURNED
    )
    if segment:
        accounts = accounts.filter(segment=segment)
    current = (
        HealthSnapshot.objects.filter(account__in=accounts, superseded_by__isnull=True)
        .values_list("account__external_id", "components")
        .order_by("account__external_id")
    )
    matching_now = [
        external_id
        for external_id, parts in current
        if matches(measure_value(parts, measure), operator, value)
    ]
    since = now - dt.timedelta(days=days)
    history = (
        HealthSnapshot.objects.filter(account__in=accounts, computed_at__gte=since)
        .filter(Q(computed_at__lte=now))
        .order_by("account_id", "computed_at", "id")
        .values_list("account_id", "components")
    )
    fired = 0
    previous: dict[int, bool] = defaultdict(bool)
    for account_id, parts in history.iterator(chunk_size=2000):
        hit = matches(measure_value(parts, measure), operator, value)
        if hit and not previous[account_id]:
            fired += 1
        previous[account_id] = hit
    return Preview(matching_now=matching_now, would_have_fired=fired)


def catalogue_label(measure: str) -> str:
    if measure in CATALOGUE:
        return CATALOGUE[measure].label
    return measure.replace("_", " ")
