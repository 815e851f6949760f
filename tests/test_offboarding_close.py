"""Closing a case: the account is offboarded, its open alerts resolved with the case as
the reason, nothing deleted, and its scores frozen."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Contact, Interaction
from accounts.vocabulary import AccountStatus
from offboarding import services
from signals.models import Alert, AlertEvent, HealthSnapshot, ThresholdRule
from signals.scoring import recompute_accounts
from tests.factories import ContactFactory, ContractFactory, InteractionFactory
from tests.test_offboarding_workflow import walk


@pytest.fixture
def scored_with_alerts(alice_account, bob_account):
    ContactFactory(account=alice_account)
    ContractFactory(account=alice_account)
    for i in range(3):
        InteractionFactory(account=alice_account, kind="complaint", text=f"Broken again {i}")
    InteractionFactory(account=bob_account)
    recompute_accounts(account_ids=[alice_account.pk, bob_account.pk])
    rule = ThresholdRule.objects.create(
        name="Low health", measure="health", operator="lt", value=99
    )
    other_rule = ThresholdRule.objects.create(
        name="Vendor", measure="vendor_side", operator="gt", value=1
    )
    now = timezone.now()
    alerts = [
        Alert.objects.create(
            account=alice_account, rule=rule, measure="health", severity="warning", opened_at=now
        ),
        Alert.objects.create(
            account=alice_account,
            rule=other_rule,
            measure="vendor_side",
            severity="info",
            opened_at=now,
            status="acknowledged",
        ),
        Alert.objects.create(
            account=bob_account, rule=rule, measure="health", severity="warning", opened_at=now
        ),
    ]
    return alerts


def test_closing_offboards_the_account_and_resolves_its_open_alerts_with_an_event(
    manager, am_alice, alice_account, scored_with_alerts
):
    case = walk(
        services.start_case(account=alice_account, by=am_alice),
        to="closed",
        manager=manager,
        by=am_alice,
    )
    alice_account.refresh_from_db()
    assert alice_account.status == AccountStatus.OFFBOARDED
    assert case.closed_by == am_alice and case.closed_at is not None
    for alert in Alert.objects.filter(account=alice_account):
        assert alert.status == "resolved" and alert.root_cause == "other"
        assert f"offboarding case {case.pk}" in alert.action_taken
        event = AlertEvent.objects.filter(alert=alert).last()
        assert (event.to_status, event.by) == ("resolved", am_alice)
    assert Alert.objects.get(account__external_id="BOB-001").status == "open"


def test_closing_deletes_nothing(manager, alice_account, scored_with_alerts):
    counts = {
        "interactions": Interaction.objects.count(),
        "contacts": Contact.objects.count(),
        "snapshots": HealthSnapshot.objects.count(),
        "alerts": Alert.objects.count(),
    }
    walk(services.start_case(account=alice_account, by=manager), to="closed", manager=manager)
    assert counts == {
        "interactions": Interaction.objects.count(),
        "contacts": Contact.objects.count(),
        "snapshots": HealthSnapshot.objects.count(),
        "alerts": Alert.objects.count(),
    }
    assert alice_account.contracts.count() == 1


def test_an_offboarded_accounts_scores_are_frozen(manager, alice_account, scored_with_alerts):
    walk(services.start_case(account=alice_account, by=manager), to="closed", manager=manager)
    before = HealthSnapshot.objects.filter(account=alice_account).count()
    InteractionFactory(account=alice_account, kind="complaint", text="One more thing!")
    result = recompute_accounts(account_ids=[alice_account.pk])
    assert result.frozen == 1
    assert HealthSnapshot.objects.filter(account=alice_account).count() == before


def test_a_rejected_case_leaves_the_alerts_to_triage(manager, alice_account, scored_with_alerts):
    case = walk(
        services.start_case(account=alice_account, by=manager),
        to="awaiting_decision",
        manager=manager,
    )
    services.decide(case=case, by=manager, outcome="rejected", reason="Give it a quarter.")
    assert Alert.objects.filter(account=alice_account, status="resolved").count() == 0
