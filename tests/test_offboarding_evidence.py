"""The assessment's pre-filled evidence: each "not worth keeping" criterion computed
from the record, the business impact, and our own side shown beside them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from offboarding import services
from offboarding.assessment import build_assessment, business_impact, history_summary
from offboarding.evidence import (
    abusive,
    chronic_non_payer,
    high_maintenance,
    low_lifetime_value,
    mismatched_fit,
    policy_violator,
    unreasonable_demands,
)
from signals.text import Cue
from tests.factories import AccountFactory, ContractFactory, InteractionFactory

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


def _days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def _invoice(account, *, days_ago: int, due_in: int = 30):
    return InteractionFactory(
        account=account,
        occurred_at=_days_ago(days_ago),
        channel="invoice",
        direction="outbound",
        kind="invoice",
        text="",
        amount=Decimal("500"),
        due_at=_days_ago(days_ago - due_in),
    )


def _payment(account, *, days_ago: int, invoice=None):
    return InteractionFactory(
        account=account,
        occurred_at=_days_ago(days_ago),
        channel="payment",
        kind="payment",
        text="",
        amount=Decimal("500"),
        responds_to=invoice,
    )


def test_a_customer_who_pays_late_and_not_at_all_is_a_chronic_non_payer(alice_account):
    on_time = _invoice(alice_account, days_ago=200)
    _payment(alice_account, days_ago=190, invoice=on_time)
    late = _invoice(alice_account, days_ago=150)
    _payment(alice_account, days_ago=80)  # no link: matched to the oldest open invoice
    unpaid = _invoice(alice_account, days_ago=90)
    result = chronic_non_payer(alice_account, as_of=NOW)
    assert result.met is True
    assert result.measures["paid_late"] == 1 and result.measures["unpaid_overdue"] == 1
    assert set(result.interactions) == {late.pk, unpaid.pk}
    assert result.measures["max_days_late"] == 60  # unpaid, due 60 days ago


def test_a_customer_who_pays_on_time_is_not_a_non_payer(alice_account):
    for days in (300, 200, 100):
        invoice = _invoice(alice_account, days_ago=days)
        _payment(alice_account, days_ago=days - 10, invoice=invoice)
    assert chronic_non_payer(alice_account, as_of=NOW).met is False


def test_repeated_aggression_reads_as_abusive_with_the_messages_as_evidence(alice_account):
    rows = [
        InteractionFactory(
            account=alice_account, occurred_at=_days_ago(i), cue_flags=Cue.AGGRESSION.value
        )
        for i in (3, 10)
    ]
    rows.append(InteractionFactory(account=alice_account, occurred_at=_days_ago(20), tone=-0.9))
    InteractionFactory(account=alice_account, occurred_at=_days_ago(30), tone=-0.2)
    result = abusive(alice_account, as_of=NOW)
    assert result.met is True and result.measures == {"incidents": 3, "aggression_cues": 2}
    assert set(result.interactions) == {r.pk for r in rows}


def test_demands_beyond_the_contract_count_as_unreasonable(alice_account):
    for i, cue in enumerate([Cue.UNREASONABLE_DEMAND, Cue.OUT_OF_CONTRACT, Cue.ENTITLEMENT]):
        InteractionFactory(account=alice_account, occurred_at=_days_ago(i), cue_flags=cue.value)
    result = unreasonable_demands(alice_account, as_of=NOW)
    assert result.met is True and result.measures["demands"] == 3


def test_two_policy_violations_make_a_consistent_violator(alice_account):
    assert policy_violator(alice_account, as_of=NOW).met is False
    for i in range(2):
        InteractionFactory(account=alice_account, occurred_at=_days_ago(i), kind="policy_violation")
    assert policy_violator(alice_account, as_of=NOW).met is True


def test_high_maintenance_compares_effort_per_revenue_with_the_portfolio_median(alice_account):
    for _ in range(4):
        other = AccountFactory(annual_value=50_000)
        for i in range(5):
            InteractionFactory(account=other, occurred_at=_days_ago(10 + i))
    alice_account.annual_value = Decimal("5000")
    alice_account.save()
    for i in range(40):
        InteractionFactory(account=alice_account, occurred_at=_days_ago(i + 1), channel="ticket")
    result = high_maintenance(alice_account, as_of=NOW)
    assert result.met is True
    assert result.measures["per_1000"] == pytest.approx(8.0)
    assert result.measures["tickets"] == 40


def test_low_lifetime_value_is_a_percentile_of_the_portfolio(alice_account):
    for value in (20_000, 30_000, 40_000, 50_000, 60_000):
        AccountFactory(annual_value=value)
    alice_account.annual_value = Decimal("1000")
    alice_account.save()
    result = low_lifetime_value(alice_account, as_of=NOW)
    assert result.met is True and result.measures["percentile"] == 0.0
    assert "annual value (no CLV yet)" in result.facts[0]


def test_fit_is_a_judgement_left_open_until_the_team_answers(alice_account):
    assert mismatched_fit(alice_account, as_of=NOW).met is None
    assert mismatched_fit(alice_account, as_of=NOW, fit_judgement="mismatched").met is True


def test_the_history_counts_complaints_by_month(alice_account):
    InteractionFactory(account=alice_account, occurred_at=_days_ago(1), kind="complaint", tone=-0.8)
    InteractionFactory(account=alice_account, occurred_at=_days_ago(2), kind="escalation")
    InteractionFactory(account=alice_account, occurred_at=_days_ago(40), kind="complaint")
    history = history_summary(alice_account, as_of=NOW)
    months = {m["month"]: m["count"] for m in history["complaints_by_month"]}
    assert months["2026-10"] == 2 and months["2026-09"] == 1 and len(months) == 12
    assert history["severity"]["hostile"] == 1 and history["severity"]["escalations"] == 1


def test_business_impact_is_the_share_of_revenue_and_support_effort(alice_account, bob_account):
    alice_account.annual_value, bob_account.annual_value = Decimal(1000), Decimal(3000)
    alice_account.save()
    bob_account.save()
    InteractionFactory(account=alice_account, occurred_at=_days_ago(5))
    for i in range(3):
        InteractionFactory(account=bob_account, occurred_at=_days_ago(i + 1))
    impact = business_impact(alice_account, as_of=NOW)
    assert impact["revenue_share_pct"] == 25.0 and impact["support_effort_share_pct"] == 25.0


def test_our_own_side_is_shown_beside_the_criteria(client, manager, alice_account):
    from signals.scoring import recompute_accounts

    ContractFactory(
        account=alice_account, early_termination_fee=20_000, auto_renew=True, renewals_so_far=2
    )
    for i in range(4):
        InteractionFactory(
            account=alice_account,
            occurred_at=timezone.now() - dt.timedelta(days=i),
            kind="complaint",
            text=f"Nobody answered my ticket {i}",
        )
    recompute_accounts(account_ids=[alice_account.pk])
    case = services.start_case(account=alice_account, by=manager)
    assessment = build_assessment(case, as_of=timezone.now())
    vendor = assessment["vendor_side"]
    assert vendor["scored"] and vendor["score"] == case.frozen_health["vendor_side"]
    assert {s["key"] for s in vendor["signs"]} >= {"exit_penalties", "unanswered_inbound"}
    assert "plan to waive it" in " ".join(assessment["contract"]["notes"])

    client.force_login(manager)
    html = client.get(f"/offboarding/{case.pk}/").content.decode()
    assert "Vendor-side friction" in html and "What could we change on our side first?" in html
