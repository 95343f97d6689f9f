"""Spreadsheet tables as coordinators and pharmacists' unions send them: CSV, XLSX, ODS.

`read_table(path)` gives the rows of the first sheet as text cells with the row's
line (the CSV line, the spreadsheet row number), so that a problem can be reported
as `file:line: message`. XLSX is read with openpyxl, ODS with odfpy; a date cell
becomes "YYYY-MM-DDTHH:MM" text.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from orient.directory.importers.common import ImportFailed
from orient.textsafe import printable

Row = tuple[int, list[str]]  # (line, cells)


def read_table(path: Path) -> list[Row]:
    """Non-empty rows of the table, header included; ImportFailed (French) when unreadable."""
    path = Path(path)
    try:
        head = path.read_bytes()[:4]
    except OSError as exc:
        raise ImportFailed(f"impossible de lire {path} : {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if head.startswith(b"PK") or suffix in (".xlsx", ".ods"):  # both are zip files
        if suffix == ".ods" or (suffix != ".xlsx" and _is_ods(path)):
            return _ods_rows(path)
        return _xlsx_rows(path)
    return _csv_rows(path)


def _is_ods(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    except (KeyError, OSError, zipfile.BadZipFile):
        return False


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _keep(rows: list[Row]) -> list[Row]:
    return [(line, [printable(c) for c in cells]) for line, cells in rows if any(c for c in cells)]


def _csv_rows(path: Path) -> list[Row]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # a spreadsheet saved as "CSV (Windows)"
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, [c.strip() for c in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed(f"{path}:{reader.line_num}: CSV illisible ({exc})") from None
    return _keep(rows)


def _open(path: Path, kind: str, load: Any) -> Any:
    try:
        return load()
    except ImportFailed:
        raise
    except Exception as exc:  # the readers raise many kinds for a damaged file
        raise ImportFailed(f"{path} : classeur {kind} illisible ({type(exc).__name__}: {exc})") from None


def _xlsx_rows(path: Path) -> list[Row]:
    import openpyxl

    book = _open(path, "XLSX", lambda: openpyxl.load_workbook(path, read_only=True, data_only=True))
    try:
        sheet = book.worksheets[0]
        return _keep(_open(path, "XLSX", lambda: [
            (i, [cell_text(v) for v in values]) for i, values in enumerate(sheet.iter_rows(values_only=True), 1)]))
    finally:
        book.close()


def _ods_rows(path: Path) -> list[Row]:
    from odf import opendocument

    document = _open(path, "ODS", lambda: opendocument.load(str(path)))
    return _keep(_open(path, "ODS", lambda: _ods_table(document, path)))


def _ods_table(document: Any, path: Path) -> list[Row]:
    from odf import table, text
    from odf.namespaces import OFFICENS, TABLENS

    sheets = document.spreadsheet.getElementsByType(table.Table)
    if not sheets:
        raise ImportFailed(f"{path} : le classeur ODS n'a aucune feuille")
    rows: list[Row] = []
    line = 0
    for row in sheets[0].getElementsByType(table.TableRow):
        repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1) or 1)
        cells: list[str] = []
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            times = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1) or 1)
            kind = cell.attributes.get((OFFICENS, "value-type"))
            if kind == "date":
                value = cell.attributes.get((OFFICENS, "date-value"), "")[:16]
            elif kind in ("float", "percentage", "currency"):
                value = cell_text(float(cell.attributes.get((OFFICENS, "value"), "0")))
            else:
                value = "\n".join(str(p) for p in cell.getElementsByType(text.P)).strip()
            cells.extend([value] * min(times, 64))  # a trailing run of empty columns can be huge
        while cells and not cells[-1]:
            cells.pop()
        for _ in range(min(repeat, 1 if not cells else repeat)):
            line += 1
            rows.append((line, list(cells)))
        line += repeat - min(repeat, 1 if not cells else repeat)
    return rows
