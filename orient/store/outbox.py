"""A desk's outbox: rows for the shared server, kept in a local SQLite file until the server has them.

Used by the journal (`orient.store.journal.ServerJournal`) and the desks' reports
(`orient.store.corrections.ServerTable`). Each row gets an id of its own (a UUID) when it is
kept; the server stores a row once per id (`ON CONFLICT (uid) DO NOTHING`), so a row sent
twice (a crash between the server's commit and the outbox's, two processes of one desk
sending at once) is stored once, and a row is forgotten only after the server has it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, TypeVar

T = TypeVar("T")


class Outbox:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.last_error: Optional[str] = None  # why the last send failed (for messages)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))  # the desk's session only
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS outbox (uid TEXT PRIMARY KEY, row TEXT NOT NULL)")
        except BaseException:
            conn.close()
            raise
        return conn

    def keep(self, row: Mapping[str, Any]) -> str:
        """Keep one row (JSON-able); its id. OSError or sqlite3.Error when the file cannot be written."""
        import uuid

        uid = str(uuid.uuid4())
        conn = self._open()
        try:
            with conn:
                conn.execute("INSERT INTO outbox VALUES (?, ?)", (uid, json.dumps(row, ensure_ascii=False)))
        finally:
            conn.close()
        return uid

    def items(self) -> list[tuple[str, dict[str, Any]]]:
        """(id, row) of every row kept, oldest first."""
        if not self.path.exists():
            return []
        conn = self._open()
        try:
            return [(uid, json.loads(text)) for uid, text in conn.execute("SELECT uid, row FROM outbox ORDER BY rowid")]
        finally:
            conn.close()

    def count(self) -> int:
        if not self.path.exists():
            return 0
        conn = self._open()
        try:
            return conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        finally:
            conn.close()

    def send(self, deliver: Callable[[list[tuple[str, dict[str, Any]]]], T]) -> Optional[T]:
        """`deliver(items)` stores the rows kept on the server (each once by its id, in one
        transaction); they are then forgotten. What `deliver` returned, or None when it failed
        (any exception: the rows stay for the next time, `last_error` says why)."""
        items = self.items()
        try:
            result = deliver(items)
        except Exception as exc:  # noqa: BLE001 — any server failure: the rows stay
            self.last_error = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            return None
        self.last_error = None
        if items:
            conn = self._open()
            try:
                with conn:
                    conn.executemany("DELETE FROM outbox WHERE uid = ?", [(uid,) for uid, _ in items])
            finally:
                conn.close()
        return result
