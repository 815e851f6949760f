"""What every recompute and evaluation reads before it starts — the health weights, the
fitted churn and CLV models, the enabled threshold rules — kept per process and
re-read only when it changed.

A worker scoring one account after each write read these four things afresh every
time: four round trips out of about twenty, for rows an admin edits a few times a
year. Now one statement reads their stamps (``_STAMPS``) and the cached values
serve while the stamps are the same.

The stamps cover every way these rows change in this product: weights and rules are
saved through the model (``updated_at`` is ``auto_now``; a deleted rule lowers the
count), fitted models are only ever added (both admins are read-only). A change made
in this process also clears the cache at once (``post_save``/``post_delete``), which
keeps it honest where two edits could share a stamp — tests rolling back and redoing
the same rows at a frozen clock. Reading the stamps before the values is the safe
order: a change landing in between makes the cached values newer than their stamp,
and the next call re-reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save

from crm_health.cache import ROWS, table_stamps
from signals.models import ChurnModelState, ClvModelState, HealthWeights, ThresholdRule
from signals.portfolio import PortfolioModels, load_models


@dataclass(frozen=True)
class ScoringConfig:
    weights: HealthWeights
    models: PortfolioModels
    #: The enabled rules, in id order.
    rules: tuple[ThresholdRule, ...]


#: What moves when the configuration changes: the weights' latest edit; per table of fitted
#: models and of rules, the row count (a deletion), the newest id and the latest fit or edit.
_STAMPS = ((HealthWeights, "updated_at"),) + tuple(
    (model, name)
    for model, moment in (
        (ChurnModelState, "fitted_at"),
        (ClvModelState, "fitted_at"),
        (ThresholdRule, "updated_at"),
    )
    for name in (ROWS, "id", moment)
)


_cached: tuple[tuple, ScoringConfig] | None = None


def _stamp() -> tuple:
    return table_stamps(*_STAMPS)


def scoring_config() -> ScoringConfig:
    """The current weights, models and enabled rules: one query while they are unchanged."""
    global _cached
    stamp = _stamp()
    if _cached is not None and _cached[0] == stamp:
        return _cached[1]
    config = ScoringConfig(
        weights=HealthWeights.current(),
        models=load_models(),
        rules=tuple(ThresholdRule.objects.filter(enabled=True).order_by("id")),
    )
    _cached = (stamp, config)
    return config


def forget(**_kwargs) -> None:
    """Drop this process's cached configuration (a receiver of the models' signals)."""
    global _cached
    _cached = None


for _model in (HealthWeights, ChurnModelState, ClvModelState, ThresholdRule):
    post_save.connect(forget, sender=_model, dispatch_uid=f"scoring-config-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"scoring-config-del-{_model.__name__}")
