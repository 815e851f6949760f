"""What every detector returns, the registry they join, and the shared scoring curves.

A detector is a small pure function of one account's features (see
``signals.features.AccountFeatures``) that recognises one catalogue key and returns a
:class:`DetectorResult`. Detectors never touch the database, so the same function
scores one account or a portfolio.

The scoring curves are smooth and saturating on purpose: a behaviour seen twice is
more likely than once, but the tenth occurrence adds little to the ninth. The
threshold of interest everywhere is 50 ("predicted"), so each detector picks the
half-saturation point ``half`` at the amount of evidence a careful account manager
would call "clearly there".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from signals.catalogue import CATALOGUE

if TYPE_CHECKING:
    from signals.features import AccountFeatures

#: Evidence lists stay short: the document is for reading, not for auditing every row.
MAX_EVIDENCE_IDS = 10


@dataclass(frozen=True)
class Evidence:
    fact: str
    interactions: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"fact": self.fact, "interactions": list(self.interactions)}


@dataclass(frozen=True)
class DetectorResult:
    key: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "score": self.score,
            "evidence": [e.as_dict() for e in self.evidence],
        }


Detector = Callable[["AccountFeatures"], DetectorResult]
REGISTRY: dict[str, Detector] = {}


def detector(key: str) -> Callable[[Detector], Detector]:
    """Register ``func`` as the detector of catalogue key ``key`` (one per key)."""
    if key not in CATALOGUE:
        raise KeyError(f"{key!r} is not a catalogue key")

    def register(func: Detector) -> Detector:
        if key in REGISTRY:
            raise ValueError(f"a detector for {key!r} is already registered")
        REGISTRY[key] = func
        return func

    return register


def all_detectors() -> dict[str, Detector]:
    """Every registered detector by key (importing the modules registers them)."""
    from signals.detectors import archetypes, traits, vendor, warning_signs  # noqa: F401

    return REGISTRY


# --- curves ---------------------------------------------------------------------------


def hill(x: float, half: float, steepness: float = 2.0) -> float:
    """0–100: ``100 · xⁿ / (xⁿ + halfⁿ)``. 50 at ``x = half``; steeper with larger n.

    With n = 2, half the evidence scores 20 and twice the evidence 80, which separates
    "seen once in passing" from "a pattern" without a hard cut-off.
    """
    if not x or x <= 0 or math.isnan(x):
        return 0.0
    xn = x**steepness
    return 100.0 * xn / (xn + half**steepness)


def any_of(*scores: float) -> float:
    """Combine independent indications like probabilities: 1 − Π(1 − sᵢ/100)."""
    remaining = 1.0
    for s in scores:
        remaining *= 1.0 - max(0.0, min(100.0, s)) / 100.0
    return 100.0 * (1.0 - remaining)


def both(a: float, b: float) -> float:
    """Geometric mean: high only when both indications (e.g. a count and a rate) are."""
    return math.sqrt(max(a, 0.0) * max(b, 0.0))


def result(key: str, score: float, evidence: Iterable[Evidence | None] = ()) -> DetectorResult:
    kept = [e for e in evidence if e is not None]
    return DetectorResult(key, round(max(0.0, min(100.0, score)), 1), kept)


def plural(n: float, word: str, many: str | None = None) -> str:
    count = int(n)
    return f"{count} {word if count == 1 else (many or word + 's')}"
