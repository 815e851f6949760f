"""Timing, percentiles and peak memory for the benchmarks."""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def reset_peak_rss(pid: int | str = "self") -> None:
    """Reset the kernel's high-water mark of a process's RSS (Linux: writing 5 to
    clear_refs), so the next reading is the peak of one phase, not of the process."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mb(pid: int | str = "self") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux), e.g. a Celery worker's pool processes."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float | None
    result: object = None


def timed(fn: Callable[[], object]) -> Timed:
    reset_peak_rss()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    return Timed(round(elapsed, 4), peak_rss_mb(), result)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"p50": float("nan"), "p95": float("nan"), "n": 0}
    q = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return {"p50": round(q[49], 4), "p95": round(q[94], 4), "n": len(ordered)}


def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 2) if baseline > 0 else float("inf")
