"""Where the desks' reports ("Signaler") are kept: the desk's SQLite file, or the shared server.

The correction logic (what a report holds, who may decide it, the messages) is written once,
in `orient.corrections.CorrectionStore`, over one of these two tables. What differs between
the backends stays here:

- `LocalTable`: the table `correction` of one SQLite file (the default: each desk its own);
- `ServerTable`: the table `corrections` of the shared PostgreSQL server
  (`orient/store/migrations/`), `%s` placeholders, `RETURNING`; a report goes first into the
  desk's outbox (`orient.store.outbox`), then to the server within a bounded wait: a desk cut
  off from the server keeps it and sends it once the server is back, stored once (its `uid`).

Both take SQL written for SQLite with `{table}` for the table's name, and give
`rows(sql, params)`, `update(sql, params) -> rowcount`, `transaction()`, `add(row) -> id`.
Never imports `orient.corrections` (which imports this module).
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from orient.store.outbox import Outbox

# What a desk reports; the rest of a row (status, decision) is the coordinator's.
REPORTED = ("desk", "entry_id", "kind", "text", "reported_at")
# How long a report waits for the server before the desk goes on (it stays in the outbox).
SEND_WAIT_S = 1.0
CONNECT_TIMEOUT_S = 2

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS correction (
    id          INTEGER PRIMARY KEY,
    desk        TEXT NOT NULL,      -- the desk's id ("pharmacie-mauvezin")
    entry_id    TEXT NOT NULL,      -- the directory entry's id
    kind        TEXT NOT NULL,      -- one of orient.corrections.KINDS
    text        TEXT,               -- the agent's short text, never about a patient
    reported_at TEXT NOT NULL,      -- ISO, Paris time, to the minute
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by  TEXT,
    decided_on  TEXT,               -- ISO date
    reason      TEXT,               -- why it was rejected
    change      TEXT                -- JSON: the fields written into the directory when accepted
)"""
SQLITE_VERSION = 1


class ServerError(OSError):
    """The shared server cannot be used for the reports (unreachable, refuses); message in French."""


class LocalTable:
    """The table `correction` of the desk's SQLite file."""

    table = "correction"
    last_error = None  # nothing is sent anywhere

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path
        self.where = str(path)

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> "LocalTable":
        """FileNotFoundError when it does not exist and not `create`; OSError or sqlite3.Error when unusable."""
        import os

        if not create and not path.exists():
            raise FileNotFoundError(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # the desk's session only
        conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(SQLITE_SCHEMA)
            if conn.execute("PRAGMA user_version").fetchone()[0] != SQLITE_VERSION:  # a write: only once
                conn.execute(f"PRAGMA user_version = {SQLITE_VERSION}")
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._conn.execute(sql.format(table=self.table), params).fetchall()

    def update(self, sql: str, params: tuple) -> int:
        return self._conn.execute(sql.format(table=self.table), params).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._conn.execute("BEGIN IMMEDIATE")  # one writer at a time: a second coordinator waits
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def add(self, row: Mapping[str, Any]) -> int:
        cursor = self._conn.execute(f"INSERT INTO {self.table} ({', '.join(REPORTED)}) VALUES (?, ?, ?, ?, ?)",
                                    tuple(row[c] for c in REPORTED))
        return int(cursor.lastrowid)

    def kept(self) -> int:
        return 0

    def close(self) -> None:
        self._conn.close()


def _insert(cur, uid: str, row: Mapping[str, Any]) -> int:
    """One report from an outbox into the server's table, once by its uid; its id there."""
    cur.execute(f"INSERT INTO corrections (uid, {', '.join(REPORTED)}) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (uid) DO NOTHING RETURNING id", (uid, *(row[c] for c in REPORTED)))
    found = cur.fetchone()
    if found is None:  # already there: sent before (or by another process of this desk)
        found = cur.execute("SELECT id FROM corrections WHERE uid = %s", (uid,)).fetchone()
    return int(found[0])


def send_outbox(url: str, outbox: Outbox, timeout: float = CONNECT_TIMEOUT_S) -> Optional[dict[str, int]]:
    """The reports kept in `outbox`, to the server in one transaction: {uid: id on the server},
    or None when the server could not take them (they stay)."""

    def deliver(items: list[tuple[str, dict[str, Any]]]) -> dict[str, int]:
        if not items:
            return {}
        import psycopg

        with psycopg.connect(url, connect_timeout=max(1, int(timeout))) as conn:  # commits on leaving
            with conn.cursor() as cur:
                return {uid: _insert(cur, uid, row) for uid, row in items}

    return outbox.send(deliver)


class ServerTable:
    """The table `corrections` of the shared server; reports through the desk's outbox."""

    table = "corrections"

    def __init__(self, url: str, outbox: Path):
        from orient.store.postgres import without_password

        self.url = url
        self.where = without_password(url)
        self.outbox = Outbox(outbox)
        self._conn: Any = None

    def _error(self, exc: Exception) -> ServerError:
        import psycopg.errors

        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        if isinstance(exc, (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn)):
            return ServerError(f"schéma pas à jour sur {self.where} : lancez « orient db init » ({reason})")
        return ServerError(f"serveur des signalements injoignable ({self.where}) : {reason}")

    def _connection(self):
        """The connection for reading and deciding, opened once; the desk's kept reports are sent first."""
        if self._conn is None:
            import psycopg

            try:
                self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
            except psycopg.Error as exc:
                raise self._error(exc) from None
            except ValueError as exc:  # a URL psycopg cannot read
                raise ServerError(f"adresse du serveur illisible ({self.where}) : {exc}") from None
            self.send()
        return self._conn

    def _run(self, sql: str, params: tuple):
        import psycopg

        conn = self._connection()
        try:
            return conn.execute(sql.format(table=self.table).replace("?", "%s"), params)
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        cursor = self._run(sql, params)
        try:
            return cursor.fetchall()
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def update(self, sql: str, params: tuple) -> int:
        return self._run(sql, params).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        import psycopg

        conn = self._connection()
        try:
            with conn.transaction():  # a second coordinator's UPDATE waits for this one's row lock
                yield
        except psycopg.Error as exc:
            raise self._error(exc) from None

    def add(self, row: Mapping[str, Any]) -> Optional[int]:
        """Keep the report in the outbox (OSError, sqlite3.Error when it cannot be written), then
        send the outbox, waiting SEND_WAIT_S at most: the report's id on the server, or None
        when it is still on this desk (sent with the next report, orientation or command)."""
        try:
            import psycopg  # noqa: F401 — imported here, once: the wait below is the server's alone
        except ImportError:
            pass  # the sending fails, the report stays kept: never a crash at the counter
        uid = self.outbox.keep(row)
        sent: dict[str, Optional[dict[str, int]]] = {}
        sender = threading.Thread(target=lambda: sent.update(ids=send_outbox(self.url, self.outbox)),
                                  name="orient-corrections", daemon=True)
        sender.start()
        sender.join(SEND_WAIT_S)
        return (sent.get("ids") or {}).get(uid)

    def send(self) -> Optional[dict[str, int]]:
        return send_outbox(self.url, self.outbox)

    def kept(self) -> int:
        """Reports of this desk not yet on the server."""
        return self.outbox.count()

    @property
    def last_error(self) -> Optional[str]:
        return self.outbox.last_error

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
