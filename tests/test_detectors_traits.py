"""Each trait detector fires on its pattern and stays quiet without it."""

import pytest

from signals.detectors import traits
from tests.detector_inputs import score

CUE_TRAITS = [
    (traits.passive_aggressiveness, "sarcasm"),
    (traits.inflexibility, "inflexible"),
    (traits.entitlement, "entitlement"),
    (traits.refusal_to_listen, "refusals"),
    (traits.inconsistency, "changed_requirements"),
    (traits.unreasonable_demands, "unreasonable_demands"),
]


@pytest.mark.parametrize(("detector", "cue"), CUE_TRAITS)
def test_cue_trait_fires_when_the_cue_recurs(detector, cue):
    assert score(detector, **{cue: 5}) >= 75


@pytest.mark.parametrize(("detector", "cue"), CUE_TRAITS)
def test_cue_trait_does_not_fire_on_one_message(detector, cue):
    assert score(detector, **{cue: 1}) < 20


@pytest.mark.parametrize(("detector", "cue"), CUE_TRAITS)
def test_cue_trait_is_zero_without_the_cue(detector, cue):
    assert score(detector, complaints=9, inbound=30) == 0


def test_aggressiveness_fires_on_hostile_messages():
    assert score(traits.aggressiveness, aggression=5, very_negative_messages=4) >= 85


def test_aggressiveness_is_not_made_by_negative_tone_alone():
    assert score(traits.aggressiveness, very_negative_messages=12) < 50


def test_excessive_demands_fires_on_a_stream_of_recent_requests():
    assert score(traits.excessive_demands, requests_90d=14) >= 80


def test_excessive_demands_does_not_fire_on_a_normal_request_rate():
    assert score(traits.excessive_demands, requests_90d=3) < 10


def test_impatience_fires_on_urgency_and_chasers_sent_hours_apart():
    assert score(traits.impatience, urgency=5, burst_messages=6) >= 80


def test_impatience_does_not_fire_on_one_urgent_request():
    assert score(traits.impatience, urgency=1) < 20


def test_impatience_needs_words_pressing_for_speed_not_just_quick_messages():
    assert score(traits.impatience, burst_messages=20) < 50
    assert score(traits.impatience, urgency=3, burst_messages=20) >= 70
