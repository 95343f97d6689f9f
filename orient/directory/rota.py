"""Duty rotas of pharmacies: sectors of communes, and who is on duty from when to when.

A rota file (`directory/rota/*.yaml`):

    sectors:
      - id: auch
        name: Secteur d'Auch
        communes: ["32013", "32296"]
        sources: ["FSPF 32, tour de garde 2026"]
        duties:
          - {pharmacy: pharmacie-exemple-auch, start: 2026-01-03T19:30, end: 2026-01-10T09:00}

Times are Paris local time unless they carry an offset. A commune belongs to one
sector; the duties of a sector must not overlap. When no duty covers a moment,
the lookup answers nothing and the caller sends the patient to the 3237.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, Optional

from orient.fieldcheck import FieldCheck
from orient.problems import Problem
from orient.schema import DUTY, SECTOR
from orient.vocabulary import PARIS, to_paris

SECTOR_FIELDS = SECTOR.names  # checked against orient/schema.py by orient/fieldcheck.py
DUTY_FIELDS = DUTY.names
PHARMACY_KINDS = ("pharmacie", "pharmacie_garde")
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


@dataclass(frozen=True)
class Duty:
    pharmacy: str  # a service id
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC; the duty covers start <= t < end
    path: str
    line: int


@dataclass(frozen=True)
class Sector:
    id: str
    name: str
    communes: frozenset[str]
    duties: tuple[Duty, ...]  # sorted by start
    sources: tuple[str, ...]
    path: str
    line: int


def parse_moment_paris(raw: object) -> datetime:
    """ISO 8601 date-time; no offset means Paris local time. Returns UTC. Raises ValueError."""
    if isinstance(raw, datetime):
        value = raw
    else:
        text = str(raw).strip()
        if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
            raise ValueError(f"expected a date and time like 2026-01-03T19:30, not {raw!r}")
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    from orient.periods import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}-{MAX_YEAR}: a typo? (got {raw!r})")
    return to_paris(value).astimezone(timezone.utc)


def to_utc(at: datetime) -> datetime:
    return to_paris(at).astimezone(timezone.utc)


def parse_rota_file(data: Any, path: str, services: Mapping[str, Any], gazetteer: Any) -> tuple[list[Sector], list[Problem]]:
    from orient.yamlread import LineList, LineMap

    problems: list[Problem] = []

    def error(line: Optional[int], message: str) -> None:
        problems.append(Problem(path, line, message))

    if data is None:
        return [], problems
    if not isinstance(data, LineMap):
        error(getattr(data, "line", 1), "expected a mapping with a 'sectors' list at the top of the rota file")
        return [], problems
    for key in data:
        if key != "sectors":
            error(data.key_line(key), f"unknown top-level key '{key}'; expected 'sectors'")
    raw_sectors = data.get("sectors")
    if raw_sectors is None:
        return [], problems
    if not isinstance(raw_sectors, LineList):
        error(data.key_line("sectors"), "'sectors' must be a list")
        return [], problems

    sectors = []
    for raw, line in zip(raw_sectors, raw_sectors.lines):
        before = len(problems)
        if not isinstance(raw, LineMap):
            error(line, "a sector must be a mapping (id, name, communes, sources, duties)")
            continue
        check = FieldCheck(SECTOR, raw, raw.line, error)
        check.keys()
        sid, name = check("id"), check("name")
        communes = set()
        for code, cline in check("communes") or []:
            if isinstance(code, int) and not isinstance(code, bool):
                code = f"{code:05d}"
            if not isinstance(code, str) or not _INSEE.match(code):
                error(cline, f"commune must be an INSEE code such as \"32013\", not {code!r}")
            elif gazetteer is not None and gazetteer.get(code) is None:
                error(cline, f"commune {code} is not a known INSEE code")
            elif code in communes:
                error(cline, f"commune {code} listed twice in sector '{raw.get('id')}'")
            else:
                communes.add(code)
        sources = [source for source, _ in check("sources") or []]
        check("note")
        duties = _parse_duties(check("duties") or [], path, services, error)
        if len(problems) == before:
            sectors.append(Sector(
                id=sid, name=str(name), communes=frozenset(communes),
                duties=tuple(sorted(duties, key=lambda d: d.start)),
                sources=tuple(sources), path=path, line=line,
            ))
    return sectors, problems


def _parse_duties(items: list, path: str, services: Mapping[str, Any], error) -> list[Duty]:
    duties = []
    for item, line in items:
        if not isinstance(item, dict):
            error(line, "a duty must be a mapping {pharmacy, start, end}")
            continue
        check = FieldCheck(DUTY, item, item.line, error)
        check.keys()
        ok = True
        pharmacy = check("pharmacy")
        service = services.get(pharmacy) if pharmacy is not None else None
        if pharmacy is not None and service is None:
            error(item.key_line("pharmacy"), f"duty: unknown pharmacy '{pharmacy}' (no service with this id)")
            ok = False
        elif service is not None and service.kind not in PHARMACY_KINDS:
            error(item.key_line("pharmacy"), f"duty: '{pharmacy}' is a {service.kind}, not a pharmacy")
            ok = False
        bounds = {}
        for key in ("start", "end"):
            value = check(key)
            try:
                bounds[key] = parse_moment_paris(value) if value is not None else None
            except ValueError as exc:
                error(item.key_line(key), f"duty {key}: {exc}")
                ok = False
        if bounds.get("start") and bounds.get("end") and bounds["end"] <= bounds["start"]:
            error(item.key_line("end"), f"duty ends ({item['end']}) before it starts ({item['start']})")
            ok = False
        check("note")
        if ok and check.ok:
            duties.append(Duty(pharmacy, bounds["start"], bounds["end"], path, line))
    return duties


def cross_check_sectors(sectors: Iterable[Sector]) -> list[Problem]:
    """Across all rota files: unique sector ids, one sector per commune, no overlapping duties."""
    problems = []
    ids: dict[str, Sector] = {}
    owner: dict[str, Sector] = {}
    for sector in sectors:
        if sector.id in ids:
            first = ids[sector.id]
            problems.append(Problem(sector.path, sector.line, f"duplicate sector id '{sector.id}' (first at {first.path}:{first.line})"))
            continue
        ids[sector.id] = sector
        for code in sorted(sector.communes):
            if code in owner:
                other = owner[code]
                problems.append(Problem(sector.path, sector.line,
                                        f"commune {code} is in sectors '{other.id}' and '{sector.id}'; a commune belongs to one sector"))
            else:
                owner[code] = sector
        for previous, duty in zip(sector.duties, sector.duties[1:]):
            if duty.start < previous.end:
                problems.append(Problem(duty.path, duty.line,
                                        f"duty overlaps the one at line {previous.line} in sector '{sector.id}' "
                                        f"({_local(duty.start)} < {_local(previous.end)})"))
    return problems


def _local(t: datetime) -> str:
    return t.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


class Rota:
    """Lookup: which duty covers this commune at this moment."""

    def __init__(self, sectors: Iterable[Sector]):
        self.sectors = list(sectors)
        self._by_commune: dict[str, Sector] = {}
        for sector in self.sectors:
            for code in sector.communes:
                self._by_commune.setdefault(code, sector)
        self._starts = {s.id: [d.start for d in s.duties] for s in self.sectors}

    def __len__(self) -> int:
        return sum(len(s.duties) for s in self.sectors)

    def sector_of(self, commune_code: Optional[str]) -> Optional[Sector]:
        if commune_code is None:
            return None
        return self._by_commune.get(commune_code)

    def on_duty(self, commune_code: Optional[str], at: datetime) -> list[Duty]:
        sector = self.sector_of(commune_code)
        if sector is None or not sector.duties:
            return []
        moment = to_utc(at)
        i = bisect.bisect_right(self._starts[sector.id], moment) - 1
        if i < 0:
            return []
        duty = sector.duties[i]
        return [duty] if duty.start <= moment < duty.end else []
