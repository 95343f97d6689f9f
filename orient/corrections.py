"""Corrections reported from the desks ("Signaler"), checked by a coordinator.

A narrow interface over one SQLite file, so that it can move into the shared store
(`orient/store/`, SQLite or PostgreSQL) without its callers changing:

    store = CorrectionStore.open(path)          # or the module functions on the default file
    store.report(desk, entry_id, kind, text, at) -> int       # from the counter
    store.pending() -> list[Correction]
    store.get(id) -> Correction | None
    store.accept(id, by, on, change) -> Correction            # once the YAML is written (module: accept, reject)
    store.reject(id, by, reason, on) -> Correction

What a report keeps: the desk's id, the directory entry's id, the kind of problem,
the agent's short text, the time (to the minute). Nothing about the patient: the
text is the agent's, under the same warning as the note ("pas de nom, pas de
données de santé"), and is cut at TEXT_LIMIT characters.

The default file: $ORIENT_CORRECTIONS, else $XDG_DATA_HOME/orient/corrections.sqlite3.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

from orient.textsafe import printable
from orient.userdirs import orient_dir
from orient.vocabulary import to_paris

CORRECTIONS_ENV = "ORIENT_CORRECTIONS"
DESK_ENV = "ORIENT_DESK"
FILENAME = "corrections.sqlite3"
TEXT_LIMIT = 280
SCHEMA_VERSION = 1

# What a desk can report (the keys of the "Signaler" screen), with the French label.
KINDS = {
    "no_answer": "le numéro ne répond pas",
    "closed": "fermé à ces heures",
    "moved": "a déménagé",
    "wrong_hours": "horaires faux",
    "other": "autre",
}
STATUSES = ("pending", "accepted", "rejected")
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DESK_ID = re.compile(r"^[\w .'’-]{1,60}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS correction (
    id          INTEGER PRIMARY KEY,
    desk        TEXT NOT NULL,      -- the desk's id ("pharmacie-mauvezin")
    entry_id    TEXT NOT NULL,      -- the directory entry's id
    kind        TEXT NOT NULL,      -- one of KINDS
    text        TEXT,               -- the agent's short text, never about a patient
    reported_at TEXT NOT NULL,      -- ISO, Paris time, to the minute
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by  TEXT,
    decided_on  TEXT,               -- ISO date
    reason      TEXT,               -- why it was rejected
    change      TEXT                -- JSON: the fields written into the directory when accepted
)"""


class CorrectionError(ValueError):
    """Bad input for a correction (unknown kind, unknown id, already decided); message in French."""


@dataclass(frozen=True)
class Correction:
    id: int
    desk: str
    entry_id: str
    kind: str
    text: Optional[str]
    reported_at: str
    status: str
    decided_by: Optional[str] = None
    decided_on: Optional[str] = None
    reason: Optional[str] = None
    change: Optional[dict[str, Any]] = None

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def default_path(environ: Optional[dict[str, str]] = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get(CORRECTIONS_ENV, "").strip()
    return Path(explicit).expanduser() if explicit else orient_dir("XDG_DATA_HOME", env) / FILENAME


def desk_id(environ: Optional[dict[str, str]] = None) -> str:
    """The desk's name in its reports: $ORIENT_DESK ("mairie-mauvezin"), else the machine's name."""
    import socket

    env = os.environ if environ is None else environ
    name = env.get(DESK_ENV, "").strip() or socket.gethostname().split(".")[0]
    return re.sub(r"[^\w .'’-]", "-", name)[:60] or "comptoir"


def minute_of(at: datetime) -> str:
    local = to_paris(at)
    return local.replace(second=0, microsecond=0).isoformat(timespec="minutes")


class CorrectionStore:
    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Optional[Path] = None, *, create: bool = True) -> "CorrectionStore":
        """The store at `path` (default_path()); OSError or sqlite3.Error when unusable."""
        path = Path(path) if path is not None else default_path()
        if not create and not path.exists():
            raise FileNotFoundError(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # the desk's session only
        conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "CorrectionStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def report(self, desk: str, entry_id: str, kind: str, text: Optional[str], at: datetime) -> int:
        """Store one report from a desk; returns its id. CorrectionError on bad input."""
        desk = (desk or "").strip()
        if not DESK_ID.match(desk):
            raise CorrectionError(f"identifiant de comptoir invalide : {desk!r} (lettres, chiffres, espaces, 60 au plus)")
        if not ENTRY_ID.match(entry_id or ""):
            raise CorrectionError(f"identifiant d'entrée invalide : {entry_id!r}")
        if kind not in KINDS:
            raise CorrectionError(f"type de signalement inconnu : {kind!r} ; valeurs : {', '.join(KINDS)}")
        # No escape sequence from a desk's text reaches the coordinator's terminal or the report.
        text = " ".join(printable(text or "").split())[:TEXT_LIMIT] or None
        cursor = self._conn.execute(
            "INSERT INTO correction (desk, entry_id, kind, text, reported_at) VALUES (?, ?, ?, ?, ?)",
            (desk, entry_id, kind, text, minute_of(at)),
        )
        return int(cursor.lastrowid)

    def pending(self) -> list[Correction]:
        return self.all("pending")

    def all(self, status: Optional[str] = None) -> list[Correction]:
        sql = "SELECT * FROM correction" + (" WHERE status = ?" if status else "") + " ORDER BY id"
        return [self._row(r) for r in self._conn.execute(sql, (status,) if status else ())]

    def get(self, correction_id: int) -> Optional[Correction]:
        row = self._conn.execute("SELECT * FROM correction WHERE id = ?", (correction_id,)).fetchone()
        return self._row(row) if row else None

    def accept(self, correction_id: int, by: str, on: date, change: Optional[dict[str, Any]] = None) -> Correction:
        return self._decide(correction_id, "accepted", by, on, reason=None, change=change)

    def reject(self, correction_id: int, by: str, reason: str, on: Optional[date] = None) -> Correction:
        if not (reason or "").strip():
            raise CorrectionError("un rejet doit donner sa raison (--reason)")
        return self._decide(correction_id, "rejected", by, on or date.today(), reason=reason.strip(), change=None)

    def _decide(self, correction_id: int, status: str, by: str, on: date, reason: Optional[str],
                change: Optional[dict[str, Any]]) -> Correction:
        if not (by or "").strip():
            raise CorrectionError("indiquez qui a vérifié (--by)")
        current = self.get(correction_id)
        if current is None:
            raise CorrectionError(f"signalement {correction_id} introuvable")
        if current.status != "pending":
            raise CorrectionError(f"signalement {correction_id} déjà traité ({current.status}, "
                                  f"par {current.decided_by} le {current.decided_on})")
        self._conn.execute(
            "UPDATE correction SET status = ?, decided_by = ?, decided_on = ?, reason = ?, change = ? "
            "WHERE id = ? AND status = 'pending'",
            (status, by.strip(), on.isoformat(), reason,
             json.dumps(change, ensure_ascii=False) if change is not None else None, correction_id),
        )
        return self.get(correction_id)  # type: ignore[return-value]

    @staticmethod
    def _row(row: tuple) -> Correction:
        (cid, desk, entry_id, kind, text, reported_at, status, decided_by, decided_on, reason, change) = row
        return Correction(cid, desk, entry_id, kind, text, reported_at, status, decided_by, decided_on, reason,
                          json.loads(change) if change else None)


def report(desk: str, entry_id: str, kind: str, text: Optional[str], at: datetime,
           path: Optional[Path] = None) -> int:
    """The counter's call ("Signaler"): store one report in the desk's store and return its id."""
    with CorrectionStore.open(path) as store:
        return store.report(desk, entry_id, kind, text, at)


def pending(path: Optional[Path] = None) -> list[Correction]:
    """The reports waiting for a coordinator; [] when the store does not exist yet."""
    try:
        with CorrectionStore.open(path, create=False) as store:
            return store.pending()
    except FileNotFoundError:
        return []


def accept(correction_id: int, by: str, on: date, change: Optional[dict[str, Any]] = None,
           path: Optional[Path] = None) -> Correction:
    """Record that a coordinator accepted a report. The directory itself is changed by
    `orient corrections accept` (orient/commands/corrections.py), which calls this once the YAML is written."""
    with CorrectionStore.open(path, create=False) as store:
        return store.accept(correction_id, by, on, change)


def reject(correction_id: int, by: str, reason: str, path: Optional[Path] = None) -> Correction:
    """Record that a coordinator rejected a report, and why."""
    with CorrectionStore.open(path, create=False) as store:
        return store.reject(correction_id, by, reason)
