"""Plotly figures built in Python. Pages embed ``figure_json(fig)`` in a ``json_script``
block and ``static/js/app.js`` renders it with the locally served plotly.js: no chart
code runs inline and nothing is fetched from a CDN.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import plotly.graph_objects as go

BAND_COLOURS: dict[str, str] = {
    "healthy": "#1a9e5c",
    "watch": "#d4a106",
    "at_risk": "#e06a1b",
    "critical": "#c8283c",
}
BAND_LABELS: dict[str, str] = {
    "healthy": "Healthy",
    "watch": "Watch",
    "at_risk": "At risk",
    "critical": "Critical",
}
INK = "#1d2330"
MUTED = "#667085"
GRID = "#e4e7ec"
ACCENT = "#2952cc"
VENDOR = "#7a4cc2"
FONT = {
    "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    "size": 12,
    "color": INK,
}


def figure_json(fig: go.Figure | dict) -> dict:
    """The figure as plain JSON data (for ``json_script``); a figure built as plain data
    already (the per-account charts below) passes through."""
    if isinstance(fig, dict):
        return fig
    return json.loads(fig.to_json())


def _filled(shell: dict, traces: list[dict]) -> dict:
    """A figure from a cached shell (rendered once by plotly, arrays empty) and its
    traces' arrays. Plotly validates every element of every array it is given: at
    10,000 accounts that was most of a portfolio request, for JSON it passes through
    unchanged."""
    return {"data": traces, "layout": copy.deepcopy(shell["layout"])}


def _trace(shell_trace: dict, **arrays: list) -> dict:
    trace = copy.deepcopy(shell_trace)
    for path, values in arrays.items():
        target = trace
        *parents, leaf = path.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = values
    return trace


def _layout(fig: go.Figure, *, height: int, **extra) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 48, "r": 16, "t": 16, "b": 40},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font=FONT,
        hoverlabel={"font": FONT, "bgcolor": "#fff", "bordercolor": GRID},
        **extra,
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID)
    return fig


@dataclass(frozen=True)
class MapPoint:
    name: str
    url: str
    customer_side: float
    vendor_side: float
    annual_value: float
    band: str
    health: float


def two_sided_map(points: Sequence[MapPoint]) -> dict:
    """Customer-side friction (x) against vendor-side friction (y): "is it them or is it us?".

    One dot per account, area proportional to annual value, coloured by band. The
    quadrant split sits at 50 on both axes, where a side's friction becomes serious.
    Returned as the figure's JSON data (see ``_filled``).
    """
    shell = _two_sided_map_shell()
    largest = max((p.annual_value for p in points), default=0.0) or 1.0
    traces = []
    for band in BAND_COLOURS:
        mine = [p for p in points if p.band == band]
        if not mine:
            continue
        traces.append(
            _trace(
                shell["data"][list(BAND_COLOURS).index(band)],
                x=[p.customer_side for p in mine],
                y=[p.vendor_side for p in mine],
                text=[p.name for p in mine],
                customdata=[[p.url, p.health, p.annual_value] for p in mine],
                marker__size=[max(7.0, 34.0 * (p.annual_value / largest) ** 0.5) for p in mine],
            )
        )
    return _filled(shell, traces)


@cache
def _two_sided_map_shell() -> dict:
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="markers",
                name=BAND_LABELS[band],
                text=[],
                customdata=[],
                hovertemplate=(
                    "<b>%{text}</b><br>customer side %{x:.0f} · vendor side %{y:.0f}"
                    "<br>health %{customdata[1]:.0f} · %{customdata[2]:,.0f}/yr<extra></extra>"
                ),
                marker={
                    "color": colour,
                    "size": [],
                    "opacity": 0.78,
                    "line": {"color": "#ffffff", "width": 1},
                },
            )
        )
    for x, y, label in (
        (25, 75, "us"),
        (75, 75, "both"),
        (75, 25, "them"),
        (25, 25, "healthy"),
    ):
        fig.add_annotation(
            x=x,
            y=y,
            text=label,
            showarrow=False,
            font={"size": 22, "color": "rgba(102,112,133,0.35)"},
        )
    fig.add_shape(type="line", x0=50, x1=50, y0=0, y1=100, line={"color": GRID, "dash": "dot"})
    fig.add_shape(type="line", x0=0, x1=100, y0=50, y1=50, line={"color": GRID, "dash": "dot"})
    _layout(
        fig,
        height=470,
        legend={"orientation": "h", "y": -0.14},
        xaxis_title="customer-side friction (them)",
        yaxis_title="vendor-side friction (us)",
    )
    fig.update_xaxes(range=[-3, 103], zeroline=False)
    fig.update_yaxes(range=[-3, 103], zeroline=False)
    return figure_json(fig)


def health_distribution(values: Iterable[tuple[float, str]]) -> dict:
    """Histogram of health in 10-point bins, stacked by band (as JSON data)."""
    rows = list(values)
    shell = _health_distribution_shell()
    traces = []
    for index, band in enumerate(BAND_COLOURS):
        xs = [h for h, b in rows if b == band]
        if xs:
            traces.append(_trace(shell["data"][index], x=xs))
    return _filled(shell, traces)


@cache
def _health_distribution_shell() -> dict:
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        fig.add_trace(
            go.Histogram(
                x=[],
                name=BAND_LABELS[band],
                marker_color=colour,
                xbins={"start": 0, "end": 100, "size": 10},
                hovertemplate="health %{x}<br>%{y} accounts<extra></extra>",
            )
        )
    _layout(fig, height=240, barmode="stack", showlegend=False, bargap=0.08)
    fig.update_xaxes(range=[0, 100], title="health")
    fig.update_yaxes(title="accounts")
    return figure_json(fig)


def portfolio_trend(weeks: Sequence[tuple[dt.date, float, int]]) -> dict:
    """Mean health per week: ``[(week start, mean health, scores recorded)]`` (as JSON
    data)."""
    shell = _portfolio_trend_shell()
    trace = _trace(
        shell["data"][0],
        x=[w.isoformat() for w, _, _ in weeks],
        y=[round(h, 1) for _, h, _ in weeks],
        customdata=[n for _, _, n in weeks],
    )
    return _filled(shell, [trace])


@cache
def _portfolio_trend_shell() -> dict:
    fig = go.Figure(
        go.Scatter(
            x=[],
            y=[],
            customdata=[],
            mode="lines+markers",
            line={"color": ACCENT, "width": 2},
            marker={"size": 5},
            hovertemplate="week of %{x|%d %b %Y}<br>mean health %{y:.1f}"
            "<br>%{customdata} scores<extra></extra>",
        )
    )
    _layout(fig, height=240, showlegend=False)
    fig.update_yaxes(range=[0, 100], title="mean health")
    return figure_json(fig)


def health_gauge(health: float, band: str, previous: float | None) -> dict:
    """The gauge's JSON data, filled into a shell plotly draws once per band and mode
    (with or without the change against a previous score): a plotly figure built and
    validated for each account's score cost ~10 ms a page."""
    shell = _health_gauge_shell(band, previous is not None)
    trace = copy.deepcopy(shell["data"][0])
    trace["value"] = round(health, 1)
    if previous is not None:
        trace["delta"]["reference"] = previous
    return {"data": [trace], "layout": copy.deepcopy(shell["layout"])}


@cache
def _health_gauge_shell(band: str, with_previous: bool) -> dict:
    return _health_gauge(0.0, band, 0.0 if with_previous else None)


def _health_gauge(health: float, band: str, previous: float | None) -> dict:
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number+delta" if previous is not None else "gauge+number",
            value=round(health, 1),
            delta={"reference": previous, "valueformat": ".1f"} if previous is not None else None,
            number={"valueformat": ".0f", "font": {"size": 40, "color": INK}},
            gauge={
                "axis": {"range": [0, 100], "tickwidth": 1, "tickcolor": GRID},
                "bar": {"color": BAND_COLOURS.get(band, ACCENT), "thickness": 0.35},
                "bgcolor": "#fff",
                "borderwidth": 0,
                "steps": [
                    {"range": [0, 30], "color": "#fbe9eb"},
                    {"range": [30, 50], "color": "#fdf0e7"},
                    {"range": [50, 70], "color": "#fcf6e1"},
                    {"range": [70, 100], "color": "#e8f6ef"},
                ],
            },
        )
    )
    _layout(fig, height=190)
    fig.update_layout(margin={"l": 24, "r": 24, "t": 24, "b": 8})
    return figure_json(fig)


HISTORY_LINES = (
    ("health", "health", ACCENT, "solid"),
    ("customer_side", "customer side (them)", "#e06a1b", "dot"),
    ("vendor_side", "vendor side (us)", VENDOR, "dot"),
)


def health_history(history: Sequence[Mapping]) -> dict:
    """Health and both sides over time; ``history`` rows have computed_at, health,
    customer_side and vendor_side (as JSON data)."""
    shell = _health_history_shell()
    xs = [row["computed_at"].isoformat() for row in history]
    traces = [
        _trace(shell["data"][index], x=list(xs), y=[row[key] for row in history])
        for index, (key, _, _, _) in enumerate(HISTORY_LINES)
    ]
    return _filled(shell, traces)


@cache
def _health_history_shell() -> dict:
    fig = go.Figure()
    for key, name, colour, dash in HISTORY_LINES:
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 2 if key == "health" else 1.5, "dash": dash},
                marker={"size": 4},
                hovertemplate=f"{name} %{{y:.1f}}<extra></extra>",
            )
        )
    _layout(fig, height=240, legend={"orientation": "h", "y": -0.25}, hovermode="x unified")
    fig.update_yaxes(range=[0, 100])
    return figure_json(fig)


def root_causes(counts: Sequence[tuple[str, int]]) -> go.Figure:
    """Horizontal bars: how often each root cause was recorded on resolved alerts."""
    ordered = sorted(counts, key=lambda c: c[1])
    fig = go.Figure(
        go.Bar(
            x=[n for _, n in ordered],
            y=[label for label, _ in ordered],
            orientation="h",
            marker_color=ACCENT,
            hovertemplate="%{y}: %{x} alerts<extra></extra>",
        )
    )
    _layout(fig, height=max(220, 44 * len(ordered) + 60), showlegend=False)
    fig.update_layout(margin={"l": 260, "r": 16, "t": 16, "b": 40})
    fig.update_xaxes(
        title="resolved alerts", dtick=1 if max((n for _, n in counts), default=0) < 10 else None
    )
    return fig
