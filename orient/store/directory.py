"""The directory read from a store: the same interface and the same answers as
`orient.directory.catalog.Directory`, without loading every service.

A query asks the store for the few opening-hours strings of a kind, classifies
each once (open, unknown, closed), then fetches only the services it ranks:
nearest first through the store's spatial index in boxes that grow until enough
services are certainly the nearest. The full opening status (with its French
label) is computed only for the services returned. Ties and order are those of
`orient.directory.ranking.select`: open, then unknown hours, then closed; nearest
first, file order on equal distance; services without a location after the
located ones of their class.

Subclasses give `_rows(sql, params)` (placeholders `?`) and `_near(box)`. Column names
in conditions are qualified (`service.kind`): the spatial index may be joined in.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timezone
from typing import Iterable, Iterator, Optional

from orient.directory.geo import EARTH_RADIUS_KM, haversine_km
from orient.directory.hours import ServiceHours, duty_status, hours_status, open_checker, paris_naive
from orient.directory.model import CAPABILITIES, KINDS, HoursStatus, Placed, Service, wanted_capabilities
from orient.store.week import WeekReader, own_table, reader_at, status_from_table

OPEN, UNKNOWN, CLOSED = 0, 1, 2
KIND_NUMBERS = {kind: i for i, kind in enumerate(KINDS)}  # the R*Tree's kind dimension
CAPABILITY_BITS = {name: 1 << i for i, name in enumerate(CAPABILITIES)}
SERVICE_COLUMNS = ", ".join(f"service.{c}" for c in (
    "ord", "id", "name", "kind", "commune", "address", "lat", "lon", "precision", "phones")) + ", hours.text, " + \
    ", ".join(f"service.{c}" for c in ("walk_in_hours", "capabilities", "sources", "verified", "note", "path",
                                        "line", "url", "source_date"))
FIRST_RADIUS_KM = 15.0
SCAN_WHOLE = 256  # a class this small is read whole: one query, exact distances
WHOLE_BEYOND_KM = 1000.0  # nothing enough within this radius: read the class's points whole


def capability_mask(capabilities: Iterable[str]) -> int:
    mask = 0
    for name in capabilities:
        mask |= CAPABILITY_BITS[name]
    return mask


def epoch(at: datetime) -> int:
    return int(at.astimezone(timezone.utc).timestamp())


class StoreDirectory(ServiceHours):
    """Directory-like view of a store (see the module docstring)."""

    def __init__(self, gazetteer=None, fingerprint: Optional[str] = None, area: Iterable[str] = ()):
        self.gazetteer = gazetteer
        self.fingerprint = fingerprint
        self.area: frozenset[str] = frozenset(area)  # the départements the directory knows
        self._services: dict[str, Service] = {}
        self._all: Optional[tuple[Service, ...]] = None
        self._rota = None
        self._hours_of_kind: dict[tuple[str, int], list[tuple]] = {}
        self._states_at: dict[int, dict[int, Optional[bool]]] = {}

    # --- what a subclass gives -------------------------------------------------------------

    _in_order = ""  # SQL that makes a scan follow the file order ("NOT INDEXED" in SQLite)
    _immutable = False  # True when the store cannot change while open (a SQLite file): queries may be kept

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _near(self, kind: str, box: tuple[float, float, float, float]) -> tuple[str, str, tuple]:
        """(FROM clause, condition, parameters) for the services of `kind` inside the box (lat_lo,
        lat_hi, lon_lo, lon_hi), the spatial index first."""
        raise NotImplementedError  # pragma: no cover - abstract

    # --- services -----------------------------------------------------------------------------

    def _service(self, row: tuple) -> Service:
        (_, sid, name, kind, commune, address, lat, lon, precision, phones, hours, walk_in, caps, sources,
         verified, note, path, line, url, source_date) = row
        cached = self._services.get(sid)
        if cached is None:
            cached = self._services[sid] = Service(
                id=sid, name=name, kind=kind, commune=commune, address=address, lat=lat, lon=lon,
                precision=precision, phones=tuple(json.loads(phones)), opening_hours=hours,
                walk_in_hours=walk_in, capabilities=frozenset(json.loads(caps)), sources=tuple(json.loads(sources)),
                verified=date.fromisoformat(verified) if verified else None, note=note, path=path, line=line,
                url=url, source_date=date.fromisoformat(source_date) if source_date else None)
        return cached

    def _fetch(self, where: str, params: tuple = (), tail: str = "", *, in_order: bool = False,
               ) -> list[tuple[int, Service]]:
        """Services matching `where`; `in_order`: walk the table in file order rather than an
        index (to stop early at a LIMIT when most rows match)."""
        source = f"service {self._in_order}" if in_order else "service"
        rows = self._rows(f"SELECT {SERVICE_COLUMNS} FROM {source} JOIN hours ON hours.id = service.hours_id "
                          f"WHERE {where} {tail}", params)
        return [(row[0], self._service(row)) for row in rows]

    def get(self, service_id: str) -> Optional[Service]:
        found = self._services.get(service_id)
        if found is None:
            rows = self._fetch("service.id = ?", (service_id,))
            found = rows[0][1] if rows else None
        return found

    @property
    def services(self) -> tuple[Service, ...]:
        """Every service, in file order (for tools and comparisons; orientations never need it)."""
        if self._all is None:
            self._all = tuple(s for _, s in self._fetch("1 = 1", (), "ORDER BY service.ord"))
        return self._all

    def __len__(self) -> int:
        return self._rows("SELECT COUNT(*) FROM service")[0][0]

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)

    def of_kind(self, kind: str) -> list[Service]:
        return [s for _, s in self._fetch("service.kind = ?", (kind,), "ORDER BY service.ord")]

    # --- selection ----------------------------------------------------------------------------

    def select(self, kind: str, *, near: Optional[tuple[float, float]], at: datetime,
               capabilities: Iterable[str] = (), limit: int = 3, max_km: Optional[float] = None,
               bridge_days: bool = True) -> list[Placed]:
        """As `Directory.select`."""
        wanted = wanted_capabilities(kind, capabilities)
        if limit <= 0:
            return []
        mask = capability_mask(wanted)
        hours = self._kind_hours(kind, mask)
        if not hours:
            return []
        is_open = open_checker(at, bridge_days=bridge_days)
        week = reader_at(paris_naive(at), bridge_days)
        by_class: list[list[int]] = [[], [], []]
        sizes = [[0, 0], [0, 0], [0, 0]]  # per class: located, unlocated
        states = self._week_states(week.minute, hours) if week is not None else {}
        for hours_id, text, table, located, unlocated in hours:
            state = states[hours_id] if hours_id in states else is_open(text)
            c = OPEN if state is True else CLOSED if state is False else UNKNOWN
            by_class[c].append(hours_id)
            sizes[c][0] += located
            sizes[c][1] += unlocated
        everything = sum(a + b for a, b in sizes)
        statuses: dict[Optional[str], HoursStatus] = {}
        tables = {text: table for hours_id, text, table, _, _ in hours if hours_id in states}

        def placed(service: Service, distance: Optional[float]) -> Placed:
            text = service.opening_hours
            if text not in statuses:
                table = tables.get(text)
                status = status_from_table(table, paris_naive(at), bridge_days) if table else None
                statuses[text] = status or hours_status(text, at, bridge_days=bridge_days)
            return Placed(service, distance, statuses[text])

        out: list[Placed] = []
        for members, (located, unlocated) in zip(by_class, sizes):
            need = limit - len(out)
            if need <= 0:
                break
            if not members:
                continue
            marks = ",".join("?" * len(members))
            where = f"service.kind = ? AND (service.caps & ?) = ? AND service.hours_id IN ({marks})"
            params = (kind, mask, mask, *members)
            if near is None:  # no patient location: file order within the class
                dense = 8 * (located + unlocated) >= everything  # then the first rows in file order match
                out.extend(placed(s, None) for _, s in self._fetch(where, params, f"ORDER BY service.ord LIMIT {need}",
                                                                    in_order=dense))
                continue
            found, exhausted = self._nearest(kind, where, params, near, need, max_km, located,
                                             _first_radius(need, located))
            out.extend(placed(s, round(d, 1)) for d, _, s in found)
            if not exhausted:
                break
            if unlocated:
                rows = self._fetch(f"{where} AND (service.lat IS NULL OR service.lon IS NULL)", params,
                                   f"ORDER BY service.ord LIMIT {limit}")
                out.extend(placed(s, None) for _, s in rows)
        return out[:limit]

    def _kind_hours(self, kind: str, mask: int) -> list[tuple]:
        """(hours id, text, weekly table, located, unlocated) of the services of `kind` with the
        capabilities of `mask`; kept for the process when the store cannot change under it."""
        key = (kind, mask)
        rows = self._hours_of_kind.get(key)
        if rows is None:
            rows = self._rows(*self._kind_hours_query(kind, mask))
            if self._immutable:
                self._hours_of_kind[key] = rows
        return rows

    def _week_states(self, minute: int, hours: list[tuple]) -> dict[int, Optional[bool]]:
        """{hours id: its weekly table's state at this minute of the week} for the `hours` rows
        (`_kind_hours`) whose table is of this orient's format (the others are parsed)."""
        reader = WeekReader.at_minute(minute)
        return {hours_id: reader.is_open(table) for hours_id, _, table, _, _ in hours if own_table(table)}

    def _kind_hours_query(self, kind: str, mask: int) -> tuple[str, tuple]:
        """(SQL, parameters) of `_kind_hours`: `kind_hours` summed over the capabilities that hold `mask`."""
        return ("SELECT kind_hours.hours_id, hours.text, hours.week, SUM(located), SUM(unlocated) "
                "FROM kind_hours JOIN hours ON hours.id = kind_hours.hours_id WHERE kind = ? AND (caps & ?) = ? "
                "GROUP BY kind_hours.hours_id, hours.text, hours.week", (kind, mask, mask))

    def _nearest(self, kind: str, where: str, params: tuple, near: tuple[float, float], need: int,
                 max_km: Optional[float], total: int, first_radius: float = FIRST_RADIUS_KM,
                 ) -> tuple[list[tuple[float, int, Service]], bool]:
        """The `need` nearest located services matching `where` (within `max_km`), and whether
        there are no more of them. Candidates are read as (ord, lat, lon) only; whole rows are
        read for the winners."""
        located = f"{where} AND service.lat IS NOT NULL AND service.lon IS NOT NULL"
        radius = first_radius if max_km is None else min(first_radius, max_km)
        while True:
            whole = total <= max(need, SCAN_WHOLE) or radius > WHOLE_BEYOND_KM
            box = None if whole else _box(near, radius)
            if box is None:
                rows = self._rows(f"SELECT service.ord, service.lat, service.lon FROM service WHERE {located}", params)
            else:
                source, inside, corners = self._near(kind, box)
                rows = self._rows(f"SELECT service.ord, service.lat, service.lon FROM {source} "
                                  f"WHERE {inside} AND {located}", corners + params)
            limit_km = max_km if box is None else radius
            found = sorted((d, order) for order, lat, lon in rows
                           if (d := _distance(near, lat, lon)) <= (limit_km if limit_km is not None else math.inf))
            if len(found) >= need:  # nothing outside the circle can be nearer
                return self._placed(found[:need]), False
            if box is None or (max_km is not None and radius >= max_km):
                return self._placed(found), True
            radius = radius * 4 if max_km is None else min(radius * 4, max_km)

    def _placed(self, found: list[tuple[float, int]]) -> list[tuple[float, int, Service]]:
        if not found:
            return []
        orders = [order for _, order in found]
        services = dict(self._fetch(f"service.ord IN ({','.join('?' * len(orders))})", tuple(orders)))
        return [(d, order, services[order]) for d, order in found]

    # --- duty rotas ---------------------------------------------------------------------------

    def duty_at(self, commune_code: Optional[str], at: datetime) -> list[tuple[str, datetime]]:
        """(pharmacy id, end) of the duty covering this commune at `at`: the commune's first
        sector, its last duty started at or before `at`, if it has not ended."""
        if commune_code is None:
            return []
        moment = epoch(at)
        rows = self._rows(
            "SELECT pharmacy, end_s FROM duty WHERE sector_ord = "
            "(SELECT MIN(sector_ord) FROM sector_commune WHERE commune = ?) AND start_s <= ? "
            "ORDER BY start_s DESC LIMIT 1", (commune_code, moment))
        return [(pharmacy, datetime.fromtimestamp(end, timezone.utc)) for pharmacy, end in rows if moment < end]

    def on_duty_pharmacies(self, commune_code: Optional[str], at: datetime) -> list[Placed]:
        """The pharmacies on duty for this commune at `at`, from the rota; [] when no rota covers it."""
        placed = []
        commune = self.gazetteer.get(commune_code) if (self.gazetteer and commune_code) else None
        for pharmacy, end in self.duty_at(commune_code, at):
            service = self.get(pharmacy)
            if service is None:  # cannot happen with a checked directory
                continue
            distance = None
            if commune is not None and service.located:
                distance = round(haversine_km(commune.lat, commune.lon, service.lat, service.lon), 1)
            placed.append(Placed(service, distance, duty_status(end, at)))
        return placed

    @property
    def rota(self):
        """The whole rota as `orient.directory.rota.Rota` (for tools; orientations use `duty_at`)."""
        if self._rota is None:
            from orient.directory.rota import Duty, Rota, Sector

            duties: dict[int, list] = {}
            for sector_ord, start, end, pharmacy, path, line in self._rows(
                    "SELECT sector_ord, start_s, end_s, pharmacy, path, line FROM duty ORDER BY sector_ord, start_s"):
                duties.setdefault(sector_ord, []).append(Duty(
                    pharmacy, datetime.fromtimestamp(start, timezone.utc), datetime.fromtimestamp(end, timezone.utc),
                    path, line))
            communes: dict[int, set] = {}
            for commune, sector_ord in self._rows("SELECT commune, sector_ord FROM sector_commune"):
                communes.setdefault(sector_ord, set()).add(commune)
            sectors = [Sector(sid, name, frozenset(communes.get(o, ())), tuple(duties.get(o, ())),
                              tuple(json.loads(sources)), path, line)
                       for o, sid, name, sources, path, line in self._rows(
                           "SELECT ord, id, name, sources, path, line FROM sector ORDER BY ord")]
            self._rota = Rota(sectors)
        return self._rota


FRANCE_KM2 = 552_000.0  # metropolitan France: the density a class is assumed spread over
MIN_FIRST_RADIUS_KM = 0.5


def _first_radius(need: int, located: int) -> float:
    """The first search radius: one that would hold about `need` services if the class were
    spread evenly over France, between 0.5 km and FIRST_RADIUS_KM. Dense classes (60,000
    pharmacies: 3 km) start small, as a city holds hundreds in 15 km; the search widens
    where there are fewer. The answer is exact either way: only the number of queries
    changes (each costs ~0.1 ms with the R*Tree in Hilbert order)."""
    if located <= 0:
        return FIRST_RADIUS_KM
    radius = math.sqrt(need * FRANCE_KM2 / (math.pi * located))
    return max(MIN_FIRST_RADIUS_KM, min(FIRST_RADIUS_KM, radius))


def _distance(near: tuple[float, float], lat: float, lon: float) -> float:
    """Great-circle distance, the formula of `orient.directory.ranking.select` (same rounding)."""
    plat = math.radians(near[0])
    p2 = math.radians(lat)
    h = (math.sin((p2 - plat) / 2) ** 2
         + math.cos(plat) * math.cos(p2) * math.sin(math.radians(lon - near[1]) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _box(near: tuple[float, float], radius_km: float) -> Optional[tuple[float, float, float, float]]:
    """(lat_lo, lat_hi, lon_lo, lon_hi) holding every point within `radius_km` of `near`, or
    None when that is most of the globe (a pole or the antimeridian inside: scan the class)."""
    angle = radius_km / EARTH_RADIUS_KM
    if angle >= math.pi / 2:
        return None
    lat, lon = near
    dlat = math.degrees(angle) + 1e-6
    lat_lo, lat_hi = lat - dlat, lat + dlat
    if lat_lo <= -90 or lat_hi >= 90:
        return None
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1:
        return None
    dlon = math.degrees(math.asin(ratio)) + 1e-6
    if lon - dlon < -180 or lon + dlon > 180:
        return None
    return (lat_lo, lat_hi, lon - dlon, lon + dlon)
