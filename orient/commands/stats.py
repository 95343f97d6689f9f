"""`orient stats`: summarise the anonymous orientation journal, as a French table or as CSV.

Per period, per outcome (the kind recommended first), per commune, and the
patients without a médecin traitant. Everything is counted in SQL, so a
journal of 100,000 rows is summarised in well under a second.

Exit codes: 0 a summary (possibly empty: the journal does not exist yet, or
holds no row in the range); 2 bad input (unparseable date, --since after
--until, a --journal PATH that does not exist); 1 a file that is not a
readable orient journal.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Optional

from orient.commands.common import add_span_arguments, parse_span
from orient.textsafe import printable
from orient.vocabulary import KIND_LABELS, PERIOD_HOURS, PERIODS

HAS_GP_ROWS = (
    ("no", "sans médecin traitant"),
    ("yes", "avec médecin traitant"),
    ("unknown", "non renseigné"),
)

SECTION_TITLES = {
    "total": "Total",
    "period": "Par période",
    "outcome": "Par orientation proposée en premier",
    "commune": "Par commune",
    "has_gp": "Médecin traitant",
    "no_gp_commune": "Patients sans médecin traitant, par commune",
}

CSV_COLUMNS = ("section", "key", "label", "count")

# The terminal table shows the busiest communes; the CSV has them all.
TERMINAL_COMMUNES = 20


@dataclass(frozen=True)
class Row:
    section: str
    key: str
    label: str
    count: int


class NotAJournal(Exception):
    """The file is a database, or not even that, but not an orient journal."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="résumé du journal anonyme des orientations (tableau ou CSV)",
                       description="Résume le journal anonyme des orientations : par période, par orientation "
                                   "proposée en premier, par commune, et les patients sans médecin traitant.")
    p.add_argument("--journal", metavar="PATH", default=None,
                   help="fichier du journal (défaut : $ORIENT_JOURNAL, sinon "
                        "$XDG_DATA_HOME/orient/journal.sqlite3 ou ~/.local/share/orient/journal.sqlite3)")
    p.add_argument("--csv", action="store_true",
                   help="sortie CSV pour la CPTS ou l'ARS (colonnes section,key,label,count)")
    add_span_arguments(p)
    p.set_defaults(run=run)


def open_for_reading(path: Path) -> sqlite3.Connection:
    """Open an existing file without ever creating one; stats only reads.

    Read-write mode first, so that closing the last connection tidies the WAL
    files away as SQLite does; read-only for a file we may not write (a copy
    sent to the ARS), where SQLite may then leave an empty -wal/-shm beside it.
    """
    base = path.resolve().as_uri()
    conn = None
    # Read-write, then read-only, then (a file in a folder nobody may write: SQLite cannot even
    # make its shared-memory file) as an immutable file that nobody is writing to.
    for mode in ("?mode=rw", "?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(base + mode, uri=True, timeout=10.0)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.OperationalError:
            if conn is not None:
                conn.close()
            conn = None
            if mode.endswith("immutable=1"):
                raise
    assert conn is not None
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA query_only = ON")
    return conn


def _has_journal_table(conn: sqlite3.Connection) -> bool:
    """True for a journal, False for an empty database; NotAJournal for anything else."""
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise NotAJournal(str(exc)) from exc
    if "orientation" in tables:
        return True
    if tables:
        raise NotAJournal("la table « orientation » est absente")
    return False  # a file created by a writer killed before it made the schema: an empty journal


def summarise(conn: Optional[sqlite3.Connection], since: Optional[date] = None, until: Optional[date] = None,
              commune_name: Optional[Callable[[str], Optional[str]]] = None) -> list[Row]:
    """Every row of the summary, in the order of the CSV. conn=None: an empty journal."""
    where, params = _range(since, until)
    if conn is not None and not _has_journal_table(conn):
        conn = None

    def grouped(column: str, extra: str = "") -> list[tuple[Optional[object], int]]:
        if conn is None:
            return []
        condition = " AND ".join(c for c in (where, extra) if c)
        sql = (f"SELECT {column}, count(*) FROM orientation"
               f"{' WHERE ' + condition if condition else ''} GROUP BY {column}")
        try:
            return [(key, int(n)) for key, n in conn.execute(sql, params)]
        except sqlite3.DatabaseError as exc:
            raise NotAJournal(str(exc)) from exc

    name = commune_name or (lambda code: None)
    rows: list[Row] = []

    by_period = dict(grouped("period"))
    total = sum(by_period.values())
    rows.append(Row("total", "orientations", "orientations", total))

    for period in PERIODS:
        rows.append(Row("period", period, PERIOD_HOURS[period], by_period.pop(period, 0)))
    for period, n in sorted(by_period.items(), key=lambda item: str(item[0])):  # none expected
        rows.append(Row("period", str(period), str(period), n))

    for kind, n in _by_count(grouped("first_kind")):
        key = "" if kind is None else str(kind)
        label = "aucune recommandation" if kind is None else KIND_LABELS.get(key, key)
        rows.append(Row("outcome", key, label, n))

    by_commune = _by_count(grouped("commune"))
    no_gp_by_commune = _by_count(grouped("commune", "no_gp = 1"))
    names: dict[str, str] = {}
    for code, _ in by_commune:
        if code is not None:
            names[str(code)] = name(str(code)) or ""

    def commune_row(section: str, code: Optional[object], n: int) -> Row:
        if code is None:
            return Row(section, "", "commune non renseignée", n)
        return Row(section, str(code), names.get(str(code), ""), n)

    rows.extend(commune_row("commune", code, n) for code, n in by_commune)

    by_gp = {("unknown" if flag is None else "no" if flag == 1 else "yes"): n for flag, n in grouped("no_gp")}
    for key, label in HAS_GP_ROWS:
        rows.append(Row("has_gp", key, label, by_gp.get(key, 0)))

    rows.extend(commune_row("no_gp_commune", code, n) for code, n in no_gp_by_commune)
    return rows


def _range(since: Optional[date], until: Optional[date]) -> tuple[str, dict[str, str]]:
    """The hour column is ISO text in Paris local time, so a day range is a text range."""
    clauses, params = [], {}
    if since is not None:
        clauses.append("hour >= :since")
        params["since"] = since.isoformat()
    if until is not None:
        clauses.append("hour < :before")
        params["before"] = (until + timedelta(days=1)).isoformat()
    return " AND ".join(clauses), params


def _by_count(pairs: list[tuple[Optional[object], int]]) -> list[tuple[Optional[object], int]]:
    """Most frequent first; ties by key; the unknown (NULL) key last among equals."""
    return sorted(pairs, key=lambda item: (-item[1], item[0] is None, str(item[0])))


def gazetteer_names() -> Optional[Callable[[str], Optional[str]]]:
    """Commune names from the gazetteer when it is there; None (codes only) otherwise."""
    try:
        from orient.directory.gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    except Exception:  # not built yet, data missing or unreadable: codes are enough
        return None

    def lookup(code: str) -> Optional[str]:
        try:
            commune = gazetteer.get(code)
        except Exception:
            return None
        return commune.name if commune is not None else None

    return lookup


# --- output ----------------------------------------------------------------------------------


def write_csv(rows: list[Row], out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(tuple(printable(v, newlines=False) if isinstance(v, str) else v
                              for v in (row.section, row.key, row.label, row.count)))


def french_int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def french_percent(n: int, total: int) -> str:
    return f"{100 * n / total:.1f} %".replace(".", ",") if total else ""


def render_table(rows: list[Row], journal: Path, since: Optional[date], until: Optional[date]) -> str:
    total = next(row.count for row in rows if row.section == "total")
    span = _span_text(since, until)
    lines = [f"Journal anonyme des orientations : {journal}"]
    if span:
        lines.append(span)
    lines.append(f"{french_int(total)} orientation{'s' if total > 1 else ''}")
    width = 52
    for section in ("period", "outcome", "commune", "has_gp", "no_gp_commune"):
        section_rows = [row for row in rows if row.section == section]
        if not section_rows:
            continue
        if section == "no_gp_commune" and not any(row.count for row in section_rows):
            continue
        lines.append("")
        lines.append(f"{SECTION_TITLES[section]:<{width}} {'nombre':>9} {'%':>8}")
        shown = section_rows
        if section in ("commune", "no_gp_commune") and len(section_rows) > TERMINAL_COMMUNES:
            shown = section_rows[:TERMINAL_COMMUNES]
        section_total = sum(row.count for row in section_rows)
        base = total if section != "no_gp_commune" else section_total
        for row in shown:
            label = _row_label(row)
            if len(label) > width - 2:
                label = label[: width - 3] + "…"
            lines.append(f"  {label:<{width - 2}} {french_int(row.count):>9} {french_percent(row.count, base):>8}")
        rest = section_rows[len(shown):]
        if rest:
            n = sum(row.count for row in rest)
            label = f"autres communes ({len(rest)}, détail avec --csv)"
            lines.append(f"  {label:<{width - 2}} {french_int(n):>9} {french_percent(n, base):>8}")
    return "\n".join(lines) + "\n"


def _row_label(row: Row) -> str:
    if row.section in ("commune", "no_gp_commune") and row.key:
        return f"{row.key}  {row.label}".rstrip()
    return row.label


def _span_text(since: Optional[date], until: Optional[date]) -> str:
    if since and until:
        return f"Du {since.isoformat()} au {until.isoformat()} inclus"
    if since:
        return f"Depuis le {since.isoformat()} inclus"
    if until:
        return f"Jusqu'au {until.isoformat()} inclus"
    return ""


# --- the command -----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from orient.journal import JOURNAL_ENV, count_dropped, default_journal_path, journal_disabled

    span = parse_span(args, "orient stats:")
    if span is None:
        return 2
    since, until = span

    if args.journal is not None:
        path = Path(args.journal).expanduser()
        if not path.is_file():
            what = "n'est pas un fichier" if path.exists() else "introuvable"
            print(f"orient stats: journal {what} : {path}", file=sys.stderr)
            return 2
    elif journal_disabled():
        print(f"Le journal anonyme est désactivé ({JOURNAL_ENV}=off) : rien à résumer. "
              "Pour lire un journal existant : orient stats --journal CHEMIN")
        return 0
    else:
        path = default_journal_path()

    conn = None
    try:
        if path.is_file():
            try:
                conn = open_for_reading(path)
                rows = summarise(conn, since, until, commune_name=gazetteer_names())
            except (NotAJournal, sqlite3.DatabaseError) as exc:
                print(f"orient stats: {path} n'est pas un journal orient lisible ({exc})", file=sys.stderr)
                return 1
        else:
            rows = summarise(None, since, until)
    finally:
        if conn is not None:
            conn.close()

    total = rows[0].count
    dropped = count_dropped(path)
    lost = (f"{french_int(dropped)} orientation(s) non inscrite(s) dans ce journal (occupé ou disque plein) "
            f"depuis le début" if dropped else "")
    if args.csv:
        write_csv(rows, sys.stdout)
        if total == 0:
            print(f"orient stats: {_empty_message(path, since, until)}", file=sys.stderr)
        if lost:
            print(f"orient stats: {lost}", file=sys.stderr)
        return 0
    if total == 0:
        print(printable(_empty_message(path, since, until)))
    else:
        sys.stdout.write(printable(render_table(rows, path, since, until)))
    if lost:
        print(lost + ".")
    return 0


def _empty_message(path: Path, since: Optional[date], until: Optional[date]) -> str:
    if not path.exists():
        return (f"Aucune orientation enregistrée : le journal n'existe pas encore ({path}). "
                "Il se remplit à chaque orientation, sauf avec --no-journal ou ORIENT_JOURNAL=off.")
    span = _span_text(since, until)
    if span:
        return f"Aucune orientation enregistrée dans le journal pour cette période ({span.lower()}) : {path}"
    return f"Aucune orientation enregistrée dans le journal : {path}"
