"""The home area of a counter: the home département's communes on a coarse grid.

How far a place is from them, and which départements are neighbours (a commune
within NEIGHBOUR_KM of one of theirs): the commune search puts these first
(orient.directory.gazetteer).
"""

from __future__ import annotations

import math

from typing import Iterable

from orient.directory.geo import haversine_km

NEIGHBOUR_KM = 15.0  # a département with a commune this close to one of the home département's is a neighbour
GRID_DEG = 0.25  # grid cell (about 28 × 20 km in France): wider than the neighbour distance


class HomeArea:
    """The communes of the home département as points on a coarse grid: how far
    a place is from the nearest of them, and which départements are neighbours."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        self.points = points
        self._cells: dict[tuple[int, int], list[tuple[float, float]]] | None = None  # built by `within`
        self.lat = sum(p[0] for p in points) / len(points)
        self.lon = sum(p[1] for p in points) / len(points)
        self.radius_km = max(haversine_km(self.lat, self.lon, a, b) for a, b in points)
        self.neighbours: dict[str, bool] = {}

    def within(self, lat: float, lon: float, km: float) -> bool:
        """A home commune lies within `km` (at most one grid cell) of the point."""
        if haversine_km(self.lat, self.lon, lat, lon) > self.radius_km + km:
            return False
        if self._cells is None:
            self._cells = {}
            for p, q in self.points:
                self._cells.setdefault(cell(p, q), []).append((p, q))
        a, b = cell(lat, lon)
        return any(
            haversine_km(lat, lon, p, q) <= km
            for da in (-1, 0, 1) for db in (-1, 0, 1) for p, q in self._cells.get((a + da, b + db), ())
        )

    def is_neighbour(self, dept: str, points: Iterable[tuple[float, float]]) -> bool:
        """True when one of `points`, the communes of `dept`, lies within NEIGHBOUR_KM of a home
        commune; remembered for the département."""
        near = self.neighbours.get(dept)
        if near is None:
            near = self.neighbours[dept] = any(self.within(lat, lon, NEIGHBOUR_KM) for lat, lon in points)
        return near

    def distance_km(self, lat: float, lon: float) -> float:
        """About how far the point is from the home area: from its centre, less its radius."""
        return max(0.0, haversine_km(self.lat, self.lon, lat, lon) - self.radius_km)


def cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / GRID_DEG), math.floor(lon / GRID_DEG)
