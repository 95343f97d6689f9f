"""What the importers share: an entry being built, validation, YAML output (written with orient.atomic)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Optional

import yaml

from orient.directory.geo import PointGrid, haversine_km, in_france
from orient.directory.loading import FIELDS, EntryReader, far_limit_km
from orient.directory.phones import PhoneError, normalize_phone
from orient.yamlread import LineList, LineMap, load_yaml, load_yaml_text

# Words kept in capitals when FINESS names are recased.
ACRONYMS = {
    "CH", "CHS", "CHU", "CHI", "CHR", "EPS", "MSP", "CMP", "CMPP", "CPTS", "SSR", "USLD", "EHPAD",
    "CSAPA", "CATTP", "SAS", "SARL", "SELARL", "SELAS", "SNC", "SCP", "SISA", "CDS", "CTS", "II", "III",
}
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "sur", "sous", "en", "au", "aux", "a", "à"}


class ImportFailed(Exception):
    """The input file cannot be imported (wrong format, unreadable); message in French."""


@dataclass
class ImportResult:
    entries: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # why a record was left out -> count
    adjusted: Counter = field(default_factory=Counter)  # what was changed in imported entries -> count
    source_name: str = ""

    def summary(self) -> str:
        parts = [f"{len(self.entries)} entrée(s) importée(s)"]
        if self.skipped:
            details = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
            parts.append(f"ignorées : {details}")
        if self.adjusted:
            details = ", ".join(f"{n} {reason}" for reason, n in self.adjusted.most_common())
            parts.append(f"corrigées : {details}")
        return " ; ".join(parts)


def recase(text: str, capitalize_first: bool = True) -> str:
    """"PHARMACIE DU CENTRE" -> "Pharmacie du Centre"; leaves mixed-case text alone.

    `capitalize_first=False` for the middle of a phrase: "DE LA REPUBLIQUE" -> "de la Republique".
    """
    text = " ".join(text.split())
    if not text or any(c.islower() for c in text):
        return text
    words = []
    for i, word in enumerate(text.split(" ")):
        words.append(_recase_word(word, first=(i == 0 and capitalize_first)))
    return " ".join(words)


def _recase_word(word: str, first: bool) -> str:
    if word in ACRONYMS:
        return word
    for apostrophe in ("'", "’"):
        if apostrophe in word:
            head, _, tail = word.partition(apostrophe)
            head_l = head.lower()
            if head_l in ("d", "l"):
                head_out = head_l if not first else head_l.upper()
                return f"{head_out}{apostrophe}{_recase_word(tail, first=False) if tail else ''}"
    lower = word.lower()
    if not first and lower in SMALL_WORDS:
        return lower
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_phones(raw_values: list[str]) -> tuple[list[str], list[str]]:
    """(valid numbers in display form, invalid ones)."""
    from orient.directory.phones import format_phone

    good, bad = [], []
    for raw in raw_values:
        raw = raw.strip()
        if not raw:
            continue
        try:
            stored = normalize_phone(raw)
        except PhoneError:
            bad.append(raw)
            continue
        shown = format_phone(stored)
        if shown not in good:
            good.append(shown)
    return good, bad


class CommuneFinder:
    """The commune of a point: stated INSEE code or postcode+name when possible, else the nearest."""

    def __init__(self, gazetteer: Any):
        self.gazetteer = gazetteer
        self._grid: Optional[PointGrid] = None

    def nearest(self, lat: float, lon: float):
        if self._grid is None:
            self._grid = PointGrid((c.lat, c.lon, c) for c in self.gazetteer)
        found = self._grid.nearest(lat, lon)
        return found[1] if found else None

    def by_postcode_and_name(self, postcode: Optional[str], name: Optional[str]):
        if not name:
            return None
        try:
            matches = self.gazetteer.search(name, limit=10)
        except Exception:  # a gazetteer without search
            return None
        for match in matches:
            if postcode and postcode in match.commune.postcodes:
                return match.commune
        return None


def place(entry: dict[str, Any], lat: Optional[float], lon: Optional[float], commune: Any,
          reason_counter: Counter) -> None:
    """Set commune and location, keeping a coordinate only when it is in France and near its commune."""
    entry["commune"] = commune.code if commune is not None else None
    if lat is None or lon is None or not in_france(lat, lon):
        if lat is not None:
            reason_counter["coordonnées hors de France remplacées par la commune"] += 1
        return
    if commune is not None and haversine_km(lat, lon, commune.lat, commune.lon) > far_limit_km(commune.dept):
        reason_counter["coordonnées loin de la commune remplacées par la commune"] += 1
        return
    entry["location"] = {"lat": round(lat, 5), "lon": round(lon, 5), "precision": "address"}


def ordered(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: entry[key] for key in FIELDS if key in entry}


def to_yaml(result: ImportResult, header: str) -> str:
    body = yaml.safe_dump(
        {"services": [ordered(e) for e in result.entries]},
        allow_unicode=True, sort_keys=False, width=100, default_flow_style=None,
    )
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + body


def validate(text: str, gazetteer: Any, display: str = "<import>") -> list[str]:
    """The problems `orient check` would report for this generated file (errors only)."""
    data, problems = load_yaml_text(text, display)
    reader = EntryReader(gazetteer, date.today())
    reader.problems.extend(problems)
    if isinstance(data, LineMap) and isinstance(data.get("services"), LineList):
        entries = data["services"]
        ids = set()
        for entry, line in zip(entries, entries.lines):
            service = reader.read_entry(entry, display, line)
            if service is not None:
                if service.id in ids:
                    reader.error(display, line, f"duplicate id '{service.id}'")
                ids.add(service.id)
    return [str(p) for p in reader.problems if p.severity == "error"]


def drop_control_characters(result: ImportResult) -> None:
    """Leave out the records holding a control character (ESC, NUL, C1…) in any text: the
    loaders refuse them, and they could drive the terminal of whoever reads the data."""
    from orient.textsafe import CONTROL

    def dirty(value: Any) -> bool:
        if isinstance(value, str):
            return CONTROL.search(value) is not None
        if isinstance(value, dict):
            return any(dirty(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return any(dirty(v) for v in value)
        return False

    kept = [entry for entry in result.entries if not dirty(entry)]
    if len(kept) != len(result.entries):
        result.skipped["caractère de contrôle dans un texte"] += len(result.entries) - len(kept)
        result.entries[:] = kept


# An import with fewer than this share of the entries of the file it replaces needs --replace.
SHRINK_LIMIT = 0.5


def overwrite_problem(out: Path, new_count: int, replace: bool) -> Optional[str]:
    """Why the import must not write `out` (French), or None: never a folder or a device, never
    a non-empty file replaced by an empty or much smaller import unless `--replace`."""
    import os
    import stat

    try:
        st = os.stat(out)
    except FileNotFoundError:
        return None if out.parent.is_dir() or not out.parent.exists() else f"{out.parent} n'est pas un dossier"
    except OSError as exc:
        return f"{out} : {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return f"{out} est un dossier ; donnez le chemin d'un fichier, par exemple {out}/import.yaml"
    if not stat.S_ISREG(st.st_mode):
        return f"{out} n'est pas un fichier ordinaire (périphérique, tube…) : rien n'est écrit"
    if replace or st.st_size == 0:
        return None
    data, problems = load_yaml(out)
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, list):
        return (f"{out} existe et n'est pas un fichier d'annuaire lisible ({'; '.join(str(p) for p in problems[:1])}) ; "
                "--replace pour le remplacer quand même")
    old_count = len(services)
    if old_count and (new_count == 0 or new_count < old_count * SHRINK_LIMIT):
        return (f"{out} contient {old_count} entrée(s) et l'import n'en donne que {new_count} : rien n'a été écrit "
                "(mauvais département, fichier tronqué ?). --replace pour remplacer le fichier quand même")
    return None
