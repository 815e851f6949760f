"""Each archetype detector fires on its pattern and stays quiet without it."""

from signals.detectors.archetypes import (
    bargainer,
    chronic_complainer,
    gatekeeper,
    ghost,
    know_it_all,
    nitpicker,
    perfectionist,
    rule_breaker,
    victim,
)
from tests.detector_inputs import features, score


def test_perfectionist_fires_on_repeated_quality_complaints_with_low_satisfaction():
    result = perfectionist(features(quality_complaints=8, low_csat=2, inbound=30))
    assert result.score >= 80
    assert result.evidence[0].interactions


def test_perfectionist_gives_way_to_general_discontent_when_most_messages_are_angry():
    calm = score(perfectionist, quality_complaints=8, low_csat=2, inbound=20, negative_messages=2)
    angry = score(perfectionist, quality_complaints=8, low_csat=2, inbound=20, negative_messages=14)
    assert calm >= 75 and angry < 30


def test_perfectionist_ignores_a_single_quality_remark():
    assert score(perfectionist, quality_complaints=1) < 30


def test_perfectionist_is_not_made_by_low_scores_alone():
    assert score(perfectionist, low_csat=4) == 0


def test_chronic_complainer_fires_when_complaints_span_most_of_the_year():
    assert score(chronic_complainer, complaints=14, complaint_months=11, complaint_share=0.6) >= 75


def test_chronic_complainer_stays_low_for_one_rough_quarter():
    assert score(chronic_complainer, complaints=8, complaint_months=3, complaint_share=0.5) < 20


def test_nitpicker_fires_on_many_minor_detail_complaints():
    assert score(nitpicker, minor_details=9) >= 85


def test_nitpicker_does_not_fire_on_one_typo_report():
    assert score(nitpicker, minor_details=1) < 20


def test_gatekeeper_fires_on_control_language_and_one_contact_holding_the_line():
    values = dict(control=4, known_contacts=3, inbound=20, top_contact_share=0.97, escalations=2)
    assert score(gatekeeper, **values) >= 80


def test_gatekeeper_does_not_fire_for_a_customer_with_a_single_contact():
    values = dict(known_contacts=1, inbound=20, top_contact_share=1.0)
    assert score(gatekeeper, **values) == 0


def test_gatekeeper_escalations_alone_stay_below_the_line():
    assert score(gatekeeper, escalations=6) < 50


def test_ghost_fires_when_outreach_goes_unanswered_for_months():
    result = ghost(features(outreach_unanswered=9, silence_days=150))
    assert result.score >= 85
    assert "150 days" in result.evidence[0].fact


def test_ghost_does_not_fire_on_a_quiet_customer_we_never_contacted():
    assert score(ghost, outreach_unanswered=0, silence_days=200) == 0


def test_ghost_does_not_fire_after_one_unanswered_email():
    assert score(ghost, outreach_unanswered=1, silence_days=10) < 20


def test_bargainer_fires_on_repeated_discount_requests():
    assert score(bargainer, discount_asks=6) >= 80


def test_bargainer_does_not_fire_on_one_price_question():
    assert score(bargainer, discount_asks=1) < 20


def test_know_it_all_fires_when_our_expertise_is_disputed_again_and_again():
    assert score(know_it_all, challenges=5) >= 75


def test_know_it_all_does_not_fire_without_challenges():
    assert score(know_it_all, complaints=5) == 0


def test_victim_fires_on_repeated_blame():
    assert score(victim, blame=6) >= 80


def test_victim_does_not_fire_on_a_single_blaming_message():
    assert score(victim, blame=1) < 20


def test_rule_breaker_fires_on_late_payments():
    result = rule_breaker(features(late_payments=3, invoices_due=6))
    assert result.score >= 60
    assert "paid late" in result.evidence[0].fact


def test_rule_breaker_fires_on_late_payments_with_violations_and_out_of_contract_asks():
    assert score(rule_breaker, late_payments=2, policy_violations=4, out_of_contract=3) >= 70


def test_rule_breaker_policy_violations_alone_are_boundary_disregard_not_rule_breaking():
    assert score(rule_breaker, policy_violations=4) < 50


def test_rule_breaker_does_not_fire_on_a_clean_record():
    assert score(rule_breaker, invoices_due=12) == 0
