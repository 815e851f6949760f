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


def _design(params: Mapping[str, Any], frame: pd.DataFrame) -> np.ndarray:
    parts: list[np.ndarray] = []
    if params["numeric"]:
        values = (
            frame[params["numeric"]]
            .apply(pd.to_numeric, errors="coerce")
            .to_numpy(dtype=float, na_value=np.nan)
        )
        medians = np.asarray(params["medians"], dtype=float)
        values = np.where(np.isnan(values), medians, values)
        parts.append((values - np.asarray(params["means"])) / np.asarray(params["scales"]))
    for name, categories in zip(params["categorical"], params["categories"], strict=True):
        raw = frame[name].astype(object)
        labels = raw.where(raw.notna(), MISSING_CATEGORY).astype(str).to_numpy()
        # Unseen categories encode as all zeros, as OneHotEncoder(handle_unknown="ignore").
        parts.append(
            (labels[:, None] == np.asarray(categories, dtype=object)[None, :]).astype(float)
        )
    return np.hstack(parts) if parts else np.zeros((len(frame), 0))


def predict(params: Mapping[str, Any], frame: pd.DataFrame) -> np.ndarray:
    """P(churn) per row of ``frame`` from stored parameters."""
    design = _design(params, frame)
    return expit(design @ np.asarray(params["coef"], dtype=float) + float(params["intercept"]))
