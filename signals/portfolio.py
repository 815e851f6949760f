"""Portfolio-level models (churn, lifetime value): fitted on the whole portfolio,
stored as JSON, applied to any chunk of accounts.

Fitting is the scheduled job's work (``fit_churn_model_for_portfolio``,
``fit_clv_model_for_portfolio``); a recompute only loads the latest stored state, so a
one-account recompute gives the same numbers as the portfolio run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import timezone

from accounts.models import Account, Interaction
from accounts.vocabulary import AccountStatus, Kind
from signals import churn_store
from signals.collector import batch_collections
from signals.detectors import run_detectors
from signals.features import Features, build_features
from signals.health import Metrics, sides
from signals.models import ChurnModelState, ClvModelState, HealthWeights

CHURN_NUMERIC = [
    "tenure_days",
    "contract_days",
    "annual_value",
    "auto_renew",
    "fee_ratio",
    "renewals",
    "complaints",
    "tickets",
    "tone_mean",
    "customer_side",
    "vendor_side",
]
CHURN_CATEGORICAL = ["segment"]
CLV_HORIZON_MONTHS = 12
CLV_DISCOUNT_RATE = 0.10
CLV_PERIOD_DAYS = 30


@dataclass(frozen=True)
class PortfolioModels:
    churn: ChurnModelState | None
    clv: ClvModelState | None


def load_models() -> PortfolioModels:
    return PortfolioModels(
        churn=ChurnModelState.objects.order_by("-fitted_at", "-id").first(),
        clv=ClvModelState.objects.order_by("-fitted_at", "-id").first(),
    )


def side_columns(
    features: Features,
    weights: HealthWeights,
    pairs: Mapping[int, tuple[float, float]] | None = None,
) -> dict[str, np.ndarray]:
    """Both sides' friction per account, aligned with ``features.account_ids``.
    ``pairs``: each account's (customer side, vendor side) when the caller already has
    them (else the detectors run here)."""
    if pairs is None:
        pairs = {f.account_id: sides(run_detectors(f), weights) for f in features.accounts()}
    ordered = [pairs[a] for a in features.account_ids.tolist()]
    both = np.array(ordered, dtype=float).reshape(len(ordered), 2)
    return {"customer_side": both[:, 0], "vendor_side": both[:, 1]}


def _churn_columns(features: Features, side: Mapping[str, np.ndarray]) -> dict[str, object]:
    """The churn model's inputs by name, aligned with ``features.account_ids``."""
    return {
        name: side[name] if name in side else features.columns[name]
        for name in (*CHURN_NUMERIC, *CHURN_CATEGORICAL)
    }


def churn_probabilities(
    columns: Mapping[str, object], size: int, state: ChurnModelState | None
) -> tuple[np.ndarray, str]:
    """P(churn) for each of ``size`` accounts (``columns``: the model's inputs), and the
    note on how it was obtained."""
    from signals.metrics.churn import DEFAULT_PRIOR

    if state is None:
        note = f"churn_probability: no churn model fitted yet; fallback prior {DEFAULT_PRIOR:.2f}"
        return np.full(size, DEFAULT_PRIOR), note
    if state.kind != "fitted" or not state.parameters:
        return np.full(size, float(state.prior)), f"churn_probability: {state.note}"
    return churn_store.predict(state.parameters, columns), f"churn_probability: {state.note}"


def clv_values(features: Features, state: ClvModelState | None) -> tuple[pd.Series, str | None]:
    """Per account: historical + discounted predicted value, NaN without payments or model."""
    from signals.metrics.clv import (
        BgNbdParams,
        GammaGammaParams,
        customer_lifetime_value,
        rfm_summary,
    )

    index = pd.Index(features.account_ids, name="account_id")
    empty = pd.Series(np.nan, index=index)
    if state is None or not state.parameters:
        reason = state.note if state is not None else "no payment model fitted yet"
        return empty, f"clv: {reason}"
    payments = features.payments()
    purchases = payments.loc[payments["amount"] > 0]
    if purchases.empty:
        return empty, "clv: null for accounts without payments"
    end = features.observation_end
    summary = rfm_summary(
        purchases,
        customer_col="account_id",
        date_col="occurred_at",
        amount_col="amount",
        observation_end=end,
    )
    p = state.parameters
    bg = BgNbdParams(log_likelihood=0.0, **p["bg_nbd"])
    gg = GammaGammaParams(log_likelihood=0.0, **p["gamma_gamma"])
    predicted = customer_lifetime_value(
        bg,
        gg,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        summary["monetary_value"],
        horizon_periods=p["horizon_months"],
        period_days=p["period_days"],
        discount_rate_annual=p["discount_rate_annual"],
    )
    historical = payments.groupby("account_id")["amount"].sum().reindex(summary.index)
    clv = pd.Series(historical.to_numpy() + predicted, index=summary.index)
    return clv.reindex(index), f"clv: {state.note}"


def metrics_for(
    features: Features, side: Mapping[str, np.ndarray], models: PortfolioModels
) -> dict[int, Metrics]:
    """NPS, CSAT, churn probability and CLV per account of the chunk (``side``: from
    ``side_columns``)."""
    ids = features.account_ids.tolist()
    churn, churn_note = churn_probabilities(_churn_columns(features, side), len(ids), models.churn)
    clv, clv_note = clv_values(features, models.clv)
    out: dict[int, Metrics] = {}
    # Plain dicts: per-account ``.at``/``.get`` on pandas objects dominate otherwise.
    churn_of, clv_of = dict(zip(ids, churn.tolist(), strict=True)), clv.to_dict()
    for account_id, nps, csat in zip(
        ids, features.columns["nps"].tolist(), features.columns["csat"].tolist(), strict=True
    ):
        value = clv_of.get(account_id, math.nan)
        notes = [churn_note]
        if clv_note and (math.isnan(value) or not clv_note.endswith("without payments")):
            notes.append(clv_note)
        out[int(account_id)] = Metrics(
            nps=None if math.isnan(nps) else round(float(nps), 1),
            csat=None if math.isnan(csat) else round(float(csat), 2),
            churn_probability=round(float(churn_of[account_id]), 4),
            clv=None if math.isnan(value) else round(float(value), 2),
            notes=notes,
        )
    return out


# --- fitting (the scheduled job) ---------------------------------------------------------


def _training_moments(now: datetime) -> dict[int, datetime]:
    """Every account but the offboarded, each as it was when it was last a customer
    (see ``signals.scoring.scoring_moments``), so the model never learns from the
    silence after leaving."""
    from signals.scoring import scoring_moments

    ids = Account.objects.exclude(status=AccountStatus.OFFBOARDED).values_list("id", flat=True)
    return scoring_moments(list(ids), now)


def fit_churn_model_for_portfolio(*, as_of: datetime | None = None) -> ChurnModelState:
    """Fit P(churn) on the portfolio (status ``churned`` = positive) and store it.

    Offboarded accounts are left out: we ended those relationships, they did not. With
    too few churned accounts the stored state is the documented prior.
    """
    from signals.metrics.churn import fit_churn_model

    now = as_of or timezone.now()
    weights = HealthWeights.current()
    moments = _training_moments(now)
    ids = sorted(moments)
    frames = []
    chunk = settings.CRM_SCORING_CHUNK_SIZE
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        features = build_features(part, as_of={a: moments[a] for a in part})
        inputs = _churn_columns(features, side_columns(features, weights))
        frames.append(pd.DataFrame(inputs, index=pd.Index(features.account_ids)))
    columns = [*CHURN_NUMERIC, *CHURN_CATEGORICAL]
    frame = pd.concat(frames) if frames else pd.DataFrame(columns=columns)
    statuses = dict(Account.objects.filter(pk__in=ids).values_list("id", "status"))
    frame["churned"] = [statuses[a] == AccountStatus.CHURNED for a in frame.index]
    model = fit_churn_model(frame, numeric=CHURN_NUMERIC, categorical=CHURN_CATEGORICAL)
    return ChurnModelState.objects.create(
        fitted_at=now,
        kind=model.kind,
        n_train=model.n_train,
        n_positive=model.n_positive,
        auc_cv=model.auc_cv,
        prior=model.prior,
        note=model.note,
        parameters=churn_store.to_parameters(model),
    )


def fit_clv_model_for_portfolio(*, as_of: datetime | None = None) -> ClvModelState:
    """Fit BG/NBD + Gamma-Gamma on every payment of the portfolio and store the parameters
    (empty, with the reason, when the payments cannot support a fit)."""
    from signals.metrics.clv import MIN_REPEAT_CUSTOMERS, clv_for_portfolio

    now = as_of or timezone.now()
    rows = Interaction.objects.filter(kind=Kind.PAYMENT, occurred_at__lte=now).values_list(
        "account_id", "occurred_at", "amount"
    )
    payments = pd.DataFrame.from_records(list(rows), columns=["account", "occurred_at", "amount"])
    payments["amount"] = payments["amount"].astype(float)
    fitted = clv_for_portfolio(
        payments,
        observation_end=now,
        horizon_months=CLV_HORIZON_MONTHS,
        discount_rate_annual=CLV_DISCOUNT_RATE,
        period_days=CLV_PERIOD_DAYS,
    )
    customers = int(payments["account"].nunique()) if not payments.empty else 0
    if fitted is None:
        return ClvModelState.objects.create(
            fitted_at=now,
            n_customers=customers,
            note=(
                f"no usable BG/NBD + Gamma-Gamma fit on {customers} paying accounts "
                f"(fewer than {MIN_REPEAT_CUSTOMERS} repeat payers, or a degenerate fit such as "
                "no observed drop-out)"
            ),
        )
    bg, gg = fitted.attrs["bg_nbd"], fitted.attrs["gamma_gamma"]
    return ClvModelState.objects.create(
        fitted_at=now,
        n_customers=customers,
        parameters={
            "bg_nbd": {"r": bg["r"], "alpha": bg["alpha_days"], "a": bg["a"], "b": bg["b"]},
            "gamma_gamma": {"p": gg["p"], "q": gg["q"], "gamma": gg["gamma"]},
            "horizon_months": CLV_HORIZON_MONTHS,
            "period_days": CLV_PERIOD_DAYS,
            "discount_rate_annual": CLV_DISCOUNT_RATE,
        },
        note=(
            f"BG/NBD + Gamma-Gamma on {customers} paying accounts, "
            f"{CLV_HORIZON_MONTHS}-month horizon discounted at {CLV_DISCOUNT_RATE:.0%} a year"
        ),
    )


def fit_portfolio_models(*, as_of: datetime | None = None) -> PortfolioModels:
    """Refit both portfolio models (the scheduled job calls this before a full recompute)."""
    with batch_collections():
        return PortfolioModels(
            churn=fit_churn_model_for_portfolio(as_of=as_of),
            clv=fit_clv_model_for_portfolio(as_of=as_of),
        )
