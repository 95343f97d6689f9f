"""The fields of the data files, declared once as data: a directory entry, a rota sector and its
duties, a rule and its parts. The field tables of docs/directory-format.md and docs/rules-format.md
are generated from here (`python -m orient.schema --write`; tests/test_schema.py keeps them in step
and checks that the loaders accept exactly these fields).

For a directory entry, `hsds` and `data_inclusion` name the matching field of Open Referral HSDS 3
(openreferral/specification, schema/simple/schema.csv) and of the data·inclusion schema for a
structure (gip-inclusion/data-inclusion-schema, docs/structure.md); None where there is no
matching field, never a guess. `orient export` writes these fields (tests/test_schema.py checks it).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from orient.vocabulary import CAPABILITIES, KINDS, PERIODS


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "text", "list", "mapping", "date", "number", "boolean", "condition", "moment"
    description: str
    required: bool = False
    allowed: tuple[str, ...] = ()  # a closed list, when there is one
    hsds: Optional[str] = None  # HSDS 3 table.field
    data_inclusion: Optional[str] = None  # data·inclusion structure field


SERVICE_FIELDS = (
    Field("id", "text", "`[a-z0-9][a-z0-9_-]*`; unique across all files; rules refer to ids", required=True,
          hsds="service.id", data_inclusion="id"),
    Field("name", "text", "the name people know", required=True, hsds="service.name", data_inclusion="nom"),
    Field("kind", "text", "one of the kinds below", required=True, allowed=tuple(KINDS)),
    Field("commune", "text", "INSEE code (`\"32132\"`, `\"2A004\"`, `\"97411\"`); must be in the gazetteer. An "
          "unquoted number is read as a code (`32132` → `\"32132\"`)", data_inclusion="code_insee"),
    Field("address", "text", "street, postcode and town as one line", hsds="address.address_1",
          data_inclusion="adresse"),
    Field("location", "mapping", "`lat`, `lon` (WGS84 degrees) and `precision`: `address` (geocoded at the "
          "address) or `commune` (only the commune is known). Omitted (or `precision: commune` without lat/lon) "
          "and a commune given: the gazetteer's point of the commune is used, with precision `commune`. Must lie "
          "in France (metropolitan or overseas département) and within 20 km of the commune's point (40 km "
          "overseas, 250 km in Guyane)", hsds="location.latitude, location.longitude",
          data_inclusion="latitude, longitude"),
    Field("phones", "list", "each a valid French number (`phonenumbers`) or a known short number: 15, 17, 18, 112, "
          "114, 115, 119, 3114, 3237, 3624, 3966, 116 117. Stored as E.164 (`+33561777447`) or digits "
          "(`116117`), shown as `05 61 77 74 47`", hsds="phone.number", data_inclusion="telephone"),
    Field("opening_hours", "text", "OpenStreetMap `opening_hours` syntax (`Mo-Fr 08:00-12:00,14:00-18:00; PH "
          "off`), evaluated with the French public holidays (`PH`). `null` = unknown. Must parse: the check shows "
          "the parser's message", hsds="schedule.description", data_inclusion="horaires_accueil"),
    Field("walk_in_hours", "text", "the same syntax: when walking in is possible (not used for ranking)"),
    Field("capabilities", "list", "from the closed list below", allowed=tuple(CAPABILITIES)),
    Field("sources", "list", "at least one: where each fact comes from (`\"facts.md: Numbers — service-public.fr "
          "F33954\"`, `\"FINESS 2020 (320000086)\"`, `\"002_32aa825581a4170d.txt\"`)", required=True),
    Field("verified", "date", "the day the entry was last checked **with the service itself** (a call, its own "
          "page); `null` when nothing current confirms its contact details. Copying facts.md is not a check. Older "
          "than 12 months: a warning. In the future: an error", hsds="service.assured_date", data_inclusion="date_maj"),
    Field("note", "text", "French, for the agent and the patient", hsds="service.description",
          data_inclusion="description"),
    Field("url", "text", "`https://…`", hsds="service.url", data_inclusion="site_web"),
    Field("source_date", "date", "the date of the source the entry was taken from (first day of the month when only "
          "the month is known: otoulouse.net, February 2026 → `2026-02-01`); shown as \"source du 01/02/2026\" "
          "where `verified` is null. In the future: an error", data_inclusion="date_maj"),
)

LOCATION_FIELDS = (
    Field("lat", "number", "latitude, WGS84 degrees", hsds="location.latitude", data_inclusion="latitude"),
    Field("lon", "number", "longitude, WGS84 degrees", hsds="location.longitude", data_inclusion="longitude"),
    Field("precision", "text", "`address` or `commune`", allowed=("address", "commune")),
)

SECTOR_FIELDS = (
    Field("id", "text", "unique across rota files", required=True),
    Field("name", "text", "the sector's name", required=True),
    Field("communes", "list", "INSEE codes; a commune belongs to one sector", required=True),
    Field("sources", "list", "where the rota comes from", required=True),
    Field("duties", "list", "the duties of the sector (below)"),
    Field("note", "text", "French, for the agent"),
)

DUTY_FIELDS = (
    Field("pharmacy", "text", "the id of a `pharmacie` entry", required=True),
    Field("start", "moment", "ISO 8601; Paris time unless an offset is given", required=True),
    Field("end", "moment", "after `start`; the duty covers `start <= t < end`", required=True),
    Field("note", "text", "French, for the agent"),
)

RULE_FIELDS = (
    Field("id", "text", "dotted lowercase words, unique across all files", required=True),
    Field("title", "text", "French, shown in \"pourquoi ?\"", required=True),
    Field("when", "condition", "conditions on facts and period (see \"Conditions\")", required=True),
    Field("recommendations", "list", "in the order the rule wants them (see \"Recommendations\")", required=True),
    Field("priority", "number", "higher comes first (see \"Priorities in use\")", required=True),
    Field("sources", "list", "at least one; a seed file with its section, or a public source of facts.md",
          required=True),
    Field("note", "text", "French, shown in \"pourquoi ?\": where sources disagree, the reading chosen"),
    Field("ask", "list", "the order to ask this rule's facts"),
    Field("exclusive", "boolean", "true for vital emergencies (see \"Hit policy\")"),
    Field("pdsa", "boolean", "true for a doctors' duty rule: on a bridge day it sees the holiday period (see \"Bridge days\")"),
    Field("examples", "list", "at least one; each runs as a test (see \"Examples\")", required=True),
)

RECOMMENDATION_FIELDS = (
    Field("kind", "text", "a service kind of the contract, or `dentiste` (see \"Recommendations\")", required=True),
    Field("action", "text", "`call`, `sms`, `go` or `info`", required=True),
    Field("name", "text", "French, at most 80 characters on one line: the line's title when no directory entry "
          "names it (an `info` without `service`); without it, the kind's generic name (\"Une pharmacie ouverte\")"),
    Field("why", "text", "French, read to the patient; placeholders allowed (see \"Placeholders\")", required=True),
    Field("why_outside_area", "text", "the `why` for a place outside the directory's area, when `why` speaks of "
          "the area's own organisation"),
    Field("service", "text", "a fixed number's directory id; or `select`, not both"),
    Field("select", "mapping", "places from the directory: `kind`, `capabilities`, `limit`, `open_now`"),
    Field("advice", "list", "French lines"),
    Field("priority", "number", "defaults to the rule's"),
)

EXAMPLE_FIELDS = (
    Field("name", "text", "French, unique within the rule", required=True),
    Field("facts", "mapping", "the facts known, with the contract's values", required=True),
    Field("at", "moment", "a moment (Paris time); `at` or `period` or both"),
    Field("period", "text", "the period, when no moment is given", allowed=PERIODS),
    Field("expect", "list", "the first kinds, in order", required=True),
    Field("missing", "list", "exactly the facts still to ask, in order (`[]` for none)", required=True),
    Field("fires", "boolean", "false when the point is that the rule does not apply"),
)

TABLES = {
    "service": (SERVICE_FIELDS, True),
    "sector": (SECTOR_FIELDS, False),
    "duty": (DUTY_FIELDS, False),
    "rule": (RULE_FIELDS, False),
    "recommendation": (RECOMMENDATION_FIELDS, False),
    "example": (EXAMPLE_FIELDS, False),
}
DOCS = {"service": "directory-format.md", "sector": "directory-format.md", "duty": "directory-format.md",
        "rule": "rules-format.md", "recommendation": "rules-format.md", "example": "rules-format.md"}


def markdown_table(fields: tuple[Field, ...], interchange: bool = False) -> str:
    """The field table of a docs page."""
    header = ["field", "type", "rule"] + (["HSDS 3", "data·inclusion"] if interchange else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for field in fields:
        rule = ("required; " if field.required else "") + field.description
        cells = [f"`{field.name}`", field.type, rule]
        if interchange:
            cells += [f"`{field.hsds}`" if field.hsds else "–", f"`{field.data_inclusion}`" if field.data_inclusion else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- fields: {name} \(generated by orient/schema\.py\) -->\n)(.*?)(\n<!-- end fields -->)",
                      re.S)


def generated_docs(docs_dir: Path) -> dict[Path, str]:
    """Each docs page with its field tables regenerated."""
    pages: dict[Path, str] = {}
    for name, (fields, interchange) in TABLES.items():
        path = docs_dir / DOCS[name]
        text = pages.get(path) or path.read_text(encoding="utf-8")
        text, found = _block(name).subn(lambda m: m.group(1) + markdown_table(fields, interchange) + m.group(3), text)
        if found != 1:
            raise ValueError(f"{path}: expected one '<!-- fields: {name} (generated by orient/schema.py) -->' block")
        pages[path] = text
    return pages


if __name__ == "__main__":  # python -m orient.schema --write: refresh the docs' field tables
    docs = Path(__file__).resolve().parent.parent / "docs"
    for page, content in generated_docs(docs).items():
        if "--write" in sys.argv[1:]:
            page.write_text(content, encoding="utf-8")
        elif page.read_text(encoding="utf-8") != content:
            print(f"{page}: field tables out of date; run python -m orient.schema --write")
