"""One detector per catalogue key (see ``base`` for the contract and the registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import REGISTRY, DetectorResult, Evidence, all_detectors, detector

__all__ = ["REGISTRY", "DetectorResult", "Evidence", "all_detectors", "detector", "run_detectors"]


if TYPE_CHECKING:
    from signals.features import AccountFeatures


def run_detectors(features: AccountFeatures) -> dict[str, DetectorResult]:
    """Every detector on one account's features, by key."""
    return {key: func(features) for key, func in all_detectors().items()}
