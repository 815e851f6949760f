"""Each early warning sign fires on its pattern and stays quiet without it."""

from signals.detectors import warning_signs as signs
from tests.detector_inputs import features, score


def test_unrealistic_expectations_fires_on_repeated_impossible_expectations():
    assert score(signs.unrealistic_expectations, unrealistic_expectations=4, inbound=20) >= 70


def test_unrealistic_expectations_cites_the_messages_and_their_share():
    found = signs.unrealistic_expectations(features(unrealistic_expectations=3, inbound=12))
    assert found.score >= 50
    assert found.evidence[0].interactions == [1000, 1001, 1002]
    assert "25%" in found.evidence[0].fact


def test_one_unrealistic_message_is_an_incident_not_a_pattern():
    assert score(signs.unrealistic_expectations, unrealistic_expectations=1, inbound=10) < 30


def test_unrealistic_expectations_is_supported_by_demands_and_entitlement():
    alone = score(signs.unrealistic_expectations, unrealistic_expectations=2)
    backed = score(signs.unrealistic_expectations, unrealistic_expectations=2, entitlement=3)
    assert backed > alone


def test_unrealistic_expectations_needs_the_expectation_itself():
    # Asking for the impossible is the unreasonable_* signs; claims of status are entitlement.
    assert score(signs.unrealistic_expectations, unreasonable_demands=6) < 50
    assert score(signs.unrealistic_expectations, entitlement=9) < 50
    assert score(signs.unrealistic_expectations, unreasonable_demands=9, entitlement=9) <= 40
    assert score(signs.unrealistic_expectations, inbound=30) == 0


def test_repeated_complaints_fires_on_complaints_recurring_within_half_a_year():
    assert score(signs.repeated_complaints, complaints_180d=6) >= 75


def test_repeated_complaints_does_not_fire_on_two_old_complaints():
    assert score(signs.repeated_complaints, complaints=2, complaints_180d=0) == 0


def test_negative_tone_fires_when_most_messages_are_negative():
    assert score(signs.negative_tone, inbound=12, negative_messages=8, tone_mean=-0.5) >= 85


def test_negative_tone_needs_more_than_a_handful_of_messages():
    assert score(signs.negative_tone, inbound=3, negative_messages=3) == 0


def test_negative_tone_does_not_fire_on_one_bad_message_in_many():
    assert score(signs.negative_tone, inbound=30, negative_messages=2) < 10


def test_overly_demanding_communication_fires_on_bursts_and_escalations():
    assert score(signs.overly_demanding_communication, burst_messages=12, escalations=3) >= 85


def test_overly_demanding_communication_ignores_a_single_follow_up():
    assert score(signs.overly_demanding_communication, burst_messages=1) < 10


def test_unreasonable_requests_fires_on_out_of_contract_asks():
    assert score(signs.unreasonable_requests, out_of_contract=4) >= 70


def test_unreasonable_requests_is_zero_without_them():
    assert score(signs.unreasonable_requests, requests=10) == 0


def test_excessive_criticism_fires_on_criticism_without_praise():
    assert score(signs.excessive_criticism, quality_complaints=7, praise=0) >= 70


def test_excessive_criticism_is_softened_by_praise():
    assert score(signs.excessive_criticism, quality_complaints=7, praise=4) < 40


def test_excessive_criticism_is_not_fired_by_complaints_that_do_not_judge_the_work():
    # issue reports and blame are complaints, but not criticism of what we delivered
    assert score(signs.excessive_criticism, complaints=8, quality_complaints=1) == 0


def test_excessive_criticism_cites_the_criticisms():
    found = signs.excessive_criticism(features(complaints=9, quality_complaints=6))
    assert found.evidence[0].interactions == list(range(1000, 1006))


def test_inflexible_negotiation_fires_on_ultimatums_about_price():
    assert score(signs.inflexible_negotiation, hard_bargaining=5, discount_asks=2) >= 75


def test_inflexible_negotiation_is_zero_without_ultimatums():
    assert score(signs.inflexible_negotiation, discount_asks=5) == 0


def test_inflexible_negotiation_needs_a_negotiation_on_record():
    assert score(signs.inflexible_negotiation, inflexible=5) < 50
    assert score(signs.inflexible_negotiation, inflexible=5, objections=1) >= 75


def test_boundary_disregard_fires_on_repeated_policy_violations():
    assert score(signs.boundary_disregard, policy_violations=4) >= 85


def test_boundary_disregard_does_not_fire_on_one_violation():
    assert score(signs.boundary_disregard, policy_violations=1) < 20
