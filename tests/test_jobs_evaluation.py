"""What a recompute leaves behind for the garbage collector."""

from __future__ import annotations

import pytest

from signals.jobs import recompute_and_evaluate
from signals.models import Alert, HealthSnapshot
from tests.alert_helpers import make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_a_recompute_leaves_no_reference_cycles_behind():
    """Batches run with the collector held back (signals.collector), so a cycle per
    account (a snapshot and its current-score row pointing at each other, with the
    document hanging off them) piled up in a long-lived worker until a full collection:
    +100 MB per pool process over a 100,000-account run."""
    import gc

    from signals.models import AccountHealth

    accounts = [AccountFactory() for _ in range(3)]
    make_rule(measure="health", operator="lte", value=100)
    gc.collect()
    gc.disable()
    try:
        recompute_and_evaluate(account_ids=[a.pk for a in accounts])
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [o for o in gc.garbage if isinstance(o, HealthSnapshot | AccountHealth | Alert)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []
