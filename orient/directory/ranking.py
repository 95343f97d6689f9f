"""Rank services of a kind: open first, then unknown hours, closed last; nearest first in each.

Whether a service is open depends only on its `opening_hours` string, so a
query evaluates each distinct string once and knows how many services of each
class (open, unknown, closed) there are. Then, class by class until the limit
is reached:

- a sparse class (few services) is scanned whole: exact distances, one sort;
- a dense class is searched best-first in a two-level grid (one per kind):
  blocks of 1° and cells of 0.1°, visited by their exact lower-bound distance
  to the patient (a heap), computing exact (haversine) distances only for the
  services of visited cells, and stopping as soon as enough services are closer
  than the next block or cell can be. Near or far, it reads few cells.

Services without a location come after the located ones of their class.
The reference full scan the tests and `orient bench` compare with is
`orient.bench.measure.naive_select`.
"""

from __future__ import annotations

import heapq
import math
from typing import Callable, Iterable, Optional

from orient.directory.geo import EARTH_RADIUS_KM
from orient.directory.model import HoursStatus, Placed, Service

OPEN, UNKNOWN, CLOSED = 0, 1, 2
CLASSES = (OPEN, UNKNOWN, CLOSED)
CELL_DEG = 0.1  # about 11 km north-south, 8 km east-west in the Gers
BLOCK = 10  # cells per block side: blocks of 1°
_PAD = 1e-9  # degrees added around boxes, against floating-point edges
SMALL_KIND = 64  # a kind this small is always scanned whole
SPARSE_MIN = 256  # a class this small is always scanned whole


def status_class(status: HoursStatus) -> int:
    return OPEN if status.open is True else CLOSED if status.open is False else UNKNOWN


class Groups:
    """The services of a kind having some capabilities, by opening-hours string."""

    def __init__(self, located: dict[Optional[str], list[int]], unlocated: dict[Optional[str], list[int]]):
        self.located = located
        self.unlocated = unlocated


class KindIndex:
    """The services of one kind, in file order, with a grid of the located ones."""

    def __init__(self, services: Iterable[Service]):
        self.services: list[Service] = list(services)
        self.cells: dict[tuple[int, int], list[int]] = {}
        for i, s in enumerate(self.services):
            if s.located:
                self.cells.setdefault(_cell(s.lat, s.lon), []).append(i)
        self.located_count = sum(len(m) for m in self.cells.values())
        self.blocks: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for key in self.cells:
            self.blocks.setdefault((key[0] // BLOCK, key[1] // BLOCK), []).append(key)
        self._groups: dict[frozenset[str], Groups] = {}

    def groups(self, capabilities: frozenset[str]) -> Groups:
        """Built once per set of capabilities asked for (the rules ask for few)."""
        groups = self._groups.get(capabilities)
        if groups is None:
            located: dict[Optional[str], list[int]] = {}
            unlocated: dict[Optional[str], list[int]] = {}
            for i, s in enumerate(self.services):
                if capabilities <= s.capabilities:
                    (located if s.located else unlocated).setdefault(s.opening_hours, []).append(i)
            groups = self._groups[capabilities] = Groups(located, unlocated)
        return groups


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))


def _box_min_km(plat: float, qlon: float, sin_q: float, cos_q: float,
                lat_lo: float, lat_hi: float, lon_lo: float, lon_hi: float) -> float:
    """The exact great-circle distance from the patient to the nearest point of a lat/lon box.

    Inside the box's longitudes, the nearest point is due north or south. Outside,
    for any latitude the nearest longitude is the nearer edge, and along that
    meridian the nearest point is the foot of the perpendicular, clamped.
    """
    lat_lo -= _PAD
    lat_hi += _PAD
    lon_lo -= _PAD
    lon_hi += _PAD
    if abs(lon_lo - qlon) > 180 or abs(lon_hi - qlon) > 180:  # across ±180°: the box as seen from the patient
        shift = 360.0 if lon_lo < qlon else -360.0
        if abs(lon_lo + shift - qlon) + abs(lon_hi + shift - qlon) < abs(lon_lo - qlon) + abs(lon_hi - qlon):
            lon_lo, lon_hi = lon_lo + shift, lon_hi + shift
    if lon_lo <= qlon <= lon_hi:
        qlat = math.degrees(plat)
        if qlat < lat_lo:
            return EARTH_RADIUS_KM * math.radians(lat_lo - qlat)
        if qlat > lat_hi:
            return EARTH_RADIUS_KM * math.radians(qlat - lat_hi)
        return 0.0
    edge = lon_lo if abs(lon_lo - qlon) <= abs(lon_hi - qlon) else lon_hi
    dl = math.radians(edge - qlon)
    sin_dl2 = math.sin(dl / 2) ** 2
    lo, hi = math.radians(lat_lo), math.radians(lat_hi)
    # Along the meridian the distance grows both ways from the foot (which may lie beyond a
    # pole when the longitudes differ by more than 90°): the nearest point is the foot when
    # it is on the edge, else one of the edge's ends.
    candidates = [lo, hi]
    foot = math.atan2(sin_q, cos_q * math.cos(dl))
    if lo < foot < hi:
        candidates.append(foot)
    best = min(math.sin((phi - plat) / 2) ** 2 + cos_q * math.cos(phi) * sin_dl2 for phi in candidates)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(best)))


class _Statuses(dict):
    """Full statuses (with their French label), computed only for the services placed."""

    def __init__(self, status_of: Callable[[Optional[str]], HoursStatus]):
        super().__init__()
        self.status_of = status_of

    def __missing__(self, hours: Optional[str]) -> HoursStatus:
        status = self[hours] = self.status_of(hours)
        return status


def select(index: KindIndex, status_of: Callable[[Optional[str]], HoursStatus], *,
           near: Optional[tuple[float, float]], capabilities: frozenset[str], limit: int,
           max_km: Optional[float], open_of: Optional[Callable[[Optional[str]], Optional[bool]]] = None,
           ) -> list[Placed]:
    """`open_of(hours)` must equal `status_of(hours).open`, only cheaper: every distinct
    string is classified with it, and `status_of` runs only for the services returned."""
    if limit <= 0 or not index.services:
        return []
    services = index.services
    groups = index.groups(capabilities)
    statuses = _Statuses(status_of)
    classes: dict[Optional[str], int] = {}
    for hours in set(groups.located) | set(groups.unlocated):
        is_open = open_of(hours) if open_of is not None else statuses[hours].open
        classes[hours] = OPEN if is_open is True else CLOSED if is_open is False else UNKNOWN

    if near is None:
        return _select_unplaced(index, groups, statuses, classes, limit)

    qlat, qlon = near
    plat = math.radians(qlat)
    cos_q = math.cos(plat)

    def distance(s: Service) -> float:
        p2 = math.radians(s.lat)
        h = math.sin((p2 - plat) / 2) ** 2 + cos_q * math.cos(p2) * math.sin(math.radians(s.lon - qlon) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))

    out: list[Placed] = []
    for c in CLASSES:
        need = limit - len(out)
        if need <= 0:
            break
        members = [hours for hours, k in classes.items() if k == c]
        total = sum(len(groups.located.get(h, ())) for h in members)
        exhausted = True
        if total:
            sparse = total <= SPARSE_MIN or total * total <= 4 * need * index.located_count
            if index.located_count <= SMALL_KIND or sparse:
                found = [(distance(services[i]), i) for h in members for i in groups.located.get(h, ())]
                if max_km is not None:
                    found = [x for x in found if x[0] <= max_km]
                found.sort()
                exhausted = len(found) <= need
                found = found[:need]
            else:
                found, exhausted = _best_first(index, c, classes, capabilities, distance, near, need, max_km)
            out.extend(Placed(services[i], round(d, 1), statuses[services[i].opening_hours]) for d, i in found)
        if not exhausted:
            break
        # After the located services of the class, those without a location, in file order.
        unlocated = sorted(i for h in members for i in groups.unlocated.get(h, ()))
        out.extend(Placed(services[i], None, statuses[services[i].opening_hours]) for i in unlocated)
    return out[:limit]


def _best_first(index: KindIndex, wanted: int, classes: dict[Optional[str], int], capabilities: frozenset[str],
                distance: Callable[[Service], float], near: tuple[float, float], need: int,
                max_km: Optional[float]) -> tuple[list[tuple[float, int]], bool]:
    """The `need` nearest located services of class `wanted`, and whether the class is exhausted."""
    services = index.services
    cells = index.cells
    plat = math.radians(near[0])
    qlon = near[1]
    sin_q, cos_q = math.sin(plat), math.cos(plat)
    big = CELL_DEG * BLOCK
    heap: list[tuple[float, int, tuple[int, int]]] = []  # (lower bound, 0 block / 1 cell, key)
    for key in index.blocks:
        bound = _box_min_km(plat, qlon, sin_q, cos_q, key[0] * big, (key[0] + 1) * big, key[1] * big, (key[1] + 1) * big)
        if max_km is None or bound <= max_km:
            heap.append((bound, 0, key))
    heapq.heapify(heap)
    best: list[tuple[float, int]] = []  # the `need` best so far, as (-distance, -order): worst on top
    met = 0
    while heap:
        bound, level, key = heap[0]
        if len(best) == need and -best[0][0] < bound:
            return sorted((-d, -i) for d, i in best), False
        heapq.heappop(heap)
        if level == 0:
            for cell in index.blocks[key]:
                cell_bound = _box_min_km(plat, qlon, sin_q, cos_q, cell[0] * CELL_DEG, (cell[0] + 1) * CELL_DEG,
                                         cell[1] * CELL_DEG, (cell[1] + 1) * CELL_DEG)
                if max_km is None or cell_bound <= max_km:
                    heapq.heappush(heap, (max(cell_bound, bound), 1, cell))
            continue
        for i in cells[key]:
            s = services[i]
            if classes.get(s.opening_hours) != wanted or not capabilities <= s.capabilities:
                continue
            d = distance(s)
            if max_km is not None and d > max_km:
                continue
            met += 1
            item = (-d, -i)
            if len(best) < need:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    return sorted((-d, -i) for d, i in best), met <= need


def _select_unplaced(index: KindIndex, groups: Groups, statuses, classes, limit: int) -> list[Placed]:
    """No patient location: best class first, file order within a class."""
    buckets: list[list[int]] = [[], [], []]
    for hours, c in classes.items():
        buckets[c].extend(groups.located.get(hours, ()))
        buckets[c].extend(groups.unlocated.get(hours, ()))
    out: list[Placed] = []
    for c in CLASSES:
        for i in sorted(buckets[c])[: limit - len(out)]:
            s = index.services[i]
            out.append(Placed(s, None, statuses[s.opening_hours]))
    return out[:limit]
