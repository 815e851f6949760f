"""The recompute service: snapshots, the current row, dirty flags, races, history."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from accounts.models import Account
from signals import churn_store
from signals.config import scoring_config
from signals.metrics.churn import fit_churn_model
from signals.models import (
    AccountHealth,
    ChurnModelState,
    ClvModelState,
    HealthSnapshot,
)
from signals.scoring import (
    fingerprint,
    fit_churn_model_for_portfolio,
    fit_clv_model_for_portfolio,
    health_document,
    recompute_accounts,
    snapshot_diff,
)
from tests.factories import AccountFactory, InteractionFactory
from tests.portfolio_kit import NOW, random_portfolio

pytestmark = pytest.mark.django_db


def complain(account, days_ago: float, n: int = 1):
    for i in range(n):
        InteractionFactory(
            account=account,
            occurred_at=NOW - dt.timedelta(days=days_ago, hours=i * 7),
            kind="complaint",
            tone=-0.5,
        )


def test_a_first_recompute_writes_a_root_snapshot_and_the_current_row():
    account = AccountFactory()
    complain(account, 10, n=3)
    result = recompute_accounts(account_ids=[account.pk], as_of=NOW)
    assert result.processed == 1 and result.changed == 1
    snapshot = result.snapshots[0]
    assert snapshot.supersedes is None
    assert snapshot.document["account"] == account.external_id
    assert snapshot.document["computed_at"] == "2026-06-01T12:00:00Z"
    assert snapshot.fingerprint == fingerprint(snapshot.document)
    current = AccountHealth.objects.get(account=account)
    assert current.snapshot == snapshot and current.health == snapshot.health
    assert current.previous_health is None
    assert health_document(account) == snapshot.document


def test_recomputing_unchanged_data_writes_nothing_new():
    account = AccountFactory()
    complain(account, 10)
    recompute_accounts(account_ids=[account.pk], as_of=NOW)
    again = recompute_accounts(account_ids=[account.pk], as_of=NOW)
    assert again.changed == 0
    assert HealthSnapshot.objects.filter(account=account).count() == 1


def test_a_change_appends_a_snapshot_chained_to_the_previous_one():
    account = AccountFactory()
    first = recompute_accounts(account_ids=[account.pk], as_of=NOW).snapshots[0]
    complain(account, 2, n=8)
    second = recompute_accounts(account_ids=[account.pk], as_of=NOW).snapshots[0]
    assert second.supersedes == first
    current = AccountHealth.objects.get(account=account)
    assert current.snapshot == second
    assert current.previous_health == first.health
    assert current.health < first.health


def test_the_same_data_gives_the_same_document_apart_from_computed_at():
    account = AccountFactory()
    complain(account, 20, n=4)
    a = recompute_accounts(account_ids=[account.pk], as_of=NOW).snapshots[0].document
    AccountHealth.objects.all().delete()
    HealthSnapshot.objects.all().delete()
    b = recompute_accounts(account_ids=[account.pk], as_of=NOW + dt.timedelta(seconds=5))
    b = b.snapshots[0].document
    assert a["computed_at"] != b["computed_at"]
    assert fingerprint(a) == fingerprint(b)


def test_one_account_alone_scores_exactly_as_in_the_portfolio_run():
    accounts = random_portfolio(8, seed=21)
    recompute_accounts(account_ids=[a.pk for a in accounts], as_of=NOW)
    target = accounts[5]
    portfolio_doc = health_document(target)
    AccountHealth.objects.filter(account=target).delete()
    HealthSnapshot.objects.filter(account=target).delete()
    recompute_accounts(account_ids=[target.pk], as_of=NOW)
    assert health_document(target) == portfolio_doc


def test_offboarded_accounts_are_frozen_once_scored():
    account = AccountFactory()
    recompute_accounts(account_ids=[account.pk], as_of=NOW)
    Account.objects.filter(pk=account.pk).update(status="offboarded")
    complain(account, 1, n=9)
    result = recompute_accounts(account_ids=[account.pk], as_of=NOW)
    assert result.frozen == 1 and result.changed == 0


def test_the_dirty_flag_is_cleared_only_if_nothing_marked_it_again_meanwhile():
    calm, busy = AccountFactory(), AccountFactory()
    marked = NOW - dt.timedelta(minutes=5)
    Account.objects.filter(pk__in=[calm.pk, busy.pk]).update(scores_dirty_since=marked)

    import signals.scoring as scoring

    original = scoring.score_accounts

    def score_while_a_write_lands(*args, **kwargs):
        documents = original(*args, **kwargs)
        Account.objects.filter(pk=busy.pk).update(scores_dirty_since=NOW)
        return documents

    scoring.score_accounts = score_while_a_write_lands
    try:
        recompute_accounts(account_ids=[calm.pk, busy.pk], as_of=NOW)
    finally:
        scoring.score_accounts = original
    calm.refresh_from_db()
    busy.refresh_from_db()
    assert calm.scores_dirty_since is None
    assert busy.scores_dirty_since == NOW


def test_a_concurrent_append_of_the_same_result_leaves_one_snapshot(monkeypatch):
    account = AccountFactory()
    complain(account, 3, n=2)
    import signals.scoring as scoring

    original = scoring.score_accounts

    def another_worker_wins(accounts, **kwargs):
        documents = original(accounts, **kwargs)
        # Another recompute of the same data commits its snapshot first.
        monkeypatch.setattr(scoring, "score_accounts", original)
        recompute_accounts(account_ids=[account.pk], as_of=kwargs["as_of"])
        return documents

    monkeypatch.setattr(scoring, "score_accounts", another_worker_wins)
    result = recompute_accounts(account_ids=[account.pk], as_of=NOW)
    assert result.changed == 0
    assert HealthSnapshot.objects.filter(account=account).count() == 1
    assert HealthSnapshot.objects.filter(account=account, supersedes__isnull=True).count() == 1


def test_a_concurrent_append_of_a_different_result_chains_after_it(monkeypatch):
    account = AccountFactory()
    import signals.scoring as scoring

    original = scoring.score_accounts

    def another_worker_wins(accounts, **kwargs):
        documents = original(accounts, **kwargs)
        monkeypatch.setattr(scoring, "score_accounts", original)
        recompute_accounts(account_ids=[account.pk], as_of=kwargs["as_of"] - dt.timedelta(days=400))
        return documents

    complain(account, 3, n=6)
    monkeypatch.setattr(scoring, "score_accounts", another_worker_wins)
    result = recompute_accounts(account_ids=[account.pk], as_of=NOW)
    assert result.changed == 1
    chain = list(HealthSnapshot.objects.filter(account=account).order_by("id"))
    assert len(chain) == 2 and chain[1].supersedes == chain[0]


def test_queries_per_chunk_do_not_grow_with_the_number_of_accounts():
    small = random_portfolio(2, seed=31, per_account=10)
    large = random_portfolio(20, seed=32, per_account=10)
    scoring_config()  # weights created once, then read per process while unchanged
    with CaptureQueriesContext(connection) as few:
        recompute_accounts(account_ids=[a.pk for a in small], as_of=NOW)
    with CaptureQueriesContext(connection) as many:
        recompute_accounts(account_ids=[a.pk for a in large], as_of=NOW)
    assert len(few) == len(many)


def test_snapshot_diff_lists_what_moved_largest_first():
    account = AccountFactory()
    first = recompute_accounts(account_ids=[account.pk], as_of=NOW).snapshots[0]
    complain(account, 2, n=8)
    second = recompute_accounts(account_ids=[account.pk], as_of=NOW).snapshots[0]
    diff = snapshot_diff(first, second)
    assert diff and all(d["before"] != d["after"] for d in diff)
    moves = [abs(d["delta"]) for d in diff if d["delta"] is not None]
    assert moves == sorted(moves, reverse=True)
    by_key = {d["key"]: d for d in diff}
    assert by_key["repeated_complaints"]["group"] == "warning_signs"
    assert by_key["health"]["delta"] < 0


def test_churn_probability_falls_back_to_the_stated_prior_with_a_note():
    accounts = random_portfolio(5, seed=41)
    state = fit_churn_model_for_portfolio(as_of=NOW)
    assert state.kind == "prior" and state.parameters == {}
    recompute_accounts(account_ids=[accounts[0].pk], as_of=NOW)
    doc = health_document(accounts[0])
    assert doc["metrics"]["churn_probability"] == pytest.approx(0.10)
    assert any(n.startswith("churn_probability: fallback prior") for n in doc["notes"])


def test_churn_model_is_fitted_on_churned_accounts_and_stored_as_json():
    accounts = random_portfolio(40, seed=42, per_account=20)
    for a in accounts[:14]:
        Account.objects.filter(pk=a.pk).update(status="churned", churned_at=dt.date(2026, 3, 1))
    state = fit_churn_model_for_portfolio(as_of=NOW)
    assert state.kind == "fitted" and state.n_positive == 14
    assert {"coef", "intercept", "medians", "means", "scales", "categories"} <= set(
        state.parameters
    )
    recompute_accounts(account_ids=[accounts[20].pk], as_of=NOW)
    p = health_document(accounts[20])["metrics"]["churn_probability"]
    assert 0.0 < p < 1.0


def test_stored_churn_parameters_predict_exactly_like_the_fitted_pipeline():
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "tenure_days": rng.uniform(30, 900, n),
            "annual_value": rng.lognormal(9, 1, n),
            "complaints": rng.poisson(2, n).astype(float),
            "segment": rng.choice(["smb", "mid", "enterprise", None], n),
        }
    )
    frame.loc[::17, "annual_value"] = np.nan
    logit = -2 + 0.6 * frame["complaints"] - frame["tenure_days"] / 600
    frame["churned"] = rng.random(n) < 1 / (1 + np.exp(-logit))
    model = fit_churn_model(
        frame, numeric=["tenure_days", "annual_value", "complaints"], categorical=["segment"]
    )
    assert model.kind == "fitted"
    params = churn_store.to_parameters(model)
    unseen = frame.copy()
    unseen.loc[:5, "segment"] = "brand-new-segment"
    expected = model.predict(unseen)
    np.testing.assert_allclose(churn_store.predict(params, unseen), expected, rtol=0, atol=1e-9)


def test_clv_is_null_with_a_note_until_payments_support_a_fit():
    account = AccountFactory()
    state = fit_clv_model_for_portfolio(as_of=NOW)
    assert state.parameters == {}
    recompute_accounts(account_ids=[account.pk], as_of=NOW)
    doc = health_document(account)
    assert doc["metrics"]["clv"] is None
    assert any(n.startswith("clv:") for n in doc["notes"])


def test_clv_comes_from_the_stored_portfolio_fit():
    ClvModelState.objects.create(
        fitted_at=NOW,
        n_customers=50,
        parameters={
            "bg_nbd": {"r": 0.8, "alpha": 40.0, "a": 0.5, "b": 3.0},
            "gamma_gamma": {"p": 6.0, "q": 4.0, "gamma": 300.0},
            "horizon_months": 12,
            "period_days": 30,
            "discount_rate_annual": 0.1,
        },
        note="test fit",
    )
    account = AccountFactory()
    for month in range(6):
        InteractionFactory(
            account=account,
            kind="payment",
            channel="payment",
            amount=1000,
            occurred_at=NOW - dt.timedelta(days=30 * month + 1),
        )
    recompute_accounts(account_ids=[account.pk], as_of=NOW)
    clv = health_document(account)["metrics"]["clv"]
    assert clv is not None and clv > 6000  # history plus a positive forecast


@freeze_time("2026-06-01 12:00:00")
def test_without_as_of_the_recompute_scores_now():
    account = AccountFactory()
    snapshot = recompute_accounts(account_ids=[account.pk]).snapshots[0]
    assert snapshot.document["computed_at"] == "2026-06-01T12:00:00Z"
    assert ChurnModelState.objects.count() == 0  # a recompute never fits models itself
