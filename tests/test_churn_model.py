"""Churn probability model: held-out quality on IBM Telco, fallback, determinism, robustness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signals.metrics.churn import (
    DEFAULT_PRIOR,
    MIN_NEGATIVES,
    MIN_POSITIVES,
    ChurnModel,
    fit_churn_model,
)
from signals.metrics.validation import (
    TELCO_CATEGORICAL,
    TELCO_NUMERIC,
    telco_holdout_auc,
    wa_churn_as_accounts,
)


@pytest.fixture(scope="module")
def telco() -> pd.DataFrame:
    return wa_churn_as_accounts()


@pytest.fixture(scope="module")
def sample(telco) -> pd.DataFrame:
    """A portfolio-sized slice keeps the fits in these tests quick."""
    return telco.sample(n=1200, random_state=1).reset_index(drop=True)


def _fit(frame: pd.DataFrame, **kwargs) -> ChurnModel:
    return fit_churn_model(
        frame, target="churned", numeric=TELCO_NUMERIC, categorical=TELCO_CATEGORICAL, **kwargs
    )


def test_telco_churn_is_predicted_well_on_held_out_accounts():
    auc, model = telco_holdout_auc(random_state=0)
    print(f"\nIBM Telco held-out ROC AUC: {auc:.4f} ({model.note})")
    assert model.kind == "fitted"
    assert model.n_train == 4930  # 70 % of 7,043
    assert model.auc_cv is not None and model.auc_cv >= 0.80
    assert auc >= 0.80


def test_wa_churn_mapping_is_account_like(telco):
    assert len(telco) == 7043
    assert set(telco["contract_months"].unique()) == {1.0, 12.0, 24.0}
    assert (telco["auto_renew"] == (telco["contract_months"] == 1)).all()
    assert telco["total_value"].isna().sum() == 11  # brand-new customers, no charges yet
    assert telco["churned"].sum() == 1869


def test_probabilities_stay_on_the_portfolio_base_rate(sample):
    model = _fit(sample)
    probabilities = model.predict(sample)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    # A calibrated logistic model's mean prediction on its training data is the base rate.
    assert probabilities.mean() == pytest.approx(sample["churned"].mean(), abs=0.02)
    assert model.prior == pytest.approx(sample["churned"].mean())


def test_falls_back_to_the_prior_with_too_few_churned_accounts(sample):
    retained = sample[~sample["churned"]].head(300)
    churned = sample[sample["churned"]].head(MIN_POSITIVES - 1)
    model = _fit(pd.concat([retained, churned]))
    assert model.kind == "prior"
    assert model.pipeline is None and model.auc_cv is None
    assert model.n_positive == MIN_POSITIVES - 1
    assert f"too few churned accounts ({MIN_POSITIVES - 1}" in model.note
    assert model.note.startswith("fallback prior")
    np.testing.assert_array_equal(model.predict(sample.head(5)), np.full(5, DEFAULT_PRIOR))


def test_falls_back_to_the_prior_with_too_few_retained_accounts(sample):
    churned = sample[sample["churned"]].head(50)
    retained = sample[~sample["churned"]].head(MIN_NEGATIVES - 1)
    model = _fit(pd.concat([retained, churned]))
    assert model.kind == "prior"
    assert "too few retained accounts" in model.note


def test_same_data_gives_the_same_probabilities(sample):
    first = _fit(sample).predict(sample)
    second = _fit(sample.copy()).predict(sample)
    np.testing.assert_array_equal(first, second)


def test_missing_numbers_and_unseen_categories_are_handled(sample):
    train = sample.copy()
    rng = np.random.default_rng(0)
    for column in TELCO_NUMERIC:
        train.loc[rng.random(len(train)) < 0.1, column] = np.nan
    train.loc[rng.random(len(train)) < 0.1, "payment_method"] = None
    model = _fit(train)
    assert model.kind == "fitted"

    new = sample.head(4).copy()
    new.loc[0, "tenure_months"] = np.nan
    new.loc[1, "annual_value"] = np.nan
    new.loc[2, "segment"] = "Satellite"  # never seen in training
    new.loc[3, "payment_method"] = None
    probabilities = model.predict(new)
    assert probabilities.shape == (4,)
    assert np.isfinite(probabilities).all()
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_rows_without_a_label_are_not_trained_on(sample):
    unlabelled = sample.astype({"churned": object})
    unlabelled.loc[:99, "churned"] = None
    model = _fit(unlabelled)
    assert model.n_train == len(sample) - 100


def test_text_labels_are_refused(sample):
    with pytest.raises(ValueError, match="target"):
        _fit(sample.assign(churned=np.where(sample["churned"], "Yes", "No")))


def test_prediction_needs_every_feature(sample):
    model = _fit(sample)
    with pytest.raises(KeyError, match="tenure_months"):
        model.predict(sample.drop(columns=["tenure_months"]))
