"""Text analysis: the tone and behavioural cues read once from an interaction's text.

Three sets of hand-written messages check the cue rules and the tone:
- ``data/messages_handwritten.csv``: written before the rules were tuned;
- ``HELD_OUT_FIRST``: written after the rules were finished. On its first run 48 of its 74
  assertions passed; the rules were then generalised (word classes, not its phrases);
- ``HELD_OUT_SECOND``: written after that round. On its first run 38 of 59 passed; the
  rules were generalised once more.
- ``HELD_OUT_UNREALISTIC``: for the ``unrealistic_expectation`` cue (text analysis v2),
  written after its rule and its rows in the CSV were finished; cues only. On its first
  run 17 of 18 passed (missed: a flat prediction, "will never have an outage", under
  "take it for granted"); the expectation words were generalised (flat predictions,
  "for granted", "presume"), not the message.
What still disagrees with a hand label is listed in ``KNOWN_MISSES`` with the reason, as a
strict xfail: it shows up the day a change fixes it.

Tone classes use VADER's own convention: ``pos`` from 0.05, ``neg`` from -0.05.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signals.text import (
    TEXT_ANALYSIS_VERSION,
    Cue,
    TextAnalysis,
    analyse_many,
    analyse_text,
    cue_labels,
)

ALL_FLAGS = sum(cue.value for cue in Cue)


class Case(NamedTuple):
    text: str
    direction: str
    expected: frozenset[str]
    excluded: frozenset[str]
    tone: str  # "neg" | "neu" | "pos"


def _case(text: str, direction: str, expected: str, excluded: str, tone: str) -> Case:
    def names(cell: str) -> frozenset[str]:
        return frozenset(name for name in cell.split(";") if name)

    return Case(text, direction, names(expected), names(excluded), tone)


def _handwritten() -> list[Case]:
    path = Path(__file__).parent / "data" / "messages_handwritten.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return [
            _case(r["text"], r["direction"], r["expected_cues"], r["not_cues"], r["tone"])
            for r in csv.DictReader(f)
        ]


def _table(rows: str) -> list[Case]:
    """Cases from ``direction | expected | excluded | tone | text`` lines."""
    cases = []
    for line in rows.strip().splitlines():
        direction, expected, excluded, tone, text = (cell.strip() for cell in line.split("|", 4))
        cases.append(_case(text, direction, expected, excluded, tone))
    return cases


def _misses(rows: str) -> dict[tuple[str, str], str]:
    """``(start of the message, aspect) → reason`` from ``aspect | start | reason`` lines."""
    misses = {}
    for line in rows.strip().splitlines():
        aspect, start, reason = (cell.strip() for cell in line.split("|", 2))
        misses[(start, aspect)] = reason
    return misses


HELD_OUT_FIRST = _table(
    """
    inbound  | discount_ask                 |                           | neu | Any wiggle room on the per-seat rate if we commit to three years?
    inbound  | discount_ask                 |                           | neu | Your rival will do the same job for two thirds of what you charge.
    inbound  | blame;quality_complaint      | praise                    | neg | Frankly, the outage happened because your engineers pushed an untested change on a Friday.
    inbound  | blame                        | praise                    | neg | Not on us - your onboarding guide skipped the step that broke everything.
    inbound  | challenges_expertise         |                           | neu | I've been in logistics since before your company existed, so I think I know how routing works.
    inbound  | minor_detail                 | aggression                | neu | The heading font on slide 4 is a size bigger than the rest.
    inbound  | quality_complaint            | praise                    | neg | Half the dashboards show blank charts since this morning.
    inbound  | praise                       | quality_complaint         | pos | We've had zero problems since the patch, really solid work.
    inbound  | control                      |                           | neu | Going forward, any request to our IT staff has to be approved by me personally.
    inbound  | urgency                      | praise                    | neg | It's been a fortnight and nobody has got back to me. Where are we on this?
    inbound  | entitlement                  |                           | neu | We've been with you since day one, surely that counts for something when it comes to support priority.
    inbound  | sarcasm                      | praise                    | neg | Fantastic, the login page is broken for the third day running.
    inbound  | sarcasm                      | praise                    | neg | Love how I have to explain the same problem to a new person every single call.
    inbound  | aggression                   | praise                    | neg | This is a disgrace. Your people are utterly useless.
    inbound  | praise                       | sarcasm                   | pos | Really grateful for how patiently Omar walked us through the migration.
    inbound  | changed_requirements         |                           | neu | New plan: drop the mobile app entirely and put the budget into the web portal.
    inbound  | unreasonable_demand          |                           | neu | Could you also throw in a custom integration with our ERP? We can't stretch the budget though.
    inbound  | refusal_to_listen            | decline                   | neg | I'm not interested in hearing why it happened, just make it stop.
    inbound  | inflexible                   |                           | neu | These terms are final and we won't be revisiting them.
    inbound  | out_of_contract              |                           | neu | We'd like to give our sister company access using our existing logins.
    inbound  | threat_to_leave              |                           | neg | If things don't improve by Q3, we'll be moving our account to one of your competitors.
    inbound  | decline                      |                           | neu | Appreciate the offer, but we're going to sit this one out.
    outbound | vendor_inward                | pitch                     | neu | Our processes are what they are; our team can only look at this once our internal review is complete.
    outbound | pitch                        |                           | neu | Wanted to flag that our new analytics package is 20% off until the end of the month.
    outbound | pitch                        |                           | neu | Following up once more on the upgrade we proposed - would you like to revisit it?
    inbound  | aggression                   | praise                    | neg | STOP SENDING ME THE SAME USELESS ANSWER.
    inbound  | quality_complaint            | aggression                | neg | It's not the end of the world, but the dates in the CSV are in the wrong format.
    inbound  |                              | entitlement               | neu | I'm not asking for special treatment - just what we're paying for.
    inbound  | praise                       | quality_complaint         | pos | Please don't take this as a complaint - the team has been great.
    """
)

HELD_OUT_SECOND = _table(
    """
    inbound  | discount_ask                 |                           | neu | Could you shave something off the implementation fee? Our CFO is balking at the total.
    inbound  |                              | discount_ask              | neg | Honestly we're fine paying list price, it's the delays that bother us.
    inbound  | blame;quality_complaint      |                           | neg | The integration broke the moment your contractor touched it.
    inbound  |                              | blame                     | neu | We take full responsibility for the mix-up on our side.
    inbound  | challenges_expertise         |                           | neg | Respectfully, your architect's proposal shows he's never run a warehouse.
    inbound  | minor_detail                 |                           | neu | The table headers use title case on one page and sentence case on the next.
    inbound  | quality_complaint            | praise                    | neg | Every time we hit save, the form throws a 500.
    inbound  | control                      |                           | neu | Route all questions about the rollout via my office, please - not the regional leads.
    inbound  | urgency                      |                           | neg | Fourth email on this. Can somebody please pick it up?
    inbound  | entitlement                  |                           | neu | We bring you more revenue than any other client, so we expect to be first in line.
    inbound  | sarcasm                      | praise                    | neg | Superb, the 'urgent' patch arrived a week late.
    inbound  | sarcasm                      | praise                    | neg | Cheers for leaving us on read for ten days.
    inbound  | aggression                   | praise                    | neg | Whoever wrote this update should be fired, it's pathetic.
    inbound  | praise                       | sarcasm;quality_complaint | pos | The onboarding sessions were excellent and Ana answered every question.
    inbound  | changed_requirements         |                           | neu | Hold on - we've decided to launch in Germany first, not France.
    inbound  | unreasonable_demand          |                           | neu | We'd expect the annual report redesign turned around over the weekend, no extra cost of course.
    inbound  | refusal_to_listen;inflexible |                           | neu | Don't bother with the details, I've made up my mind.
    inbound  | inflexible                   |                           | neu | That figure is as low as we'll go; we won't move on it.
    inbound  | out_of_contract              |                           | neu | We'll just keep using the tool after the licence ends until procurement sorts the renewal.
    inbound  | threat_to_leave              |                           | neu | Honestly, we've started trialling a rival platform.
    inbound  | decline                      |                           | neu | Thanks for thinking of us, but we'll stick with our current setup.
    outbound | vendor_inward                |                           | neu | Before we can proceed, our compliance team requires our standard forms, as set out in our terms.
    outbound | pitch                        |                           | neu | Hi Dana, wanted to see if you'd give the premium support bundle another look before Friday.
    outbound |                              | vendor_inward;pitch       | pos | Thanks for flagging this - I've reproduced the error and will update you by noon.
    inbound  | aggression                   |                           | neg | WHY DOES NOBODY ANSWER THE PHONE
    """
)

# Unrealistic expectations, written after the rule: ``direction | expected | excluded | text``.
HELD_OUT_UNREALISTIC = [
    _case(text, direction, expected, excluded, "")
    for direction, expected, excluded, text in (
        (cell.strip() for cell in line.split("|", 3))
        for line in """
    inbound | unrealistic_expectation |                         | Our directors take it for granted that the portal will never have an outage.
    inbound | unrealistic_expectation |                         | Once we switch over, there should be no data errors whatsoever.
    inbound | unrealistic_expectation |                         | We were promised the full integration would be live overnight.
    inbound | unrealistic_expectation |                         | The warehouse team expects picking accuracy of 100% from week one.
    inbound | unrealistic_expectation |                         | Every customer query should get an instant reply from your support desk.
    inbound | unrealistic_expectation |                         | We assume the complete re-platforming will be finished within the hour once you start.
    inbound | unrealistic_expectation |                         | The finance people want a guarantee that nothing will ever go wrong with the close.
    inbound | unrealistic_expectation | quality_complaint       | We need the reports to be error-free from the very first run.
    inbound | unrealistic_expectation |                         | The board expects the tool to pay for itself within weeks.
    inbound | unrealistic_expectation |                         | All 400 staff need to be onboarded by tomorrow morning.
    inbound |                         | unrealistic_expectation | We'd be happy with fewer outages than last year, zero isn't realistic.
    inbound | unreasonable_demand     | unrealistic_expectation | Is there any way the whole migration could be done overnight?
    inbound | praise                  | unrealistic_expectation | The integration went live overnight without any issues, brilliant job.
    inbound |                         | unrealistic_expectation | We don't need 100% uptime, weekends can have maintenance windows.
    inbound |                         | unrealistic_expectation | Please send the full migration checklist by tomorrow.
    inbound |                         | unrealistic_expectation | We saw zero errors in the last two payroll runs.
    inbound | praise                  | unrealistic_expectation | Response times have been instant this week, much appreciated.
    inbound |                         | unrealistic_expectation | Our goal is to reduce downtime over the next year.
    """.strip().splitlines()
    )
]

# What still disagrees with a hand label, and why: ``aspect | start of the message | reason``.
KNOWN_MISSES = _misses(
    """
    cues | Brilliant. Another invoice with | a wrong name on an invoice is a defect no defect word names
    cues | We won’t pay the late fee - your | blame implied by a timeline, with no causal word
    tone | We won’t pay the late fee - your | VADER scores a neutral word: 'reached' (+0.4), and the implied blame is not recognised
    tone | Your competitor quoted us about 30% | VADER scores a neutral word: 'number' (+0.3)
    tone | Would you be able to knock a bit | VADER scores a neutral word: 'pay' (-0.4)
    tone | It's nobody's fault really, these | VADER does not treat 'nobody's' as negating 'fault'
    tone | I don't blame you at all, the delay | 'delay' (-1.3) outweighs the negated 'blame'
    tone | Your consultant's recommendation | VADER scores the preposition 'like' (+1.5)
    tone | With respect, I understand our | 'better' (+1.9) is a comparison here, not approval
    tone | The logo on page 3 sits two pixels | VADER scores a neutral word: 'lower' (-1.2) is a position
    tone | Small thing: there's a double space | VADER scores a neutral word: 'stop' (-1.2) in 'full stop'
    tone | Spotted a stray comma in the | a mild nitpick reads as mildly negative ('inconsistent')
    tone | Nothing wrong with the build on our | 'misunderstanding' (-1.8) outweighs the negated 'wrong'
    tone | Still no word on ticket 4412. It's | no word VADER scores; the annoyance is in the situation, not the vocabulary
    tone | Chasing again on the contract | VADER scores a neutral word: 'play' (+1.4) in 'close of play'
    tone | A client of our size shouldn't have | no word VADER scores; the annoyance is in the situation, not the vocabulary
    tone | We don't expect any special | 'special favours' is only partly negated by VADER
    tone | The new reports are lovely, but the | VADER weights the clause after 'but' more; the hand label calls the mix neutral
    tone | Please disregard the spec I sent | VADER scores a neutral word: 'disregard' (-1.1) is an instruction
    tone | Our requirements are exactly as | VADER scores a neutral word: 'agreed' (+1.1)
    tone | There's no flexibility on the | negated 'flexibility' reads as negative; the hand label calls a firm date neutral
    tone | We're not going anywhere, just want | the complaint reads as negative; the hand label weighs the reassurance
    tone | Sorry you lost a morning to this. | an apology names the loss ('lost', 'missing'); the good news has no scored word
    tone | Scrap the pastel palette, we want | VADER scores a neutral word: 'bold' (+1.6) is a colour
    tone | Any wiggle room on the per-seat | VADER scores a neutral word: 'commit' (+1.2)
    tone | Going forward, any request to our | VADER scores a neutral word: 'approved' (+1.8)
    tone | It's been a fortnight and nobody | no word VADER scores; the annoyance is in the situation, not the vocabulary
    tone | We've been with you since day one, | VADER scores a neutral word: 'surely' (+1.9), 'support' (+1.7)
    tone | New plan: drop the mobile app | VADER scores a neutral word: 'drop' (-1.1)
    tone | Appreciate the offer, but we're | a polite decline: 'appreciate' (+1.7) is courtesy
    tone | I'm not asking for special | VADER negates 'special' (+1.7) into a negative
    tone | Respectfully, your architect's | no word VADER scores; the annoyance is in the situation, not the vocabulary
    tone | The table headers use title case on | VADER scores a neutral word: 'sentence' (+0.3)
    tone | Fourth email on this. Can somebody | no word VADER scores; the annoyance is in the situation, not the vocabulary
    tone | Don't bother with the details, I've | the refusal cue caps the tone at -0.2; the hand label calls it curt, not hostile
    tone | That figure is as low as we'll go; | VADER scores a neutral word: 'low' (-1.1) is a price level
    tone | Thanks for thinking of us, but | a polite decline: 'thanks' (+1.9) is courtesy
    tone | Hi Dana, wanted to see if you'd | VADER scores a neutral word: 'support' (+1.7) is a product name
    tone | Our expectation is simple: zero | VADER scores 'bugs' (-1.2) though the writer wants none
    tone | We don't expect zero bugs, just | VADER negates 'bugs' (-1.2) into warmth
    tone | We must guarantee our customers | VADER scores 'guarantee' as warmth; our own demand is not read as a cue
    """
)


def _tone_class(tone: float) -> str:
    if tone >= 0.05:
        return "pos"
    if tone <= -0.05:
        return "neg"
    return "neu"


def _known_miss(case: Case, aspect: str) -> str | None:
    for (start, miss_aspect), reason in KNOWN_MISSES.items():
        if miss_aspect == aspect and case.text.startswith(start):
            return reason
    return None


def _all_cases() -> list[Case]:
    return _handwritten() + HELD_OUT_FIRST + HELD_OUT_SECOND + HELD_OUT_UNREALISTIC


def _params(aspect: str) -> list:
    sets = {
        "handwritten": _handwritten(),
        "held-out-1": HELD_OUT_FIRST,
        "held-out-2": HELD_OUT_SECOND,
    }
    if aspect == "cues":  # the unrealistic-expectation set carries no tone labels
        sets["held-out-unrealistic"] = HELD_OUT_UNREALISTIC
    params = []
    for label, cases in sets.items():
        for case in cases:
            reason = _known_miss(case, aspect)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case, id=f"{label}: {case.text[:50]}", marks=marks))
    return params


def _labels(case: Case) -> set[str]:
    return set(cue_labels(analyse_text(case.text, direction=case.direction).cue_flags))


def test_the_hand_written_set_has_at_least_sixty_messages_and_held_out_twenty():
    assert len(_handwritten()) >= 60
    assert len(HELD_OUT_FIRST) >= 20
    assert len(HELD_OUT_SECOND) >= 20
    assert len(HELD_OUT_UNREALISTIC) >= 15


def test_every_cue_has_hand_written_positives_and_negatives():
    unrealistic = [c for c in _handwritten() if "unrealistic_expectation" in c.expected]
    realistic = [c for c in _handwritten() if "unrealistic_expectation" in c.excluded]
    assert len(unrealistic) >= 8 and len(realistic) >= 8


def test_every_hand_label_names_a_real_cue():
    names = {cue.name.lower() for cue in Cue}
    for case in _all_cases():
        assert case.expected <= names and case.excluded <= names, case.text
        assert case.tone in {"neg", "neu", "pos"} or case in HELD_OUT_UNREALISTIC


def test_every_known_miss_names_exactly_one_message():
    for start, _aspect in KNOWN_MISSES:
        assert sum(case.text.startswith(start) for case in _all_cases()) == 1, start


@pytest.mark.parametrize("case", _params("cues"))
def test_a_message_gets_its_expected_cues_and_none_of_its_excluded_ones(case: Case):
    labels = _labels(case)
    assert case.expected <= labels, f"missing {sorted(case.expected - labels)}"
    assert not case.excluded & labels, f"unexpected {sorted(case.excluded & labels)}"


@pytest.mark.parametrize("case", _params("tone"))
def test_a_messages_tone_class_matches_its_hand_label(case: Case):
    tone = analyse_text(case.text, direction=case.direction).tone
    assert _tone_class(tone) == case.tone, f"tone {tone}"


# --- tone ------------------------------------------------------------------------------


def _tone(text: str) -> float:
    return analyse_text(text).tone


def test_negation_turns_a_positive_word_negative():
    assert _tone("The onboarding was good.") > 0
    assert _tone("The onboarding was not good.") < 0


def test_intensifiers_capitals_and_exclamation_marks_strengthen_the_tone():
    plain = _tone("The onboarding was good.")
    assert _tone("The onboarding was very good.") > plain
    assert _tone("The onboarding was GOOD.") > plain
    assert _tone("The onboarding was good!!!") > plain
    assert _tone("The rollout was extremely bad.") < _tone("The rollout was bad.")


def test_sarcasm_turns_literally_glowing_words_negative():
    sarcastic = analyse_text("Oh great, another outage. Just wonderful.")
    assert Cue.SARCASM in sarcastic.cues
    assert sarcastic.tone < -0.3
    assert _tone("Great, the outage is resolved. Wonderful.") > 0.3


def test_sarcastic_thanks_is_not_counted_as_praise():
    result = analyse_text("Thanks so much for deleting our saved reports.")
    assert Cue.SARCASM in result.cues
    assert Cue.PRAISE not in result.cues
    assert result.tone < 0


def test_an_insult_is_negative_even_when_vader_has_no_word_for_it():
    result = analyse_text("You lot are a bunch of cowboys.")
    assert Cue.AGGRESSION in result.cues
    assert result.tone <= -0.3


def test_courtesy_formulas_do_not_make_a_request_sound_warm():
    assert _tone_class(_tone("We would appreciate it if you could send the report.")) == "neu"
    assert _tone_class(_tone("Please send the report.")) == "neu"


# --- cues ------------------------------------------------------------------------------


def test_negated_triggers_do_not_fire():
    assert Cue.DISCOUNT_ASK not in analyse_text("We don't need a discount.").cues
    assert Cue.QUALITY_COMPLAINT not in analyse_text("This is not a problem at all.").cues
    assert Cue.URGENCY not in analyse_text("This isn't urgent at all.").cues
    assert Cue.THREAT_TO_LEAVE not in analyse_text("We have no plans to cancel our contract.").cues
    assert Cue.BLAME not in analyse_text("I don't think your team is to blame.").cues


def test_a_request_phrased_with_a_negative_is_still_a_request():
    assert Cue.DISCOUNT_ASK in analyse_text("Can't you lower the price a little?").cues
    assert Cue.DISCOUNT_ASK in analyse_text("Why not match their offer?").cues


def test_curly_apostrophes_read_like_straight_ones():
    assert Cue.DISCOUNT_ASK not in analyse_text("We don’t need a discount.").cues
    assert Cue.BLAME in analyse_text("It’s not our fault, it’s your team’s fault.").cues


def test_case_does_not_change_which_cues_fire():
    lower = analyse_text("could you lower the price? we need it asap.").cues
    upper = analyse_text("COULD YOU LOWER THE PRICE? WE NEED IT ASAP.").cues
    assert (Cue.DISCOUNT_ASK | Cue.URGENCY) in lower
    assert (Cue.DISCOUNT_ASK | Cue.URGENCY) in upper


def test_shouting_is_aggression_but_warm_capitals_are_not():
    assert Cue.AGGRESSION in analyse_text("WHERE IS THE REPORT I ASKED FOR").cues
    assert Cue.AGGRESSION not in analyse_text("THANK YOU SO MUCH, THIS IS WONDERFUL!!").cues
    assert Cue.AGGRESSION not in analyse_text("The SLA report for Q3 is in the CRM.").cues


def test_customer_cues_are_not_read_from_our_own_messages():
    ours = analyse_text("Could we agree a lower price for the renewal?", direction="outbound")
    assert Cue.DISCOUNT_ASK not in ours.cues


def test_vendor_cues_are_not_read_from_the_customers_messages():
    theirs = analyse_text("Would you reconsider our premium plan?", direction="inbound")
    assert Cue.PITCH not in theirs.cues
    ours = analyse_text("Would you reconsider our premium plan?", direction="outbound")
    assert Cue.PITCH in ours.cues


def test_a_quoted_earlier_message_is_not_read_as_the_writers_words():
    reply = (
        "Sounds good, thanks.\n\nOn Tue, Sam wrote:\n> The export is broken again, unacceptable."
    )
    assert Cue.QUALITY_COMPLAINT not in analyse_text(reply).cues
    quoted = "Noted.\n> The export is broken again, unacceptable."
    assert Cue.QUALITY_COMPLAINT not in analyse_text(quoted).cues


def test_an_unrealistic_expectation_needs_an_unnegated_expectation():
    assert Cue.UNREALISTIC_EXPECTATION in analyse_text("We expect zero errors from day one.").cues
    # the trigger's own "zero" does not negate the expectation after it
    assert Cue.UNREALISTIC_EXPECTATION in analyse_text("Zero downtime is expected.").cues
    for realistic in (
        "We don't expect zero errors from day one.",
        "There were zero errors from day one.",
        "We know zero errors from day one is unrealistic.",
    ):
        assert Cue.UNREALISTIC_EXPECTATION not in analyse_text(realistic).cues, realistic


def test_an_impossible_timeline_asked_as_a_question_is_a_request_not_an_expectation():
    stated = analyse_text("We expect the entire migration done by tomorrow.").cues
    asked = analyse_text("Could you do the entire migration by tomorrow?").cues
    assert Cue.UNREALISTIC_EXPECTATION in stated
    assert Cue.UNREALISTIC_EXPECTATION not in asked
    assert Cue.UNREASONABLE_DEMAND in asked


def test_an_unrealistic_expectation_is_not_read_as_warmth():
    result = analyse_text("The dashboards must be flawless and perfectly accurate.")
    assert Cue.UNREALISTIC_EXPECTATION in result.cues
    assert result.tone <= 0.0


def test_unrealistic_expectations_are_only_read_from_the_customer():
    text = "We guarantee 100% uptime and zero errors from day one."
    assert Cue.UNREALISTIC_EXPECTATION not in analyse_text(text, direction="outbound").cues


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        analyse_text("Hello", direction="sideways")


# --- the stored contract ---------------------------------------------------------------


def test_cue_bits_keep_their_stored_values():
    assert {cue.name: cue.value for cue in Cue} == {
        "DISCOUNT_ASK": 1 << 0,
        "BLAME": 1 << 1,
        "CHALLENGES_EXPERTISE": 1 << 2,
        "MINOR_DETAIL": 1 << 3,
        "QUALITY_COMPLAINT": 1 << 4,
        "CONTROL": 1 << 5,
        "URGENCY": 1 << 6,
        "ENTITLEMENT": 1 << 7,
        "SARCASM": 1 << 8,
        "AGGRESSION": 1 << 9,
        "PRAISE": 1 << 10,
        "CHANGED_REQUIREMENTS": 1 << 11,
        "UNREASONABLE_DEMAND": 1 << 12,
        "REFUSAL_TO_LISTEN": 1 << 13,
        "INFLEXIBLE": 1 << 14,
        "OUT_OF_CONTRACT": 1 << 15,
        "THREAT_TO_LEAVE": 1 << 16,
        "VENDOR_INWARD": 1 << 17,
        "PITCH": 1 << 18,
        "DECLINE": 1 << 19,
        "UNREALISTIC_EXPECTATION": 1 << 20,
    }
    assert TEXT_ANALYSIS_VERSION >= 2  # 2: unrealistic_expectation


def test_cue_flags_is_the_plain_integer_of_the_cues():
    result = analyse_text("Any chance of a discount? We need it by tomorrow.")
    assert type(result.cue_flags) is int
    assert result.cue_flags == int(Cue.DISCOUNT_ASK | Cue.URGENCY)


def test_cue_labels_are_lower_case_names_in_bit_order_and_ignore_unknown_bits():
    assert cue_labels(int(Cue.URGENCY | Cue.DISCOUNT_ASK)) == ["discount_ask", "urgency"]
    assert cue_labels(0) == []
    assert cue_labels(1 << 40) == []


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t"])
def test_empty_text_is_neutral_with_no_cues(empty):
    result = analyse_text(empty)
    assert result == TextAnalysis(tone=0.0, cues=Cue(0))
    assert result.cue_flags == 0


@given(text=st.text(), direction=st.sampled_from(["inbound", "outbound"]))
def test_any_unicode_text_gives_a_tone_in_range_and_only_defined_flags(text, direction):
    result = analyse_text(text, direction=direction)
    assert -1.0 <= result.tone <= 1.0
    assert result.cue_flags & ~ALL_FLAGS == 0


def test_analysing_many_equals_analysing_each():
    cases = _all_cases()
    pairs = [(case.text, case.direction) for case in cases] + [(None, "inbound"), ("", "outbound")]
    assert analyse_many(pairs) == [analyse_text(text, direction=d) for text, d in pairs]
