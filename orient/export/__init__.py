"""Export the directory to the open formats of the national platforms.

`datainclusion` writes the French data·inclusion schema v1 (`structures.json`,
`services.json`); `hsds` writes Open Referral HSDS 3 (`services.json`, one
compiled service per entry with its organization, location, phones and hours).
Only local entries (with a commune) are exported: the national lines (15, 112,
3966…) are not the territory's to publish. Unknown stays absent, never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Optional

from orient.atomic import write_atomic
from orient.textsafe import printable_json
from orient.directory.model import CAPABILITIES, KINDS, Service

POSTCODE_AND_TOWN = re.compile(r"^(?P<street>.*?),?\s*(?P<postcode>\d{5})\s+(?P<town>[^,]+)$")


@dataclass(frozen=True)
class Place:
    """What the exports need to know of an entry's place, from the entry and the gazetteer."""

    street: Optional[str]  # the address without postcode and town
    postcode: Optional[str]
    town: str  # the commune's name
    insee: str
    dept: str
    lat: Optional[float]  # only when geocoded at the address
    lon: Optional[float]


def place_of(service: Service, gazetteer: Any) -> Optional[Place]:
    commune = gazetteer.get(service.commune) if service.commune else None
    if commune is None:
        return None
    street, postcode = service.address, None
    match = POSTCODE_AND_TOWN.match(service.address or "")
    if match:
        street, postcode = match["street"].strip(" ,") or None, match["postcode"]
    elif len(commune.postcodes) == 1:
        postcode = commune.postcodes[0]
    exact = service.precision == "address"
    return Place(street, postcode, commune.name, commune.code, commune.dept,
                 service.lat if exact else None, service.lon if exact else None)


def local_services(services: Iterable[Service]) -> list[Service]:
    return [s for s in services if s.commune]


def last_change(service: Service) -> date:
    """The day the entry was last checked, else the date of its source, else the day its file last
    changed (never a guess in the future)."""
    if service.verified is not None:
        return service.verified
    if service.source_date is not None:
        return service.source_date
    try:
        return min(date.fromtimestamp(Path(service.path).stat().st_mtime), date.today())
    except (OSError, ValueError, OverflowError):
        return date.today()


def display_name(name: str, kind: str, longest: int = 150) -> str:
    """A name the national schemas accept: 3 to `longest` characters (a two-letter name gets its kind)."""
    if len(name) < 3:
        name = f"{name} ({KINDS[kind]})"
    return name if len(name) <= longest else name[: longest - 1].rstrip() + "…"


def description(service: Service) -> str:
    """French text: the kind, what it offers, its note."""
    parts = [KINDS[service.kind][:1].upper() + KINDS[service.kind][1:] + "."]
    offered = [CAPABILITIES[c] for c in sorted(service.capabilities)]
    if offered:
        parts.append("Particularités : " + ", ".join(offered) + ".")
    if service.note:
        parts.append(service.note.strip())
    if service.verified is None:
        parts.append("Coordonnées à vérifier : aucune source récente ne les confirme.")
    return " ".join(parts)


def write_json(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    # Loaded data holds no control character; stripping again keeps a bad import out of the platforms.
    write_atomic(path, json.dumps(printable_json(data), ensure_ascii=False, indent=2) + "\n")
    return path
