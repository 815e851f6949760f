"""BG/NBD + Gamma-Gamma CLV: published CDNOW figures, lifetimes parity, and the None guard."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad
from scipy.optimize import approx_fprime
from scipy.special import betaln
from sklearn.metrics import roc_auc_score

from signals.metrics import clv
from signals.metrics.validation import (
    CDNOW_CALIBRATION_END,
    CDNOW_TIME_UNIT_DAYS,
    PUBLISHED_BG_NBD,
    PUBLISHED_GAMMA_GAMMA,
    cdnow_summary,
    cdnow_summary_with_spend,
    cdnow_transactions,
    fit_cdnow,
)


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return cdnow_summary()


@pytest.fixture(scope="module")
def spend() -> pd.DataFrame:
    return cdnow_summary_with_spend()


@pytest.fixture(scope="module")
def fits() -> tuple[clv.BgNbdParams, clv.GammaGammaParams]:
    bg, gg, _, _ = fit_cdnow()
    return bg, gg


def _lifetimes():
    """lifetimes' fitters, or a skip when it cannot be imported on this stack."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from lifetimes import BetaGeoFitter, GammaGammaFitter
            from lifetimes.utils import summary_data_from_transaction_data
    except Exception as error:  # noqa: BLE001 - any import failure means "cannot cross-check"
        pytest.skip(f"lifetimes does not import here ({error!r}); cross-check skipped")
    return BetaGeoFitter, GammaGammaFitter, summary_data_from_transaction_data


def _lifetimes_models(bg: clv.BgNbdParams, gg: clv.GammaGammaParams):
    """lifetimes fitters carrying *our* parameters, so only the prediction formulas are compared."""
    BetaGeoFitter, GammaGammaFitter, _ = _lifetimes()
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series({"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b})
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": gg.p, "q": gg.q, "v": gg.gamma})
    return bgf, ggf


# --- published parameters ---------------------------------------------------------------------


def test_bg_nbd_reproduces_published_cdnow_parameters(fits):
    bg, _ = fits
    assert bg.n_customers == 2357
    assert clv.fit_quality_ok(bg)
    for name, published in PUBLISHED_BG_NBD.items():
        assert getattr(bg, name) == pytest.approx(published, rel=0.01), name
    # The log-likelihood is reported to one decimal; we match it far more tightly than 1 %.
    assert bg.log_likelihood == pytest.approx(-9582.4, abs=0.1)


def test_gamma_gamma_reproduces_published_cdnow_parameters(fits):
    _, gg = fits
    assert gg.n_customers == 946  # repeat customers only
    assert clv.fit_quality_ok(gg)
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        assert getattr(gg, name) == pytest.approx(published, rel=0.01), name


def test_fits_are_invariant_to_the_time_unit(summary, fits):
    bg_weeks, _ = fits
    bg_days = clv.fit_bg_nbd(summary["frequency"], summary["recency"] * 7, summary["T"] * 7)
    assert bg_days.r == pytest.approx(bg_weeks.r, rel=1e-4)
    assert bg_days.alpha == pytest.approx(bg_weeks.alpha * 7, rel=1e-4)
    assert bg_days.a == pytest.approx(bg_weeks.a, rel=1e-4)
    assert bg_days.b == pytest.approx(bg_weeks.b, rel=1e-4)


def test_bg_nbd_weights_equal_repeated_rows(summary):
    grouped = summary.groupby(["frequency", "recency", "T"]).size().reset_index(name="n")
    weighted = clv.fit_bg_nbd(
        grouped["frequency"], grouped["recency"], grouped["T"], weights=grouped["n"]
    )
    plain = clv.fit_bg_nbd(summary["frequency"], summary["recency"], summary["T"])
    assert weighted.log_likelihood == pytest.approx(plain.log_likelihood, rel=1e-9)
    assert weighted.r == pytest.approx(plain.r, rel=1e-4)


# --- analytic gradients -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "log_params", [[0.0, 0.0, 0.0, 0.0], [-1.4, 0.1, -0.2, 0.9], [1, -1, 2, -2]]
)
def test_bg_nbd_gradient_matches_finite_differences(summary, log_params):
    x = summary["frequency"].to_numpy(float)
    t_x = summary["recency"].to_numpy() / 3.886
    age = summary["T"].to_numpy() / 3.886
    w = np.ones_like(x)
    point = np.asarray(log_params, dtype=float)
    _, analytic = clv._bg_nbd_nll_and_grad(point, x, t_x, age, w)
    numeric = approx_fprime(point, lambda v: clv._bg_nbd_nll_and_grad(v, x, t_x, age, w)[0], 1e-7)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("log_params", [[0.0, 0.0, 0.0], [1.8, 1.3, 0.1], [1, -0.5, 2]])
def test_gamma_gamma_gradient_matches_finite_differences(spend, log_params):
    repeat = spend[spend["x"] > 0]
    x = repeat["x"].to_numpy(float)
    m = repeat["zbar"].to_numpy() / repeat["zbar"].mean()
    point = np.asarray(log_params, dtype=float)
    _, analytic = clv._gamma_gamma_nll_and_grad(point, x, m)
    numeric = approx_fprime(point, lambda v: clv._gamma_gamma_nll_and_grad(v, x, m)[0], 1e-7)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


# --- predictions: lifetimes parity and properties ---------------------------------------------


def test_probability_alive_matches_lifetimes(summary, fits):
    bg, gg = fits
    bgf, _ = _lifetimes_models(bg, gg)
    ours = clv.probability_alive(bg, summary["frequency"], summary["recency"], summary["T"])
    theirs = bgf.conditional_probability_alive(
        summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy()
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert (ours[summary["frequency"].to_numpy() == 0] == 1.0).all()


@pytest.mark.parametrize("t", [1.0, 10.0, 39.0, 52.0])
def test_expected_purchases_matches_lifetimes(summary, fits, t):
    bg, gg = fits
    bgf, _ = _lifetimes_models(bg, gg)
    x, t_x, age = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    ours = clv.expected_purchases(bg, t, x, t_x, age)
    theirs = bgf.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, age)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_expected_purchases_is_zero_at_zero_horizon_and_grows(summary, fits):
    bg, _ = fits
    x, t_x, age = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    assert np.all(clv.expected_purchases(bg, 0.0, x, t_x, age) == 0.0)
    short = clv.expected_purchases(bg, 10.0, x, t_x, age)
    long = clv.expected_purchases(bg, 20.0, x, t_x, age)
    assert np.all(long >= short) and np.all(short >= 0)


def test_expected_purchases_is_continuous_through_a_equal_one(fits):
    bg, _ = fits
    at_one = replace(bg, a=1.0)
    below = replace(bg, a=1.0 - 1e-4)
    above = replace(bg, a=1.0 + 1e-4)
    x, t_x, age = np.array([0.0, 3.0]), np.array([0.0, 20.0]), np.array([30.0, 30.0])
    middle = clv.expected_purchases(at_one, 10.0, x, t_x, age)
    np.testing.assert_allclose(middle, clv.expected_purchases(below, 10.0, x, t_x, age), rtol=1e-3)
    np.testing.assert_allclose(middle, clv.expected_purchases(above, 10.0, x, t_x, age), rtol=1e-3)


def _expected_if_alive_by_integration(r, alpha, a, b, x, T, t):
    """E[Y(t) | alive] = E_p[(1 - (1 + p·t/(α+T))^-(r+x)) / p] with p ~ Beta(a, b+x).

    The Poisson-gamma part integrated analytically, the beta part numerically: an
    independent route to the same quantity as the closed form.
    """
    y = t / (alpha + T)

    def integrand(p):
        log_density = (a - 1) * np.log(p) + (b + x - 1) * np.log1p(-p) - betaln(a, b + x)
        return -np.expm1(-(r + x) * np.log1p(p * y)) / p * np.exp(log_density)

    return sum(quad(integrand, lo, hi, limit=200)[0] for lo, hi in [(0, 1e-3), (1e-3, 1)])


@pytest.mark.parametrize("r", [1e2, 1e4, 3e4, 1e5, 1e6])
@pytest.mark.parametrize(("a", "b", "x"), [(0.14, 2.08, 20.0), (0.8, 2.4, 0.0), (3.0, 40.0, 5.0)])
def test_expected_purchases_holds_as_purchase_rates_become_homogeneous(r, a, b, x):
    # Regular subscription payers drive r, alpha -> inf (rate r/alpha fixed, here one purchase a
    # month in days), where scipy's 2F1 breaks down and the confluent limit takes over.
    alpha = r / (12 / 365.25)
    params = clv.BgNbdParams(r, alpha, a, b, np.nan)
    ours = clv.expected_purchases(params, 360.0, [x], [600.0 if x else 0.0], [628.0])
    alive = clv.probability_alive(params, [x], [600.0 if x else 0.0], [628.0])
    reference = alive * _expected_if_alive_by_integration(r, alpha, a, b, x, 628.0, 360.0)
    np.testing.assert_allclose(ours, reference, rtol=1e-5)


def test_expected_average_value_matches_lifetimes(spend, fits):
    bg, gg = fits
    _, ggf = _lifetimes_models(bg, gg)
    ours = clv.expected_average_value(gg, spend["x"], spend["zbar"])
    theirs = ggf.conditional_expected_average_profit(spend["x"], spend["zbar"])
    np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-6)


def test_customer_lifetime_value_matches_lifetimes(spend, fits):
    bg, gg = fits
    bgf, ggf = _lifetimes_models(bg, gg)
    # lifetimes' monthly step in weeks is 4.345; express the same step and rate our way.
    period_days = 4.345 * CDNOW_TIME_UNIT_DAYS
    annual = 0.10
    monthly = (1 + annual) ** (period_days / clv.DAYS_PER_YEAR) - 1
    ours = clv.customer_lifetime_value(
        bg,
        gg,
        spend["x"],
        spend["t_x"],
        spend["T"],
        spend["zbar"],
        horizon_periods=12,
        period_days=period_days,
        discount_rate_annual=annual,
        time_unit_days=CDNOW_TIME_UNIT_DAYS,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ggf.customer_lifetime_value(
            bgf,
            spend["x"].astype(float),
            spend["t_x"],
            spend["T"],
            spend["zbar"],
            time=12,
            discount_rate=monthly,
            freq="W",
        )
    np.testing.assert_allclose(ours, theirs.to_numpy(dtype=float), rtol=1e-6)
    assert (ours > 0).all()


# --- summaries from transactions --------------------------------------------------------------


def test_rfm_summary_reproduces_the_published_cdnow_summary(summary, spend):
    ours = clv.rfm_summary(
        cdnow_transactions(),
        customer_col="customer",
        date_col="date",
        amount_col="amount",
        observation_end=CDNOW_CALIBRATION_END,
        freq_days=CDNOW_TIME_UNIT_DAYS,
    )
    assert len(ours) == 2357
    np.testing.assert_array_equal(ours["frequency"], summary["frequency"])
    # The shipped files are rounded to two decimals.
    np.testing.assert_allclose(ours["recency"], summary["recency"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["T"], summary["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["monetary_value"], spend["zbar"], atol=0.005 + 1e-9)


@pytest.mark.parametrize("freq_days", [1.0, 7.0])
def test_rfm_summary_matches_lifetimes(freq_days):
    _, _, summary_data_from_transaction_data = _lifetimes()
    transactions = cdnow_transactions()
    ours = clv.rfm_summary(
        transactions,
        customer_col="customer",
        date_col="date",
        amount_col="amount",
        observation_end=CDNOW_CALIBRATION_END,
        freq_days=freq_days,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = summary_data_from_transaction_data(
            transactions,
            "customer",
            "date",
            "amount",
            observation_period_end=CDNOW_CALIBRATION_END,
            freq="D",
            freq_multiplier=freq_days,
        )
    pd.testing.assert_index_equal(ours.index, theirs.index.rename(ours.index.name))
    for column in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[column], theirs[column], rtol=1e-9, err_msg=column)


def test_rfm_summary_merges_same_day_payments_and_ignores_later_ones():
    payments = pd.DataFrame(
        {
            "account": ["A", "A", "A", "A", "B", "A"],
            "paid_at": pd.to_datetime(
                [
                    "2024-01-01T09:00Z",
                    "2024-01-11T08:00Z",
                    "2024-01-11T17:00Z",  # same UTC day: one purchase of 30
                    "2024-01-21T00:00Z",
                    "2024-01-31T23:00Z",
                    "2024-02-05T00:00Z",  # after observation end
                ]
            ),
            "amount": [100.0, 10.0, 20.0, 60.0, 5.0, 999.0],
        }
    )
    result = clv.rfm_summary(
        payments,
        customer_col="account",
        date_col="paid_at",
        amount_col="amount",
        observation_end=pd.Timestamp("2024-01-31T12:00Z"),
    )
    assert result.loc["A"].to_dict() == {
        "frequency": 2.0,
        "recency": 20.0,
        "T": 30.0,
        "monetary_value": 45.0,  # mean of the repeat purchases (30, 60); first one excluded
    }
    assert result.loc["B"].to_dict() == {
        "frequency": 0.0,
        "recency": 0.0,
        "T": 0.0,
        "monetary_value": 0.0,
    }


def test_inputs_with_recency_beyond_age_are_rejected(fits):
    bg, _ = fits
    with pytest.raises(ValueError, match="recency"):
        clv.probability_alive(bg, [1], [5.0], [4.0])


# --- the portfolio entry point and its refusal to invent numbers ------------------------------


def _payments_in_days() -> pd.DataFrame:
    transactions = cdnow_transactions()
    return transactions.rename(columns={"customer": "account", "date": "occurred_at"})


def test_clv_for_portfolio_on_cdnow_payments():
    payments = _payments_in_days()
    result = clv.clv_for_portfolio(payments, observation_end=CDNOW_CALIBRATION_END)
    assert result is not None
    end = pd.Timestamp(CDNOW_CALIBRATION_END)
    in_window = payments[payments["occurred_at"] <= end]
    # Zero-amount rows are not purchases: 8 CDNOW customers only have those and get no CLV.
    paying = in_window.loc[in_window["amount"] > 0, "account"].unique()
    assert sorted(result.index) == sorted(paying)
    assert len(result) == 2349
    spent = in_window.groupby("account")["amount"].sum()
    np.testing.assert_allclose(result["historical_value"], spent.reindex(result.index))
    np.testing.assert_allclose(
        result["clv"], result["historical_value"] + result["predicted_value"]
    )
    assert result["predicted_value"].gt(0).all()
    assert result["probability_alive"].between(0, 1).all()
    # Fitted in days, the purchase process must agree with the weekly published fit.
    assert result.attrs["bg_nbd"]["r"] == pytest.approx(PUBLISHED_BG_NBD["r"], rel=0.01)
    assert result.attrs["bg_nbd"]["alpha_days"] / 7 == pytest.approx(
        PUBLISHED_BG_NBD["alpha"], rel=0.01
    )


def _subscription_payments(seed: int, *, varied: bool) -> pd.DataFrame:
    """80 accounts paying on a cadence until they stop (30 % do), 2022 to the end of 2025.

    ``varied``: cadences of a month, a quarter or a year and log-normal account sizes;
    otherwise everyone pays about 1000 a month (no heterogeneity at all).
    """
    rng = np.random.default_rng(seed)
    end = pd.Timestamp("2025-12-31", tz="UTC")
    rows = []
    for i in range(80):
        start = pd.Timestamp("2022-01-01", tz="UTC") + pd.Timedelta(days=int(rng.integers(0, 700)))
        cadence = int(rng.choice([30, 91, 365], p=[0.6, 0.3, 0.1])) if varied else 30
        size = float(rng.lognormal(8, 0.8)) if varied else 1000.0
        stops = rng.random() < 0.3
        stop = start + pd.Timedelta(days=int(rng.integers(30, 1400))) if stops else end
        day = start
        while day <= min(stop, end):
            amount = size * cadence / 30 * float(rng.normal(1, 0.05))
            rows.append({"account": f"A{i}", "occurred_at": day, "amount": amount})
            day += pd.Timedelta(days=cadence + int(rng.integers(-5, 6)))
    return pd.DataFrame(rows)


@pytest.mark.parametrize("varied", [True, False])
def test_clv_for_portfolio_forecasts_a_held_out_year_of_subscription_payments(varied):
    payments = _subscription_payments(seed=2, varied=varied)
    cut = pd.Timestamp("2024-12-31", tz="UTC")
    year = 365.25
    result = clv.clv_for_portfolio(
        payments,
        observation_end=cut,
        horizon_months=12,
        period_days=year / 12,
        discount_rate_annual=0.0,
    )
    assert result is not None
    next_year = payments[
        (payments["occurred_at"] > cut) & (payments["occurred_at"] <= cut + pd.Timedelta(days=year))
    ]
    assert result["expected_purchases"].sum() == pytest.approx(len(next_year), rel=0.10)
    assert result["predicted_value"].sum() == pytest.approx(next_year["amount"].sum(), rel=0.25)
    actual = next_year.groupby("account")["amount"].sum().reindex(result.index).fillna(0.0)
    assert np.corrcoef(result["predicted_value"], actual)[0, 1] > 0.8
    # P(alive) at the cut separates the accounts that kept paying from those that had stopped.
    kept_paying = actual > 0
    auc = roc_auc_score(kept_paying, result["probability_alive"])
    print(f"\nvaried={varied}: P(alive) ROC AUC for 'pays next year' {auc:.3f}")
    assert auc > 0.9
    if not varied:
        # Identical payers: every rate the same, so the BG/NBD sits at its Poisson limit.
        assert result.attrs["bg_nbd"]["r"] > 1e5


def test_clv_for_portfolio_is_none_with_too_few_repeat_customers():
    days = pd.date_range("2024-01-01", periods=3, freq="30D", tz="UTC")
    rows = [
        {"account": f"A{i}", "occurred_at": day, "amount": 100.0}
        for i in range(clv.MIN_REPEAT_CUSTOMERS - 1)
        for day in days
    ] + [{"account": f"B{i}", "occurred_at": days[0], "amount": 50.0} for i in range(200)]
    result = clv.clv_for_portfolio(
        pd.DataFrame(rows), observation_end=pd.Timestamp("2024-06-30", tz="UTC")
    )
    assert result is None


def test_clv_for_portfolio_is_none_without_payments():
    empty = pd.DataFrame({"account": [], "occurred_at": [], "amount": []})
    assert clv.clv_for_portfolio(empty, observation_end="2024-01-01") is None
    refunds_only = pd.DataFrame(
        {"account": ["A"], "occurred_at": [pd.Timestamp("2023-12-01")], "amount": [-10.0]}
    )
    assert clv.clv_for_portfolio(refunds_only, observation_end="2024-01-01") is None


def test_clv_for_portfolio_is_none_when_a_fit_fails(monkeypatch):
    real_fit = clv.fit_bg_nbd

    def failed_fit(*args, **kwargs):
        return replace(real_fit(*args, **kwargs), converged=False, message="forced failure")

    monkeypatch.setattr(clv, "fit_bg_nbd", failed_fit)
    assert clv.clv_for_portfolio(_payments_in_days(), observation_end=CDNOW_CALIBRATION_END) is None


def test_fit_quality_guard_rejects_unusable_fits(fits):
    bg, gg = fits
    assert not clv.fit_quality_ok(replace(bg, converged=False))
    assert not clv.fit_quality_ok(replace(bg, log_likelihood=float("nan")))
    # q <= 1: the population mean spend p·γ/(q-1) does not exist.
    assert not clv.fit_quality_ok(replace(gg, q=0.9))
    with pytest.raises(ValueError):
        clv.expected_average_value(replace(gg, q=0.9), [1], [10.0])


def test_at_a_bound_only_the_directions_still_open_count_towards_convergence():
    bound = clv._LOG_BOUND
    log_params = np.array([bound, -bound, bound, 0.5])
    grad = np.array([-3e-4, 2e-4, 5e-4, -1e-7])
    # Pushing past the upper bound (negative gradient: up is downhill) and past the lower
    # one (positive) is blocked; moving back inside from the upper bound, or anywhere in
    # the interior, still counts.
    assert clv.projected_gradient(log_params, grad).tolist() == [0.0, 0.0, 5e-4, -1e-7]
    inside = log_params * (1 - 1e-4)  # every parameter a little inside its bounds
    assert clv.projected_gradient(inside, grad).tolist() == grad.tolist()
