"""Features for many accounts at once: counts, replies, silences, payments, promises."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signals.features import build_features
from signals.text import Cue
from tests.factories import AccountFactory, ContactFactory, ContractFactory, InteractionFactory
from tests.portfolio_kit import random_portfolio

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


def say(account, when, **fields):
    return InteractionFactory(account=account, occurred_at=when, **fields)


def test_counts_kinds_and_cues_per_window_and_keeps_the_ids_behind_them():
    account = AccountFactory()
    old = say(account, ago(200), kind="complaint")
    recent = say(account, ago(10), kind="message", cue_flags=int(Cue.QUALITY_COMPLAINT))
    say(account, ago(400), kind="complaint")  # outside the year
    say(account, ago(5), kind="message", cue_flags=int(Cue.DISCOUNT_ASK | Cue.URGENCY))
    say(account, ago(4), kind="discount_request")
    # Our own text never counts as the customer's cue.
    say(account, ago(3), direction="outbound", cue_flags=int(Cue.DISCOUNT_ASK))

    f = build_features([account.pk], as_of=NOW).account(account.pk)

    assert f["complaints"] == 2
    assert f.ids("complaints") == [old.pk, recent.pk]
    assert f.recent("complaints") == 1
    assert f["discount_asks"] == 2
    assert f["urgency"] == 1
    assert f["inbound"] == 4
    assert f["outbound"] == 1


def test_evidence_is_capped_at_the_ten_most_recent_interactions():
    account = AccountFactory()
    rows = [say(account, ago(days=d), kind="complaint") for d in range(30, 0, -1)]
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["complaints"] == 30
    assert f.ids("complaints") == [r.pk for r in rows[-10:]]


def test_complaint_spread_counts_distinct_months():
    account = AccountFactory()
    for day in (5, 6, 40, 75, 300):
        say(account, ago(day), kind="complaint")
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["complaint_months"] == 4


def test_reply_latency_takes_the_next_outbound_where_replies_are_not_threaded():
    account = AccountFactory()
    say(account, ago(20), kind="request")
    say(account, ago(20) + dt.timedelta(hours=30), direction="outbound")
    say(account, ago(10), kind="message")
    say(account, ago(10) + dt.timedelta(hours=6), direction="outbound")
    missed = say(account, ago(8), kind="complaint")

    f = build_features([account.pk], as_of=NOW).account(account.pk)

    assert f["replies_measured"] == 2
    assert f["reply_median_hours"] == pytest.approx(18.0)
    assert f["unanswered"] == 1
    assert f.ids("unanswered") == [missed.pk]


def test_where_replies_are_threaded_an_unlinked_update_is_not_a_reply():
    account = AccountFactory()
    first = say(account, ago(20), kind="request")
    say(account, ago(20) + dt.timedelta(hours=4), direction="outbound", responds_to=first)
    ignored = say(account, ago(10), kind="request")
    say(account, ago(9), direction="outbound", text="Our monthly newsletter")

    f = build_features([account.pk], as_of=NOW).account(account.pk)

    assert f["replies_measured"] == 1
    assert f["reply_median_hours"] == pytest.approx(4.0)
    assert f.ids("unanswered") == [ignored.pk]


def test_messages_within_the_grace_period_are_neither_answered_nor_unanswered():
    account = AccountFactory()
    say(account, ago(1), kind="request")
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["unanswered"] == 0
    assert f["answerable"] == 0


def test_silence_and_outreach_unanswered_since_their_last_message():
    account = AccountFactory()
    say(account, ago(100), kind="message")
    say(account, ago(99), direction="outbound")  # our answer to it, not outreach
    say(account, ago(95), direction="outbound", kind="commitment", due_at=ago(90))
    outreach = [say(account, ago(d), direction="outbound") for d in (80, 60, 30)]
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["silence_days"] == pytest.approx(100)
    assert f["outreach_unanswered"] == 3
    assert f.ids("outreach_unanswered") == [o.pk for o in outreach]


def test_contact_concentration_is_the_top_contacts_share_of_inbound():
    account = AccountFactory()
    boss, other = ContactFactory(account=account), ContactFactory(account=account)
    for d in range(9):
        say(account, ago(d + 1), contact=boss)
    say(account, ago(30), contact=other)
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["top_contact_share"] == pytest.approx(0.9)
    assert f["known_contacts"] == 2
    assert f["inbound_contacts"] == 2


def test_bursts_count_messages_sent_within_hours_of_the_previous_one():
    account = AccountFactory()
    for h in (0, 1, 2, 3):
        say(account, ago(10, hours=-h))
    say(account, ago(20))
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["burst_messages"] == 3


def test_late_and_unpaid_invoices_count_as_late_payments():
    account = AccountFactory()
    on_time = say(account, ago(100), kind="invoice", channel="invoice", due_at=ago(70), amount=100)
    say(account, ago(75), kind="payment", channel="payment", responds_to=on_time, amount=100)
    late = say(account, ago(60), kind="invoice", channel="invoice", due_at=ago(30), amount=100)
    say(account, ago(5), kind="payment", channel="payment", amount=100)  # next payment, unlinked
    unpaid = say(account, ago(40), kind="invoice", channel="invoice", due_at=ago(10), amount=100)
    say(account, ago(3), kind="invoice", channel="invoice", due_at=ago(-25), amount=100)

    f = build_features([account.pk], as_of=NOW).account(account.pk)

    assert f["invoices_due"] == 3
    assert f["late_payments"] == 2
    assert sorted(f.ids("late_payments")) == sorted([late.pk, unpaid.pk])


def test_commitments_without_a_timely_follow_up_are_broken():
    account = AccountFactory()
    kept = say(account, ago(50), direction="outbound", kind="commitment", due_at=ago(40))
    say(account, ago(41), direction="outbound", kind="follow_up", responds_to=kept)
    broken = say(account, ago(30), direction="outbound", kind="commitment", due_at=ago(20))
    late = say(account, ago(30, hours=1), direction="outbound", kind="commitment", due_at=ago(20))
    say(account, ago(5), direction="outbound", kind="follow_up", responds_to=late)
    say(account, ago(2), direction="outbound", kind="commitment", due_at=ago(-5))  # not due

    f = build_features([account.pk], as_of=NOW).account(account.pk)

    assert f["commitments_due"] == 3
    assert f["commitments_broken"] == 2
    assert sorted(f.ids("commitments_broken")) == sorted([broken.pk, late.pk])


def test_pitches_within_six_weeks_after_a_no_are_counted_with_the_no():
    account = AccountFactory()
    no = say(account, ago(60), kind="objection")
    pushed = say(account, ago(50), direction="outbound", cue_flags=int(Cue.PITCH))
    also = say(account, ago(40), direction="outbound", kind="request")
    say(account, ago(5), direction="outbound", cue_flags=int(Cue.PITCH))  # long after
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["pitches_after_no"] == 2
    assert f["objections_pushed"] == 1
    assert sorted(f.ids("pitches_after_no")) == sorted([no.pk, pushed.pk, also.pk])


def test_contract_terms_and_tenure():
    account = AccountFactory(annual_value=20000, started_at=dt.date(2025, 6, 1))
    ContractFactory(account=account, auto_renew=True, renewals_so_far=2, early_termination_fee=5000)
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["fee_ratio"] == pytest.approx(0.25)
    assert f["auto_renew"] == 1
    assert f["renewals"] == 2
    assert f["tenure_days"] == 365


def test_an_account_with_no_interactions_has_zero_counts_and_undefined_rates():
    account = AccountFactory()
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["complaints"] == 0
    assert f["reply_median_hours"] != f["reply_median_hours"]  # NaN
    assert f.get("nps", -1) == -1


def test_each_account_can_be_seen_at_its_own_moment():
    early, late = AccountFactory(), AccountFactory()
    for account in (early, late):
        say(account, ago(100), kind="complaint")
        say(account, ago(10), kind="complaint")
    features = build_features([early.pk, late.pk], as_of={early.pk: ago(50), late.pk: NOW})
    assert features.account(early.pk)["complaints"] == 1
    assert features.account(late.pk)["complaints"] == 2


def test_one_account_gets_the_same_features_alone_as_in_a_portfolio():
    accounts = random_portfolio(6, seed=11)
    together = build_features([a.pk for a in accounts], as_of=NOW)
    alone = build_features([accounts[3].pk], as_of=NOW)
    a = together.account(accounts[3].pk)
    b = alone.account(accounts[3].pk)
    assert a.evidence == b.evidence
    assert {k: str(v) for k, v in a.values.items()} == {k: str(v) for k, v in b.values.items()}


def test_the_number_of_queries_does_not_grow_with_the_number_of_accounts():
    small = random_portfolio(2, seed=12, per_account=10)
    large = random_portfolio(25, seed=13, per_account=10)
    with CaptureQueriesContext(connection) as few:
        build_features([a.pk for a in small], as_of=NOW)
    with CaptureQueriesContext(connection) as many:
        build_features([a.pk for a in large], as_of=NOW)
    assert len(few) == len(many) <= 4


def test_an_outbound_at_the_same_moment_is_not_a_reply_and_another_accounts_never_is():
    account, other = AccountFactory(), AccountFactory()
    asked = say(account, ago(20), kind="request")
    say(account, ago(20), direction="outbound")  # same instant: not an answer to it
    say(other, ago(20, hours=-2), direction="outbound")  # someone else's thread
    say(account, ago(20, hours=-5), direction="outbound")
    lonely = say(other, ago(15), kind="request")

    features = build_features([account.pk, other.pk], as_of=NOW)

    mine, theirs = features.account(account.pk), features.account(other.pk)
    assert mine["replies_measured"] == 1
    assert mine["reply_median_hours"] == pytest.approx(5.0)
    assert mine.ids("unanswered") == []
    assert theirs["replies_measured"] == 0
    assert theirs.ids("unanswered") == [lonely.pk]
    assert asked.pk not in theirs.ids("unanswered")


def test_reply_median_is_the_middle_of_an_even_number_of_replies():
    account = AccountFactory()
    for days, hours in ((40, 2), (30, 4), (20, 10), (10, 60)):
        say(account, ago(days), kind="message")
        say(account, ago(days, hours=-hours), direction="outbound")
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["reply_median_hours"] == pytest.approx(7.0)
    assert len(f.ids("slow_replies")) == 1


def test_a_payment_recorded_at_the_invoices_moment_settles_it():
    account = AccountFactory()
    say(account, ago(40), kind="payment", channel="payment", amount=100)
    say(account, ago(40), kind="invoice", channel="invoice", due_at=ago(10), amount=100)
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["invoices_due"] == 1
    assert f["late_payments"] == 0


def test_a_pitch_at_the_moment_of_the_no_is_taking_no_for_an_answer():
    account = AccountFactory()
    no = say(account, ago(30), kind="objection")
    pitch = say(account, ago(30), direction="outbound", cue_flags=int(Cue.PITCH))
    say(account, ago(30, hours=-1), kind="objection", cue_flags=0)
    f = build_features([account.pk], as_of=NOW).account(account.pk)
    assert f["pitches_after_no"] == 1
    assert f["objections_pushed"] == 1
    assert f.ids("pitches_after_no") == [no.pk, pitch.pk]


def test_tone_surveys_and_churned_tenure():
    account = AccountFactory(started_at=dt.date(2026, 1, 1), status="churned")
    account.churned_at = dt.date(2026, 3, 1)
    account.save()
    for tone in (-0.8, 0.2, 0.3):
        say(account, ago(120), tone=tone)
    for score in (10, 9, 7, 3):
        say(account, ago(110), kind="survey", channel="survey", nps=score)
    for score in (5, 4, 2):
        say(account, ago(105), kind="survey", channel="survey", csat=score)

    f = build_features([account.pk], as_of=NOW).account(account.pk)

    assert f["tone_mean"] == pytest.approx(-0.1)
    assert f["tone_min"] == pytest.approx(-0.8)
    assert f["nps"] == pytest.approx(25.0)  # 2 promoters, 1 detractor of 4
    assert f["nps_responses"] == 4
    assert f["csat"] == pytest.approx(11 / 3)
    assert f["csat_satisfied_pct"] == pytest.approx(200 / 3)
    assert f["tenure_days"] == 59  # stops at churn, not at as_of
    assert len(f.ids("surveys")) == 7


def test_the_scoring_index_holds_every_column_the_scoring_read_takes():
    import re

    from accounts.models import Interaction
    from signals.features import frames

    index = next(i for i in Interaction._meta.indexes if i.name == "interaction_scoring_read")
    held = {Interaction._meta.get_field(f).column for f in [*index.fields, *index.include]}
    assert set(frames.INTERACTION_COLUMNS) == held
    # The binary read on PostgreSQL names its columns in SQL: none outside the index.
    named = {
        word
        for _, sql, _ in frames._COPY_COLUMNS
        for word in re.findall(r"\b[a-z_]+\b", re.sub(r"::\w+(\[\])?", "", sql))
        if word in {f.column for f in Interaction._meta.concrete_fields}
    }
    assert named == held


def test_interactions_keep_one_index_per_purpose_each_led_by_the_account():
    from django.db import connection

    from accounts.models import Interaction

    table = Interaction._meta.db_table
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    led_by_account = {
        name
        for name, c in found.items()
        if (c["index"] or c["unique"]) and c["columns"][:1] == ["account_id"]
    }
    # Lookups by account (and the cascade when an account is deleted) have an index;
    # none is on the account alone, which would only cost every insert.
    assert {"interaction_scoring_read", "interaction_account_kind"} <= led_by_account
    assert not [n for n in led_by_account if found[n]["columns"] == ["account_id"]]


def test_on_postgresql_the_binary_copy_read_gives_exactly_the_orm_reads_rows():
    from signals.features import frames
    from tests.services import require_postgres

    require_postgres()
    accounts = random_portfolio(8, seed=21)
    account = accounts[0]
    asked = say(account, ago(30), kind="request", contact=ContactFactory(account=account))
    say(account, ago(29), direction="outbound", responds_to=asked, channel="ticket")
    say(account, ago(20), kind="invoice", channel="invoice", amount="1234.56", due_at=ago(5))
    say(account, ago(500), kind="payment", channel="payment", amount="99.99")  # older payment
    say(account, ago(400), kind="message")  # before the window: not read
    ids = sorted(a.pk for a in accounts)
    start, end = NOW - dt.timedelta(days=365), NOW

    copied = frames.read_copy(ids, start, end)
    loaded = frames.read_values(ids, start, end)

    assert len(copied["id"]) > 100
    by_id_copied, by_id_loaded = np.argsort(copied["id"]), np.argsort(loaded["id"])
    assert copied.keys() == loaded.keys()
    for name in copied:
        np.testing.assert_array_equal(
            copied[name][by_id_copied], loaded[name][by_id_loaded], err_msg=name
        )


def test_no_accounts_give_empty_features():
    features = build_features([], as_of=NOW)
    assert len(features.account_ids) == 0
    assert features.frame.empty
    assert features.accounts() == []
