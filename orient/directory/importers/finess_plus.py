"""Import the ANS FINESS+ open-data flux "structures" (JSON, schema v1) into directory YAML.

The file (`finess-structures-*.json`, possibly gzipped) is one JSON object whose
`pmej` list holds the legal entities, each with its geographic establishments
(`ege`). Schema: `flux/out/data.gouv/structure/schema-structures-v1.json` of
github.com/ansforge/finess. Fields read, per establishment:

- `informationsGeneralesEGE.numFinessEge`, `nomEgeLong` / `nomEgeCourt`, `dateFermeture`;
- `etatObjet` (TRE-R386: `A` active, `I` inactive) — inactive or closed ones are skipped;
- `categorieEntiteGeographiqueExercice` (TRE-R397) — written as a bare code ("620") in the
  published files, as a `{code, system}` coding in the schema: both are read;
- `adresse[]` (the main one, `usageAdresse` 03, else the first): `cogCommune`, the street
  fields, `coordonneesGeographique.coordonneeX/Y` — Lambert 93 metres, or WGS84 degrees
  (X = longitude), sometimes with X and Y swapped: the order nearer the commune is kept;
- `contact[].telecom.telephone`.

Categories map to kinds exactly as in the FINESS etalab importer (`finess.CATEGORIES`).
The structures flux does not say whether a hospital has an emergency department, so a
hospital stays `hopital` with a note until an editor checks it.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any, Optional

from orient.directory.geo import haversine_km, in_france
from orient.directory.importers.common import CommuneFinder, ImportFailed, ImportResult, recase
from orient.directory.importers.finess import CATEGORIES, address_of, finess_entry, wanted_dept

MAIN_ADDRESS_USAGE = "03"
# TRE-R386 codes an inactive object `I`; closed or inactive spelled out are read the same way.
INACTIVE = ("I", "F", "INACTIF", "INACTIVE", "FERME", "FERMEE", "FERMÉ", "FERMÉE", "CLOSED")
# Where the establishment's number, name and category may be, the schema's spelling first.
NUMBER_FIELDS = ("numFinessEge", "numFinessEt", "numFiness")
NAME_FIELDS = ("nomEgeLong", "nomEgeCourt", "denominationLongue", "denomination", "raisonSociale")
CATEGORY_FIELD = "categorieEntiteGeographiqueExercice"


def read_document(path: Path) -> dict[str, Any]:
    """The parsed flux; ImportFailed (French, with the line of a JSON error) when it is not one."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFailed(f"impossible de lire {path} : {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ImportFailed(f"{path} : fichier gzip illisible ({exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path} : le flux FINESS+ doit être en UTF-8 (octet {exc.start} invalide)") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path}:{exc.lineno}: JSON invalide ({exc.msg}, colonne {exc.colno})") from None
    if not isinstance(document, dict) or not isinstance(document.get("pmej"), list):
        raise ImportFailed(
            f"{path} : attendu le flux FINESS+ « structures » (schéma v1) : un objet JSON avec une liste « pmej »"
        )
    return document


def field(mapping: Any, name: str) -> Any:
    """`mapping[name]`, the key matched without regard to case (the files and the schema differ)."""
    if not isinstance(mapping, dict):
        return None
    if name in mapping:
        return mapping[name]
    lowered = name.lower()
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == lowered:
            return value
    return None


def items(value: Any) -> list:
    """A JSON array, or [] for anything else (null, an object, a number)."""
    return value if isinstance(value, list) else []


def code_of(value: Any) -> str:
    """A coded value, bare ("620") or as a coding ({"code": "620", "system": …})."""
    if isinstance(value, dict):
        value = value.get("code")
    return str(value).strip() if value is not None else ""


def text_of(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _number(value: Any) -> Optional[float]:
    try:
        return float(str(value).strip().replace(",", "."))
    except (TypeError, ValueError):
        return None


def main_address(ege: dict[str, Any]) -> dict[str, Any]:
    addresses = [a for a in items(field(ege, "adresse")) if isinstance(a, dict)]
    for address in addresses:
        if text_of(field(address, "usageAdresse")) == MAIN_ADDRESS_USAGE:
            return address
    return addresses[0] if addresses else {}


def coordinate(address: dict[str, Any], commune: Any, transformers: dict[str, Any],
               adjusted: Any) -> Optional[tuple[float, float]]:
    """(lat, lon) in WGS84 from Lambert 93 or degrees, X/Y order checked against the commune."""
    point = field(address, "coordonneesGeographique")
    if not isinstance(point, dict):
        return None
    x, y = _number(field(point, "coordonneeX")), _number(field(point, "coordonneeY"))
    if x is None or y is None:
        return None
    if abs(x) > 360 or abs(y) > 360:  # metres: Lambert 93, as in the etalab extraction
        from orient.directory.importers.finess import _to_wgs84

        return _to_wgs84({"coordxet": str(x), "coordyet": str(y), "sourcecoordet": ""}, transformers)
    if text_of(field(point, "directionLongitude")).upper() in ("O", "W"):
        x = -abs(x)
    if text_of(field(point, "directionLatitude")).upper() == "S":
        y = -abs(y)
    stated, swapped = (y, x), (x, y)
    if commune is not None:
        far = haversine_km(*stated, commune.lat, commune.lon) > haversine_km(*swapped, commune.lat, commune.lon)
    else:
        far = not in_france(*stated) and in_france(*swapped)
    if far:
        adjusted["coordonnées X/Y inversées remises dans l'ordre"] += 1
        return swapped
    return stated


def phones_of(ege: dict[str, Any]) -> list[str]:
    found = []
    for contact in items(field(ege, "contact")):
        number = text_of(field(field(contact, "telecom"), "telephone")) or text_of(field(contact, "telephone"))
        if number:
            found.append(number)
    return found


def address_line(address: dict[str, Any]) -> Optional[str]:
    """The etalab importer's address format, from the FINESS+ address fields."""
    routing = text_of(field(address, "ligneAcheminement"))
    if not routing and text_of(field(address, "codePostal")):
        routing = text_of(field(address, "codePostal"))
    return address_of({
        "numvoie": text_of(field(address, "numeroVoie")),
        "typvoie": text_of(field(address, "typeVoie")),
        "voie": text_of(field(address, "libelleVoie")),
        "compvoie": text_of(field(address, "complementVoie")),
        "lieuditbp": text_of(field(address, "lieuDit")),
        "ligneacheminement": routing,
    })


def first_text(mapping: Any, names: tuple[str, ...]) -> str:
    return next((text_of(field(mapping, n)) for n in names if text_of(field(mapping, n))), "")


def is_closed(ege: dict[str, Any], today: date) -> bool:
    state = code_of(field(ege, "etatObjet")).upper()
    if state in INACTIVE:
        return True
    closing = text_of(field(field(ege, "informationsGeneralesEGE"), "dateFermeture"))
    try:
        return bool(closing) and date.fromisoformat(closing[:10]) <= today
    except ValueError:
        return False


def import_finess_plus(path: Path, dept: str, gazetteer: Any, today: Optional[date] = None) -> ImportResult:
    path = Path(path)
    document = read_document(path)
    today = today or date.today()
    wanted = wanted_dept(dept)
    result = ImportResult(source_name=f"FINESS+ {path.name}")
    finder = CommuneFinder(gazetteer)
    transformers: dict[str, Any] = {}
    seen: set[str] = set()
    for legal_entity in document["pmej"]:
        for ege in items(field(legal_entity, "ege")):
            if not isinstance(ege, dict):
                result.skipped["établissement illisible"] += 1
                continue
            entry = _entry(ege, wanted, gazetteer, finder, transformers, today, path, result)
            if entry is None:
                continue
            if entry["id"] in seen:
                result.skipped["numéro FINESS en double"] += 1
                continue
            seen.add(entry["id"])
            result.entries.append(entry)
    result.entries.sort(key=lambda e: (e["kind"], e.get("commune") or "", e["name"]))
    return result


def _entry(ege: dict[str, Any], wanted: str, gazetteer: Any, finder: CommuneFinder, transformers: dict[str, Any],
           today: date, path: Path, result: ImportResult) -> Optional[dict[str, Any]]:
    info = field(ege, "informationsGeneralesEGE")
    address = main_address(ege)
    code = text_of(field(address, "cogCommune")).upper()
    commune = gazetteer.get(code) if code else None
    if commune is not None and commune.dept != wanted:
        return None
    if not code:
        result.skipped["sans commune"] += 1
        return None
    if commune is None and not code.startswith(wanted):
        return None  # another département
    number = first_text(info, NUMBER_FIELDS) or first_text(ege, NUMBER_FIELDS)
    if not number.isalnum() or len(number) != 9:
        result.skipped["sans numéro FINESS valide"] += 1
        return None
    category = code_of(field(ege, CATEGORY_FIELD) or field(info, CATEGORY_FIELD))
    if category not in CATEGORIES:
        result.skipped["catégorie hors annuaire"] += 1
        return None
    if is_closed(ege, today):
        result.skipped["fermée"] += 1
        return None
    name = recase(first_text(info, NAME_FIELDS))
    if not name:
        result.skipped["sans nom"] += 1
        return None
    return finess_entry(
        number, name, category, commune, coordinate(address, commune, transformers, result.adjusted),
        address_line(address), phones_of(ege), f"FINESS+ {path.name} ({number})", today, finder, result,
    )


def header(path: Path, dept: str, today: date) -> str:
    return (
        f"Importé de {path.name} (FINESS+, flux « structures » de l'ANS, licence ouverte) pour le département {dept},\n"
        f"le {today.isoformat()} par `orient import finess-plus`. Structures fermées ignorées ; horaires inconnus : null.\n"
        "Les hôpitaux y sont de kind hopital : le flux ne dit pas s'ils ont un service d'urgences."
    )
