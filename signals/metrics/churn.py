"""Churn probability: a logistic regression fitted on the portfolio's own churned accounts.

Positives are accounts whose status is ``churned``; negatives are the others. The model ranks
accounts by how much they resemble the ones that actually left. Its output is the probability of
belonging to the churned class given the features, on the base rate of the training data (so it
is an estimate of "lost within the period the training labels cover", typically a year of
history). Features must describe churned accounts as they were *before* they left (e.g. tenure
at churn, not days since), otherwise the model learns the label from its own consequences.

When the portfolio has too few churned (or retained) accounts to fit anything honest, the model
falls back to a documented prior and says so in ``note``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

#: Fewer churned accounts than this (or fewer retained ones than MIN_NEGATIVES) and a 5-fold
#: cross-validated fit is meaningless: each fold would see one or two positives.
MIN_POSITIVES = 10
MIN_NEGATIVES = 10

DEFAULT_PRIOR = 0.10
"""Churn probability used for every account while the model cannot be fitted.

A stated assumption, not a measurement: annual logo churn of B2B subscription businesses is
commonly reported around 5–15 % (higher for SMB customers, lower for enterprise), so 10 % a
year is a neutral middle value. It is replaced by a fitted model as soon as the portfolio has
``MIN_POSITIVES`` churned and ``MIN_NEGATIVES`` retained accounts.
"""

#: Regularisation strengths tried; a short grid because the feature set is small and the
#: portfolios are modest — a finer search would mostly fit noise in the CV folds.
C_GRID = (0.1, 1.0, 10.0)
CV_FOLDS = 5
MISSING_CATEGORY = "missing"


def _as_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Numeric features as float, with anything unparseable (or pd.NA) as NaN for the imputer."""
    return frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _as_categories(frame: pd.DataFrame) -> np.ndarray:
    """Categorical features as strings: one dtype for the encoder, missing as its own level."""
    values = frame.astype(object)
    return values.where(values.notna(), MISSING_CATEGORY).astype(str).to_numpy(dtype=object)


def _pipeline(numeric: list[str], categorical: list[str], random_state: int) -> Pipeline:
    transformers: list[tuple[str, Any, list[str]]] = []
    if numeric:
        numeric_steps = Pipeline(
            [
                ("to_float", FunctionTransformer(_as_numbers)),
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
            ]
        )
        transformers.append(("numeric", numeric_steps, numeric))
    if categorical:
        categorical_steps = Pipeline(
            [
                ("to_str", FunctionTransformer(_as_categories)),
                ("encode", OneHotEncoder(handle_unknown="ignore")),
            ]
        )
        transformers.append(("categorical", categorical_steps, categorical))
    return Pipeline(
        [
            ("features", ColumnTransformer(transformers, remainder="drop")),
            ("model", LogisticRegression(max_iter=1000, random_state=random_state)),
        ]
    )


def _labels(values: pd.Series) -> pd.Series:
    """Target as bool; only booleans or 0/1 are accepted (``"No"`` must not become True)."""
    present = values.dropna()
    if present.dtype == bool:
        return present.astype(bool)
    if not present.isin([0, 1, True, False]).all():
        raise ValueError("target must hold booleans or 0/1")
    return present.astype(int).astype(bool)


@dataclass
class ChurnModel:
    """A fitted churn model (``kind="fitted"``) or the documented fallback (``kind="prior"``).

    ``prior`` is what ``predict`` returns for every account when ``kind == "prior"``
    (``DEFAULT_PRIOR``); for a fitted model it is the churn share of the training data.
    ``auc_cv`` is the mean ROC AUC over stratified 5-fold cross-validation of the selected
    configuration. It was also used to choose C and the class weighting, so it is slightly
    optimistic; an honest figure needs a held-out set (see ``signals.metrics.validation``).
    """

    pipeline: Pipeline | None
    features: list[str]
    n_train: int
    n_positive: int
    auc_cv: float | None
    kind: Literal["fitted", "prior"]
    prior: float
    note: str
    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Churn probability per row of ``frame`` (which must hold every feature column)."""
        if self.kind == "prior" or self.pipeline is None:
            return np.full(len(frame), self.prior, dtype=float)
        if frame.empty:
            return np.empty(0, dtype=float)
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise KeyError(f"missing feature columns: {missing}")
        return self.pipeline.predict_proba(frame[self.features])[:, 1]


def _prior_model(
    features: list[str],
    numeric: list[str],
    categorical: list[str],
    n_train: int,
    n_positive: int,
    reason: str,
) -> ChurnModel:
    return ChurnModel(
        pipeline=None,
        features=features,
        n_train=n_train,
        n_positive=n_positive,
        auc_cv=None,
        kind="prior",
        prior=DEFAULT_PRIOR,
        note=f"fallback prior {DEFAULT_PRIOR:.2f}: {reason}",
        numeric=numeric,
        categorical=categorical,
    )


def fit_churn_model(
    frame: pd.DataFrame,
    *,
    target: str = "churned",
    numeric: list[str],
    categorical: list[str],
    random_state: int = 0,
) -> ChurnModel:
    """Fit P(churned | features) on ``frame`` (one row per account, ``target`` bool or 0/1).

    Median imputation for missing numbers, one-hot encoding that ignores categories unseen in
    training. C and ``class_weight`` (None or "balanced") are chosen by cross-validated AUC.
    Balanced weights shift the intercept towards a 50 % base rate; when they win we undo that
    shift (King & Zeng's prior correction: intercept += log(n_pos / n_neg)) so the output
    stays a probability on the portfolio's real base rate. AUC is unaffected by the shift.
    Deterministic for a given ``random_state``.
    """
    features = [*numeric, *categorical]
    if not features:
        raise ValueError("at least one feature is required")
    labelled = frame.loc[frame[target].notna()]
    y = _labels(labelled[target]).to_numpy()
    n_train = int(len(y))
    n_positive = int(y.sum())
    n_negative = n_train - n_positive
    if n_positive < MIN_POSITIVES:
        return _prior_model(
            features,
            numeric,
            categorical,
            n_train,
            n_positive,
            f"too few churned accounts ({n_positive}, need {MIN_POSITIVES}) to fit",
        )
    if n_negative < MIN_NEGATIVES:
        return _prior_model(
            features,
            numeric,
            categorical,
            n_train,
            n_positive,
            f"too few retained accounts ({n_negative}, need {MIN_NEGATIVES}) to fit",
        )

    search = GridSearchCV(
        _pipeline(numeric, categorical, random_state),
        param_grid={"model__C": list(C_GRID), "model__class_weight": [None, "balanced"]},
        scoring="roc_auc",
        cv=StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=random_state),
        refit=True,
    )
    search.fit(labelled[features], y)
    pipeline: Pipeline = search.best_estimator_
    chosen = search.best_params_
    if chosen["model__class_weight"] == "balanced":
        pipeline.named_steps["model"].intercept_ += np.log(n_positive / n_negative)
    weighting = "balanced+prior-corrected" if chosen["model__class_weight"] else "unweighted"
    return ChurnModel(
        pipeline=pipeline,
        features=features,
        n_train=n_train,
        n_positive=n_positive,
        auc_cv=float(search.best_score_),
        kind="fitted",
        prior=n_positive / n_train,
        note=(
            f"logistic regression on {n_train} accounts ({n_positive} churned), "
            f"C={chosen['model__C']:g}, {weighting}, "
            f"{CV_FOLDS}-fold CV AUC {search.best_score_:.3f}"
        ),
        numeric=numeric,
        categorical=categorical,
    )
