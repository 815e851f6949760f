"""The collector's thresholds are raised for a scoring batch and restored after it."""

import gc
import threading

import pytest

from signals.collector import BATCH_THRESHOLDS, batch_collections


@pytest.fixture
def default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_a_batch_raises_the_thresholds_and_restores_them_even_on_error(default_thresholds):
    with pytest.raises(RuntimeError), batch_collections():
        assert gc.get_threshold() == BATCH_THRESHOLDS
        raise RuntimeError("the batch failed")
    assert gc.get_threshold() == default_thresholds


def test_overlapping_batches_restore_the_thresholds_only_when_the_last_one_ends(
    default_thresholds,
):
    inside, release = threading.Event(), threading.Event()

    def other_batch():
        with batch_collections():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_batch)
    with batch_collections():
        thread.start()
        inside.wait(5)
    # This batch ended first; the other is still running.
    assert gc.get_threshold() == BATCH_THRESHOLDS
    release.set()
    thread.join(5)
    assert gc.get_threshold() == default_thresholds
