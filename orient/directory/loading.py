"""Read a directory folder: services (`*.yaml`) and duty rotas (`rota/*.yaml`).

One pass finds every problem (errors and warnings) with its `path:line`;
`Directory.load` refuses the folder if any is an error, `orient check` prints
them all. Nothing is half-applied: services are built only from a clean read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Protocol

from orient.directory.fixed import fixed_entry_problems
from orient.directory.geo import PointGrid, haversine_km, in_france, valid_lat_lon
from orient.directory.hours import hours_error
from orient.directory.model import CAPABILITIES, KINDS, Service  # noqa: F401 (the closed lists, tests/test_schema.py)
from orient.directory.phones import PhoneError, normalize_phone
from orient.directory.rota import Sector, cross_check_sectors, parse_rota_file
from orient.fieldcheck import FieldCheck
from orient.problems import Problem
from orient.schema import LOCATION, SERVICE
from orient.vocabulary import STALE_AFTER_DAYS

# A located entry without a commune farther than this from every commune is at sea (hazard H15b).
SEA_LIMIT_KM = 20.0

if TYPE_CHECKING:  # the YAML parser is imported when a folder is read, not to use a cached directory
    from orient.yamlread import LineMap

FIELDS = SERVICE.names  # checked against orient/schema.py by orient/fieldcheck.py
LOCATION_FIELDS = LOCATION.names
REQUIRED = tuple(f.name for f in SERVICE.fields if f.required)
INSEE_PATTERN = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def far_limit_km(dept: str) -> float:
    """How far from its commune's point a located service may be."""
    if dept == "973":  # Guyane: communes of thousands of km²
        return 250.0
    if dept.startswith("97"):
        return 40.0
    return 20.0


class CommuneLike(Protocol):
    code: str
    name: str
    dept: str
    lat: float
    lon: float


class GazetteerLike(Protocol):
    def get(self, code: str) -> Optional[CommuneLike]: ...


@dataclass
class ReadResult:
    services: list[Service] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    area: tuple[str, ...] = ()  # the départements the directory knows (top-level `area:` of a file)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def service_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yaml") if p.is_file())


def rota_files(folder: Path) -> list[Path]:
    return sorted(p for p in (Path(folder) / "rota").glob("*.yaml") if p.is_file())


def skipped_file_problems(folder: Path) -> list[Problem]:
    """Files of the folder (and of rota/) that look like data but would not be read."""
    from orient.yamlread import data_files

    problems = data_files(folder)[1]
    if (Path(folder) / "rota").is_dir():
        problems += data_files(Path(folder) / "rota")[1]
    return problems


def fingerprint(folder: Path) -> str:
    """A hash of every file the directory is made of (names and bytes): a cache key."""
    digest = hashlib.sha256()
    folder = Path(folder)
    for p in service_files(folder) + rota_files(folder):
        digest.update(str(p.relative_to(folder)).encode("utf-8", "surrogateescape"))  # any file name
        digest.update(b"\0")
        digest.update(p.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def read_directory(folder: Path, gazetteer: GazetteerLike, today: Optional[date] = None) -> ReadResult:
    folder = Path(folder)
    result = ReadResult()
    if not folder.is_dir():
        result.problems.append(Problem(str(folder), None, "dossier d'annuaire introuvable"))
        return result
    reader = EntryReader(gazetteer, today or date.today())
    reader.problems.extend(skipped_file_problems(folder))
    seen_ids: dict[str, str] = {}
    for path in service_files(folder):
        result.files.append(path)
        for service in reader.read_services_file(path, result):
            where = f"{service.path}:{service.line}"
            if service.id in seen_ids:
                reader.error(service.path, service.line, f"id « {service.id} » en double (déjà défini en {seen_ids[service.id]})")
                continue
            seen_ids[service.id] = where
            result.services.append(service)
    by_id = {s.id: s for s in result.services}
    from orient.yamlread import load_yaml

    for path in rota_files(folder):
        result.files.append(path)
        data, problems = load_yaml(path, str(path))
        reader.problems.extend(problems)
        if data is not None or not problems:
            sectors, rota_problems = parse_rota_file(data, str(path), by_id, gazetteer)
            result.sectors.extend(sectors)
            reader.problems.extend(rota_problems)
    reader.problems.extend(cross_check_sectors(result.sectors))
    result.problems = reader.problems
    return result


class EntryReader:
    def __init__(self, gazetteer: GazetteerLike, today: date):
        self.gazetteer = gazetteer
        self.today = today
        self.problems: list[Problem] = []
        self._commune_grid: Optional[PointGrid] = None

    def error(self, path: str, line: Optional[int], message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def warn(self, path: str, line: Optional[int], message: str) -> None:
        self.problems.append(Problem(path, line, message, "warning"))

    def read_services_file(self, path: Path, result: Optional[ReadResult] = None) -> list[Service]:
        from orient.yamlread import LineList, LineMap, load_yaml

        shown = str(path)
        data, problems = load_yaml(path, shown)
        self.problems.extend(problems)
        if data is None:
            return []
        if not isinstance(data, LineMap):
            self.error(shown, getattr(data, "line", 1), "le fichier doit être une table avec une liste « services » au premier niveau")
            return []
        for key in data:
            if key == "area":
                area = self._area(data, shown)
                if result is not None and area:
                    result.area = tuple(dict.fromkeys(result.area + area))
            elif key != "services":
                self.error(shown, data.key_line(key), f"clé de premier niveau « {key} » inconnue ; attendu : « services » ou « area »")
        entries = data.get("services")
        if entries is None:
            return []
        if not isinstance(entries, LineList):
            self.error(shown, data.key_line("services"), "« services » doit être une liste d'entrées")
            return []
        services = []
        for entry, line in zip(entries, entries.lines):
            service = self.read_entry(entry, shown, line)
            if service is not None:
                services.append(service)
        return services

    def read_entry(self, entry: Any, path: str, line: int) -> Optional[Service]:
        from orient.yamlread import LineMap

        if not isinstance(entry, LineMap):
            self.error(path, line, "une entrée de service doit être une table (id, name, kind…)")
            return None
        before = len(self.problems)
        check = FieldCheck(SERVICE, entry, entry.line, lambda at, message: self.error(path, at, message))
        check.keys()
        sid, name, kind = check("id"), check("name"), check("kind")
        address, note, url = check("address"), check("note"), check("url")
        commune_code, commune = self._commune(entry, path)
        lat, lon, precision = self._location(check, path, commune_code, commune)
        phones = self._phones(check, path)
        opening_hours = self._hours(check, "opening_hours", path)
        walk_in_hours = self._hours(check, "walk_in_hours", path)
        capabilities = frozenset(capability for capability, _ in check("capabilities") or [])
        if "24_7" in capabilities and opening_hours is not None and opening_hours.strip() != "24/7":
            self.error(path, entry.key_line("capabilities"), f"la capacité « 24_7 » contredit opening_hours « {opening_hours} »")
        sources = tuple(source for source, _ in check("sources") or [])
        verified = self._date(check, "verified", path)
        if verified is not None and (self.today - verified).days > STALE_AFTER_DAYS:
            self.warn(path, entry.key_line("verified"), f"verified {verified.isoformat()} date de "
                      f"{(self.today - verified).days} jours (plus de 12 mois) : revérifier l'entrée")
        source_date = self._date(check, "source_date", path)
        if sid is not None:
            written = entry.get("kind")  # an unknown kind is named as written
            written = (written.strip() or None) if isinstance(written, str) else None
            for message in fixed_entry_problems(sid, kind or written, phones, opening_hours):
                self.error(path, line, message)

        if any(p.severity == "error" for p in self.problems[before:]):
            return None
        return Service(
            id=sid, name=name, kind=kind, commune=commune_code, address=address,
            lat=lat, lon=lon, precision=precision, phones=phones,
            opening_hours=opening_hours, walk_in_hours=walk_in_hours,
            capabilities=capabilities, sources=sources, verified=verified, note=note,
            path=path, line=line, url=url, source_date=source_date,
        )

    # -- fields ---------------------------------------------------------------

    def _commune(self, entry: LineMap, path: str) -> tuple[Optional[str], Optional[CommuneLike]]:
        raw = entry.get("commune")
        if raw is None:
            return None, None
        line = entry.key_line("commune")
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = f"{raw:05d}"
        if not isinstance(raw, str) or not INSEE_PATTERN.match(raw.strip()):
            self.error(path, line, f"commune doit être un code INSEE comme \"32132\", pas {raw!r}")
            return None, None
        code = raw.strip()
        commune = self.gazetteer.get(code)
        if commune is None:
            self.error(path, line, f"commune {code} : code INSEE inconnu")
            return code, None
        return code, commune

    def _location(self, check: FieldCheck, path: str, code: Optional[str],
                  commune: Optional[CommuneLike]) -> tuple[Optional[float], Optional[float], Optional[str]]:
        entry = check.node
        line = entry.key_line("location")
        if entry.get("location") is None:
            if commune is not None:
                return commune.lat, commune.lon, "commune"
            return None, None, None
        raw = check("location")
        if raw is None:
            return None, None, None
        point = FieldCheck(LOCATION, raw, raw.line, lambda at, message: self.error(path, at, message))
        point.keys()
        precision = point("precision")
        if precision is None:
            return None, None, None
        lat, lon = raw.get("lat"), raw.get("lon")
        if lat is None and lon is None and precision == "commune":
            if commune is None:
                if code is None:
                    self.error(path, line, "location de précision commune : il faut une commune ou lat/lon")
                return None, None, None
            return commune.lat, commune.lon, "commune"
        problem = valid_lat_lon(lat, lon)
        if problem:
            self.error(path, raw.key_line("lat" if "lat" in problem else "lon"), problem)
            return None, None, None
        lat, lon = float(lat), float(lon)
        if not in_france(lat, lon):
            self.error(path, raw.key_line("lat"),
                       f"location ({lat}, {lon}) hors de France (métropole et départements d'outre-mer)")
            return None, None, None
        if commune is not None:
            distance = haversine_km(lat, lon, commune.lat, commune.lon)
            limit = far_limit_km(commune.dept)
            if distance > limit:
                self.error(path, raw.key_line("lat"), self._far_message(lat, lon, commune, distance, limit))
                return None, None, None
        elif not self._near_a_commune(lat, lon):
            self.error(path, raw.key_line("lat"),
                       f"location ({lat}, {lon}) à plus de {SEA_LIMIT_KM:g} km de toute commune française "
                       "(en mer ?) ; donner sa commune à l'entrée ou corriger le point")
            return None, None, None
        return lat, lon, precision

    def _near_a_commune(self, lat: float, lon: float) -> bool:
        """Without a commune to compare with, a point must still be on land: near some commune."""
        nearest = self._nearest_commune(lat, lon)
        if nearest is None:
            return self._commune_grid is None  # no gazetteer to tell: the bounding box decided
        return haversine_km(lat, lon, nearest.lat, nearest.lon) <= SEA_LIMIT_KM

    def _far_message(self, lat: float, lon: float, commune: CommuneLike, distance: float, limit: float) -> str:
        message = (f"location ({lat}, {lon}) à {distance:.1f} km de {commune.name} ({commune.code}), "
                   f"plus de {limit:g} km")
        nearest = self._nearest_commune(lat, lon)
        if nearest is not None and nearest.code != commune.code:
            where = "" if nearest.dept == commune.dept else f", hors du département {commune.dept}"
            message += f" ; commune la plus proche : {nearest.name} ({nearest.code}, département {nearest.dept}){where}"
        return message

    def _nearest_commune(self, lat: float, lon: float) -> Optional[CommuneLike]:
        if self._commune_grid is None:
            try:
                points = [(c.lat, c.lon, c) for c in self.gazetteer]  # type: ignore[attr-defined]
            except TypeError:
                return None
            self._commune_grid = PointGrid(points)
        found = self._commune_grid.nearest(lat, lon)
        return found[1] if found else None  # type: ignore[return-value]

    def _phones(self, check: FieldCheck, path: str) -> tuple[str, ...]:
        phones = []
        for i, (raw, line) in enumerate(check("phones") or []):
            if isinstance(raw, int) and not isinstance(raw, bool):
                raw = str(raw)
            try:
                if not isinstance(raw, str):  # a list or a table: not a number (and not one to look up)
                    raise PhoneError(f"{raw!r} is not a phone number")
                phones.append(normalize_phone(raw))
            except PhoneError as exc:
                self.error(path, line, f"phones[{i}]: {exc}")
        return tuple(phones)

    def _hours(self, check: FieldCheck, key: str, path: str) -> Optional[str]:
        text = check(key)
        if text is None:
            return None
        message = hours_error(text)
        if message is not None:
            self.error(path, check.node.key_line(key), f"{key} « {text} » illisible : {message}")
            return None
        return text

    def _area(self, data: LineMap, path: str) -> tuple[str, ...]:
        """`area: {departements: ["32"]}`: the territory whose local services the directory knows."""
        raw = data.get("area")
        line = data.key_line("area")
        depts = raw.get("departements") if hasattr(raw, "get") else None
        if not isinstance(depts, list) or not depts or not all(
                isinstance(d, str) and re.fullmatch(r"\d{2,3}|2[AB]", d) for d in depts):
            self.error(path, line, "area doit être {departements: [\"32\", …]} (codes de département en texte)")
            return ()
        return tuple(depts)

    def _date(self, check: FieldCheck, key: str, path: str) -> Optional[date]:
        value = check(key)
        if value is not None and value > self.today:
            self.error(path, check.node.key_line(key), f"{key} {value.isoformat()} est dans le futur")
            return None
        return value
