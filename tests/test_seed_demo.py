"""seed_demo: a deterministic, idempotent demo portfolio with ground truth and demo users."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F

from accounts.demo.behaviours import (
    COVERAGE_SIZE,
    GROUND_TRUTH_KEYS,
    HEALTHY,
    IMPLIES,
    compatible_vendor_signs,
    labels_for,
    profile_for,
)
from accounts.demo.customer_phrases import INBOUND
from accounts.demo.generator import generate_portfolio
from accounts.demo.vendor_phrases import OUTBOUND
from accounts.demo.writer import DEMO_RULES, DEMO_USERS, seed_demo
from accounts.models import Account, Contact, Contract, Interaction, SeededBehaviour
from accounts.roles import role_of
from accounts.vocabulary import AccountStatus, Channel, Direction, Kind
from signals.catalogue import CATALOGUE
from signals.models import ThresholdRule
from signals.text import analyse_text, cue_labels
from tests.factories import AccountFactory, InteractionFactory

TODAY = dt.date(2026, 11, 22)


def _snapshot() -> dict[str, object]:
    demo = Account.objects.filter(external_id__startswith="DEMO-")
    return {
        "accounts": demo.count(),
        "contacts": Contact.objects.filter(account__in=demo).count(),
        "contracts": Contract.objects.filter(account__in=demo).count(),
        "interactions": Interaction.objects.filter(account__in=demo).count(),
        "behaviours": SeededBehaviour.objects.filter(account__in=demo).count(),
        "rules": sorted(ThresholdRule.objects.values_list("name", flat=True)),
        "texts": list(
            Interaction.objects.filter(account__in=demo)
            .order_by("account__external_id", "occurred_at", "direction", "kind", "text_hash")
            .values_list("account__external_id", "occurred_at", "kind", "text")
        ),
    }


# --- determinism and idempotence ------------------------------------------------------


@pytest.mark.django_db
def test_seeding_twice_with_the_same_seed_leaves_the_same_data():
    seed_demo(accounts=30, seed=7, today=TODAY)
    first = _snapshot()
    seed_demo(accounts=30, seed=7, today=TODAY)
    second = _snapshot()

    assert first["interactions"] > 30 * 50
    assert len(first["rules"]) == len(DEMO_RULES)  # the inbox has rules to fire
    assert first == second


@pytest.mark.django_db
def test_a_different_seed_gives_different_data():
    seed_demo(accounts=30, seed=7, today=TODAY)
    first = _snapshot()
    seed_demo(accounts=30, seed=8, today=TODAY)
    second = _snapshot()

    assert first["accounts"] == second["accounts"] == 30
    assert first["texts"] != second["texts"]


def test_the_generator_is_pure_and_an_account_does_not_depend_on_the_portfolio_size():
    small = generate_portfolio(accounts=61, seed=3, today=TODAY)
    again = generate_portfolio(accounts=61, seed=3, today=TODAY)
    large = generate_portfolio(accounts=62, seed=3, today=TODAY)

    assert small == again
    assert small.accounts == large.accounts[:61]


@pytest.mark.parametrize("offset", range(7))
def test_every_perfectionist_rates_us_low_after_a_recent_fix_whatever_the_calendar(offset):
    today = TODAY + dt.timedelta(days=offset)
    portfolio = generate_portfolio(accounts=120, seed=11, today=today)
    perfectionists = [a for a in portfolio.accounts if a.profile == "perfectionist"]
    assert perfectionists
    for account in perfectionists:
        end = dt.datetime.combine(account.churned_at or today, dt.time(), tzinfo=dt.UTC)
        recent = end - dt.timedelta(days=180)
        items = account.interactions
        fixes = [
            i.occurred_at
            for i in items
            if i.direction == "outbound"
            and i.responds_to is not None
            and items[i.responds_to].kind == "complaint"
            and i.occurred_at >= recent
        ]
        low = [i.occurred_at for i in items if i.csat is not None and i.csat <= 2]
        assert any(at > min(fixes) for at in low), account.external_id


# --- ground truth -----------------------------------------------------------------------


@pytest.mark.django_db
def test_sixty_accounts_cover_every_catalogue_key_with_valid_rows():
    seed_demo(accounts=COVERAGE_SIZE, seed=42, today=TODAY)

    recorded = set(SeededBehaviour.objects.values_list("key", flat=True))
    assert recorded == set(CATALOGUE) | {HEALTHY}

    demo = Account.objects.filter(external_id__startswith="DEMO-")
    healthy = demo.filter(seeded_behaviours__key=HEALTHY).count()
    assert 0.3 <= healthy / COVERAGE_SIZE <= 0.45
    assert set(demo.values_list("status", flat=True)) <= set(AccountStatus.values)
    assert set(demo.values_list("owner__username", flat=True)) == {"alice", "bob", "carol"}

    rows = Interaction.objects.filter(account__in=demo)
    assert set(rows.values_list("channel", flat=True)) <= set(Channel.values)
    assert set(rows.values_list("direction", flat=True)) == set(Direction.values)
    assert set(rows.values_list("kind", flat=True)) == set(Kind.values)
    assert not rows.filter(occurred_at__gte=dt.datetime(2026, 11, 22, tzinfo=dt.UTC)).exists()
    assert not rows.exclude(responds_to=None).exclude(responds_to__account=F("account")).exists()
    assert rows.filter(analysis_version__gt=0).count() == rows.count()


@pytest.mark.django_db
def test_a_healthy_account_keeps_its_promises_and_gets_prompt_replies():
    seed_demo(accounts=COVERAGE_SIZE, seed=42, today=TODAY)
    healthy = Account.objects.filter(seeded_behaviours__key=HEALTHY)

    for account in healthy[:5]:
        rows = account.interactions.all()
        commitments = rows.filter(
            kind=Kind.COMMITMENT, due_at__lt=dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
        )
        for commitment in commitments:
            assert commitment.responses.filter(kind=Kind.FOLLOW_UP).exists()
        for message in rows.filter(
            direction="inbound", kind__in=["message", "request", "complaint"]
        ):
            reply = message.responses.get(direction="outbound")
            assert reply.occurred_at - message.occurred_at < dt.timedelta(hours=6)
        assert rows.filter(kind=Kind.PRAISE).exists()


def test_ground_truth_labels_name_catalogue_keys_and_what_they_imply():
    for key, implied in IMPLIES.items():
        assert key in CATALOGUE and set(implied) <= set(CATALOGUE)
    assert set(GROUND_TRUTH_KEYS) == set(CATALOGUE) | {HEALTHY}
    assert labels_for("chronic_complainer", "renewal_lock_in") == (
        "chronic_complainer",
        "repeated_complaints",
        "negative_tone",
        "renewal_lock_in",
        "exit_penalties",
    )
    assert labels_for(HEALTHY, None) == (HEALTHY,)
    assert "effort_imbalance" not in compatible_vendor_signs("excessive_demands")
    for index in range(3 * COVERAGE_SIZE):
        primary, vendor = profile_for(index, seed=1)
        assert vendor is None or vendor in compatible_vendor_signs(primary)


# --- users and other data ---------------------------------------------------------------


@pytest.mark.django_db
def test_demo_users_log_in_with_their_documented_passwords_and_roles(client):
    out = StringIO()
    call_command("seed_demo", accounts=0, stdout=out)

    for username, password, role in DEMO_USERS:
        assert f"{username:<8} {password}" in out.getvalue()
        assert role_of(get_user_model().objects.get(username=username)) == role
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        client.logout()
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_seeding_leaves_accounts_that_are_not_demo_accounts_untouched():
    mine = AccountFactory(external_id="ACME-001", name="Acme", annual_value=5000)
    InteractionFactory(account=mine, text="Please call me back about the renewal.")
    before = (Account.objects.filter(pk=mine.pk).values().get(), list(mine.interactions.values()))

    seed_demo(accounts=5, seed=42, today=TODAY)
    seed_demo(accounts=5, seed=42, today=TODAY)

    after = (Account.objects.filter(pk=mine.pk).values().get(), list(mine.interactions.values()))
    assert before == after
    assert Account.objects.count() == 6


# --- the text reads like it should ------------------------------------------------------

_CTX = {
    "first": "Dana",
    "other": "Priya",
    "am": "Alice",
    "company": "Northwind Logistics",
    "product": "reporting module",
    "deliverable": "monthly usage report",
    "issue": "the export times out on large files",
    "addon": "premium support plan",
    "due": "Friday 14 March",
    "amount": "€4,250.00",
    "n": 4,
    "invoice": "INV-0001-007",
}
# intent → the cue every paraphrase must carry (inbound: what the customer shows).
_INBOUND_CUES = {
    "praise": "praise",
    "decline_offer": "decline",
    "churn_notice": "threat_to_leave",
    "nitpick": "minor_detail",
    "gatekeeper_control": "control",
    "bargain": "discount_ask",
    "know_it_all": "challenges_expertise",
    "refusal": "refusal_to_listen",
    "aggressive": "aggression",
    "impatient": "urgency",
    "entitled": "entitlement",
    "changed_requirements": "changed_requirements",
    "unreasonable_demand": "unreasonable_demand",
    "hard_negotiation": "inflexible",
    "repeat_no": "decline",
}
# Cues that would make an ordinary message look like a difficult customer.
_DIFFICULT = {
    "aggression",
    "sarcasm",
    "urgency",
    "blame",
    "challenges_expertise",
    "discount_ask",
    "entitlement",
    "refusal_to_listen",
    "inflexible",
    "control",
    "out_of_contract",
    "unreasonable_demand",
    "changed_requirements",
}
_ORDINARY = ("question", "update", "praise", "commitment_chaser", "unanswered_chaser", "burst")


def _cues(template: str, direction: str) -> set[str]:
    return set(cue_labels(analyse_text(template.format(**_CTX), direction=direction).cue_flags))


@pytest.mark.parametrize("intent,cue", sorted(_INBOUND_CUES.items()))
def test_every_paraphrase_of_a_behaviour_carries_its_cue(intent, cue):
    missing = [t for t in INBOUND[intent] if cue not in _cues(t, "inbound")]
    assert not missing, missing


@pytest.mark.parametrize("intent", _ORDINARY)
def test_ordinary_customer_messages_carry_no_difficult_cue(intent):
    flagged = {t: _cues(t, "inbound") & _DIFFICULT for t in INBOUND[intent]}
    assert not {t: c for t, c in flagged.items() if c}


def test_our_pitches_and_policy_replies_are_recognised_and_our_other_replies_are_not():
    for intent in ("pitch", "pitch_again"):
        assert all("pitch" in _cues(t, "outbound") for t in OUTBOUND[intent]), intent
    assert all("vendor_inward" in _cues(t, "outbound") for t in OUTBOUND["reply_inward"])
    for intent, templates in OUTBOUND.items():
        if intent not in {"pitch", "pitch_again", "reply_inward"}:
            for template in templates:
                assert not _cues(template, "outbound") & {"pitch", "vendor_inward"}, template


def test_sentiment_follows_the_intent():
    def tone(intent: str) -> float:
        values = [analyse_text(t.format(**_CTX)).tone for t in INBOUND[intent]]
        return sum(values) / len(values)

    assert tone("praise") > 0.4
    assert tone("chronic_complaint") < -0.3
    assert tone("negative") < -0.3
    assert tone("question") >= 0
