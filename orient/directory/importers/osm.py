"""Import an OpenStreetMap GeoJSON export (amenity=pharmacy/doctors/clinic/hospital) into directory YAML.

Each feature becomes an entry when its kind is clear:
- amenity=pharmacy -> pharmacie;
- amenity=hospital -> urgences when tagged emergency=yes, else hopital;
- amenity=doctors or clinic -> msp, centre_sante or cmp when the name (or
  healthcare tags) says so ("maison de santé", "centre de santé", "CMP"…);
  a plain doctor's office is skipped: no contract kind fits it.
`opening_hours` is kept when it parses (OSM syntax is the directory's), phones
from `phone` / `contact:phone` (several separated by `;`). The commune comes from
`addr:postcode` + `addr:city` when they match the gazetteer, else from the
nearest commune.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any, Optional

from orient.directory.hours import hours_error
from orient.directory.importers.common import CommuneFinder, ImportFailed, ImportResult, clean_phones, place

SOURCE = "OpenStreetMap contributors, ODbL"
AMENITIES = ("pharmacy", "doctors", "clinic", "hospital")

_MSP = re.compile(r"maison (de |médicale |pluri\w* )*sant[ée]|\bmsp\b|p[ôo]le de sant[ée]", re.IGNORECASE)
_CDS = re.compile(r"centre (\w+ )?(de |territorial de |municipal de |départemental de )sant[ée]|\bcts\b|\bcds\b",
                  re.IGNORECASE)
_CMP = re.compile(r"centre médico[- ]psychologique|\bcmp\b", re.IGNORECASE)


def _kind(props: dict[str, Any]) -> Optional[tuple[str, tuple[str, ...]]]:
    amenity = str(props.get("amenity") or "").lower()
    if amenity == "pharmacy":
        return "pharmacie", ()
    if amenity == "hospital":
        emergency = str(props.get("emergency") or "").lower() == "yes"
        return ("urgences", ()) if emergency else ("hopital", ())
    if amenity in ("doctors", "clinic"):
        text = " ".join(str(props.get(k) or "") for k in ("name", "official_name", "healthcare", "healthcare:speciality"))
        if _CMP.search(text) or "psychiatry" in text:
            return "cmp", ("psychiatry",)
        if _MSP.search(text):
            return "msp", ()
        if _CDS.search(text):
            return "centre_sante", ()
    return None


def _point(geometry: Optional[dict[str, Any]]) -> Optional[tuple[float, float]]:
    """(lat, lon) of a Point, or the mean of a polygon's outer ring."""
    if not isinstance(geometry, dict):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Point":
            lat, lon = float(coords[1]), float(coords[0])
            return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None
        if kind == "Polygon":
            ring = coords[0]
        elif kind == "MultiPolygon":
            ring = coords[0][0]
        else:
            return None
        ring = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
        lat = sum(float(p[1]) for p in ring) / len(ring)
        lon = sum(float(p[0]) for p in ring) / len(ring)
        return (lat, lon) if math.isfinite(lat) and math.isfinite(lon) else None
    except (TypeError, ValueError, IndexError, ZeroDivisionError, KeyError, OverflowError):
        return None


def _osm_id(feature: dict[str, Any], props: dict[str, Any]) -> Optional[str]:
    raw = props.get("@id") or feature.get("id") or props.get("id")
    if raw is None:
        return None
    match = re.match(r"^(node|way|relation)[/:]?(\d+)$", str(raw))
    if match:
        return f"{match.group(1)}/{match.group(2)}"
    return str(raw) if str(raw).isdigit() else None


def _address(props: dict[str, Any]) -> Optional[str]:
    street = " ".join(str(props[k]) for k in ("addr:housenumber", "addr:street") if props.get(k))
    town = " ".join(str(props[k]) for k in ("addr:postcode", "addr:city") if props.get(k))
    parts = [p for p in (street, town) if p]
    return ", ".join(parts) if parts else None


def import_osm(path: Path, gazetteer: Any, today: Optional[date] = None) -> ImportResult:
    path = Path(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportFailed(f"impossible de lire {path} : {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(f"{path} : pas un fichier GeoJSON ({exc})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise ImportFailed(f"{path} : attendu un GeoJSON FeatureCollection (export OpenStreetMap)")
    today = today or date.today()
    result = ImportResult(source_name=SOURCE)
    finder = CommuneFinder(gazetteer)
    seen: set[str] = set()
    for feature in data["features"]:
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            result.skipped["élément qui n'est pas un objet GeoJSON"] += 1
            continue
        props = feature.get("properties") or {}
        if str(props.get("amenity") or "").lower() not in AMENITIES:
            result.skipped["hors amenity=pharmacy/doctors/clinic/hospital"] += 1
            continue
        kind = _kind(props)
        if kind is None:
            result.skipped["cabinet ou clinique sans type reconnu"] += 1
            continue
        name = str(props.get("name") or "").strip()
        if not name:
            result.skipped["sans nom"] += 1
            continue
        osm_id = _osm_id(feature, props)
        point = _point(feature.get("geometry"))
        if osm_id is None or point is None:
            result.skipped["sans identifiant ou sans position"] += 1
            continue
        entry_id = "osm-" + osm_id.replace("/", "-")
        if entry_id in seen:
            result.skipped["en double"] += 1
            continue
        seen.add(entry_id)
        commune = finder.by_postcode_and_name(props.get("addr:postcode"), props.get("addr:city"))
        if commune is None:
            commune = finder.nearest(*point)
        entry: dict[str, Any] = {"id": entry_id, "name": name, "kind": kind[0]}
        place(entry, point[0], point[1], commune, result.adjusted)
        entry["address"] = _address(props)
        raw_phones = []
        for key in ("phone", "contact:phone"):
            if props.get(key):
                raw_phones.extend(str(props[key]).split(";"))
        phones, bad = clean_phones(raw_phones)
        entry["phones"] = phones
        if bad:
            result.adjusted["téléphone invalide omis"] += 1
        hours = str(props.get("opening_hours") or "").strip() or None
        if hours is not None and hours_error(hours) is not None:
            result.adjusted["horaires illisibles remplacés par null"] += 1
            hours = None
        entry["opening_hours"] = hours
        if kind[1]:
            entry["capabilities"] = list(kind[1])
        entry["sources"] = [SOURCE, f"https://www.openstreetmap.org/{osm_id}"]
        entry["verified"] = today.isoformat()
        result.entries.append(entry)
    result.entries.sort(key=lambda e: (e["kind"], e.get("commune") or "", e["name"]))
    return result


def header(path: Path, today: date) -> str:
    return (
        f"Importé de {path.name} (© OpenStreetMap contributors, ODbL) le {today.isoformat()}\n"
        "par `orient import osm`. Horaires au format OpenStreetMap ; null quand inconnus."
    )
