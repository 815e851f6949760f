"""The detectors against the demo generator's recorded ground truth."""

import pytest
from django.core.management import call_command

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


@pytest.mark.django_db
def test_archetypes_and_vendor_signs_are_recognised_on_the_seeded_demo():
    call_command("seed_demo", accounts=60, seed=7)
    evaluation = evaluate_seeded()
    assert evaluation.n_accounts == 60
    report = evaluation.report()
    assert evaluation.macro_f1(Group.ARCHETYPES) >= 0.9, report
    assert evaluation.macro_f1(Group.VENDOR_SIGNS) >= 0.9, report
