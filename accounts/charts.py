"""Plotly figures built in Python. Pages embed ``figure_json(fig)`` in a ``json_script``
block and ``static/js/app.js`` renders it with the locally served plotly.js: no chart
code runs inline and nothing is fetched from a CDN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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


def figure_json(fig: go.Figure) -> dict:
    """The figure as plain JSON data (for ``json_script``)."""
    import json

    return json.loads(fig.to_json())


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


def two_sided_map(points: Sequence[MapPoint]) -> go.Figure:
    """Customer-side friction (x) against vendor-side friction (y): "is it them or is it us?".

    One dot per account, area proportional to annual value, coloured by band. The
    quadrant split sits at 50 on both axes, where a side's friction becomes serious.
    """
    fig = go.Figure()
    largest = max((p.annual_value for p in points), default=0.0) or 1.0
    for band, colour in BAND_COLOURS.items():
        mine = [p for p in points if p.band == band]
        if not mine:
            continue
        fig.add_trace(
            go.Scatter(
                x=[p.customer_side for p in mine],
                y=[p.vendor_side for p in mine],
                mode="markers",
                name=BAND_LABELS[band],
                text=[p.name for p in mine],
                customdata=[[p.url, p.health, p.annual_value] for p in mine],
                hovertemplate=(
                    "<b>%{text}</b><br>customer side %{x:.0f} · vendor side %{y:.0f}"
                    "<br>health %{customdata[1]:.0f} · %{customdata[2]:,.0f}/yr<extra></extra>"
                ),
                marker={
                    "color": colour,
                    "size": [max(7.0, 34.0 * (p.annual_value / largest) ** 0.5) for p in mine],
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
    return fig


def health_distribution(values: Iterable[tuple[float, str]]) -> go.Figure:
    """Histogram of health in 10-point bins, stacked by band."""
    rows = list(values)
    fig = go.Figure()
    for band, colour in BAND_COLOURS.items():
        xs = [h for h, b in rows if b == band]
        if xs:
            fig.add_trace(
                go.Histogram(
                    x=xs,
                    name=BAND_LABELS[band],
                    marker_color=colour,
                    xbins={"start": 0, "end": 100, "size": 10},
                    hovertemplate="health %{x}<br>%{y} accounts<extra></extra>",
                )
            )
    _layout(fig, height=240, barmode="stack", showlegend=False, bargap=0.08)
    fig.update_xaxes(range=[0, 100], title="health")
    fig.update_yaxes(title="accounts")
    return fig


def portfolio_trend(weeks: Sequence[tuple[dt.date, float, int]]) -> go.Figure:
    """Mean health per week: ``[(week start, mean health, scores recorded)]``."""
    fig = go.Figure(
        go.Scatter(
            x=[w.isoformat() for w, _, _ in weeks],
            y=[round(h, 1) for _, h, _ in weeks],
            customdata=[n for _, _, n in weeks],
            mode="lines+markers",
            line={"color": ACCENT, "width": 2},
            marker={"size": 5},
            hovertemplate="week of %{x|%d %b %Y}<br>mean health %{y:.1f}"
            "<br>%{customdata} scores<extra></extra>",
        )
    )
    _layout(fig, height=240, showlegend=False)
    fig.update_yaxes(range=[0, 100], title="mean health")
    return fig


def health_gauge(health: float, band: str, previous: float | None) -> go.Figure:
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
    return fig


def health_history(history: Sequence[Mapping]) -> go.Figure:
    """Health and both sides over time; ``history`` rows have computed_at, health,
    customer_side and vendor_side."""
    xs = [row["computed_at"].isoformat() for row in history]
    fig = go.Figure()
    for key, name, colour, dash in (
        ("health", "health", ACCENT, "solid"),
        ("customer_side", "customer side (them)", "#e06a1b", "dot"),
        ("vendor_side", "vendor side (us)", VENDOR, "dot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[row[key] for row in history],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 2 if key == "health" else 1.5, "dash": dash},
                marker={"size": 4},
                hovertemplate=f"{name} %{{y:.1f}}<extra></extra>",
            )
        )
    _layout(fig, height=240, legend={"orientation": "h", "y": -0.25}, hovermode="x unified")
    fig.update_yaxes(range=[0, 100])
    return fig


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
