"""`orient import csv FILE`: the coordinator's spreadsheet template -> directory YAML.

One row per service, the columns named like the directory's fields (`orient import csv
--template` prints the header). Each row is checked by the very reader `orient check`
uses (`EntryReader.read_entry`), with the row's line in the CSV as its line, so every
problem comes out as `file.csv:line: message`. One bad row and nothing is written (the command:
orient/commands/import_data.py `run_csv`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Optional

from orient.directory.importers.common import ImportFailed, ImportResult, slug

TEMPLATE_COLUMNS = (
    "id", "name", "kind", "commune", "address", "phones", "opening_hours", "walk_in_hours",
    "capabilities", "url", "lat", "lon", "sources", "verified", "note",
)
REQUIRED_COLUMNS = ("name", "kind", "commune", "sources")
# Other headers a coordinator may type, and the column they mean.
ALIASES = {
    "nom": "name", "type": "kind", "adresse": "address", "phone": "phones", "telephone": "phones",
    "téléphone": "phones", "hours": "opening_hours", "horaires": "opening_hours", "source": "sources",
    "verifie": "verified", "vérifié": "verified", "latitude": "lat", "longitude": "lon",
}
# Lists in one cell: "05 62 00 00 01 ; 06 12 34 56 78".
LIST_SEPARATOR = re.compile(r"\s*[;|]\s*")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
EXTRA_CELLS = "\0extra"  # marks a row with more cells than the header has columns


def template_text() -> str:
    return ",".join(TEMPLATE_COLUMNS) + "\n"


def rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(column names, [(line, row)]) of a CSV (`,` or `;`), XLSX or ODS table."""
    from orient.directory.importers.tables import read_table

    table = read_table(path)
    if not table:
        raise ImportFailed(f"{path}:1: fichier vide ; attendu l'en-tête : {template_text().strip()}")
    columns = [ALIASES.get(h.lower(), h.lower()) for h in table[0][1]]
    found = []
    for line, cells in table[1:]:
        row = dict(zip(columns, cells))
        if len(cells) > len(columns) and any(cells[len(columns):]):
            row[EXTRA_CELLS] = "yes"
        found.append((line, row))
    return columns, found


def check_columns(path: Path, columns: list[str]) -> list[str]:
    problems = []
    unknown = [c for c in columns if c and c not in TEMPLATE_COLUMNS]
    if unknown:
        problems.append(f"{path}:1: colonne(s) inconnue(s) : {', '.join(c[:40] for c in unknown)} ; colonnes du modèle : "
                        f"{', '.join(TEMPLATE_COLUMNS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(f"{path}:1: colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} "
                        "(voir `orient import csv --template`)")
    return problems


def _list(cell: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(cell) if part] if cell else []


def _number(cell: str) -> Any:
    try:
        return float(cell.replace(",", "."))
    except ValueError:
        return cell  # the reader names the bad value


def _commune(cell: str, gazetteer: Any) -> tuple[Optional[str], Optional[str]]:
    """(INSEE code, problem): the cell may be a code, a postcode or a name as people type it."""
    if not cell:
        return None, None
    if INSEE.match(cell.upper()):
        return cell.upper(), None
    commune = gazetteer.resolve(cell)
    if commune is not None:
        return commune.code, None
    close = ", ".join(f"{m.commune.name} ({m.commune.code})" for m in gazetteer.search(cell, limit=3))
    hint = f" ; communes proches : {close}" if close else ""
    return None, f"commune '{cell}' introuvable : écrivez son code INSEE (\"32249\") ou son nom{hint}"


def entry_of(row: dict[str, str], gazetteer: Any) -> tuple[dict[str, Any], list[str]]:
    """The directory entry a row describes (directory field names), and problems of the template itself."""
    problems = []
    entry: dict[str, Any] = {}
    code, problem = _commune(row.get("commune", ""), gazetteer)
    if problem:
        problems.append(problem)
    entry["id"] = row.get("id") or slug(f"{row.get('name', '')} {code or ''}") or None
    for key in ("name", "kind", "address", "opening_hours", "walk_in_hours", "url", "verified", "note"):
        entry[key] = row.get(key) or None
    entry["commune"] = code
    if row.get("lat") or row.get("lon"):
        entry["location"] = {"lat": _number(row.get("lat", "")) if row.get("lat") else None,
                             "lon": _number(row.get("lon", "")) if row.get("lon") else None,
                             "precision": "address"}
    entry["phones"] = _list(row.get("phones", ""))
    capabilities = _list(row.get("capabilities", "").replace(",", ";"))
    if capabilities:
        entry["capabilities"] = capabilities
    entry["sources"] = _list(row.get("sources", ""))
    return entry, problems


def line_map(entry: dict[str, Any], line: int) -> Any:
    """The entry as the YAML reader's LineMap, every field at the row's line."""
    from orient.yamlread import LineList, LineMap

    def wrap(value: Any) -> Any:
        if isinstance(value, dict):
            mapping = LineMap({k: wrap(v) for k, v in value.items()})
            mapping.line, mapping.lines = line, {k: line for k in value}
            return mapping
        if isinstance(value, list):
            items = LineList(wrap(v) for v in value)
            items.line, items.lines = line, [line] * len(value)
            return items
        return value

    return wrap({k: v for k, v in entry.items() if v is not None})


def import_csv(path: Path, gazetteer: Any, today: Optional[date] = None,
               known_ids: Optional[dict[str, str]] = None) -> tuple[ImportResult, list[str]]:
    """(the entries, every problem as `path:line: message`); entries are only usable without problems."""
    from orient.directory.loading import EntryReader

    path = Path(path)
    columns, found = rows(path)
    problems = check_columns(path, columns)
    if problems:
        return ImportResult(), problems
    reader = EntryReader(gazetteer, today or date.today())
    result = ImportResult(source_name=path.name)
    ids: dict[str, int] = {}
    for line, row in found:
        if EXTRA_CELLS in row:
            problems.append(f"{path}:{line}: plus de cellules que de colonnes dans l'en-tête")
            continue
        entry, own = entry_of(row, gazetteer)
        problems += [f"{path}:{line}: {p}" for p in own]
        before = len(reader.problems)
        service = reader.read_entry(line_map(entry, line), str(path), line)
        problems += [str(p) for p in reader.problems[before:] if p.severity == "error"]
        if service is None or own:
            continue
        if service.id in ids:
            problems.append(f"{path}:{line}: id '{service.id}' en double (déjà à la ligne {ids[service.id]})")
            continue
        if known_ids and service.id in known_ids:
            problems.append(f"{path}:{line}: id '{service.id}' déjà dans l'annuaire ({known_ids[service.id]})")
            continue
        ids[service.id] = line
        result.entries.append({k: v for k, v in entry.items() if v is not None})
    return result, problems


def ids_in_folder(folder: Path, leave_out: Path) -> dict[str, str]:
    """The ids of the other directory files of the output's folder: an import must not clash with them."""
    from orient.directory.loading import service_files
    from orient.yamlread import load_yaml

    found: dict[str, str] = {}
    for other in service_files(folder):
        if other.resolve() == leave_out.resolve():
            continue
        data, _ = load_yaml(other)
        entries = data.get("services") if isinstance(data, dict) else None
        for item in entries if isinstance(entries, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found[item["id"]] = f"{other.name}:{item.line}"
    return found


def header(path: Path, today: date) -> str:
    return (f"Importé de {path.name} (modèle CSV du coordinateur) le {today.isoformat()} par `orient import csv`.\n"
            "Chaque ligne cite ses sources ; ce qui n'est pas connu reste null (« à vérifier »).")
