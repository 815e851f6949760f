"""The fitted churn pipeline as plain JSON parameters, and predictions from them.

``ChurnModelState.parameters`` must never hold a pickle (unpickling runs code), so the
logistic regression is stored as what it is: per numeric feature the imputation median
and standardisation mean/scale, per categorical feature its one-hot categories, and the
coefficients and intercept. ``predict`` reproduces ``pipeline.predict_proba`` from them
with numpy (tested to 1e-9).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from signals.metrics.churn import MISSING_CATEGORY, ChurnModel

FORMAT_VERSION = 1


def to_parameters(model: ChurnModel) -> dict[str, Any]:
    """JSON-ready parameters of a fitted model ({} for the prior fallback)."""
    if model.kind != "fitted" or model.pipeline is None:
        return {}
    columns = model.pipeline.named_steps["features"]
    logistic = model.pipeline.named_steps["model"]
    params: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "numeric": list(model.numeric),
        "categorical": list(model.categorical),
        "medians": [],
        "means": [],
        "scales": [],
        "categories": [],
        "coef": [float(c) for c in logistic.coef_[0]],
        "intercept": float(logistic.intercept_[0]),
    }
    if model.numeric:
        steps = columns.named_transformers_["numeric"].named_steps
        params["medians"] = [float(v) for v in steps["impute"].statistics_]
        params["means"] = [float(v) for v in steps["scale"].mean_]
        params["scales"] = [float(v) for v in steps["scale"].scale_]
    if model.categorical:
        encoder = columns.named_transformers_["categorical"].named_steps["encode"]
        params["categories"] = [[str(c) for c in cats] for cats in encoder.categories_]
    return params


def _numbers(values: Any) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):  # text or pandas' NA: as the pipeline's coercion does
        return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float, na_value=np.nan)


def _design(params: Mapping[str, Any], frame: Mapping[str, Any]) -> np.ndarray:
    """The model's input matrix from ``frame``: a DataFrame, or columns by name (the
    recompute passes plain arrays; a frame per chunk cost more than the prediction)."""
    parts: list[np.ndarray] = []
    if params["numeric"]:
        values = np.column_stack([_numbers(frame[name]) for name in params["numeric"]])
        medians = np.asarray(params["medians"], dtype=float)
        values = np.where(np.isnan(values), medians, values)
        parts.append((values - np.asarray(params["means"])) / np.asarray(params["scales"]))
    for name, categories in zip(params["categorical"], params["categories"], strict=True):
        labels = np.array(
            [MISSING_CATEGORY if pd.isna(v) else str(v) for v in frame[name]], dtype=object
        )
        # Unseen categories encode as all zeros, as OneHotEncoder(handle_unknown="ignore").
        parts.append(
            (labels[:, None] == np.asarray(categories, dtype=object)[None, :]).astype(float)
        )
    if parts:
        return np.hstack(parts)
    return np.zeros((len(frame.index) if isinstance(frame, pd.DataFrame) else 0, 0))


def predict(params: Mapping[str, Any], frame: Mapping[str, Any]) -> np.ndarray:
    """P(churn) per row of ``frame`` (a DataFrame, or equal-length columns by name)
    from stored parameters."""
    design = _design(params, frame)
    return expit(design @ np.asarray(params["coef"], dtype=float) + float(params["intercept"]))
