"""Python's cyclic garbage collector, held back while a batch is scored.

Scoring 500 accounts allocates about a million short-lived containers (evidence lists,
documents, rows) that reference counting frees by itself. At the interpreter's default
thresholds (a young collection every 700 net allocations, a full one every 100 young
ones) the collector kept walking the process's long-lived objects too (Django, pandas,
scikit-learn, the models' state): 15-40 % of a chunk on the bench. With higher
thresholds cycles are still collected, a little later.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Thresholds during a batch: young collections every 100,000 net allocations.
BATCH_THRESHOLDS = (100_000, 50, 100)

_lock = threading.Lock()
_depth = 0
_previous: tuple[int, int, int] | None = None


@contextmanager
def batch_collections() -> Iterator[None]:
    """Raise the collector's thresholds for the duration (nested or concurrent uses in
    threads share one raise; the last to leave restores the previous thresholds)."""
    global _depth, _previous
    with _lock:
        if _depth == 0:
            _previous = gc.get_threshold()
            gc.set_threshold(*BATCH_THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _previous is not None:
                gc.set_threshold(*_previous)
                _previous = None
