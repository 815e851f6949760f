"""The detectors against the demo generator's recorded ground truth."""

import datetime as dt

import pytest

from accounts.demo.writer import seed_demo
from signals.catalogue import Group
from signals.evaluate import evaluate_scores, evaluate_seeded


def test_precision_recall_and_f1_are_counted_per_key():
    scores = {1: {"ghost": 80.0}, 2: {"ghost": 60.0}, 3: {"ghost": 10.0}}
    truth = {1: {"ghost"}, 2: set(), 3: {"ghost"}}
    ghost = evaluate_scores(scores, truth).keys["ghost"]
    assert (ghost.tp, ghost.fp, ghost.fn) == (1, 1, 1)
    assert ghost.precision == ghost.recall == ghost.f1 == 0.5


def test_a_key_never_present_and_never_predicted_counts_as_perfect():
    evaluation = evaluate_scores({1: {}}, {1: {"healthy"}})
    assert evaluation.keys["victim"].f1 == 1.0


# The demo's history ends at its ``today`` and the generator lays some of it out by the
# calendar (surveys, invoices, weekdays), so a fixed day keeps this test the same on
# every day it runs; the slow test below covers every weekday.
A_WEDNESDAY = dt.date(2026, 12, 2)


def _evaluate_demo(today: dt.date):
    seed_demo(accounts=60, seed=7, today=today)
    return evaluate_seeded(as_of=dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC))


def _assert_recognised(evaluation) -> None:
    assert evaluation.n_accounts == 60
    report = evaluation.report()
    assert evaluation.macro_f1(Group.ARCHETYPES) >= 0.9, report
    assert evaluation.macro_f1(Group.VENDOR_SIGNS) >= 0.9, report


@pytest.mark.django_db
def test_archetypes_and_vendor_signs_are_recognised_on_the_seeded_demo():
    _assert_recognised(_evaluate_demo(A_WEDNESDAY))


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("offset", range(7))
def test_recognition_holds_whichever_weekday_the_demo_ends_on(offset):
    _assert_recognised(_evaluate_demo(A_WEDNESDAY + dt.timedelta(days=offset)))
