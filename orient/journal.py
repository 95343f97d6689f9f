"""The anonymous orientation journal: one row per orientation, nothing that identifies a person.

A local SQLite database (WAL, one transaction per row) that `orient stats`
summarises for the CPTS or the ARS. What a row holds, and only that:

- the hour, rounded down, in Paris time ("2026-11-28T14:00+01:00");
- the commune's INSEE code (or nothing);
- the period of the contract;
- the structured facts given, restricted to the contract's names and values,
  with the age replaced by an age band ("0-5", "6-15", "16-64", "65+");
- the kinds recommended, in rank order, and the rank-1 kind;
- whether the patient has no médecin traitant (has_gp=no).

No name, no typed text, no exact time, no address, no distance. Everything is
validated on the way in: a value outside the contract is dropped, never stored.

Turning it off: `--no-journal` on the command line, or `ORIENT_JOURNAL=off`.
`ORIENT_JOURNAL=/some/file.sqlite3` moves it. See docs/journal.md.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, MutableMapping, Optional

from orient.answer import Answer
from orient.facts import FACTS, FactError, parse_fact_value
from orient.closing import Closing
from orient.userdirs import orient_dir
from orient.vocabulary import OFF_VALUES, PERIODS, to_paris

# Age bands: (lowest age, label). Wide on purpose: an exact age, next to a
# small commune and an hour, could point to one person.
AGE_BANDS = ((0, "0-5"), (6, "6-15"), (16, "16-64"), (65, "65+"))
AGE_BAND_LABELS = tuple(label for _, label in AGE_BANDS)

JOURNAL_ENV = "ORIENT_JOURNAL"
JOURNAL_FILENAME = "journal.sqlite3"

SCHEMA_VERSION = 1

# How long a write waits for another writer (another desk, `orient stats`…) before the row is
# dropped and counted: the answer is already on screen, the next patient must not wait.
WRITE_TIMEOUT_S = 0.5
DROPPED_SUFFIX = ".dropped"

# INSEE commune codes: 5 characters, digits except Corsica's 2A/2B.
_INSEE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
# Service kinds come from the rules, not from a person; still, only identifiers get in.
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

_SCHEMA = ("""
CREATE TABLE IF NOT EXISTS orientation (
    id          INTEGER PRIMARY KEY,
    hour        TEXT    NOT NULL,   -- ISO, Paris time, rounded down to the hour: 2026-11-28T14:00+01:00
    commune     TEXT,               -- INSEE code, NULL when not given
    period      TEXT    NOT NULL,   -- one of the contract's periods
    facts       TEXT    NOT NULL,   -- JSON object: contract fact -> value; age as a band
    kinds       TEXT    NOT NULL,   -- JSON list of the recommended kinds, rank 1 first
    first_kind  TEXT,               -- the rank-1 kind, NULL when nothing was recommended
    no_gp       INTEGER CHECK (no_gp IN (0, 1))  -- 1: has_gp=no, 0: has_gp=yes, NULL: not asked
)""",
    # --since/--until of `orient stats` are ranges on the hour.
    "CREATE INDEX IF NOT EXISTS orientation_hour ON orientation (hour)",
)


class JournalError(Exception):
    """The journal file cannot be used (not a journal, newer format, unreadable)."""


def age_band(age: int) -> str:
    band = AGE_BANDS[0][1]
    for lowest, label in AGE_BANDS:
        if age >= lowest:
            band = label
    return band


def hour_of(at: datetime) -> str:
    """The moment in Paris time, rounded down to the hour, as ISO text with its offset."""
    local = to_paris(at)
    return local.replace(minute=0, second=0, microsecond=0).isoformat(timespec="minutes")


def anonymous_facts(facts: Mapping[str, Any]) -> dict[str, str]:
    """Only the contract's facts with allowed values; the age as a band; anything else dropped."""
    kept: dict[str, str] = {}
    for name, raw in facts.items():
        if not isinstance(name, str) or name not in FACTS:
            continue
        try:
            value = parse_fact_value(name, raw)
        except FactError:
            continue
        if name == "age":
            kept[name] = age_band(int(value))
        else:
            kept[name] = str(value)
    return dict(sorted(kept.items()))


def anonymous_row(answer: Answer, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The row `record` writes, as a dict of column -> value (no id)."""
    if answer.period not in PERIODS:
        raise ValueError(f"unknown period {answer.period!r}; expected one of {', '.join(PERIODS)}")
    code = answer.commune.code if answer.commune is not None else None
    commune = code if isinstance(code, str) and _INSEE.match(code) else None
    kinds = [r.kind for r in sorted(answer.recommendations, key=lambda r: r.rank)
             if isinstance(r.kind, str) and _KIND.match(r.kind)]
    kept = anonymous_facts(facts)
    has_gp = kept.get("has_gp")
    return {
        "hour": hour_of(answer.at),
        "commune": commune,
        "period": answer.period,
        "facts": json.dumps(kept, separators=(",", ":"), sort_keys=True),
        "kinds": json.dumps(kinds, separators=(",", ":")),
        "first_kind": kinds[0] if kinds else None,
        "no_gp": None if has_gp is None else int(has_gp == "no"),
    }


def refuse_foreign_file(path: Path) -> None:
    """JournalError unless `path` is absent, empty, or an orient journal: never convert another
    application's database to WAL, never write next to a device (`/dev/null-journal`)."""
    if not path.exists():
        if path.is_symlink():
            raise JournalError(f"{path} : lien symbolique cassé, pas un journal orient")
        return
    if not path.is_file():
        raise JournalError(f"{path} : n'est pas un fichier ordinaire (dossier, périphérique…) ; "
                           "donnez le chemin d'un fichier de journal")
    if path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=WRITE_TIMEOUT_S)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise JournalError(f"{path} : ce fichier n'est pas un journal orient lisible ({exc})") from exc
    foreign = sorted(name for name in tables if name != "orientation" and not name.startswith("sqlite_"))
    if foreign:
        raise JournalError(f"{path} : base SQLite d'une autre application (tables {', '.join(foreign[:5])}) : "
                           "ce n'est pas un journal orient, elle n'est pas modifiée")


def connect(path: Path, *, create: bool, timeout: float = 10.0) -> sqlite3.Connection:
    """A connection in autocommit mode (we write our own BEGIN/COMMIT) that waits `timeout`
    seconds for other writers.

    With create=False a missing file raises FileNotFoundError instead of creating an empty one.
    """
    path = Path(path)
    if not create and not path.exists():
        raise FileNotFoundError(str(path))
    refuse_foreign_file(path)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Readable by its owner only: the counter's session, not the whole machine.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise JournalError(f"{path}: impossible de passer le journal en mode WAL ({mode})")
        # FULL: every committed row is on disk before record() returns, even
        # across a power cut (NORMAL would only survive a killed process). The
        # cost is one fsync per orientation, i.e. nothing at a counter's pace.
        conn.execute("PRAGMA synchronous = FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise JournalError(f"{path} : ce fichier n'est pas un journal orient lisible ({exc})") from exc
    except BaseException:
        conn.close()
        raise
    if version > SCHEMA_VERSION:
        conn.close()
        raise JournalError(f"{path} : journal d'une version plus récente d'orient (format {version})")
    return conn


class Journal(Closing):
    """An open journal; `record` appends one anonymous row in its own transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | str, timeout: float = 10.0) -> "Journal":
        path = Path(path)
        conn = connect(path, create=True, timeout=timeout)
        try:
            conn.execute("BEGIN IMMEDIATE")
            _create_schema(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            raise JournalError(f"{path} : ce fichier n'est pas un journal orient utilisable ({exc})") from exc
        return cls(conn, path)

    def record(self, answer: Answer, facts: Mapping[str, Any]) -> int:
        """Append one orientation; returns the row id. One transaction: all of the row or nothing."""
        row = anonymous_row(answer, facts)
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.execute(
                "INSERT INTO orientation (hour, commune, period, facts, kinds, first_kind, no_gp)"
                " VALUES (:hour, :commune, :period, :facts, :kinds, :first_kind, :no_gp)",
                row,
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return int(cursor.lastrowid)

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM orientation").fetchone()[0])

    def close(self) -> None:
        self._conn.close()



def _create_schema(conn: sqlite3.Connection) -> None:
    # executescript() would COMMIT first; inside Journal.open's transaction we run
    # the statements one by one instead.
    for statement in _SCHEMA:
        conn.execute(statement)


# --- where the journal lives, and whether it is on ------------------------------------------


def journal_disabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    """True when ORIENT_JOURNAL says off (off, 0, no, false, non…)."""
    env = os.environ if environ is None else environ
    return env.get(JOURNAL_ENV, "").strip().lower() in OFF_VALUES


def default_journal_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    """$ORIENT_JOURNAL if it names a file, else $XDG_DATA_HOME/orient/journal.sqlite3,
    else ~/.local/share/orient/journal.sqlite3."""
    env = os.environ if environ is None else environ
    explicit = env.get(JOURNAL_ENV, "").strip()
    if explicit and explicit.lower() not in OFF_VALUES:
        return Path(explicit).expanduser()
    return orient_dir("XDG_DATA_HOME", env) / JOURNAL_FILENAME


def journal_path_for(no_journal: bool = False, path: Path | str | None = None,
                     environ: Optional[Mapping[str, str]] = None) -> Path | None:
    """The journal to write to, or None when it is turned off.

    `--no-journal` (no_journal=True) and ORIENT_JOURNAL=off win; an explicit
    path (`--journal PATH`) comes next; then default_journal_path().
    """
    if no_journal or journal_disabled(environ):
        return None
    if path is not None:
        return Path(path).expanduser()
    return default_journal_path(environ)


def add_journal_arguments(parser: Any) -> None:
    """`--no-journal` and `--journal PATH` for a command that records orientations (the UI, `ask`)."""
    parser.add_argument("--no-journal", action="store_true",
                        help="ne pas inscrire cette orientation dans le journal anonyme "
                             f"(ou {JOURNAL_ENV}=off)")
    parser.add_argument("--journal", metavar="PATH", default=None,
                        help="fichier du journal anonyme (défaut : "
                             "$XDG_DATA_HOME/orient/journal.sqlite3, ou $ORIENT_JOURNAL)")


def open_journal(no_journal: bool = False, path: Path | str | None = None,
                 environ: Optional[Mapping[str, str]] = None, timeout: float = 10.0) -> Journal | None:
    """The desk's journal, or None when it is off. Raises OSError/JournalError if it cannot be opened."""
    target = journal_path_for(no_journal, path, environ)
    return None if target is None else Journal.open(target, timeout=timeout)


def dropped_path(journal: Path) -> Path:
    return Path(str(journal) + DROPPED_SUFFIX)


def count_dropped(journal: Path) -> int:
    """How many orientations could not be written to this journal (locked, full disk…)."""
    try:
        return len(dropped_path(journal).read_bytes().splitlines())
    except OSError:
        return 0


def _count_drop(journal: Optional[Path]) -> None:
    """One line per dropped row, nothing else in it (the journal is anonymous)."""
    if journal is None or not journal.parent.is_dir() or (journal.exists() and not journal.is_file()):
        return
    try:
        fd = os.open(dropped_path(journal), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, b"1\n")
        finally:
            os.close(fd)
    except OSError:
        pass


def record_orientation(answer: Answer, facts: Mapping[str, Any], *, no_journal: bool = False,
                       path: Path | str | None = None,
                       environ: Optional[Mapping[str, str]] = None,
                       errors: Optional[MutableMapping[str, str]] = None) -> bool:
    """Open, append one row, close — waiting at most WRITE_TIMEOUT_S for another writer; a row
    that cannot be written is dropped and counted (`count_dropped`). Never raises: the journal
    must never stop an orientation.

    Returns True when the row was written; on failure returns False and, if
    `errors` is given, puts a French message under "journal" for the caller to show.
    """
    target = journal_path_for(no_journal, path, environ)
    if target is None:
        return False
    try:
        with Journal.open(target, timeout=WRITE_TIMEOUT_S) as journal:
            journal.record(answer, facts)
        return True
    except (OSError, sqlite3.Error, JournalError, ValueError) as exc:
        _count_drop(target)
        if errors is not None:
            errors["journal"] = f"journal anonyme non écrit (orientation comptée comme perdue) : {exc}"
        return False


def record_if_enabled(answer: Answer, facts: Mapping[str, Any], *, no_journal: bool = False,
                      path: Path | str | None = None,
                      errors: Optional[MutableMapping[str, str]] = None, server: bool = True) -> bool:
    """What `orient ask` and the UI call after each answer: writes unless --no-journal or
    ORIENT_JOURNAL=off; never raises (see record_orientation). With `server` and a shared
    server ($ORIENT_DATABASE_URL), the row goes there too (`send_to_server`)."""
    written = record_orientation(answer, facts, no_journal=no_journal, path=path, errors=errors)
    if server:
        from orient.cache import database_url

        send_to_server(answer, facts, database_url(), no_journal=no_journal, path=path)
    return written


def send_to_server(answer: Answer, facts: Mapping[str, Any], url: Optional[str], *, no_journal: bool = False,
                   path: Path | str | None = None) -> Optional[int]:
    """After an answer is shown: its row (and any kept before) to the shared server `url`.
    Nothing when the journal is off or there is no server; never raises. The desk's reports
    kept while the server was lost go too (`orient.corrections.send_kept`), journal or not."""
    if not url or not url.startswith(("postgresql:", "postgres:")):
        return None
    from orient.corrections import send_kept

    try:
        send_kept(url)
    except (OSError, sqlite3.Error, ValueError):
        pass  # they stay kept: the next orientation, report or command sends them
    target = journal_path_for(no_journal, path)
    if target is None:
        return None
    from orient.store.journal import OUTBOX_FILENAME, ServerJournal  # only with a server

    try:
        journal = ServerJournal(url, target.with_name(OUTBOX_FILENAME))
        journal.keep(anonymous_row(answer, facts))
        return journal.flush()
    except (OSError, sqlite3.Error, ValueError):
        return None


# --- writing without making anyone wait ----------------------------------------------------

_pending: list = []


def record_in_background(answer: Answer, facts: Mapping[str, Any], on_error: Optional[Any] = None,
                         **options: Any):
    """`record_if_enabled` in a thread: the counter's "patient suivant" never waits for the disk
    or another desk's lock. `on_error(message)` is called (from that thread) on failure.
    `wait_for_pending` lets the application finish the writes before it exits."""
    import threading

    facts = dict(facts)

    def work() -> None:
        errors: dict[str, str] = {}
        record_if_enabled(answer, facts, errors=errors, **options)
        if errors and on_error is not None:
            try:
                on_error("; ".join(errors.values()))
            except Exception:  # noqa: BLE001 — the screen may be gone; the drop is counted
                pass

    thread = threading.Thread(target=work, name="orient-journal", daemon=True)
    _pending[:] = [t for t in _pending if t.is_alive()] + [thread]
    thread.start()
    return thread


def wait_for_pending(timeout: float = 4 * WRITE_TIMEOUT_S) -> None:
    """Wait (at most `timeout` seconds in all) for the rows being written in the background."""
    import time

    deadline = time.monotonic() + timeout
    for thread in list(_pending):
        thread.join(max(0.0, deadline - time.monotonic()))
    _pending[:] = [t for t in _pending if t.is_alive()]
