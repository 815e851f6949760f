"""Asking for recomputes from the write path (accounts.services.accounts_changed).

Publishing must never fail a write: if the broker is unreachable the accounts stay
dirty and the periodic sweep (signals.tasks) scores them once it is back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings

log = logging.getLogger(__name__)


def request_recompute(*, account_ids: Sequence[int]) -> None:
    from .tasks import recompute_accounts_task

    chunk = settings.CRM_SCORING_CHUNK_SIZE
    for start in range(0, len(account_ids), chunk):
        ids = list(account_ids[start : start + chunk])
        try:
            recompute_accounts_task.delay(ids)
        except Exception:
            # The write has committed already; failing here would only hide that. In
            # eager mode this is a scoring error, which the sweep retries as well.
            log.exception("recompute of %d account(s) not done now; the sweep will", len(ids))
