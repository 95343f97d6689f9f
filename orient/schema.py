"""The fields of the data files, declared once as data: a directory entry, a rota sector and its
duties, a rule and its parts. The field tables of docs/directory-format.md and docs/rules-format.md
are generated from here (`python -m orient.schema --write`; tests/test_schema.py keeps them in step),
and the loaders check every field through orient/fieldcheck.py against these declarations: type,
required, allowed values, pattern, items, unknown keys, each problem in the wording declared here.

For a directory entry, `hsds` and `data_inclusion` name the matching field of Open Referral HSDS 3
(openreferral/specification, schema/simple/schema.csv) and of the data·inclusion schema for a
structure (gip-inclusion/data-inclusion-schema, docs/structure.md); None where there is no
matching field, never a guess. `orient export` writes these fields (tests/test_schema.py checks it).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from orient.answer import ACTIONS
from orient.facts import FACTS
from orient.vocabulary import CAPABILITIES, KINDS, PERIODS, RULE_KINDS



@dataclass(frozen=True)
class Field:
    """A field, and how it is checked (orient/fieldcheck.py). A text is never blank. `messages` words
    each problem (`missing`, `type`, `empty`, `allowed`, `pattern`, `unique`) with `{where}`, `{key}`,
    `{value}`, `{shown}`, `{allowed}`, `{either}`, `{index}`, `{high}`; a problem without its own
    wording takes the next one that fits (fieldcheck.WORDING)."""

    name: str
    type: str  # "text", "list", "mapping", "date", "number", "boolean", "condition", "moment"
    description: str
    required: bool = False
    allowed: tuple[str, ...] = ()  # a closed list, when there is one (of a list: of its items)
    hsds: Optional[str] = None  # HSDS 3 table.field
    data_inclusion: Optional[str] = None  # data·inclusion structure field
    default: Any = None  # the value when the field is absent
    nullable: bool = False  # null is the same as absent (always so in a nullable record)
    pattern: Optional[str] = None  # a regular expression a text must match from its start
    nonempty: bool = False  # a list of at least one item
    one_as_list: bool = False  # a single text or number stands for a list of one
    limits: Optional[tuple[int, int]] = None  # a number's lowest and highest values
    item: Optional["Field"] = None  # what each item of a list must be
    unique: bool = False  # as an item: once in its list
    checked_by: Optional[str] = None  # where it is read for what it means, type included (not by fieldcheck)
    messages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """A mapping of fields: the directory entry, the rule, the duty… and the wording of what is wrong
    with the mapping itself: an unknown key, and (`missing`, said at once for every required field
    absent) a missing field. `defaults` words a problem by the field's type, or `empty`."""

    fields: tuple[Field, ...]
    unknown: str
    missing: Optional[str] = None
    defaults: Mapping[str, str] = field(default_factory=dict)
    nullable: bool = False  # null is the same as absent, for every field
    empty_is_absent: bool = False  # so are "" and [] for a required field (said missing, not checked further)
    strip: bool = False  # texts are read without their surrounding spaces

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


SERVICE_FIELDS = (
    Field("id", "text", "`[a-z0-9][a-z0-9_-]*`; unique across all files; rules refer to ids", required=True,
          hsds="service.id", data_inclusion="id", pattern=r"[a-z0-9][a-z0-9_-]*$",
          messages={"pattern": "id « {value} » : seulement des minuscules sans accent, des chiffres et des tirets"}),
    Field("name", "text", "the name people know", required=True, hsds="service.name", data_inclusion="nom"),
    Field("kind", "text", "one of the kinds below", required=True, allowed=tuple(KINDS),
          messages={"allowed": "kind « {value} » inconnu ; kinds valides : {allowed}"}),
    Field("commune", "text", "INSEE code (`\"32132\"`, `\"2A004\"`, `\"97411\"`); must be in the gazetteer. An "
          "unquoted number is read as a code (`32132` → `\"32132\"`)", data_inclusion="code_insee",
          checked_by="orient/directory/loading.py: an INSEE code of the gazetteer"),
    Field("address", "text", "street, postcode and town as one line", hsds="address.address_1",
          data_inclusion="adresse"),
    Field("location", "mapping", "`lat`, `lon` (WGS84 degrees) and `precision`: `address` (geocoded at the "
          "address) or `commune` (only the commune is known). Omitted (or `precision: commune` without lat/lon) "
          "and a commune given: the gazetteer's point of the commune is used, with precision `commune`. Must lie "
          "in France (metropolitan or overseas département) and within 20 km of the commune's point (40 km "
          "overseas, 250 km in Guyane)", hsds="location.latitude, location.longitude",
          data_inclusion="latitude, longitude", messages={"type": "location doit être une table {{lat, lon, precision}}"}),
    Field("phones", "list", "each a valid French number (`phonenumbers`) or a known short number: 15, 17, 18, 112, "
          "114, 115, 119, 3114, 3237, 3624, 3966, 116 117. Stored as E.164 (`+33561777447`) or digits "
          "(`116117`), shown as `05 61 77 74 47`", hsds="phone.number", data_inclusion="telephone", one_as_list=True),
    Field("opening_hours", "text", "OpenStreetMap `opening_hours` syntax (`Mo-Fr 08:00-12:00,14:00-18:00; PH "
          "off`), evaluated with the French public holidays (`PH`). `null` = unknown. Must parse: the check shows "
          "the parser's message", hsds="schedule.description", data_inclusion="horaires_accueil"),
    Field("walk_in_hours", "text", "the same syntax: when walking in is possible (not used for ranking)"),
    Field("capabilities", "list", "from the closed list below", allowed=tuple(CAPABILITIES), one_as_list=True,
          item=Field("capabilities", "text", "a capability",
                     messages={"allowed": "capacité « {value} » inconnue ; capacités valides : {allowed}"})),
    Field("sources", "list", "at least one: where each fact comes from (`\"facts.md: Numbers — service-public.fr "
          "F33954\"`, `\"FINESS 2020 (320000086)\"`, `\"002_32aa825581a4170d.txt\"`)", required=True,
          one_as_list=True, nonempty=True, messages={"empty": "une entrée doit avoir au moins une source"},
          item=Field("sources", "text", "a source", messages={"type": "sources[{index}] doit être un texte non vide"})),
    Field("verified", "date", "the day the entry was last checked **with the service itself** (a call, its own "
          "page); `null` when nothing current confirms its contact details. Copying facts.md is not a check. Older "
          "than 12 months: a warning. In the future: an error", hsds="service.assured_date", data_inclusion="date_maj"),
    Field("note", "text", "French, for the agent and the patient", hsds="service.description",
          data_inclusion="description"),
    Field("url", "text", "`https://…`", hsds="service.url", data_inclusion="site_web", pattern=r"https?://",
          messages={"pattern": "url « {value} » : doit commencer par https:// ou http://"}),
    Field("source_date", "date", "the date of the source the entry was taken from (first day of the month when only "
          "the month is known: otoulouse.net, February 2026 → `2026-02-01`); shown as \"source du 01/02/2026\" "
          "where `verified` is null. In the future: an error", data_inclusion="date_maj"),
)
SERVICE = Record(SERVICE_FIELDS, unknown="champ « {key} » inconnu ; champs connus : {keys}",
                 missing="champ obligatoire « {key} » absent", nullable=True, strip=True,
                 defaults={"text": "{key} doit être un texte, pas {value!r}", "list": "{key} doit être une liste",
                           "empty": "{key} est vide ; écrire null si la valeur est inconnue",
                           "date": "{key} doit être une date AAAA-MM-JJ, pas {value!r}"})

POINT = "orient/directory/geo.py (valid_lat_lon): lat and lon together, a point"
LOCATION_FIELDS = (
    Field("lat", "number", "latitude, WGS84 degrees", hsds="location.latitude", data_inclusion="latitude",
          checked_by=POINT),
    Field("lon", "number", "longitude, WGS84 degrees", hsds="location.longitude", data_inclusion="longitude",
          checked_by=POINT),
    Field("precision", "text", "`address` or `commune`", required=True, allowed=("address", "commune"),
          messages={"allowed": "location.precision doit valoir {either}, pas {value!r}"}),
)
LOCATION = Record(LOCATION_FIELDS, unknown="champ « location.{key} » inconnu ; champs connus : {keys}")

SECTOR_FIELDS = (
    Field("id", "text", "unique across rota files", required=True),
    Field("name", "text", "the sector's name", required=True),
    Field("communes", "list", "INSEE codes; a commune belongs to one sector", required=True,
          messages={"type": "communes must be a list of INSEE codes"}),
    Field("sources", "list", "where the rota comes from", required=True, one_as_list=True,
          item=Field("sources", "text", "a source", messages={"type": "sources[{index}] must be text, not {value!r}"})),
    Field("duties", "list", "the duties of the sector (below)",
          messages={"type": "duties must be a list of {{pharmacy, start, end}}"}),
    Field("note", "text", "French, for the agent"),
)
SECTOR = Record(SECTOR_FIELDS, unknown="unknown sector field '{key}'; known fields: {keys}",
                missing="sector: missing required field '{key}'", nullable=True, empty_is_absent=True,
                defaults={"text": "sector {key} must be text, not {value!r}", "list": "sector {key} must be a list"})

DUTY_FIELDS = (
    Field("pharmacy", "text", "the id of a `pharmacie` entry", required=True,
          messages=dict.fromkeys(("missing", "type"), "duty: missing pharmacy (a service id)")),
    Field("start", "moment", "ISO 8601; Paris time unless an offset is given", required=True, nullable=True),
    Field("end", "moment", "after `start`; the duty covers `start <= t < end`", required=True, nullable=True),
    Field("note", "text", "French, for the agent", nullable=True),
)
DUTY = Record(DUTY_FIELDS, unknown="unknown duty field '{key}'; known fields: {keys}",
              defaults={"missing": "duty: missing {key}", "text": "duty {key} must be text, not {value!r}"})

# The rules' problems begin with where they are: "règle « gp.reachable » : recommandation 1".
UNKNOWN_KEY = "{where} : clé « {key} » inconnue ; valides : {keys}"
FRENCH_TEXT = "{where} : « {key} » doit être un texte en français, non vide"

RULE_FIELDS = (
    Field("id", "text", "dotted lowercase words, unique across all files", required=True,
          pattern=r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
          messages={"missing": "{where} : « id » absent", "type": "l'id de règle {shown} doit être des mots en "
                    "minuscules séparés par des points, comme « out_of_hours.consult »"}),
    Field("title", "text", "French, shown in \"pourquoi ?\"", required=True,
          messages={"type": "{where} : « title » absent"}),
    Field("when", "condition", "conditions on facts and period (see \"Conditions\")", required=True,
          messages={"missing": "{where} : « when » absent (écrire « when: {{}} » pour une règle qui s'applique "
                    "toujours)"}),
    Field("recommendations", "list", "in the order the rule wants them (see \"Recommendations\")", required=True,
          nonempty=True, messages={"type": "{where} : « recommendations » absent"}),
    Field("priority", "number", "higher comes first (see \"Priorities in use\")", required=True,
          messages={"type": "{where} : « priority » doit être un entier (le plus grand passe en premier)"}),
    Field("sources", "list", "at least one; a seed file with its section, or a public source of facts.md",
          required=True, nonempty=True,
          messages={"type": "{where} : aucune source ; citer un fichier seed et sa section (comme "
                    "« 000_9b2cbc01bfa1af61.txt II ») ou une source publique nommée dans facts.md"},
          item=Field("sources", "text", "a source",
                     messages={"type": "{where} : une source doit être un texte non vide ; reçu : {shown}"})),
    Field("note", "text", "French, shown in \"pourquoi ?\": where sources disagree, the reading chosen",
          nullable=True, messages={"type": "{where} : « note » doit être un texte"}),
    Field("ask", "list", "the order to ask this rule's facts", allowed=tuple(FACTS),
          messages={"type": "{where} : « ask » doit lister des faits dans l'ordre où les demander"},
          item=Field("ask", "text", "a fact", unique=True,
                     messages={"allowed": "{where} : ask : fait {shown} inconnu ; faits connus : {allowed}",
                               "unique": "{where} : ask : « {value} » est listé deux fois"})),
    Field("exclusive", "boolean", "true for vital emergencies (see \"Hit policy\")", default=False,
          messages={"type": "{where} : « exclusive » prend true ou false"}),
    Field("pdsa", "boolean", "true for a doctors' duty rule: on a bridge day it sees the holiday period (see \"Bridge "
          "days\")", default=False, messages={"type": "{where} : « pdsa » prend true ou false (true : une règle de "
                                                      "garde médicale, pour qui les ponts sont des jours fériés)"}),
    Field("examples", "list", "at least one; each runs as a test (see \"Examples\")", required=True, nonempty=True,
          messages={"type": "{where} : aucun exemple ; donner au moins une situation avec ses recommandations "
                    "attendues et les faits manquants"}),
)
RULE = Record(RULE_FIELDS, unknown=UNKNOWN_KEY)

RECOMMENDATION_FIELDS = (
    Field("kind", "text", "a service kind of the contract, or `dentiste` (see \"Recommendations\")", required=True,
          allowed=RULE_KINDS, messages={"missing": "{where} : « kind » absent ; valides : {allowed}",
                                        "allowed": "{where} : kind {shown} inconnu ; valides : {allowed}"}),
    Field("action", "text", "`call`, `sms`, `go` or `info`", required=True, allowed=ACTIONS,
          messages={"missing": "{where} : « action » absent ; valides : {allowed}",
                    "allowed": "{where} : action {shown} inconnue ; valides : {allowed}"}),
    Field("name", "text", "French, at most 80 characters on one line: the line's title when no directory entry "
          "names it (an `info` without `service`); without it, the kind's generic name (\"Une pharmacie ouverte\")",
          messages={"type": FRENCH_TEXT}),
    Field("why", "text", "French, read to the patient; placeholders allowed (see \"Placeholders\")", required=True,
          messages={"missing": "{where} : « why » absent (le texte en français lu au patient)", "type": FRENCH_TEXT}),
    Field("why_outside_area", "text", "the `why` for a place outside the directory's area, when `why` speaks of "
          "the area's own organisation", messages={"type": FRENCH_TEXT}),
    Field("service", "text", "a fixed number's directory id; or `select`, not both",
          checked_by="orient/engine/parse_recommendations.py: a fixed number, given as one of its kinds"),
    Field("select", "mapping", "places from the directory: `kind`, `capabilities`, `limit`, `open_now`",
          messages={"type": "{where} : « select » doit être une table comme {{kind: centre_sante, limit: 2}}"}),
    Field("advice", "list", "French lines",
          messages={"type": "{where} : « advice » doit être une liste de lignes en français"},
          item=Field("advice", "text", "a French line", messages={"type": FRENCH_TEXT})),
    Field("priority", "number", "defaults to the rule's",
          messages={"type": "{where} : « priority » doit être un entier ; reçu : {shown}"}),
)
RECOMMENDATION = Record(RECOMMENDATION_FIELDS, unknown=UNKNOWN_KEY)

SELECT_FIELDS = (
    Field("kind", "text", "the recommendation's kind (the default); no other", allowed=RULE_KINDS,
          messages={"allowed": "{where} : select : kind {shown} inconnu ; valides : {allowed}"}),
    Field("capabilities", "list", "what each place must offer, from the directory's closed list "
          "(docs/directory-format.md)", allowed=tuple(CAPABILITIES), one_as_list=True,
          messages={"type": "{where} : select : capacité {shown} inconnue ; valides : {allowed}"},
          item=Field("capabilities", "text", "a capability",
                     messages={"allowed": "{where} : select : capacité {shown} inconnue ; valides : {allowed}"})),
    Field("limit", "number", "how many places, 1 to 10 (default 1)", default=1, limits=(1, 10),
          messages={"type": "{where} : select : « limit » doit être un entier de 1 à {high} ; reçu : {shown}"}),
    Field("open_now", "boolean", "true: places known to be closed at the moment are left out (default false)",
          default=False, messages={"type": "{where} : select : « open_now » prend true ou false ; reçu : {shown}"}),
)
SELECT = Record(SELECT_FIELDS, unknown="{where} : select : clé « {key} » inconnue ; valides : {keys}")

EXAMPLE_FIELDS = (
    Field("name", "text", "French, unique within the rule", required=True,
          messages={"missing": "{where} : « name » absent (il nomme le test)"}),
    Field("facts", "mapping", "the facts known, with the contract's values (none: `{}`)", default={},
          messages={"type": "{where} : « facts » doit être une table fait: valeur"}),
    Field("at", "moment", "a moment (Paris time); `at` or `period` or both"),
    Field("period", "text", "the period, when no moment is given", allowed=PERIODS,
          messages={"allowed": "{where} : période {shown} inconnue ; valides : {allowed}"}),
    Field("expect", "list", "the first kinds, in order", required=True, allowed=RULE_KINDS,
          messages={"type": "{where} : « expect » doit lister les kinds des premières recommandations, dans "
                            "l'ordre"},
          item=Field("expect", "text", "a kind",
                     messages={"allowed": "{where} : expect : kind {shown} inconnu ; valides : {allowed}"})),
    Field("missing", "list", "exactly the facts still to ask, in order (`[]` for none)", required=True,
          allowed=tuple(FACTS), messages={"type": "{where} : « missing » doit lister les faits encore à demander, "
                                                  "dans l'ordre ([] pour aucun)"},
          item=Field("missing", "text", "a fact",
                     messages={"allowed": "{where} : missing : fait {shown} inconnu ; faits connus : {allowed}"})),
    Field("fires", "boolean", "false when the point is that the rule does not apply", default=True,
          messages={"type": "{where} : « fires » prend true ou false"}),
)
EXAMPLE = Record(EXAMPLE_FIELDS, unknown=UNKNOWN_KEY)

TABLES = {
    "service": (SERVICE_FIELDS, True),
    "sector": (SECTOR_FIELDS, False),
    "duty": (DUTY_FIELDS, False),
    "rule": (RULE_FIELDS, False),
    "recommendation": (RECOMMENDATION_FIELDS, False),
    "select": (SELECT_FIELDS, False),
    "example": (EXAMPLE_FIELDS, False),
}
DOCS = {"service": "directory-format.md", "sector": "directory-format.md", "duty": "directory-format.md",
        "rule": "rules-format.md", "recommendation": "rules-format.md", "select": "rules-format.md",
        "example": "rules-format.md"}


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
