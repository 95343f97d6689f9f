"""Corrections reported from the desks ("Signaler"), checked by a coordinator.

One interface, one implementation of the logic, over the desk's SQLite file or the shared
PostgreSQL server (`orient.store.corrections`: the thin layer where the two differ):

    store = CorrectionStore.open(path, database=url)   # or the module functions on the default store
    store.report(desk, entry_id, kind, text, at) -> int | None   # from the counter
    store.pending() -> list[Correction]
    store.get(id) -> Correction | None
    store.accept(id, by, on, change, write=…) -> Correction      # writes the YAML under the claim
    store.reject(id, by, reason, on) -> Correction

What a report keeps: the desk's id, the directory entry's id, the kind of problem,
the agent's short text, the time (to the minute). Nothing about the patient: the
text is the agent's, under the same warning as the note ("pas de nom, pas de
données de santé"), and is cut at TEXT_LIMIT characters.

Where: an explicit `path` is a SQLite file; else the shared server when `database`
(--database) or $ORIENT_DATABASE_URL names one — a report then goes through the desk's
outbox (next to its file), so that a desk cut off from the server keeps it and sends it
later (`report` returns None until then); else the desk's file: $ORIENT_CORRECTIONS, else
$XDG_DATA_HOME/orient/corrections.sqlite3.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Optional

from orient.store.corrections import LocalTable, ServerError, ServerTable  # noqa: F401 (ServerError: callers)
from orient.textsafe import printable
from orient.closing import Closing
from orient.userdirs import orient_dir
from orient.vocabulary import to_paris

CORRECTIONS_ENV = "ORIENT_CORRECTIONS"
DESK_ENV = "ORIENT_DESK"
FILENAME = "corrections.sqlite3"
OUTBOX_FILENAME = "corrections-outbox.sqlite3"
TEXT_LIMIT = 280

# What a desk can report (the keys of the "Signaler" screen), with the French label.
KINDS = {
    "no_answer": "le numéro ne répond pas",
    "closed": "fermé à ces heures",
    "moved": "a déménagé",
    "wrong_hours": "horaires faux",
    "other": "autre",
}
STATUSES = ("pending", "accepted", "rejected")
STATUS_LABELS = {"pending": "en attente", "accepted": "accepté", "rejected": "rejeté"}
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DESK_ID = re.compile(r"^[\w .'’-]{1,60}$")
COLUMNS = "id, desk, entry_id, kind, text, reported_at, status, decided_by, decided_on, reason, change"
MAX_ID = 2**63 - 1  # both backends' integer ids


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


def outbox_path(environ: Optional[dict[str, str]] = None) -> Path:
    """The desk's outbox of reports for the shared server, next to its corrections file."""
    return default_path(environ).with_name(OUTBOX_FILENAME)


def server_url(database: Optional[str] = None, *, strict: bool = True) -> Optional[str]:
    """The shared server of the reports: `database` (--database), else $ORIENT_DATABASE_URL;
    None for the desk's file ("local" forces it). CorrectionError when it is not postgresql://…
    and `strict` (else it is taken as a server that cannot be reached)."""
    from orient.cache import database_url

    url = database_url(database)
    if url is None or not strict:
        return url
    from orient.store.postgres import is_postgres_url

    if not is_postgres_url(url):
        raise CorrectionError(f"--database : « {printable(url, newlines=False)[:80]} » n'est pas une adresse "
                              "postgresql://… (ou « local » pour le fichier de ce poste)")
    return url


class CorrectionStore(Closing):
    """The correction logic, once, over a `LocalTable` or a `ServerTable` (orient.store.corrections)."""

    def __init__(self, table: Any, path: Optional[Path] = None):
        self._table = table
        self.path = path  # the SQLite file; None on the server
        self.where = table.where

    @classmethod
    def open(cls, path: Optional[Path] = None, *, create: bool = True, database: Optional[str] = None,
             strict: bool = True) -> "CorrectionStore":
        """The SQLite file `path`; without it, the shared server when there is one (`server_url`),
        else the desk's file (default_path()). OSError or sqlite3.Error when the file is unusable;
        FileNotFoundError when it does not exist and not `create`; CorrectionError for a bad --database.
        Nothing is asked of a server before it is used (`ServerError`, an OSError, then)."""
        if path is None:
            url = server_url(database, strict=strict)
            if url is not None:
                return cls(ServerTable(url, outbox_path()))
        path = Path(path) if path is not None else default_path()
        return cls(LocalTable.open(path, create=create), path)

    @property
    def on_server(self) -> bool:
        return self.path is None

    def close(self) -> None:
        self._table.close()

    def report(self, desk: str, entry_id: str, kind: str, text: Optional[str], at: datetime) -> Optional[int]:
        """Store one report from a desk; its id — None when it waits on this desk for the server
        (kept in the outbox, sent later). CorrectionError on bad input."""
        desk = (desk or "").strip()
        if not DESK_ID.match(desk):
            raise CorrectionError(f"identifiant de comptoir invalide : {desk!r} (lettres, chiffres, espaces, 60 au plus)")
        if not ENTRY_ID.match(entry_id or ""):
            raise CorrectionError(f"identifiant d'entrée invalide : {entry_id!r}")
        if kind not in KINDS:
            raise CorrectionError(f"type de signalement inconnu : {kind!r} ; valeurs : {', '.join(KINDS)}")
        # No escape sequence from a desk's text reaches the coordinator's terminal or the report.
        text = " ".join(printable(text or "").split())[:TEXT_LIMIT] or None
        return self._table.add({"desk": desk, "entry_id": entry_id, "kind": kind, "text": text,
                                "reported_at": minute_of(at)})

    def kept(self) -> int:
        """This desk's reports not yet on the server (0 for a file)."""
        return self._table.kept()

    @property
    def last_error(self) -> Optional[str]:
        """Why the last sending of this desk's reports to the server failed (None: it did not)."""
        return self._table.last_error

    def pending(self) -> list[Correction]:
        return self.all("pending")

    def all(self, status: Optional[str] = None) -> list[Correction]:
        sql = f"SELECT {COLUMNS} FROM {{table}}" + (" WHERE status = ?" if status else "") + " ORDER BY id"
        return [self._row(r) for r in self._table.rows(sql, (status,) if status else ())]

    def open_count(self) -> int:
        return self._table.rows("SELECT COUNT(*) FROM {table} WHERE status = 'pending'")[0][0]

    def get(self, correction_id: int) -> Optional[Correction]:
        if not 0 < correction_id <= MAX_ID:
            return None
        rows = self._table.rows(f"SELECT {COLUMNS} FROM {{table}} WHERE id = ?", (correction_id,))
        return self._row(rows[0]) if rows else None

    def accept(self, correction_id: int, by: str, on: date, change: Optional[dict[str, Any]] = None, *,
               write: Optional[Callable[[], None]] = None, undo: Optional[Callable[[], None]] = None) -> Correction:
        """Mark the report accepted. `write` (the YAML's change) runs once this coordinator holds
        the report, before the mark is committed: if another coordinator decided it first,
        CorrectionError and nothing is written; if `write` fails, the report stays pending; if
        the commit fails after `write`, `undo` runs."""
        return self._decide(correction_id, "accepted", by, on, None, change, write, undo)

    def reject(self, correction_id: int, by: str, reason: str, on: Optional[date] = None) -> Correction:
        if not (reason or "").strip():
            raise CorrectionError("un rejet doit donner sa raison (--reason)")
        return self._decide(correction_id, "rejected", by, on or date.today(), reason.strip(), None, None, None)

    def _decide(self, correction_id: int, status: str, by: str, on: date, reason: Optional[str],
                change: Optional[dict[str, Any]], write: Optional[Callable[[], None]],
                undo: Optional[Callable[[], None]]) -> Correction:
        if not (by or "").strip():
            raise CorrectionError("indiquez qui a vérifié (--by)")
        current = self.get(correction_id)
        if current is None:
            raise CorrectionError(f"signalement {correction_id} introuvable")
        if current.status != "pending":
            raise CorrectionError(f"signalement {correction_id} déjà traité ({decision(current)})")
        written = False
        try:
            with self._table.transaction():
                # The claim: of two coordinators deciding at once, one changes the row, the other none.
                claimed = self._table.update(
                    "UPDATE {table} SET status = ?, decided_by = ?, decided_on = ?, reason = ?, change = ? "
                    "WHERE id = ? AND status = 'pending'",
                    (status, by.strip(), on.isoformat(), reason,
                     json.dumps(change, ensure_ascii=False) if change is not None else None, correction_id))
                if claimed != 1:
                    raise _Taken()
                if write is not None:
                    write()
                    written = True
        except _Taken:
            taken = self.get(correction_id)
            raise CorrectionError(f"signalement {correction_id} traité entre-temps par un autre coordinateur "
                                  f"({decision(taken) if taken else 'supprimé'}) ; rien n'a été écrit") from None
        except BaseException:
            if written and undo is not None:
                undo()
            raise
        return self.get(correction_id)  # type: ignore[return-value]

    @staticmethod
    def _row(row: tuple) -> Correction:
        (cid, desk, entry_id, kind, text, reported_at, status, decided_by, decided_on, reason, change) = row
        return Correction(int(cid), desk, entry_id, kind, text, reported_at, status, decided_by, decided_on, reason,
                          json.loads(change) if change else None)


class _Taken(Exception):
    """Another coordinator decided the report between our look and our claim."""


def decision(c: Correction) -> str:
    """The decision in French, for messages: « accepté par X le 2026-12-02 »."""
    return f"{STATUS_LABELS.get(c.status, c.status)} par {c.decided_by} le {c.decided_on}"


def report(desk: str, entry_id: str, kind: str, text: Optional[str], at: datetime,
           path: Optional[Path] = None) -> Optional[int]:
    """The counter's call ("Signaler"): store one report in the desk's store — the shared server
    when there is one — and return its id (None: kept on this desk until the server is back).
    A server setting that is no postgresql://… address is a server that cannot be reached: the
    report is kept, never refused for it."""
    with CorrectionStore.open(path, strict=False) as store:
        return store.report(desk, entry_id, kind, text, at)


def pending(path: Optional[Path] = None) -> list[Correction]:
    """The reports waiting for a coordinator; [] when the desk's file does not exist yet."""
    try:
        with CorrectionStore.open(path, create=False) as store:
            return store.pending()
    except FileNotFoundError:
        return []


def accept(correction_id: int, by: str, on: date, change: Optional[dict[str, Any]] = None,
           path: Optional[Path] = None) -> Correction:
    """Record that a coordinator accepted a report. The directory itself is changed by
    `orient corrections accept` (orient/commands/corrections.py), through `CorrectionStore.accept(write=…)`."""
    with CorrectionStore.open(path, create=False) as store:
        return store.accept(correction_id, by, on, change)


def reject(correction_id: int, by: str, reason: str, path: Optional[Path] = None) -> Correction:
    """Record that a coordinator rejected a report, and why."""
    with CorrectionStore.open(path, create=False) as store:
        return store.reject(correction_id, by, reason)


def send_kept(url: str) -> Optional[int]:
    """This desk's reports kept while the server was lost, sent to `url` (after each orientation
    with a server: `orient.journal.send_to_server`); how many, None when still not possible."""
    from orient.store.outbox import Outbox
    from orient.store.corrections import send_outbox

    outbox = Outbox(outbox_path())
    if not outbox.path.exists():
        return 0
    sent = send_outbox(url, outbox)
    return None if sent is None else len(sent)
