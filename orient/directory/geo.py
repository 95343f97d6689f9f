"""Small geography: great-circle distance, the bounds of France, a coarse point grid."""

from __future__ import annotations

import math
from typing import Iterable, Optional

# Same mean radius as geopy's great_circle, so both agree to the metre.
EARTH_RADIUS_KM = 6371.009

# Metropolitan France (with Corsica) and the five overseas départements:
# (name, lat_min, lat_max, lon_min, lon_max), with a small margin for the coast.
FRANCE_BOUNDS: tuple[tuple[str, float, float, float, float], ...] = (
    ("France métropolitaine", 41.25, 51.2, -5.3, 9.7),
    ("Guadeloupe", 15.8, 16.55, -61.85, -60.95),
    ("Martinique", 14.35, 14.9, -61.25, -60.8),
    ("Guyane", 2.1, 5.85, -54.65, -51.6),
    ("La Réunion", -21.42, -20.85, 55.2, 55.85),
    ("Mayotte", -13.05, -12.6, 44.95, 45.35),
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def in_france(lat: float, lon: float) -> bool:
    return any(a <= lat <= b and c <= lon <= d for _, a, b, c, d in FRANCE_BOUNDS)


def valid_lat_lon(lat: object, lon: object) -> Optional[str]:
    """Why (lat, lon) is not a usable coordinate, or None."""
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"location.{name} must be a number, not {value!r}"
        if not math.isfinite(value) or abs(value) > bound:
            return f"location.{name} {value} is out of range (±{bound:g})"
    return None


class PointGrid:
    """Points in cells of `step` degrees, for "which point is nearest" without a full scan."""

    def __init__(self, points: Iterable[tuple[float, float, object]], step: float = 0.2):
        self.step = step
        self.cells: dict[tuple[int, int], list[tuple[float, float, object]]] = {}
        for lat, lon, item in points:
            self.cells.setdefault(self.cell(lat, lon), []).append((lat, lon, item))

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.step), math.floor(lon / self.step))

    def nearest(self, lat: float, lon: float, max_rings: int = 10) -> Optional[tuple[float, object]]:
        """(distance_km, item) of the nearest point within `max_rings` cells, else None."""
        ci, cj = self.cell(lat, lon)
        best: Optional[tuple[float, object]] = None
        for ring in range(max_rings + 1):
            for i in range(ci - ring, ci + ring + 1):
                for j in range(cj - ring, cj + ring + 1):
                    if max(abs(i - ci), abs(j - cj)) != ring:
                        continue
                    for plat, plon, item in self.cells.get((i, j), ()):
                        d = haversine_km(lat, lon, plat, plon)
                        if best is None or d < best[0]:
                            best = (d, item)
            # One more ring after the first hit: a nearer point may sit in the next ring.
            if best is not None and ring >= 1 and best[0] <= ring * self.step * 111.0 * 0.5:
                break
        return best
