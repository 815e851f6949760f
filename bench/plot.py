"""``python -m bench.plot RESULT [RESULT ...] [--out OUT.html]``: the recompute's cost
against portfolio size (seconds of the real recompute in one process, on a worker pool
where the run measured it, and of its floor, per run), as a plotly HTML page.

Each ``RESULT`` is the output of ``python -m bench recompute`` (its last JSON line is
read); the runs of every file are plotted together, smallest portfolio first.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "bench" / "recompute_scaling.html"


def last_json(path: Path) -> dict:
    lines = [line for line in path.read_text().splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"{path}: no JSON line (run `python -m bench recompute --growth`)")
    return json.loads(lines[-1])


def scaling_figure(runs: list[dict]):
    import plotly.graph_objects as go

    accounts = [r["accounts"] for r in runs]
    labels = [f"{r['accounts']:,} accounts / {r['interactions']:,} interactions" for r in runs]
    first = runs[0]
    linear = [first["seconds"] * a / first["accounts"] for a in accounts]
    figure = go.Figure()
    figure.add_scatter(
        x=accounts,
        y=[r["seconds"] for r in runs],
        mode="lines+markers",
        name="full recompute (features → detectors → health → snapshots → thresholds)",
        text=[f"{label}<br>ratio {r['ratio']}×" for label, r in zip(labels, runs, strict=True)],
    )
    pooled = [r for r in runs if "seconds" in r.get("workers", {})]
    if pooled:
        figure.add_scatter(
            x=[r["accounts"] for r in pooled],
            y=[r["workers"]["seconds"] for r in pooled],
            mode="lines+markers",
            name=f"the same on a worker pool ({pooled[0]['workers']['processes']} processes)",
            text=[f"ratio {r['workers']['ratio']}×" for r in pooled],
        )
    figure.add_scatter(
        x=accounts,
        y=[r["floor_seconds"] for r in runs],
        mode="lines+markers",
        name="floor (one aggregate query + bulk write of the score rows)",
        text=labels,
    )
    figure.add_scatter(
        x=accounts,
        y=linear,
        mode="lines",
        line={"dash": "dot"},
        name="linear growth from the smallest run",
    )
    figure.update_layout(
        title="crm-health: recompute cost against portfolio size (PostgreSQL, same machine)",
        xaxis_title="accounts (100 interactions each)",
        yaxis_title="seconds",
        legend={"orientation": "h", "y": -0.2},
    )
    return figure


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = DEFAULT_OUT
    if "--out" in args:
        at = args.index("--out")
        out = Path(args[at + 1])
        args = args[:at] + args[at + 2 :]
    if not args:
        raise SystemExit(__doc__)
    runs = [run for path in args for run in last_json(Path(path))["recompute"]["runs"]]
    runs.sort(key=lambda r: r["accounts"])
    out.parent.mkdir(parents=True, exist_ok=True)
    # No CDN: the page loads the plotly.js the app already vendors, by a relative path,
    # so it draws offline from a checkout and the repository carries no second copy.
    vendored = Path(__file__).resolve().parent.parent / "static/vendor/plotly/plotly.min.js"
    script = os.path.relpath(vendored, out.resolve().parent)
    scaling_figure(runs).write_html(out, include_plotlyjs=script)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
