"""A batch's garbage collections visit only what the batch allocates, and nothing piles up."""

from __future__ import annotations

import gc
import weakref

import pytest

from crm_health.heap import spare_older_objects


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_older_objects_are_out_of_collection_inside_the_block_and_back_after():
    before = _Node()
    gone = weakref.ref(before)
    del before  # cyclic garbage made before the block
    with spare_older_objects():
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert gone() is not None  # frozen: the block's collections do not visit it
        inside = _Node()
        gone_inside = weakref.ref(inside)
        del inside
        gc.collect()
        assert gone_inside() is None  # what the block makes is collected as usual
    # Handed back and collected at the end: garbage never piles up across batches.
    assert gc.get_freeze_count() == 0
    assert gone() is None


@pytest.mark.django_db
def test_scoring_a_batch_runs_inside_the_block(monkeypatch, am_alice):
    from signals import jobs
    from signals.scoring import RecomputeResult
    from tests.factories import AccountFactory

    account = AccountFactory(owner=am_alice)
    seen = []

    def fake_recompute(**_kwargs):
        seen.append(gc.get_freeze_count())
        return RecomputeResult(processed=1)

    monkeypatch.setattr("signals.scoring.recompute_accounts", fake_recompute)
    jobs.recompute_and_evaluate(account_ids=[account.pk])
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0
