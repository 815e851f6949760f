"""Charts filled into cached shells are the figures plotly itself would build."""

from __future__ import annotations

import pytest

from accounts import charts


@pytest.mark.parametrize(
    ("health", "band", "previous"),
    [
        (55.54, "watch", 60.1),
        (12.0, "critical", None),
        (99.96, "healthy", 0.0),
        (41.25, "at_risk", 41.25),
        (70.0, "unknown-band", None),
    ],
)
def test_the_gauge_is_the_figure_plotly_builds(health, band, previous):
    filled = charts.health_gauge(health, band, previous)
    assert filled == charts._health_gauge(round(health, 1), band, previous)


def test_gauges_do_not_share_their_data():
    first = charts.health_gauge(50.0, "watch", 40.0)
    first["data"][0]["gauge"]["bar"]["color"] = "#000"
    first["layout"]["height"] = 1
    second = charts.health_gauge(50.0, "watch", 40.0)
    assert second["data"][0]["gauge"]["bar"]["color"] != "#000"
    assert second["layout"]["height"] != 1
