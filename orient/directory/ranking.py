"""Rank services of a kind: open first, then unknown hours, closed last; nearest first in each.

A grid of cells (one per kind) holds the located services. A query scans the
cells ring by ring around the patient and computes exact (haversine) distances
only for the services of scanned cells. It stops as soon as the answer cannot
change: enough services of the best classes are closer than any unscanned
cell can be. Services without a location come after the located ones of their
class. Whether each distinct `opening_hours` string is open is computed once
per query, so knowing how many services of each class exist costs little.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Callable, Iterable, Optional

from orient.directory.geo import EARTH_RADIUS_KM
from orient.directory.model import HoursStatus, Placed, Service

OPEN, UNKNOWN, CLOSED = 0, 1, 2
CELL_DEG = 0.1  # about 11 km north-south, 8 km east-west in the Gers
SMALL_KIND = 64  # below this, scanning every service of the kind is faster than the grid


def status_class(status: HoursStatus) -> int:
    return OPEN if status.open is True else CLOSED if status.open is False else UNKNOWN


class KindIndex:
    """The services of one kind, in file order, with a grid of the located ones."""

    def __init__(self, services: Iterable[Service]):
        self.services: list[Service] = list(services)
        self.lats: list[float] = []
        self.lons: list[float] = []
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.unlocated: list[int] = []
        max_abs_lat = 0.0
        for i, s in enumerate(self.services):
            if s.located:
                self.cells.setdefault(_cell(s.lat, s.lon), []).append(i)
                max_abs_lat = max(max_abs_lat, abs(s.lat))
            else:
                self.unlocated.append(i)
            self.lats.append(s.lat if s.located else 0.0)
            self.lons.append(s.lon if s.located else 0.0)
        self.max_abs_lat = max_abs_lat
        if self.cells:
            self.i_range = (min(c[0] for c in self.cells), max(c[0] for c in self.cells))
            self.j_range = (min(c[1] for c in self.cells), max(c[1] for c in self.cells))
        self._counts: dict[frozenset[str], Counter] = {}

    def hours_counts(self, capabilities: frozenset[str]) -> Counter:
        """(opening_hours, located) -> how many services have them, among those with the capabilities."""
        counts = self._counts.get(capabilities)
        if counts is None:
            counts = Counter(
                (s.opening_hours, s.located) for s in self.services if capabilities <= s.capabilities
            )
            self._counts[capabilities] = counts
        return counts


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))


def _haversine(lat1: float, lon1: float, cos1: float, lat2: float, lon2: float) -> float:
    p2 = math.radians(lat2)
    h = math.sin((p2 - lat1) / 2) ** 2 + cos1 * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _covered_km(rings: int, max_abs_lat: float) -> float:
    """Every point outside the scanned square of `rings` rings is at least this far."""
    if rings <= 0:
        return 0.0
    span = math.radians(rings * CELL_DEG)
    by_lat = EARTH_RADIUS_KM * span
    cos_max = math.cos(math.radians(min(89.9, max_abs_lat)))
    by_lon = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, cos_max * math.sin(span / 2)))
    return min(by_lat, by_lon)


def select(index: KindIndex, status_of: Callable[[Optional[str]], HoursStatus], *,
           near: Optional[tuple[float, float]], capabilities: frozenset[str], limit: int,
           max_km: Optional[float]) -> list[Placed]:
    if limit <= 0 or not index.services:
        return []
    services = index.services
    statuses: dict[Optional[str], HoursStatus] = {}

    def status(hours: Optional[str]) -> HoursStatus:
        st = statuses.get(hours)
        if st is None:
            st = statuses[hours] = status_of(hours)
        return st

    if near is None:
        return _select_unplaced(index, status, capabilities, limit)

    unlocated: list[list[int]] = [[], [], []]
    for i in index.unlocated:
        s = services[i]
        if capabilities <= s.capabilities:
            unlocated[status_class(status(s.opening_hours))].append(i)
    # How many located services of each class exist, whatever their distance.
    totals = [0, 0, 0]
    for (hours, located), n in index.hours_counts(capabilities).items():
        if located:
            totals[status_class(status(hours))] += n

    qlat, qlon = near
    plat = math.radians(qlat)
    cos_q = math.cos(plat)
    found: list[list[tuple[float, int]]] = [[], [], []]  # per class: (distance, file order)
    seen = [0, 0, 0]  # located services of each class met, even beyond max_km

    def visit(i: int) -> None:
        s = services[i]
        if not capabilities <= s.capabilities:
            return
        c = status_class(status(s.opening_hours))
        seen[c] += 1
        d = _haversine(plat, qlon, cos_q, s.lat, s.lon)
        if max_km is None or d <= max_km:
            found[c].append((d, i))

    extra = [len(u) for u in unlocated]
    if not index.cells:
        ranked = _decide(found, seen, totals, extra, math.inf, limit, complete=True)
    elif len(services) <= SMALL_KIND:
        for members in index.cells.values():
            for i in members:
                visit(i)
        ranked = _decide(found, seen, totals, extra, math.inf, limit, complete=True)
    else:
        ci, cj = _cell(qlat, qlon)
        max_abs_lat = max(index.max_abs_lat, abs(qlat))
        remaining = len(index.cells)
        ring = 0
        while True:
            remaining -= _scan_ring(index, ci, cj, ring, visit)
            covered = _covered_km(ring, max_abs_lat)
            complete = remaining <= 0 or (max_km is not None and covered >= max_km)
            ranked = _decide(found, seen, totals, extra, covered, limit, complete)
            if ranked is not None:
                break
            ring += 1
    return _assemble(services, ranked, unlocated, status, limit)


def _scan_ring(index: KindIndex, ci: int, cj: int, ring: int, visit: Callable[[int], None]) -> int:
    """Visit the services of the cells at Chebyshev distance `ring`; returns the non-empty cells met."""
    cells = index.cells
    if ring == 0:
        members = cells.get((ci, cj))
        for i in members or ():
            visit(i)
        return 1 if members else 0
    met = 0
    i_lo, i_hi = index.i_range
    j_lo, j_hi = index.j_range
    for i in (ci - ring, ci + ring):
        if i_lo <= i <= i_hi:
            for j in range(max(cj - ring, j_lo), min(cj + ring, j_hi) + 1):
                members = cells.get((i, j))
                if members:
                    met += 1
                    for k in members:
                        visit(k)
    for j in (cj - ring, cj + ring):
        if j_lo <= j <= j_hi:
            for i in range(max(ci - ring + 1, i_lo), min(ci + ring - 1, i_hi) + 1):
                members = cells.get((i, j))
                if members:
                    met += 1
                    for k in members:
                        visit(k)
    return met


def _decide(found, seen, totals, extra, covered: float, limit: int, complete: bool):
    """Per class, (located services in order, whether the class is exhausted), once the order is certain.

    None means a nearer service may still hide in an unscanned cell: scan further.
    `extra[c]` unlocated services of class c come right after its located ones.
    """
    taken = []
    count = 0
    for c in (OPEN, UNKNOWN, CLOSED):
        candidates = sorted(found[c])
        if complete or seen[c] >= totals[c]:
            items = candidates[: limit - count]
            count += len(items)
            exhausted = len(items) == len(candidates)
            taken.append((items, exhausted))
            count += extra[c] if exhausted else 0
            if count >= limit:
                return taken
            continue
        sure = [x for x in candidates if x[0] <= covered]
        if count + len(sure) >= limit:
            taken.append((sure[: limit - count], False))
            return taken
        return None
    return taken


def _assemble(services: list[Service], ranked, unlocated: list[list[int]], status, limit: int) -> list[Placed]:
    out: list[Placed] = []
    for c, (items, exhausted) in enumerate(ranked):
        for d, i in items:
            s = services[i]
            out.append(Placed(s, round(d, 1), status(s.opening_hours)))
        if exhausted:
            for i in unlocated[c]:
                s = services[i]
                out.append(Placed(s, None, status(s.opening_hours)))
        if len(out) >= limit or not exhausted:
            break
    return out[:limit]


def _select_unplaced(index: KindIndex, status, capabilities: frozenset[str], limit: int) -> list[Placed]:
    """No patient location: best class first, file order within a class."""
    buckets: list[list[int]] = [[], [], []]
    for i, s in enumerate(index.services):
        if not capabilities <= s.capabilities:
            continue
        c = status_class(status(s.opening_hours))
        if len(buckets[c]) < limit:
            buckets[c].append(i)
            if c == OPEN and len(buckets[OPEN]) >= limit:
                break
    out = []
    for c in (OPEN, UNKNOWN, CLOSED):
        for i in buckets[c]:
            s = index.services[i]
            out.append(Placed(s, None, status(s.opening_hours)))
    return out[:limit]


def naive_select(services: Iterable[Service], status_of: Callable[[Optional[str]], HoursStatus], *,
                 kind: str, near: Optional[tuple[float, float]], capabilities: frozenset[str], limit: int,
                 max_km: Optional[float], distance: Callable[[float, float, float, float], float]) -> list[Placed]:
    """The reference: every service, exact distances, one sort. For tests and benchmarks."""
    rows = []
    for order, s in enumerate(x for x in services if x.kind == kind):
        if not capabilities <= s.capabilities:
            continue
        st = status_of(s.opening_hours)
        d = distance(near[0], near[1], s.lat, s.lon) if near is not None and s.located else None
        if d is not None and max_km is not None and d > max_km:
            continue
        rows.append((status_class(st), d is None, d if d is not None else 0.0, order, s, st))
    rows.sort(key=lambda r: r[:4])
    return [Placed(s, round(d, 1) if not none else None, st) for _, none, d, _, s, st in rows[:limit]]
