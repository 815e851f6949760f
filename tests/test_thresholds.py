"""Threshold rules: validation, evaluation against snapshots, and the preview."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.vocabulary import AccountStatus
from signals.catalogue import entry
from signals.jobs import evaluate_rule_everywhere
from signals.models import Alert, AlertStatus
from signals.thresholds import evaluate_accounts, preview_rule, validate_rule
from tests.alert_helpers import add_snapshot, make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def _errors(**rule) -> dict:
    values = {"measure": "health", "operator": "lt", "value": 50.0, "severity": "warning"}
    values.update(rule)
    with pytest.raises(ValidationError) as caught:
        validate_rule(**values)
    return caught.value.message_dict


def test_an_unknown_measure_is_refused_naming_the_measure():
    assert "measure" in _errors(measure="mood")


def test_a_value_outside_the_measures_range_is_refused_naming_the_value():
    assert "value" in _errors(measure="churn_probability", value=1.5)
    assert "value" in _errors(measure="nps", value=-101)


def test_an_unknown_operator_and_severity_are_refused_by_name():
    errors = _errors(operator="eq", severity="panic")
    assert set(errors) == {"operator", "severity"}


def test_catalogue_keys_and_metrics_are_valid_measures():
    validate_rule(measure="ghost", operator="gte", value=70, severity="critical")
    validate_rule(measure="clv", operator="lt", value=1000000, severity="info")


def test_a_rule_matching_one_account_opens_exactly_one_alert_across_repeated_evaluations():
    rule = make_rule()
    sick, well = AccountFactory(), AccountFactory()
    add_snapshot(sick, health=35.0)
    add_snapshot(well, health=90.0)
    for _ in range(3):
        evaluate_accounts(account_ids=[sick.pk, well.pk])
    alerts = Alert.objects.filter(rule=rule)
    assert [(a.account_id, a.status, a.value) for a in alerts] == [(sick.pk, "open", 35.0)]
    assert [(e.by, e.from_status, e.to_status) for e in alerts[0].events.all()] == [
        (None, "", "open")
    ]


def test_a_churned_account_raises_no_alert_and_its_open_alerts_resolve():
    rule = make_rule()
    account = AccountFactory()
    add_snapshot(account, health=35.0)
    evaluate_accounts(account_ids=[account.pk])
    assert Alert.objects.get(rule=rule).status == "open"
    account.status, account.churned_at = AccountStatus.CHURNED, dt.date(2026, 6, 1)
    account.save()
    evaluate_accounts(account_ids=[account.pk])
    assert Alert.objects.get(rule=rule).status == "resolved"
    assert preview_rule(measure="health", operator="lt", value=50, days=30).matching_now == []


def test_a_rule_matching_every_account_opens_one_alert_per_account():
    make_rule(measure="health", operator="lte", value=100.0)
    accounts = [AccountFactory() for _ in range(4)]
    for account in accounts:
        add_snapshot(account, health=60.0)
    evaluate_accounts(account_ids=[a.pk for a in accounts])
    evaluate_accounts(account_ids=[a.pk for a in accounts])
    assert sorted(Alert.objects.values_list("account_id", flat=True)) == sorted(
        a.pk for a in accounts
    )


def test_an_alert_resolves_itself_when_the_condition_clears():
    make_rule()
    account = AccountFactory()
    add_snapshot(account, health=35.0)
    evaluate_accounts(account_ids=[account.pk])
    add_snapshot(account, health=72.0)
    outcome = evaluate_accounts(account_ids=[account.pk])
    alert = Alert.objects.get()
    assert outcome.resolved == 1
    assert alert.status == AlertStatus.RESOLVED and alert.root_cause == ""
    last = alert.events.last()
    assert (last.by, last.from_status, last.to_status, last.note) == (
        None,
        "open",
        "resolved",
        "condition cleared",
    )


def test_a_new_crossing_after_auto_resolve_opens_a_new_alert():
    make_rule()
    account = AccountFactory()
    for health in (35.0, 72.0, 30.0):
        add_snapshot(account, health=health)
        evaluate_accounts(account_ids=[account.pk])
    assert list(Alert.objects.order_by("pk").values_list("status", flat=True)) == [
        "resolved",
        "open",
    ]


def test_a_person_resolving_while_the_condition_holds_is_not_overruled_on_the_same_snapshot():
    from signals.alerts import resolve_alert

    make_rule()
    account = AccountFactory()
    add_snapshot(account, health=35.0)
    evaluate_accounts(account_ids=[account.pk])
    resolve_alert(
        alert=Alert.objects.get(), by=None, root_cause="other", action_taken="Called them"
    )
    evaluate_accounts(account_ids=[account.pk])
    assert Alert.objects.count() == 1
    add_snapshot(account, health=34.0)  # a later snapshot that still matches
    evaluate_accounts(account_ids=[account.pk])
    assert Alert.objects.filter(status="open").count() == 1


def test_a_segment_rule_only_watches_its_segment():
    make_rule(segment="enterprise")
    smb, big = AccountFactory(segment="smb"), AccountFactory(segment="enterprise")
    add_snapshot(smb, health=10.0)
    add_snapshot(big, health=10.0)
    evaluate_accounts(account_ids=[smb.pk, big.pk])
    assert list(Alert.objects.values_list("account_id", flat=True)) == [big.pk]


def test_offboarded_accounts_are_not_evaluated():
    make_rule()
    gone = AccountFactory(status=AccountStatus.OFFBOARDED)
    add_snapshot(gone, health=10.0)
    evaluate_accounts(account_ids=[gone.pk])
    assert not Alert.objects.exists()


def test_a_null_metric_never_matches():
    make_rule(measure="nps", operator="lt", value=0)
    account = AccountFactory()
    add_snapshot(account, nps=None)
    evaluate_accounts(account_ids=[account.pk])
    assert not Alert.objects.exists()


def test_disabling_a_rule_resolves_its_alerts_when_it_is_re_evaluated():
    rule = make_rule()
    account = AccountFactory()
    add_snapshot(account, health=20.0)
    evaluate_accounts(account_ids=[account.pk])
    rule.enabled = False
    rule.save()
    evaluate_rule_everywhere(rule_id=rule.pk)
    assert Alert.objects.get().status == AlertStatus.RESOLVED


def test_an_alert_on_a_catalogue_key_carries_that_keys_advice():
    make_rule(name="Ghosting", measure="ghost", operator="gte", value=70, severity="critical")
    account = AccountFactory(annual_value=48000)
    add_snapshot(account, ghost=81.0)
    evaluate_accounts(account_ids=[account.pk])
    alert = Alert.objects.get()
    assert alert.severity == "critical" and float(alert.value_at_risk) == 48000
    assert [r["advice"] for r in alert.recommendations] == list(entry("ghost").next_steps)


def test_a_health_alert_carries_the_advice_of_the_accounts_top_issues():
    make_rule()
    account = AccountFactory()
    add_snapshot(account, health=30.0, aggressiveness=90.0, ghost=60.0, ignores_no=20.0)
    evaluate_accounts(account_ids=[account.pk])
    recommendations = Alert.objects.get().recommendations
    assert [r["for"] for r in recommendations] == ["aggressiveness", "ghost"]
    assert recommendations[0]["advice"] == entry("aggressiveness").advice


def test_the_preview_lists_accounts_matching_now_and_counts_past_crossings():
    a, b, c = (AccountFactory(external_id=x) for x in ("A-1", "B-1", "C-1"))
    days = lambda n: NOW - dt.timedelta(days=n)  # noqa: E731
    # A crosses twice inside the window: match, clear, match, match.
    for n, health in ((10, 40.0), (8, 60.0), (5, 45.0), (1, 44.0)):
        add_snapshot(a, at=days(n), health=health)
    # B matched before the window and again inside it: the first snapshot in the
    # window counts because it matches.
    add_snapshot(b, at=days(20), health=40.0)
    add_snapshot(b, at=days(3), health=41.0)
    # C never matches.
    add_snapshot(c, at=days(2), health=90.0)
    preview = preview_rule(measure="health", operator="lt", value=50, days=14, now=NOW)
    assert preview.matching_now == ["A-1", "B-1"]
    assert preview.would_have_fired == 3
    assert not Alert.objects.exists()  # a preview never opens anything
