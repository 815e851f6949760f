"""Customer lifetime value: BG/NBD for purchase counts, Gamma-Gamma for spend per purchase.

References
----------
- Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the
  Pareto/NBD Model", Marketing Science 24(2). (BG/NBD likelihood, P(alive), E[Y(t) | x, t_x, T].)
- Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value". (Spend likelihood and the
  conditional expected average spend.)

Conventions (the same as the ``lifetimes`` package, so results can be compared with it):

- ``frequency`` (x) is the number of *repeat* purchase periods: a customer who paid on three
  distinct days has frequency 2. ``recency`` (t_x) is the age of the customer at their last
  purchase and ``T`` their age at the end of observation, both measured from the first purchase
  in the model's time unit (days unless stated otherwise).
- ``monetary_value`` is the mean amount of the repeat purchases (the first purchase is excluded
  because it is often atypical); 0 when there are none.

Both models are fitted by maximum likelihood with analytic gradients on log-parameters, so the
optimiser works on an unconstrained, well-scaled problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp1f1, hyp2f1

#: Fewer customers with a repeat purchase than this and the Gamma-Gamma (and the BG/NBD
#: dropout process) are not identified well enough to publish a CLV: callers return None.
MIN_REPEAT_CUSTOMERS = 20

#: Bounds on the log of every (rescaled) parameter. A parameter that runs towards them means
#: the likelihood has its maximum at a limit of the model (see ``_optimise``).
_LOG_BOUND = float(np.log(1e6))
#: A (rescaled) parameter beyond e^(±0.8·log 1e6) ≈ 6e4 is running off to a limit of the model.
_DIVERGING = 0.8
#: Largest gradient of the mean log-likelihood (per log-parameter) accepted as an optimum.
_GRADIENT_TOL = 1e-4
#: How close to a bound a log-parameter counts as on it.
_AT_BOUND = 1e-8

#: Days per year used to turn an annual discount rate into a per-step one.
DAYS_PER_YEAR = 365.25

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD parameters; ``alpha`` is in the time unit of the data it was fitted on.

    ``r``/``alpha`` are the shape/scale of the gamma mixing distribution of purchase rates,
    ``a``/``b`` the beta mixing distribution of the per-purchase dropout probability.
    ``log_likelihood`` is the total (weighted) log-likelihood on the original units.
    ``converged`` is False when the optimiser did not reach a stationary point; ``message``
    also names parameters running off to a limit of the model (e.g. no dropout at all).
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int = 0
    converged: bool = True
    message: str = ""


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters; ``gamma`` is in the currency unit of the amounts.

    The mean spend per purchase across the population is ``p * gamma / (q - 1)``, which only
    exists for ``q > 1``.
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int = 0
    converged: bool = True
    message: str = ""


# --------------------------------------------------------------------------------------------
# Summary from transactions
# --------------------------------------------------------------------------------------------


def _to_naive_utc(values: pd.Series) -> pd.Series:
    """Datetimes (or ISO 8601 strings) as naive UTC; naive input is taken to be UTC already."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_localize(None)


def _timestamp_naive_utc(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def rfm_summary(
    payments: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str,
    observation_end: datetime | date | str | pd.Timestamp,
    freq_days: float = 1.0,
) -> pd.DataFrame:
    """Per-customer ``frequency, recency, T, monetary_value`` from a payments table.

    Matches ``lifetimes.utils.summary_data_from_transaction_data(..., freq="D",
    freq_multiplier=freq_days)``: payments are bucketed by UTC calendar day (several payments on
    one day are summed into one purchase), payments after ``observation_end`` are ignored, and
    ``recency`` and ``T`` are expressed in units of ``freq_days`` days (7 gives weeks).
    The result is indexed by customer (sorted) and holds float columns only.
    """
    if freq_days <= 0:
        raise ValueError("freq_days must be positive")
    end = _timestamp_naive_utc(observation_end).normalize()
    frame = pd.DataFrame(
        {
            "customer": payments[customer_col].to_numpy(),
            "day": _to_naive_utc(payments[date_col]).dt.normalize().to_numpy(),
            "amount": pd.to_numeric(payments[amount_col]).to_numpy(dtype=float),
        }
    )
    frame = frame[frame["day"] <= end]

    daily = frame.groupby(["customer", "day"], sort=True)["amount"].sum().reset_index()
    # groupby(sort=True) orders each customer's days ascending, so "first" is the first purchase.
    per_customer = daily.groupby("customer", sort=True).agg(
        first_day=("day", "min"),
        last_day=("day", "max"),
        n_days=("day", "size"),
        total=("amount", "sum"),
        first_amount=("amount", "first"),
    )
    unit = pd.Timedelta(days=1) * freq_days
    frequency = (per_customer["n_days"] - 1).astype(float)
    repeat_total = per_customer["total"] - per_customer["first_amount"]
    summary = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (per_customer["last_day"] - per_customer["first_day"]) / unit,
            "T": (end - per_customer["first_day"]) / unit,
            "monetary_value": (repeat_total / frequency.where(frequency > 0)).fillna(0.0),
        }
    )
    summary.index.name = customer_col
    return summary.astype(float)


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _rft(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    age = np.asarray(T, dtype=float)
    x, t_x, age = np.broadcast_arrays(x, t_x, age)
    if not (np.isfinite(x).all() and np.isfinite(t_x).all() and np.isfinite(age).all()):
        raise ValueError("frequency, recency and T must be finite")
    if (x < 0).any() or (t_x < 0).any():
        raise ValueError("frequency and recency must be non-negative")
    # A small tolerance because published summaries are rounded to two decimals.
    if (t_x > age + 1e-9 * np.maximum(age, 1.0)).any():
        raise ValueError("recency cannot exceed T")
    return x, t_x, age


# --------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------


def _bg_nbd_terms(
    r: float, alpha: float, a: float, b: float, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per-customer log-likelihood pieces.

    L = B(a, b+x)/B(a, b) · Γ(r+x)α^r/Γ(r) · [ (α+T)^-(r+x) + 1{x>0} a/(b+x-1) (α+t_x)^-(r+x) ].
    Returns (shared part, log first bracket term, log second bracket term, mask x > 0).
    α^r is folded into the brackets as -r·log1p(T/α) so that large ages do not cancel
    catastrophically against r·log α.
    """
    repeat = x > 0
    shared = (
        gammaln(r + x)
        - gammaln(r)
        + gammaln(a + b)
        + gammaln(b + x)
        - gammaln(b)
        - gammaln(a + b + x)
    )
    log_first = -r * np.log1p(T / alpha) - x * np.log(alpha + T)
    # b + x - 1 >= b > 0 whenever x >= 1; the placeholder only avoids log(<=0) for x == 0.
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)
    log_second = np.where(
        repeat,
        np.log(a) - np.log(b_x_1) - r * np.log1p(t_x / alpha) - x * np.log(alpha + t_x),
        -np.inf,
    )
    return shared, log_first, log_second, repeat


def _bg_nbd_nll_and_grad(
    log_params: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray, w: FloatArray
) -> tuple[float, FloatArray]:
    """Mean negative log-likelihood and its gradient with respect to the log-parameters."""
    r, alpha, a, b = np.exp(log_params)
    shared, log_first, log_second, repeat = _bg_nbd_terms(r, alpha, a, b, x, t_x, T)
    log_bracket = np.logaddexp(log_first, log_second)
    ll = shared + log_bracket
    # Posterior weight of the "dropped out right after the last purchase" branch.
    w_second = np.exp(log_second - log_bracket)
    w_first = 1.0 - w_second
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)

    d_r = (
        digamma(r + x)
        - digamma(r)
        - w_first * np.log1p(T / alpha)
        - w_second * np.log1p(t_x / alpha)
    )
    # d/dα of [-r·log1p(T/α) - x·log(α+T)] = (rT - xα) / (α(α+T)).
    d_alpha = w_first * (r * T - x * alpha) / (alpha * (alpha + T)) + w_second * (
        r * t_x - x * alpha
    ) / (alpha * (alpha + t_x))
    d_a = digamma(a + b) - digamma(a + b + x) + w_second / a
    d_b = (
        digamma(a + b)
        + digamma(b + x)
        - digamma(b)
        - digamma(a + b + x)
        - np.where(repeat, w_second / b_x_1, 0.0)
    )
    total_w = w.sum()
    grad = np.array(
        [
            r * (w @ d_r),
            alpha * (w @ d_alpha),
            a * (w @ d_a),
            b * (w @ d_b),
        ]
    )
    return -float(w @ ll) / total_w, -grad / total_w


def bg_nbd_log_likelihood(
    params: BgNbdParams | tuple[float, float, float, float],
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> FloatArray:
    """Per-customer BG/NBD log-likelihood (useful for diagnostics and tests)."""
    r, alpha, a, b = _bg_tuple(params)
    x, t_x, age = _rft(frequency, recency, T)
    shared, log_first, log_second, _ = _bg_nbd_terms(r, alpha, a, b, x, t_x, age)
    return shared + np.logaddexp(log_first, log_second)


def _bg_tuple(
    params: BgNbdParams | tuple[float, float, float, float],
) -> tuple[float, float, float, float]:
    if isinstance(params, BgNbdParams):
        return params.r, params.alpha, params.a, params.b
    r, alpha, a, b = params
    return float(r), float(alpha), float(a), float(b)


def projected_gradient(log_params: FloatArray, grad: FloatArray) -> FloatArray:
    """The gradient with the components that push a parameter past its bound set to zero:
    at a bound, a minimum only needs the gradient to vanish along the directions still
    open. (A Gamma-Gamma fit of customers who all spend alike ends with q at its upper
    bound and the gradient still asking for more; depending on the machine's floating
    point, L-BFGS-B reported that as converged or as an abnormal line search.)"""
    log_params, grad = np.asarray(log_params, float), np.asarray(grad, float)
    at_upper = log_params >= _LOG_BOUND - _AT_BOUND
    at_lower = log_params <= -_LOG_BOUND + _AT_BOUND
    blocked = (at_upper & (grad < 0)) | (at_lower & (grad > 0))
    return np.where(blocked, 0.0, grad)


def _optimise(
    fun: Any, names: tuple[str, ...], args: tuple[Any, ...]
) -> tuple[FloatArray, bool, str]:
    """Minimise a mean negative log-likelihood over log-parameters.

    Converged means the optimiser's own tolerances were met or the gradient vanishes (no
    parameter can move the mean log-likelihood by more than 1e-6 per customer per 1 % change).
    That includes fits ending on a flat ridge or at the bounds, where the maximum lies at a
    limit of the model: r, alpha -> inf with r/alpha fixed (every customer buys at the same
    rate), a -> 0 (nobody drops out), Gamma-Gamma p -> inf (each customer always spends their
    own mean), q, gamma -> inf (all customers spend alike). Those limits are proper models and
    their predictions are kept; the message names the diverging parameters.
    """
    result = minimize(
        fun,
        x0=np.zeros(len(names)),
        args=args,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * len(names),
        # The objective is a per-customer mean, so these tolerances are scale-free.
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    log_params = np.asarray(result.x, dtype=float)
    value, grad = fun(log_params, *args)
    # Either L-BFGS-B's own criteria (ftol 1e-13: the objective stopped changing at machine
    # precision, which is how a flat ridge towards a limit ends) or a vanishing gradient along
    # every direction the bounds leave open: it may stop with "abnormal termination in line
    # search" at the optimum when tolerances are tight.
    finite = bool(np.isfinite(value) and np.all(np.isfinite(grad)))
    stationary = float(np.max(np.abs(projected_gradient(log_params, grad)))) < _GRADIENT_TOL
    converged = finite and (bool(result.success) or stationary)
    diverging = [
        f"{name} -> {'inf' if log_value > 0 else '0'}"
        for name, log_value in zip(names, log_params, strict=True)
        if abs(log_value) > _DIVERGING * _LOG_BOUND
    ]
    if not converged:
        message = f"optimiser did not reach a stationary point: {result.message}"
    elif diverging:
        message = f"converged to a limit of the model: {', '.join(diverging)}"
    else:
        message = "converged"
    return log_params, converged, message


def fit_bg_nbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,
) -> BgNbdParams:
    """Maximum-likelihood BG/NBD fit. ``weights`` counts identical customers (optional).

    Time is rescaled internally so the oldest customer has age 10 (the parameters are then
    all of order one, which keeps L-BFGS-B well conditioned); ``alpha`` is scaled back, so
    it is reported in the unit of ``recency``/``T``.
    """
    x, t_x, age = _rft(frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.broadcast_to(np.asarray(weights, float), x.shape)
    if x.size == 0 or (w < 0).any() or w.sum() <= 0:
        raise ValueError("no customers to fit (or negative weights)")
    scale = float(age.max()) / 10.0 if age.max() > 0 else 1.0
    log_params, converged, message = _optimise(
        _bg_nbd_nll_and_grad, ("r", "alpha", "a", "b"), (x, t_x / scale, age / scale, w)
    )
    r, alpha_scaled, a, b = np.exp(log_params)
    alpha = alpha_scaled * scale
    ll = float(w @ bg_nbd_log_likelihood((r, alpha, a, b), x, t_x, age))
    return BgNbdParams(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=ll,
        n_customers=int(x.size),
        converged=converged and bool(np.isfinite(ll)),
        message=message,
    )


def _log_odds_dead(
    r: float, alpha: float, a: float, b: float, x: FloatArray, t_x: FloatArray, T: FloatArray
) -> FloatArray:
    """log[ a/(b+x-1) · ((α+T)/(α+t_x))^(r+x) ] for x > 0 (undefined, returned as -inf, for 0)."""
    repeat = x > 0
    b_x_1 = np.where(repeat, b + x - 1.0, 1.0)
    log_odds = np.log(a) - np.log(b_x_1) + (r + x) * np.log1p((T - t_x) / (alpha + t_x))
    return np.where(repeat, log_odds, -np.inf)


def probability_alive(
    params: BgNbdParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """P(customer still active at T | x, t_x, T). Always 1 for customers with no repeat purchase
    (under BG/NBD a customer can only drop out right after a purchase)."""
    r, alpha, a, b = _bg_tuple(params)
    x, t_x, age = _rft(frequency, recency, T)
    return expit(-_log_odds_dead(r, alpha, a, b, x, t_x, age))


def _log_hyp2f1(a: FloatArray, b: FloatArray, c: FloatArray, z: FloatArray) -> FloatArray:
    direct = hyp2f1(a, b, c, z)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_direct = np.log(direct)
        # Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z): the series
        # converges where the direct one overflows (z near 1 with large a, b).
        log_euler = np.log(hyp2f1(c - a, c - b, c, z)) + (c - a - b) * np.log1p(-z)
    return np.where(np.isfinite(log_direct), log_direct, log_euler)


def expected_purchases(
    params: BgNbdParams,
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> FloatArray:
    """E[number of purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10), t in the model's unit."""
    r, alpha, a, b = _bg_tuple(params)
    x, t_x, age = _rft(frequency, recency, T)
    horizon = np.asarray(t, dtype=float)
    if (horizon < 0).any():
        raise ValueError("t must be non-negative")
    if abs(a - 1.0) < 1e-7:
        # The closed form has a removable 0/0 singularity at a = 1; average both sides.
        lo = expected_purchases(BgNbdParams(r, alpha, 1.0 - 1e-6, b, np.nan), t, x, t_x, age)
        hi = expected_purchases(BgNbdParams(r, alpha, 1.0 + 1e-6, b, np.nan), t, x, t_x, age)
        return 0.5 * (lo + hi)
    z = horizon / (alpha + age + horizon)
    log_hyp = _log_hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    # 1 - ((α+T)/(α+T+t))^(r+x) · 2F1(...), via expm1 to keep precision for small t.
    bracket = -np.expm1(log_hyp - (r + x) * np.log1p(horizon / (alpha + age)))
    # For very large r (≳ 2e4: purchase rates barely vary between customers) scipy's 2F1 fails.
    # By Pfaff's transformation the bracket is 1 - 2F1(r+x, a-1; a+b+x-1; -t/(α+T)), whose
    # limit for r -> inf at fixed w = (r+x)·t/(α+T) is 1 - 1F1(a-1; a+b+x-1; -w) (Kummer);
    # the error is O(1/r), below 1e-5 relative where it is used.
    confluent = 1.0 - hyp1f1(a - 1.0, a + b + x - 1.0, -(r + x) * horizon / (alpha + age))
    bracket = np.where(np.isfinite(bracket), bracket, confluent)
    expected_if_alive = (a + b + x - 1.0) / (a - 1.0) * bracket
    return expected_if_alive * expit(-_log_odds_dead(r, alpha, a, b, x, t_x, age))


# --------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------


def _gamma_gamma_ll(p: float, q: float, gamma: float, x: FloatArray, m: FloatArray) -> FloatArray:
    """log f(m̄ | x; p, q, γ), the density of the mean of x spends (Fader & Hardie 2013, eq. 4).

    Rewritten with log1p: (px-1)log m + px log x + q log γ - (px+q) log(γ+mx)
    = -log m - px·log1p(γ/(mx)) - q·log1p(mx/γ).
    """
    px = p * x
    mx = m * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        - np.log(m)
        - px * np.log1p(gamma / mx)
        - q * np.log1p(mx / gamma)
    )


def _gamma_gamma_nll_and_grad(
    log_params: FloatArray, x: FloatArray, m: FloatArray
) -> tuple[float, FloatArray]:
    p, q, gamma = np.exp(log_params)
    px = p * x
    mx = m * x
    ll = _gamma_gamma_ll(p, q, gamma, x, m)
    shared = digamma(px + q)
    d_p = x * (shared - digamma(px) - np.log1p(gamma / mx))
    d_q = shared - digamma(q) - np.log1p(mx / gamma)
    d_gamma = q / gamma - (px + q) / (gamma + mx)
    n = x.size
    grad = np.array([p * d_p.sum(), q * d_q.sum(), gamma * d_gamma.sum()])
    return -float(ll.sum()) / n, -grad / n


def fit_gamma_gamma(frequency: ArrayLike, monetary_value: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma fit on the customers with frequency > 0.

    Customers without repeat purchases (or with a non-positive mean spend) carry no
    information about spend per repeat purchase and are dropped. Amounts are rescaled
    internally by their mean; ``gamma`` is reported in the original currency unit.
    """
    x_all = np.asarray(frequency, dtype=float)
    m_all = np.asarray(monetary_value, dtype=float)
    keep = (x_all > 0) & (m_all > 0) & np.isfinite(m_all)
    x, m = x_all[keep], m_all[keep]
    if x.size == 0:
        raise ValueError("no customers with repeat purchases to fit")
    scale = float(m.mean())
    log_params, converged, message = _optimise(
        _gamma_gamma_nll_and_grad, ("p", "q", "gamma"), (x, m / scale)
    )
    p, q, gamma_scaled = np.exp(log_params)
    gamma = gamma_scaled * scale
    ll = float(_gamma_gamma_ll(p, q, gamma, x, m).sum())
    return GammaGammaParams(
        p=float(p),
        q=float(q),
        gamma=float(gamma),
        log_likelihood=ll,
        n_customers=int(x.size),
        converged=converged and bool(np.isfinite(ll)),
        message=message,
    )


def expected_average_value(
    gg: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """E[spend per purchase | x, m̄]: a credibility-weighted mix of the customer's own mean and
    the population mean p·γ/(q-1). Customers with x = 0 get the population mean."""
    if gg.q <= 1:
        raise ValueError("Gamma-Gamma mean spend is undefined for q <= 1")
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    own_weight = gg.p * x / (gg.p * x + gg.q - 1.0)
    population_mean = gg.p * gg.gamma / (gg.q - 1.0)
    return (1.0 - own_weight) * population_mean + own_weight * m


# --------------------------------------------------------------------------------------------
# CLV
# --------------------------------------------------------------------------------------------


def customer_lifetime_value(
    bg: BgNbdParams,
    gg: GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    horizon_periods: int,
    period_days: float,
    discount_rate_annual: float,
    time_unit_days: float = 1.0,
) -> FloatArray:
    """Discounted expected future value over ``horizon_periods`` steps of ``period_days`` days.

    For each step k, (expected purchases by the end of step k minus by the end of step k-1)
    × expected spend per purchase, discounted by (1 + d)^k with the per-step rate
    d = (1 + discount_rate_annual)^(period_days / 365.25) - 1 (end-of-step cash flows).
    ``time_unit_days`` is the unit the BG/NBD was fitted in (1 = days, 7 = weeks). This is
    ``lifetimes.GammaGammaFitter.customer_lifetime_value`` with its monthly rate replaced by an
    annual one. Result in the currency unit of ``monetary_value``.
    """
    if horizon_periods < 0 or period_days <= 0 or time_unit_days <= 0:
        raise ValueError("horizon_periods >= 0, period_days > 0 and time_unit_days > 0 required")
    value_per_purchase = expected_average_value(gg, frequency, monetary_value)
    step = period_days / time_unit_days
    step_discount = (1.0 + discount_rate_annual) ** (period_days / DAYS_PER_YEAR) - 1.0
    total = np.zeros_like(value_per_purchase)
    previous = np.zeros_like(value_per_purchase)
    for k in range(1, horizon_periods + 1):
        cumulative = expected_purchases(bg, k * step, frequency, recency, T)
        total += value_per_purchase * (cumulative - previous) / (1.0 + step_discount) ** k
        previous = cumulative
    return total


def fit_quality_ok(params: BgNbdParams | GammaGammaParams) -> bool:
    """True when a fit can be used for predictions.

    Refused: the optimiser did not reach a stationary point, a non-finite or non-positive
    value, or (Gamma-Gamma) q <= 1, where the population mean spend does not exist. Fits at a
    limit of the model (see ``_optimise``) are accepted; callers must still refuse non-finite
    predictions, as ``clv_for_portfolio`` does.
    """
    if isinstance(params, BgNbdParams):
        values = [params.r, params.alpha, params.a, params.b, params.log_likelihood]
        extra_ok = True
    else:
        values = [params.p, params.q, params.gamma, params.log_likelihood]
        extra_ok = params.q > 1.0
    finite = all(np.isfinite(v) for v in values) and all(v > 0 for v in values[:-1])
    return bool(params.converged and finite and extra_ok)


def clv_for_portfolio(
    payments_df: pd.DataFrame,
    *,
    observation_end: datetime | date | str | pd.Timestamp,
    horizon_months: int = 12,
    discount_rate_annual: float = 0.10,
    period_days: float = 30,
    customer_col: str = "account",
    date_col: str = "occurred_at",
    amount_col: str = "amount",
) -> pd.DataFrame | None:
    """Per-customer CLV from a payments table, or None when the data cannot support a fit.

    Units: money in the currency of ``amount_col``; the models run in days (payments bucketed
    per UTC day); the forecast covers ``horizon_months`` steps of ``period_days`` days,
    discounted at ``discount_rate_annual`` (0.10 = 10 % a year).

    Only positive amounts count as purchases for the models (a refund is not a purchase);
    ``historical_value`` is the net sum of all amounts up to ``observation_end``.

    Returns a frame indexed by customer with ``frequency, recency, T, monetary_value``
    (recency and T in days), ``probability_alive``, ``expected_purchases`` (over the horizon),
    ``historical_value``, ``predicted_value`` and ``clv = historical_value + predicted_value``.
    The fitted parameters are in ``frame.attrs["bg_nbd"]`` and ``frame.attrs["gamma_gamma"]``.

    None (never an invented number) when there are fewer than ``MIN_REPEAT_CUSTOMERS``
    customers with a repeat purchase, or either fit is unusable (see ``fit_quality_ok``).
    """
    if payments_df.empty:
        return None
    # A clean positional index, so the masks below cannot mis-align on duplicate labels.
    payments_df = payments_df.reset_index(drop=True)
    end = _timestamp_naive_utc(observation_end)
    stamps = _to_naive_utc(payments_df[date_col])
    amounts = pd.to_numeric(payments_df[amount_col])
    in_window = (stamps.dt.normalize() <= end.normalize()) & amounts.notna()
    historical = amounts[in_window].groupby(payments_df.loc[in_window, customer_col]).sum()

    purchases = payments_df.loc[in_window & (amounts > 0), [customer_col, date_col, amount_col]]
    if purchases.empty:
        return None
    summary = rfm_summary(
        purchases,
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        observation_end=end,
    )
    if int((summary["frequency"] > 0).sum()) < MIN_REPEAT_CUSTOMERS:
        return None

    x = summary["frequency"].to_numpy()
    t_x = summary["recency"].to_numpy()
    age = summary["T"].to_numpy()
    m = summary["monetary_value"].to_numpy()
    bg = fit_bg_nbd(x, t_x, age)
    gg = fit_gamma_gamma(x, m)
    if not (fit_quality_ok(bg) and fit_quality_ok(gg)):
        return None

    predicted = customer_lifetime_value(
        bg,
        gg,
        x,
        t_x,
        age,
        m,
        horizon_periods=horizon_months,
        period_days=period_days,
        discount_rate_annual=discount_rate_annual,
        time_unit_days=1.0,
    )
    if not np.isfinite(predicted).all():
        return None

    result = summary.copy()
    result["probability_alive"] = probability_alive(bg, x, t_x, age)
    result["expected_purchases"] = expected_purchases(bg, horizon_months * period_days, x, t_x, age)
    result["historical_value"] = historical.reindex(result.index).fillna(0.0).astype(float)
    result["predicted_value"] = predicted
    result["clv"] = result["historical_value"] + result["predicted_value"]
    result.attrs["bg_nbd"] = {
        "r": bg.r,
        "alpha_days": bg.alpha,
        "a": bg.a,
        "b": bg.b,
        "log_likelihood": bg.log_likelihood,
        "message": bg.message,
    }
    result.attrs["gamma_gamma"] = {
        "p": gg.p,
        "q": gg.q,
        "gamma": gg.gamma,
        "log_likelihood": gg.log_likelihood,
        "message": gg.message,
    }
    return result
