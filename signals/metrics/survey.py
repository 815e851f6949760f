"""Survey metrics (NPS, CSAT) and the portfolio churn rate, per account or per group.

All functions ignore missing scores (NaN/None): an account that answered no survey has no NPS,
not an NPS of zero. Scores outside their scale are a data bug and raise ``ValueError``.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

NPS_MIN, NPS_MAX = 0, 10
PROMOTER_MIN = 9  # 9–10
DETRACTOR_MAX = 6  # 0–6
CSAT_MIN, CSAT_MAX = 1, 5
SATISFIED_MIN = 4  # 4–5

ALL_SEGMENTS = "all"
UNSEGMENTED = "unsegmented"


def _scores(values: pd.Series, low: int, high: int, name: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="raise").astype(float)
    present = numbers.dropna()
    if ((present < low) | (present > high)).any():
        raise ValueError(f"{name} scores must be between {low} and {high}")
    return numbers


def nps(scores: pd.Series) -> float | None:
    """Net Promoter Score: % promoters (9–10) − % detractors (0–6), from −100 to 100.

    None when there is no response.
    """
    answered = _scores(scores, NPS_MIN, NPS_MAX, "NPS").dropna()
    if answered.empty:
        return None
    promoters = int((answered >= PROMOTER_MIN).sum())
    detractors = int((answered <= DETRACTOR_MAX).sum())
    return 100.0 * (promoters - detractors) / len(answered)


def csat(scores: pd.Series) -> tuple[float | None, float | None]:
    """(mean CSAT on the 1–5 scale, % satisfied i.e. answering 4 or 5); (None, None) if empty."""
    answered = _scores(scores, CSAT_MIN, CSAT_MAX, "CSAT").dropna()
    if answered.empty:
        return None, None
    return float(answered.mean()), 100.0 * float((answered >= SATISFIED_MIN).mean())


def nps_by_group(df: pd.DataFrame, group_col: str, score_col: str) -> pd.Series:
    """NPS per group (e.g. per account) in one pass; NaN for a group with no response."""
    score = _scores(df[score_col], NPS_MIN, NPS_MAX, "NPS")
    answered = score.notna()
    parts = pd.DataFrame(
        {
            "group": df[group_col].to_numpy(),
            "answered": answered.to_numpy(dtype=float),
            # Net contribution of each response: +1 promoter, −1 detractor, 0 passive/missing.
            "net": ((score >= PROMOTER_MIN).astype(float) - (score <= DETRACTOR_MAX).astype(float))
            .where(answered, 0.0)
            .to_numpy(),
        }
    )
    sums = parts.groupby("group", sort=True)[["answered", "net"]].sum()
    result = 100.0 * sums["net"] / sums["answered"].where(sums["answered"] > 0)
    result.index.name = group_col
    return result.rename("nps")


def csat_by_group(df: pd.DataFrame, group_col: str, score_col: str) -> pd.DataFrame:
    """Per group: ``csat`` (mean 1–5), ``satisfied_pct`` (% of 4–5) and ``responses``.

    A group with no response has ``responses == 0`` and NaN for both figures.
    """
    score = _scores(df[score_col], CSAT_MIN, CSAT_MAX, "CSAT")
    parts = pd.DataFrame(
        {
            "group": df[group_col].to_numpy(),
            "score": score.to_numpy(),
            "satisfied": (score >= SATISFIED_MIN).astype(float).where(score.notna()).to_numpy(),
        }
    )
    grouped = parts.groupby("group", sort=True)
    result = pd.DataFrame(
        {
            "csat": grouped["score"].mean(),
            "satisfied_pct": 100.0 * grouped["satisfied"].mean(),
            "responses": grouped["score"].count().astype(int),
        }
    )
    result.index.name = group_col
    return result


def _naive_utc(values: pd.Series) -> pd.Series:
    """Datetimes (or ISO 8601 strings) as naive UTC; naive input is taken to be UTC already."""
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_localize(None)


def churn_rate_by_month(
    accounts: pd.DataFrame,
    *,
    segment_col: str = "segment",
    started_col: str = "started_at",
    churned_col: str = "churned_at",
    months: int | None = None,
    until: datetime | date | str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Monthly churn rate per segment: accounts churned in the month ÷ accounts active at its start.

    Months are UTC calendar months; ``month`` is the month's first day (naive UTC Timestamp).
    An account is active at the start of month M when ``started_at <= M`` and it had not churned
    before M (``churned_at`` missing or ``>= M``). Only those accounts count in the numerator, so
    an account that both starts and churns inside one month is in neither figure and the rate
    stays within 0..1. ``rate`` is NaN when no account was active at the start.

    The months run from the first ``started_at`` to the month of ``until`` (default: the latest
    start or churn date); ``months`` keeps only the last N of them. Accounts without
    ``started_at`` cannot be placed and are ignored; a missing segment is reported as
    ``"unsegmented"``. Every month has one row per segment plus an ``"all"`` row.
    """
    columns = ["month", "segment", "active_at_start", "churned", "rate"]
    started = _naive_utc(accounts[started_col])
    churned_at = _naive_utc(accounts[churned_col])
    known = started.notna().to_numpy()
    if not known.any():
        return pd.DataFrame(columns=columns)
    started_ns = started.to_numpy(dtype="datetime64[ns]")[known]
    churned_ns = churned_at.to_numpy(dtype="datetime64[ns]")[known]
    segments = (
        accounts[segment_col]
        .astype(object)
        .where(accounts[segment_col].notna() & (accounts[segment_col].astype(str) != ""))
        .fillna(UNSEGMENTED)
        .astype(str)
        .to_numpy()[known]
    )

    if until is None:
        last = max(started.max(), churned_at.max()) if churned_at.notna().any() else started.max()
    else:
        last = pd.Timestamp(until)
        if last.tzinfo is not None:
            last = last.tz_convert("UTC").tz_localize(None)
    first_month = started.min().to_period("M")
    last_month = pd.Timestamp(last).to_period("M")
    periods = pd.period_range(first_month, last_month, freq="M")
    if months is not None:
        periods = periods[-months:] if months > 0 else periods[:0]
    if len(periods) == 0:
        return pd.DataFrame(columns=columns)
    month_start = periods.to_timestamp(how="start").to_numpy(dtype="datetime64[ns]")
    month_end = (periods + 1).to_timestamp(how="start").to_numpy(dtype="datetime64[ns]")

    # accounts × months matrices; NaT compares False, so "never churned" falls out naturally.
    has_churned = ~np.isnat(churned_ns)
    churned_before = has_churned[:, None] & (churned_ns[:, None] < month_start[None, :])
    active = (started_ns[:, None] <= month_start[None, :]) & ~churned_before
    churned_in = active & has_churned[:, None] & (churned_ns[:, None] < month_end[None, :])

    labels, codes = np.unique(segments, return_inverse=True)
    # One-hot segments (segments × accounts) @ (accounts × months) counts every segment at once.
    membership = np.zeros((len(labels), len(segments)))
    membership[codes, np.arange(len(segments))] = 1.0
    active_counts = np.vstack([membership @ active, active.sum(axis=0)])
    churned_counts = np.vstack([membership @ churned_in, churned_in.sum(axis=0)])
    all_labels = [*labels.tolist(), ALL_SEGMENTS]

    n_seg, n_month = active_counts.shape
    result = pd.DataFrame(
        {
            "month": np.tile(month_start, n_seg),
            "segment": np.repeat(np.asarray(all_labels, dtype=object), n_month),
            "active_at_start": active_counts.ravel().astype(int),
            "churned": churned_counts.ravel().astype(int),
        }
    )
    active_nonzero = result["active_at_start"].where(result["active_at_start"] > 0)
    result["rate"] = result["churned"] / active_nonzero
    return result.sort_values(["month", "segment"], kind="stable").reset_index(drop=True)[columns]
