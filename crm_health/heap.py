"""Keeping Python's cyclic garbage collector off the objects a computation did not make.

Each full collection walks every tracked object of the oldest generation. A scoring
process holds a few hundred thousand long-lived ones (Django, pandas, scikit-learn,
the app's modules and caches) while a chunk of 500 accounts allocates millions of
short-lived ones, so full collections came often and each walked the long-lived objects
again: a quarter of a full recompute's time. ``gc.freeze`` moves every object tracked
so far into a generation no collection visits; ``gc.unfreeze`` hands them back to the
oldest generation. One full collection then frees whatever cyclic garbage the block
left or kept from before it: without it, garbage handed back at the end of one chunk
would be frozen again by the next and pile up over a full recompute.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def spare_older_objects() -> Iterator[None]:
    """Within the block, collections visit only the objects created inside it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.collect()
