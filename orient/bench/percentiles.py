"""Percentiles of timings: linear interpolation between the sorted values (statistics.quantiles,
"inclusive" method — the same as numpy's default)."""

from __future__ import annotations

import statistics
from typing import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-quantile (p in hundredths: 0.5, 0.95) of the values; 0.0 when there are none."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    hundredths = round(p * 100)
    if not 1 <= hundredths <= 99 or abs(p * 100 - hundredths) > 1e-9:
        raise ValueError(f"percentile: p must be a whole hundredth between 0.01 and 0.99; got {p}")
    return statistics.quantiles(values, n=100, method="inclusive")[hundredths - 1]
