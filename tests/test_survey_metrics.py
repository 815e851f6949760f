"""NPS, CSAT and monthly churn rate, checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from signals.metrics.survey import (
    churn_rate_by_month,
    csat,
    csat_by_group,
    nps,
    nps_by_group,
)

# --- NPS --------------------------------------------------------------------------------------


def test_nps_counts_promoters_minus_detractors():
    # promoters 10, 9; passives 8, 7; detractors 6, 0 → (2 - 2) / 6 = 0
    assert nps(pd.Series([10, 9, 8, 7, 6, 0])) == 0.0
    # promoters 10, 10, 9; detractor 5 → (3 - 1) / 4 = 50
    assert nps(pd.Series([10, 10, 9, 5])) == 50.0
    assert nps(pd.Series([10, 10])) == 100.0
    assert nps(pd.Series([0, 6])) == -100.0


def test_nps_ignores_unanswered_surveys():
    # (1 promoter - 2 detractors) / 3 answered
    assert nps(pd.Series([10, None, 0, 3])) == pytest.approx(-100 / 3)


def test_nps_is_none_without_responses():
    assert nps(pd.Series([], dtype=float)) is None
    assert nps(pd.Series([np.nan, np.nan])) is None


def test_nps_rejects_scores_off_the_scale():
    with pytest.raises(ValueError):
        nps(pd.Series([11]))


def test_nps_by_group_matches_the_scalar_definition():
    frame = pd.DataFrame(
        {
            "account": ["A"] * 6 + ["B"] * 4 + ["C"],
            "nps": [10, 9, 8, 7, 6, 0, 10, 10, 9, 5, np.nan],
        }
    )
    result = nps_by_group(frame, "account", "nps")
    assert result["A"] == 0.0
    assert result["B"] == 50.0
    assert math.isnan(result["C"])  # surveyed but never answered: no NPS, not zero


def test_nps_by_group_agrees_with_nps_on_many_accounts():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"account": rng.integers(0, 50, 2000), "nps": rng.integers(0, 11, 2000).astype(float)}
    )
    frame.loc[rng.random(2000) < 0.2, "nps"] = np.nan
    grouped = nps_by_group(frame, "account", "nps")
    for account, rows in frame.groupby("account"):
        assert grouped[account] == pytest.approx(nps(rows["nps"]))


# --- CSAT -------------------------------------------------------------------------------------


def test_csat_is_mean_and_share_satisfied():
    assert csat(pd.Series([5, 4, 3, 2, 1])) == (3.0, 40.0)
    assert csat(pd.Series([4, 5, None])) == (4.5, 100.0)


def test_csat_is_none_without_responses():
    assert csat(pd.Series([], dtype=float)) == (None, None)


def test_csat_rejects_scores_off_the_scale():
    with pytest.raises(ValueError):
        csat(pd.Series([0]))


def test_csat_by_group():
    frame = pd.DataFrame(
        {"account": ["A", "A", "A", "B", "B", "C"], "csat": [5, 4, 1, 2, 3, np.nan]}
    )
    result = csat_by_group(frame, "account", "csat")
    assert result.loc["A", "csat"] == pytest.approx(10 / 3)
    assert result.loc["A", "satisfied_pct"] == pytest.approx(200 / 3)
    assert result.loc["B"].tolist() == [2.5, 0.0, 2]
    assert result.loc["C", "responses"] == 0
    assert math.isnan(result.loc["C", "csat"])


# --- churn rate -------------------------------------------------------------------------------


@pytest.fixture
def accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "external_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "segment": ["smb", "smb", "ent", "ent", None, "smb"],
            "started_at": pd.to_datetime(
                [
                    "2024-01-01",
                    "2023-12-10",
                    "2023-12-01",
                    "2024-02-10",
                    "2024-01-15",
                    None,  # no start date: cannot be placed, ignored
                ],
                utc=True,
                format="ISO8601",
            ),
            "churned_at": pd.to_datetime(
                [
                    "2024-02-15",
                    None,
                    "2024-03-01",
                    "2024-02-20",  # started and churned within February: in neither figure
                    "2024-03-31T23:00",
                    "2024-01-05",
                ],
                utc=True,
                format="ISO8601",
            ),
        }
    )


def _row(result: pd.DataFrame, month: str, segment: str) -> tuple[int, int, float]:
    row = result[(result["month"] == pd.Timestamp(month)) & (result["segment"] == segment)]
    assert len(row) == 1
    return int(row["active_at_start"].iloc[0]), int(row["churned"].iloc[0]), row["rate"].iloc[0]


def test_churn_rate_by_month_hand_computed(accounts):
    result = churn_rate_by_month(accounts)
    assert list(result.columns) == ["month", "segment", "active_at_start", "churned", "rate"]
    months = sorted(result["month"].unique())
    assert months == list(pd.to_datetime(["2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01"]))
    assert set(result["segment"]) == {"all", "ent", "smb", "unsegmented"}
    assert len(result) == 4 * 4

    # December: only A3 had started by 1 December.
    assert _row(result, "2023-12-01", "all") == (1, 0, 0.0)
    active, churned, rate = _row(result, "2023-12-01", "smb")
    assert (active, churned) == (0, 0) and math.isnan(rate)
    # January: A1 (started on the 1st), A2, A3.
    assert _row(result, "2024-01-01", "all") == (3, 0, 0.0)
    assert _row(result, "2024-01-01", "smb") == (2, 0, 0.0)
    # February: A1, A2, A3, A5 active; A1 churns. A4 starts and churns inside the month.
    assert _row(result, "2024-02-01", "all") == (4, 1, 0.25)
    assert _row(result, "2024-02-01", "smb") == (2, 1, 0.5)
    assert _row(result, "2024-02-01", "ent") == (1, 0, 0.0)
    # March: A2, A3 (churns on the 1st, so still active at the start), A5; A3 and A5 churn.
    assert _row(result, "2024-03-01", "all") == (3, 2, pytest.approx(2 / 3))
    assert _row(result, "2024-03-01", "ent") == (1, 1, 1.0)
    assert _row(result, "2024-03-01", "unsegmented") == (1, 1, 1.0)
    assert _row(result, "2024-03-01", "smb") == (1, 0, 0.0)


def test_churn_rate_by_month_keeps_the_last_n_months(accounts):
    result = churn_rate_by_month(accounts, months=2)
    assert sorted(result["month"].unique()) == list(pd.to_datetime(["2024-02-01", "2024-03-01"]))


def test_churn_rate_by_month_runs_until_the_given_date(accounts):
    result = churn_rate_by_month(accounts, until="2024-05-15")
    assert result["month"].max() == pd.Timestamp("2024-05-01")
    # April: only A2 is left.
    assert _row(result, "2024-04-01", "all") == (1, 0, 0.0)


def test_churn_rate_by_month_with_naive_dates_matches_utc(accounts):
    naive = accounts.assign(
        started_at=accounts["started_at"].dt.tz_localize(None),
        churned_at=accounts["churned_at"].dt.tz_localize(None),
    )
    pd.testing.assert_frame_equal(churn_rate_by_month(naive), churn_rate_by_month(accounts))


def test_churn_rate_by_month_without_accounts():
    empty = pd.DataFrame({"segment": [], "started_at": [], "churned_at": []})
    assert churn_rate_by_month(empty).empty
