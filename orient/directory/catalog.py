"""The loaded directory: services by id and by kind, opening status, ranking, duty rotas."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Iterator, Optional

from orient.directory.geo import haversine_km
from orient.directory.hours import ServiceHours, duty_status, hours_status, open_checker
from orient.directory.loading import GazetteerLike, fingerprint, read_directory
from orient.directory.model import HoursStatus, Placed, Service, wanted_capabilities
from orient.directory.ranking import KindIndex, select as _select
from orient.directory.rota import Rota, Sector
from orient.problems import DataError

# Loaded directories by (content hash, gazetteer): loading twice the same files is free.
_LOADED: dict[tuple[str, int], tuple["Directory", object]] = {}


class Directory(ServiceHours):
    def __init__(self, services: Iterable[Service], sectors: Iterable[Sector] = (),
                 gazetteer: Optional[GazetteerLike] = None, fingerprint: Optional[str] = None,
                 area: Iterable[str] = ()):
        self.services: tuple[Service, ...] = tuple(services)
        self._by_id = {s.id: s for s in self.services}
        if len(self._by_id) != len(self.services):
            raise ValueError("service ids must be unique")
        by_kind: dict[str, list[Service]] = {}
        for s in self.services:
            by_kind.setdefault(s.kind, []).append(s)
        self._indexes = {kind: KindIndex(items) for kind, items in by_kind.items()}
        self.rota = Rota(sectors)
        self.gazetteer = gazetteer
        self.fingerprint = fingerprint
        # The départements whose local services this directory knows; empty = not declared.
        self.area: frozenset[str] = frozenset(area)

    @classmethod
    def load(cls, path: Path, gazetteer: GazetteerLike, *, today: Optional[date] = None) -> "Directory":
        """Every service and rota of the folder, or DataError with all the problems (never half)."""
        path = Path(path)
        key = None
        if path.is_dir() and today is None:
            # The place too: entries name their file, which `orient corrections accept` edits.
            key = (fingerprint(path), id(gazetteer), str(path.resolve()))
            cached = _LOADED.get(key)
            if cached is not None and cached[1] is gazetteer:
                return cached[0]
        result = read_directory(path, gazetteer, today)
        if result.errors:
            raise DataError(result.errors)
        directory = cls(result.services, result.sectors, gazetteer, key[0] if key else None, result.area)
        if key is not None:
            _LOADED[key] = (directory, gazetteer)
        return directory

    def __len__(self) -> int:
        return len(self.services)

    def __iter__(self) -> Iterator[Service]:
        return iter(self.services)

    def get(self, service_id: str) -> Optional[Service]:
        return self._by_id.get(service_id)

    def of_kind(self, kind: str) -> list[Service]:
        index = self._indexes.get(kind)
        return list(index.services) if index else []

    def select(self, kind: str, *, near: Optional[tuple[float, float]], at: datetime,
               capabilities: Iterable[str] = (), limit: int = 3, max_km: Optional[float] = None,
               bridge_days: bool = True) -> list[Placed]:
        """Services of a kind: open first, then unknown hours, closed last; nearest first in each."""
        wanted = wanted_capabilities(kind, capabilities)
        index = self._indexes.get(kind)
        if index is None:
            return []
        return _select(index, lambda hours: hours_status(hours, at, bridge_days=bridge_days), near=near,
                       capabilities=wanted, limit=limit, max_km=max_km,
                       open_of=open_checker(at, bridge_days=bridge_days))

    def on_duty_pharmacies(self, commune_code: Optional[str], at: datetime) -> list[Placed]:
        """The pharmacies on duty for this commune at `at`, from the rota; [] when no rota covers it."""
        placed = []
        commune = self.gazetteer.get(commune_code) if (self.gazetteer and commune_code) else None
        for duty in self.rota.on_duty(commune_code, at):
            service = self.get(duty.pharmacy)
            if service is None:  # cannot happen with a checked directory
                continue
            distance = None
            if commune is not None and service.located:
                distance = round(haversine_km(commune.lat, commune.lon, service.lat, service.lon), 1)
            placed.append(Placed(service, distance, duty_status(duty.end, at)))
        return placed


def clear_cache() -> None:
    _LOADED.clear()
