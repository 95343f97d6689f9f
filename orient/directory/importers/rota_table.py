"""The pharmacies' duty rota as a pharmacists' union sends it (CSV, XLSX, ODS) -> `rota/*.yaml`.

One row per duty: the sector, the pharmacy, when the duty starts and ends; the
communes of the sector on at least one of its rows. Column names are matched
without regard to case or accents, French or English:

| column | also read as | what |
|---|---|---|
| secteur | sector | the sector's name |
| communes | communes du secteur | the sector's communes (names or INSEE codes, separated by `;` or `,`) |
| pharmacie | pharmacy, officine | the pharmacy: its name, its directory id or its FINESS number |
| commune | ville, commune de la pharmacie | the pharmacy's commune, when two pharmacies share a name |
| finess | n finess | the pharmacy's FINESS number |
| debut | début, du, start | start of the duty: `2027-01-02T19:30`, `02/01/2027 19:30`, `02/01/2027 19h30` |
| fin | au, end | end of the duty (excluded) |

Every row that cannot be placed — an unknown pharmacy, a commune that does not
exist, a date that does not parse, a duty that overlaps another — is reported as
`file:line: message`, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

import yaml

from orient.directory.importers.common import ImportFailed, slug
from orient.directory.rota import PHARMACY_KINDS, parse_moment_paris
from orient.directory.textnorm import key

COLUMNS = {
    "sector": ("secteur", "sector", "secteur de garde"),
    "communes": ("communes", "communes du secteur"),
    "pharmacy": ("pharmacie", "pharmacy", "officine", "pharmacie de garde"),
    "pharmacy_commune": ("commune", "ville", "commune de la pharmacie"),
    "finess": ("finess", "n finess", "numero finess"),
    "start": ("debut", "du", "start", "date de debut"),
    "end": ("fin", "au", "end", "date de fin"),
}
REQUIRED = ("sector", "pharmacy", "start", "end")
LIST_SEPARATOR = re.compile(r"\s*[;,\n|]\s*")
FRENCH_MOMENT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})\s*[h:H]\s*(\d{2})?$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
FINESS_IN_SOURCE = re.compile(r"\((\w{9})\)")


@dataclass
class SectorDraft:
    name: str
    line: int
    communes: dict[str, None] = field(default_factory=dict)  # ordered set of INSEE codes
    duties: list[tuple[int, str, str, str]] = field(default_factory=list)  # (line, pharmacy id, start, end)


@dataclass
class RotaImport:
    sectors: dict[str, SectorDraft] = field(default_factory=dict)  # by sector id
    problems: list[str] = field(default_factory=list)

    @property
    def duty_count(self) -> int:
        return sum(len(s.duties) for s in self.sectors.values())


def moment(text: str) -> str:
    """A duty bound as the rota file stores it ("2027-01-02T19:30", Paris time); ValueError in French."""
    text = text.strip()
    match = FRENCH_MOMENT.match(text)
    if match:
        day, month, year, hour, minute = match.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}T{int(hour):02d}:{minute or '00'}"
    try:
        parse_moment_paris(text)
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(f"date et heure illisibles '{text}' ; attendu 02/01/2027 19:30 ou 2027-01-02T19:30") from None
    return value.isoformat(timespec="minutes")


class PharmacyFinder:
    """A pharmacy of the directory from what a rota row says: id, FINESS number, or name (and commune)."""

    def __init__(self, services: Any):
        self.others = {key(s.name): s for s in services if s.kind not in PHARMACY_KINDS}
        self.pharmacies = [s for s in services if s.kind in PHARMACY_KINDS]
        self.by_id = {s.id: s for s in self.pharmacies}
        self.by_finess: dict[str, Any] = {}
        for s in self.pharmacies:
            numbers = [s.id[len("finess-"):]] if s.id.startswith("finess-") else []
            numbers += [m.lower() for src in s.sources for m in FINESS_IN_SOURCE.findall(src)]
            for number in numbers:
                self.by_finess.setdefault(number.lower(), s)

    def find(self, name: str, finess: str, commune: Optional[str]) -> tuple[Any, Optional[str]]:
        """(service, None) or (None, the French reason)."""
        if finess:
            found = self.by_finess.get(finess.strip().lower())
            return (found, None) if found else (None, f"pharmacie FINESS {finess} absente de l'annuaire")
        if name in self.by_id:
            return self.by_id[name], None
        if re.fullmatch(r"\w{9}", name) and name.lower() in self.by_finess:
            return self.by_finess[name.lower()], None
        wanted = key(name)
        pool = [s for s in self.pharmacies if commune is None or s.commune == commune]
        candidates = [s for s in pool if key(s.name) == wanted]
        if not candidates:  # "Pharmacie de la Halle" written "Halle" or "Pharmacie Halle"
            words = set(wanted.split()) - {"pharmacie", "de", "la", "le", "les", "du", "des"}
            candidates = [s for s in pool if words and words <= set(key(s.name).split())]
        if len(candidates) == 1:
            return candidates[0], None
        where = f" à la commune {commune}" if commune else ""
        other = self.others.get(wanted)
        if not candidates and other is not None:
            return None, f"'{name}' est dans l'annuaire mais n'est pas une pharmacie ({other.id}, {other.kind})"
        if not candidates:
            return None, (f"pharmacie '{name}'{where} absente de l'annuaire : ajoutez-la "
                          "(orient import csv) ou écrivez son id ou son numéro FINESS")
        ids = ", ".join(f"{s.id} ({s.name}, {s.commune})" for s in candidates[:5])
        return None, f"pharmacie '{name}' ambiguë : {ids} ; précisez la colonne commune, l'id ou le numéro FINESS"


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = wanted.get(key(cell))
        if name and name not in found:
            found[name] = i
    return found


def resolve_commune(text: str, gazetteer: Any) -> tuple[Optional[str], Optional[str]]:
    """(INSEE code, problem) for a commune written as a code, a postcode or a name."""
    if INSEE.match(text.upper()):
        return (text.upper(), None) if gazetteer.get(text.upper()) else (None, f"commune {text} inconnue (code INSEE)")
    commune = gazetteer.resolve(text)
    if commune is not None:
        return commune.code, None
    close = ", ".join(f"{m.commune.name} ({m.commune.code})" for m in gazetteer.search(text, limit=3))
    return None, f"commune '{text}' introuvable" + (f" ; communes proches : {close}" if close else "")


def read_rota_table(path: Path, services: Any, gazetteer: Any) -> RotaImport:
    from orient.directory.importers.tables import read_table

    table = read_table(path)
    result = RotaImport()
    if not table:
        raise ImportFailed(f"{path}:1: tableau vide ; attendu un en-tête avec secteur, pharmacie, début, fin")
    header_line, header = table[0]
    columns = _columns(header)
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFailed(f"{path}:{header_line}: colonne(s) absente(s) : {', '.join(missing)} ; "
                           f"colonnes lues : {', '.join(h[:40] for h in header if h)}")
    finder = PharmacyFinder(services)

    def cell(cells: list[str], name: str) -> str:
        i = columns.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for line, cells in table[1:]:
        problems = []
        sector_name = cell(cells, "sector")
        if not sector_name:
            result.problems.append(f"{path}:{line}: secteur manquant")
            continue
        sector_id = slug(sector_name)
        if not sector_id:
            result.problems.append(f"{path}:{line}: secteur '{sector_name[:40]}' sans lettre ni chiffre")
            continue
        sector = result.sectors.setdefault(sector_id, SectorDraft(sector_name, line))
        for name in filter(None, LIST_SEPARATOR.split(cell(cells, "communes"))):
            code, problem = resolve_commune(name, gazetteer)
            if problem:
                problems.append(problem)
            else:
                sector.communes[code] = None
        pharmacy_commune = None
        if cell(cells, "pharmacy_commune"):
            pharmacy_commune, problem = resolve_commune(cell(cells, "pharmacy_commune"), gazetteer)
            if problem:
                problems.append(problem)
        service = None
        if not cell(cells, "pharmacy") and not cell(cells, "finess"):
            problems.append("pharmacie manquante")
        elif pharmacy_commune is not None or not cell(cells, "pharmacy_commune"):
            service, problem = finder.find(cell(cells, "pharmacy"), cell(cells, "finess"), pharmacy_commune)
            if problem:
                problems.append(problem)
        bounds = {}
        for bound, label in (("start", "début"), ("end", "fin")):
            if not cell(cells, bound):
                problems.append(f"{label} manquant")
                continue
            try:
                bounds[bound] = moment(cell(cells, bound))
            except ValueError as exc:
                problems.append(f"{label} : {exc}")
        if len(bounds) == 2 and parse_moment_paris(bounds["end"]) <= parse_moment_paris(bounds["start"]):
            problems.append(f"la garde finit ({bounds['end']}) avant de commencer ({bounds['start']})")
        if problems:
            result.problems += [f"{path}:{line}: {p}" for p in problems]
        elif service is not None:
            sector.duties.append((line, service.id, bounds["start"], bounds["end"]))
    for sector in result.sectors.values():
        if not sector.communes:
            result.problems.append(f"{path}:{sector.line}: secteur '{sector.name}' sans commune : "
                                   "remplissez la colonne communes sur au moins une de ses lignes")
        duties = sorted(sector.duties, key=lambda d: parse_moment_paris(d[2]))
        for previous, duty in zip(duties, duties[1:]):
            if parse_moment_paris(duty[2]) < parse_moment_paris(previous[3]):
                result.problems.append(f"{path}:{duty[0]}: la garde chevauche celle de la ligne {previous[0]} "
                                       f"dans le secteur '{sector.name}'")
    result.problems.sort(key=lambda p: int(p[len(str(path)) + 1:].split(":", 1)[0]))
    return result


def to_yaml(rota: RotaImport, path: Path, today: date, source: Optional[str]) -> str:
    sources = [source] if source else []
    sources.append(f"{path.name}, importé le {today.isoformat()} (orient rota import)")
    sectors = []
    for sector_id, sector in rota.sectors.items():
        duties = sorted(sector.duties, key=lambda d: parse_moment_paris(d[2]))
        sectors.append({
            "id": sector_id, "name": sector.name, "communes": list(sector.communes), "sources": list(sources),
            "duties": [{"pharmacy": pharmacy, "start": start, "end": end} for _, pharmacy, start, end in duties],
        })
    body = yaml.safe_dump({"sectors": sectors}, allow_unicode=True, sort_keys=False, width=100,
                          default_flow_style=None)
    return (f"# Tour de garde des pharmacies importé de {path.name} le {today.isoformat()} par `orient rota import`.\n"
            "# Heure de Paris ; début inclus, fin exclue. Hors de ces gardes : le 3237.\n" + body)
