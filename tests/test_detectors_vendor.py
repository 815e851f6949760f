"""Each vendor-side detector fires on its pattern and stays quiet without it."""

from signals.detectors import vendor
from tests.detector_inputs import features, score


def test_ignores_no_fires_when_we_keep_pitching_after_a_refusal():
    result = vendor.ignores_no(features(pitches_after_no=4, objections_pushed=2))
    assert result.score >= 85
    assert result.evidence[0].interactions


def test_ignores_no_does_not_fire_without_pitches_after_a_no():
    assert score(vendor.ignores_no, objections=3) == 0


def test_exit_penalties_fire_on_a_fee_as_large_as_the_annual_value():
    result = vendor.exit_penalties(
        features(termination_fee=12000, annual_value=12000, fee_ratio=1.0)
    )
    assert result.score >= 90
    assert "100%" in result.evidence[0].fact


def test_exit_penalties_do_not_fire_on_a_token_fee():
    assert score(vendor.exit_penalties, termination_fee=500, annual_value=12000, fee_ratio=0.04) < 5


def test_renewal_lock_in_fires_on_repeated_auto_renewal_with_a_heavy_fee():
    values = dict(
        auto_renew=1, renewals=2, termination_fee=9000, annual_value=12000, fee_ratio=0.75
    )
    assert score(vendor.renewal_lock_in, **values) >= 80


def test_renewal_lock_in_is_not_a_convenient_auto_renewal_with_a_token_fee():
    values = dict(
        auto_renew=1, renewals=4, termination_fee=1000, annual_value=12000, fee_ratio=0.08
    )
    assert score(vendor.renewal_lock_in, **values) < 40


def test_renewal_lock_in_needs_a_renewal():
    values = dict(auto_renew=1, renewals=0, termination_fee=12000, annual_value=12000, fee_ratio=1)
    assert score(vendor.renewal_lock_in, **values) == 0


def test_slow_response_fires_when_our_median_reply_takes_days():
    assert score(vendor.slow_response, replies_measured=10, reply_median_hours=110) >= 90


def test_slow_response_does_not_fire_on_same_day_replies():
    assert score(vendor.slow_response, replies_measured=10, reply_median_hours=4) < 1


def test_slow_response_needs_enough_replies_to_judge():
    assert score(vendor.slow_response, replies_measured=2, reply_median_hours=200) == 0


def test_unanswered_inbound_fires_when_many_messages_get_no_reply():
    assert score(vendor.unanswered_inbound, unanswered=6, answerable=11) >= 75


def test_unanswered_inbound_ignores_one_missed_message_among_many():
    assert score(vendor.unanswered_inbound, unanswered=1, answerable=40) < 10


def test_broken_commitments_fire_when_most_promises_lapse():
    assert score(vendor.broken_commitments, commitments_broken=4, commitments_due=5) >= 85


def test_broken_commitments_do_not_fire_when_promises_are_kept():
    assert score(vendor.broken_commitments, commitments_broken=0, commitments_due=8) == 0


def test_effort_imbalance_fires_when_we_do_all_the_talking():
    result = vendor.effort_imbalance(features(inbound_90d=2, outbound_90d=20))
    assert result.score >= 75
    assert "we write" in result.evidence[0].fact


def test_effort_imbalance_fires_either_way():
    assert score(vendor.effort_imbalance, inbound_90d=20, outbound_90d=2) >= 75


def test_effort_imbalance_does_not_fire_on_a_balanced_conversation():
    assert score(vendor.effort_imbalance, inbound_90d=10, outbound_90d=12) < 5


def test_effort_imbalance_needs_enough_messages():
    assert score(vendor.effort_imbalance, inbound_90d=0, outbound_90d=5) == 0


def test_inward_focus_fires_when_our_replies_are_about_ourselves():
    assert score(vendor.inward_focus, inward_replies=5, outbound=10) >= 75


def test_inward_focus_does_not_fire_on_one_policy_mention():
    assert score(vendor.inward_focus, inward_replies=1, outbound=30) < 10
