"""The per-process scoring configuration (signals.config): one query while weights,
models and rules are unchanged, and a change made anywhere — in this process or, as
simulated here with ``update()`` that sends no signal, in another — is seen by the
next recompute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signals import config
from signals.jobs import recompute_and_evaluate
from signals.models import AccountHealth, ChurnModelState, HealthWeights, ThresholdRule
from tests.alert_helpers import make_rule
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _later() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=1)


def test_unchanged_configuration_costs_one_query():
    rule = make_rule(measure="health", operator="lte", value=100)
    HealthWeights.current()  # the weights row exists, as everywhere but a fresh database
    first = config.scoring_config()
    with CaptureQueriesContext(connection) as queries:
        again = config.scoring_config()
    assert len(queries.captured_queries) == 1
    assert again is first
    assert [r.pk for r in again.rules] == [rule.pk]


def test_a_rule_changed_elsewhere_is_read_again():
    rule = make_rule(measure="health", operator="lte", value=100)
    assert [r.pk for r in config.scoring_config().rules] == [rule.pk]
    # As another process would: no signal reaches this one, only the stamp moves.
    ThresholdRule.objects.filter(pk=rule.pk).update(enabled=False, updated_at=_later())
    assert config.scoring_config().rules == ()
    ThresholdRule.objects.filter(pk=rule.pk).update(enabled=True, updated_at=_later())
    assert [r.pk for r in config.scoring_config().rules] == [rule.pk]
    ThresholdRule.objects.filter(pk=rule.pk).delete()
    assert config.scoring_config().rules == ()


def test_new_weights_from_elsewhere_reach_the_next_recompute():
    account = AccountFactory()
    recompute_and_evaluate(account_ids=[account.pk])
    assert AccountHealth.objects.get(account=account).band != "critical"
    # Bands so strict that every score is critical, saved as another process would.
    HealthWeights.current()
    HealthWeights.objects.filter(pk=1).update(
        healthy_min=100, watch_min=99.9, at_risk_min=99.8, updated_at=_later()
    )
    recompute_and_evaluate(account_ids=[account.pk])
    assert AccountHealth.objects.get(account=account).band == "critical"


def test_a_new_model_fit_from_elsewhere_is_read_again():
    assert config.scoring_config().models.churn is None
    fitted = ChurnModelState.objects.bulk_create(  # bulk_create sends no signal
        [ChurnModelState(fitted_at=timezone.now(), kind="prior", prior=0.1)]
    )[0]
    assert config.scoring_config().models.churn.pk == fitted.pk


def test_a_save_in_this_process_clears_the_cache_even_with_an_unchanged_stamp():
    rule = make_rule(measure="health", operator="lte", value=100)
    cached = config.scoring_config()
    stamp, saved_at = config._stamp(), rule.updated_at
    rule.value = 50
    rule.save()
    # Put the old stamp back, as a rolled-back test at a frozen clock could leave it.
    ThresholdRule.objects.filter(pk=rule.pk).update(updated_at=saved_at)
    assert config._stamp() == stamp
    fresh = config.scoring_config()
    assert fresh is not cached
    assert fresh.rules[0].value == 50
