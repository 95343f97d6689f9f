"""Import the FINESS etalab extraction (`etalab-cs1100507-stock-*.csv`) into directory YAML.

Format (facts.md, "Data formats met in the wild"): `;`-separated, Windows-1252,
a first comment line (`finess;etalab;…`), `structureet` lines then
`geolocalisation` lines. Coordinates are projected (Lambert 93 in metropolitan
France; the 7th comma field of `sourcecoordet` names the projection) and are
converted to WGS84 with pyproj.

Categories kept (others are skipped and counted):
620 pharmacie d'officine -> pharmacie; 355 centre hospitalier, 106 ex-hôpital
local -> hopital; 292 CHS -> hopital (psychiatry); 156 CMP -> cmp; 124 centre de
santé -> centre_sante; 603 MSP -> msp; 604 CPTS -> cpts. FINESS does not say
whether a hospital has an emergency department, so no entry becomes `urgences`:
an editor changes the kind after checking.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any, Optional

from orient.directory.importers.common import (
    CommuneFinder, ImportFailed, ImportResult, clean_phones, place, recase,
)

STRUCTURE_FIELDS = (
    "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib", "numvoie", "typvoie", "voie",
    "compvoie", "lieuditbp", "commune", "departement", "libdepartement", "ligneacheminement", "telephone",
    "telecopie", "categetab", "libcategetab", "categagretab", "libcategagretab", "siret", "codeape", "codemft",
    "libmft", "codesph", "libsph", "dateouv", "dateautor", "datemaj",
)
GEO_FIELDS = ("nofinesset", "coordxet", "coordyet", "sourcecoordet", "datemaj")

# categetab -> (kind, capabilities)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "620": ("pharmacie", ()),
    "355": ("hopital", ()),
    "106": ("hopital", ()),
    "292": ("hopital", ("psychiatry",)),
    "156": ("cmp", ("psychiatry",)),
    "124": ("centre_sante", ()),
    "603": ("msp", ()),
    "604": ("cpts", ()),
}
HOSPITAL_NOTE = "Service d'urgences : non indiqué par FINESS, à vérifier."
LOCAL_HOSPITAL_NOTE = "Ex-hôpital local, sans service d'urgences."

# Projection named in `sourcecoordet` -> EPSG code of the source coordinates.
PROJECTIONS = {
    "LAMBERT_93": "EPSG:2154",
    "UTM_N20": "EPSG:5490",  # RGAF09 / UTM 20N: Guadeloupe, Martinique
    "UTM_N22": "EPSG:2972",  # RGFG95 / UTM 22N: Guyane
    "UTM_S40": "EPSG:2975",  # RGR92 / UTM 40S: La Réunion
    "UTM_S38": "EPSG:4471",  # RGM04 / UTM 38S: Mayotte
}

# FINESS writes overseas départements with a letter.
FINESS_DEPTS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9F": "976"}
STREET_TYPES = {
    "AV": "avenue", "BD": "boulevard", "R": "rue", "RUE": "rue", "PL": "place", "RTE": "route", "CHE": "chemin",
    "CHEM": "chemin", "ALL": "allée", "IMP": "impasse", "QU": "quai", "QUAI": "quai", "CRS": "cours",
    "PROM": "promenade", "SQ": "square", "LD": "lieu-dit", "LOT": "lotissement", "RPT": "rond-point",
    "FG": "faubourg", "PASS": "passage", "CITE": "cité", "RES": "résidence", "ZA": "ZA", "ZI": "ZI",
    "VOIE": "voie", "ESP": "esplanade", "HAM": "hameau", "CAR": "carrefour", "MTE": "montée", "SEN": "sentier",
}


def dept_of(finess_dept: str) -> str:
    return FINESS_DEPTS.get(finess_dept, finess_dept)


def wanted_dept(dept: str) -> str:
    """--dept as people write it ("32", "2A", "971") -> the INSEE département."""
    dept = dept.strip().upper()
    return dept.zfill(2) if dept.isdigit() and len(dept) < 2 else dept


def insee_code(finess_dept: str, commune: str) -> Optional[str]:
    dept = dept_of(finess_dept)
    commune = commune.strip()
    if not commune.isdigit():
        return None
    if len(dept) == 3:  # overseas: 971 + the last two digits of 101 -> 97101
        return dept + commune[-2:]
    return dept + commune.zfill(3)[-3:]


def read_rows(path: Path) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(structures by FINESS number, geolocations by FINESS number)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFailed(f"impossible de lire {path} : {exc.strerror or exc}") from None
    text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    structures: dict[str, dict[str, str]] = {}
    geos: dict[str, dict[str, str]] = {}
    first = True
    for row in _rows(reader, path):
        if not row or not any(cell.strip() for cell in row):
            continue
        if first:
            first = False
            if row[0].strip().lower() == "finess":
                continue  # the comment line
        tag = row[0].strip().lower()
        if tag == "structureet":
            values = row[1:] + [""] * (len(STRUCTURE_FIELDS) - len(row) + 1)
            record = dict(zip(STRUCTURE_FIELDS, (v.strip() for v in values)))
            structures[record["nofinesset"]] = record
        elif tag == "geolocalisation":
            values = row[1:] + [""] * (len(GEO_FIELDS) - len(row) + 1)
            record = dict(zip(GEO_FIELDS, (v.strip() for v in values)))
            geos[record["nofinesset"]] = record
    if not structures:
        raise ImportFailed(
            f"{path} : aucune ligne « structureet » ; attendu l'extraction FINESS etalab "
            "(séparateur ;, Windows-1252, première ligne « finess;etalab;… »)"
        )
    return structures, geos


def _rows(reader: Any, path: Path):
    """The CSV rows; an unterminated quote or an oversized field is an ImportFailed at its line
    (never a traceback, never the rest of the file swallowed into one field)."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailed(f"{path}:{start}: ligne illisible ({exc}) ; un guillemet n'est-il pas fermé ?") from None
        if any("\n" in cell or "\r" in cell for cell in row):
            raise ImportFailed(f"{path}:{start}: guillemet ouvert et jamais fermé (le champ court jusqu'à la "
                               f"ligne {reader.line_num}) ; rien n'a été importé")
        yield row


def _to_wgs84(geo: dict[str, str], transformers: dict[str, Any]) -> Optional[tuple[float, float]]:
    try:
        x = float(geo["coordxet"].replace(",", "."))
        y = float(geo["coordyet"].replace(",", "."))
    except (KeyError, ValueError):
        return None
    parts = geo.get("sourcecoordet", "").split(",")
    projection = parts[6].strip().upper() if len(parts) > 6 else "LAMBERT_93"
    epsg = PROJECTIONS.get(projection)
    if epsg is None:
        return None
    transformer = transformers.get(epsg)
    if transformer is None:
        from pyproj import Transformer

        transformer = transformers[epsg] = Transformer.from_crs(epsg, "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(x, y)
    return lat, lon


def address_of(record: dict[str, str]) -> Optional[str]:
    street_type = record.get("typvoie", "").upper()
    street = " ".join(
        part for part in (
            record.get("numvoie", ""),
            record.get("compvoie", "").lower(),
            STREET_TYPES.get(street_type, street_type.lower()),
            recase(record.get("voie", ""), capitalize_first=False),
        ) if part
    )
    place_line = record.get("ligneacheminement", "")
    if place_line:
        postcode, _, town = place_line.partition(" ")
        place_line = f"{postcode} {recase(town)}".strip()
    lieudit = recase(record.get("lieuditbp", "")) if not record.get("lieuditbp", "").upper().startswith("BP") else ""
    parts = [p for p in (street, lieudit, place_line) if p]
    return ", ".join(parts) if parts else None


def finess_entry(number: str, name: str, category: str, commune: Any, coordinate: Optional[tuple[float, float]],
                 address: Optional[str], phones: list[str], source: str, today: date, finder: CommuneFinder,
                 result: ImportResult) -> dict[str, Any]:
    """The directory entry of one FINESS establishment (etalab CSV or FINESS+ JSON), `category` in CATEGORIES."""
    kind, capabilities = CATEGORIES[category]
    entry: dict[str, Any] = {"id": f"finess-{number.lower()}", "name": name, "kind": kind}
    if commune is None and coordinate is not None:
        commune = finder.nearest(*coordinate)
        result.adjusted["commune FINESS inconnue, déduite de la position"] += 1
    lat, lon = coordinate if coordinate else (None, None)
    place(entry, lat, lon, commune, result.adjusted)
    entry["address"] = address
    entry["phones"], bad = clean_phones(phones)
    if bad:
        result.adjusted["téléphone invalide omis"] += 1
    entry["opening_hours"] = None
    if capabilities:
        entry["capabilities"] = list(capabilities)
    entry["sources"] = [source]
    entry["verified"] = today.isoformat()
    if category == "355":
        entry["note"] = HOSPITAL_NOTE
    elif category == "106":
        entry["note"] = LOCAL_HOSPITAL_NOTE
    return entry


def import_finess(path: Path, dept: str, gazetteer: Any, today: Optional[date] = None) -> ImportResult:
    path = Path(path)
    structures, geos = read_rows(path)
    today = today or date.today()
    wanted = wanted_dept(dept)
    result = ImportResult(source_name=f"FINESS etalab {path.name}")
    finder = CommuneFinder(gazetteer)
    transformers: dict[str, Any] = {}
    for number, record in structures.items():
        if dept_of(record.get("departement", "")) != wanted:
            continue
        category = record.get("categetab", "")
        if category not in CATEGORIES:
            result.skipped["catégorie hors annuaire"] += 1
            continue
        name = recase(record.get("rslongue") or record.get("rs") or "")
        if not name:
            result.skipped["sans nom"] += 1
            continue
        code = insee_code(record.get("departement", ""), record.get("commune", ""))
        coordinate = _to_wgs84(geos[number], transformers) if number in geos else None
        entry = finess_entry(
            number, name, category, gazetteer.get(code) if code else None, coordinate, address_of(record),
            [record.get("telephone", "")], f"FINESS etalab {path.name} ({number})", today, finder, result,
        )
        result.entries.append(entry)
    result.entries.sort(key=lambda e: (e["kind"], e.get("commune") or "", e["name"]))
    return result


def header(path: Path, dept: str, today: date) -> str:
    return (
        f"Importé de {path.name} (FINESS, extraction etalab, licence ouverte) pour le département {dept},\n"
        f"le {today.isoformat()} par `orient import finess`. Horaires inconnus : null.\n"
        "Les hôpitaux y sont de kind hopital : FINESS ne dit pas s'ils ont un service d'urgences."
    )
