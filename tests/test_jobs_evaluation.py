"""The evaluation that follows a recompute in the same transaction works from what the
recompute read and wrote (signals.thresholds.Scored) instead of reading it back; these
check it reaches every decision the standalone evaluation reaches."""

from __future__ import annotations

import pytest

from accounts.models import Account
from accounts.vocabulary import AccountStatus
from signals.alerts import resolve_alert
from signals.jobs import recompute_and_evaluate
from signals.models import Alert, AlertStatus, HealthSnapshot
from signals.thresholds import evaluate_accounts
from tests.alert_helpers import make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _unresolved(account) -> list[Alert]:
    return list(Alert.objects.filter(account=account).exclude(status=AlertStatus.RESOLVED))


def test_alerts_open_once_stay_resolved_on_the_same_snapshot_and_follow_new_rules():
    account = AccountFactory(segment="enterprise")
    everyone = make_rule(name="everyone", measure="health", operator="lte", value=100)
    first = recompute_and_evaluate(account_ids=[account.pk])
    assert (first.changed, first.alerts_opened) == (1, 1)
    (alert,) = _unresolved(account)
    assert alert.rule_id == everyone.pk
    assert alert.snapshot_id == HealthSnapshot.objects.get(account=account).pk

    again = recompute_and_evaluate(account_ids=[account.pk])  # nothing changed
    assert (again.changed, again.alerts_opened) == (0, 0)

    resolve_alert(alert=alert, by=None, root_cause="other", action_taken="spoke to them")
    assert recompute_and_evaluate(account_ids=[account.pk]).alerts_opened == 0

    make_rule(name="other segment", measure="health", operator="lte", value=100, segment="smb")
    mine = make_rule(
        name="my segment", measure="health", operator="lte", value=100, segment="enterprise"
    )
    assert recompute_and_evaluate(account_ids=[account.pk]).alerts_opened == 1
    assert [a.rule_id for a in _unresolved(account)] == [mine.pk]


def test_a_churned_account_has_its_alerts_resolved_and_an_offboarded_one_is_left_alone():
    churned, offboarded = AccountFactory(), AccountFactory()
    make_rule(measure="health", operator="lte", value=100)
    recompute_and_evaluate(account_ids=[churned.pk, offboarded.pk])
    assert len(_unresolved(churned)) == len(_unresolved(offboarded)) == 1

    Account.objects.filter(pk=churned.pk).update(status=AccountStatus.CHURNED)
    Account.objects.filter(pk=offboarded.pk).update(status=AccountStatus.OFFBOARDED)
    outcome = recompute_and_evaluate(account_ids=[churned.pk, offboarded.pk])
    assert outcome.alerts_resolved == 1
    assert _unresolved(churned) == []
    assert len(_unresolved(offboarded)) == 1


def test_the_recompute_path_decides_as_the_standalone_evaluation_does():
    accounts = [AccountFactory(segment=s) for s in ("smb", "enterprise", "smb", "mid_market")]
    Account.objects.filter(pk=accounts[2].pk).update(status=AccountStatus.CHURNED)
    make_rule(name="low", measure="health", operator="lt", value=100)
    make_rule(name="smb only", measure="health", operator="lte", value=100, segment="smb")
    ids = [a.pk for a in accounts]

    via_recompute = recompute_and_evaluate(account_ids=ids)
    opened = sorted(Alert.objects.values_list("account_id", "rule_id", "snapshot_id"))
    Alert.objects.all().delete()
    standalone = evaluate_accounts(account_ids=ids)

    assert len(standalone.opened) == via_recompute.alerts_opened > 0
    assert sorted(Alert.objects.values_list("account_id", "rule_id", "snapshot_id")) == opened


def _left_for_the_collector(recompute) -> list[str]:
    """What ``recompute()`` leaves in reference cycles, among snapshots, current-score
    rows and alerts."""
    import gc

    from signals.models import AccountHealth

    gc.collect()
    gc.disable()
    try:
        changed = recompute()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [
            type(o).__name__
            for o in gc.garbage
            if isinstance(o, HealthSnapshot | AccountHealth | Alert)
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert changed  # the recompute did write (and open alerts on) new snapshots
    return left


def test_a_recompute_leaves_no_reference_cycles_behind(am_alice):
    """Batches run with the collector held back (signals.collector), so a cycle per
    account (a snapshot and its current-score row, or a snapshot and the tip it
    supersedes, pointing at each other, with the document hanging off them) piled up in
    a long-lived worker until a full collection: +100 MB per pool process over a
    100,000-account run."""
    import datetime as dt

    from tests.browser import recorded_account

    accounts = [
        recorded_account(owner=am_alice, external_id=f"GC-{i}", name=f"Cycle {i}") for i in range(3)
    ]
    ids = [a.pk for a in accounts]
    make_rule(measure="health", operator="lte", value=100)
    now = dt.datetime.now(dt.UTC)

    def first() -> int:  # no tip yet: a root snapshot per account, alerts opened
        return recompute_and_evaluate(account_ids=ids, as_of=now - dt.timedelta(days=10)).changed

    def later() -> int:  # every account's scores moved: a successor of each tip
        return recompute_and_evaluate(account_ids=ids, as_of=now).changed

    assert _left_for_the_collector(first) == []
    assert _left_for_the_collector(later) == []
