"""The desks' journal on a shared server (`orient.store.postgres`): rows wait in a local outbox.

The same anonymous rows as the local journal (`orient.journal.anonymous_row`, given by the
caller: `orient.journal.send_to_server`), sent to the server's `journal` table; a desk cut off
from the server keeps them until it is back.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Mapping, Optional

from orient.corrections import desk_id

OUTBOX_FILENAME = "journal-outbox.sqlite3"


class ServerJournal:
    """The desks' journal on the shared server (`ORIENT_DATABASE_URL`), rows as `anonymous_row`.

    Each row first goes to a local outbox (SQLite, next to the desk's journal) with an id of
    its own, then the outbox is sent to the server in one transaction and emptied. A desk cut
    off from the server keeps its rows in the outbox and sends them with its next row once the
    server is back; a row sent twice (a crash between the server's commit and the outbox's)
    is stored once (`ON CONFLICT (uid) DO NOTHING`). No row is lost, none is counted twice.
    """

    def __init__(self, url: str, outbox: Path, desk: Optional[str] = None):
        self.url = url
        self.outbox = Path(outbox)
        self.desk = desk if desk is not None else desk_id()

    def _outbox(self) -> sqlite3.Connection:
        self.outbox.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = sqlite3.connect(self.outbox, timeout=10)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS outbox (uid TEXT PRIMARY KEY, row TEXT NOT NULL)")
        return conn

    def keep(self, row: Mapping[str, Any]) -> str:
        """Put the row (`orient.journal.anonymous_row`) in the outbox; its id."""
        import uuid

        uid = str(uuid.uuid4())
        conn = self._outbox()
        try:
            with conn:
                conn.execute("INSERT INTO outbox VALUES (?, ?)", (uid, json.dumps(row)))
        finally:
            conn.close()
        return uid

    def pending(self) -> int:
        if not self.outbox.exists():
            return 0
        conn = self._outbox()
        try:
            return conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        finally:
            conn.close()

    def flush(self, timeout: float = 2.0) -> Optional[int]:
        """Send the outbox; how many rows the server now holds from it, or None when the
        server could not be reached (the rows stay)."""
        if not self.outbox.exists():
            return 0
        conn = self._outbox()
        try:
            rows = conn.execute("SELECT uid, row FROM outbox ORDER BY rowid").fetchall()
            if not rows:
                return 0
            try:
                import psycopg

                with psycopg.connect(self.url, connect_timeout=max(1, int(timeout))) as server:
                    with server.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO journal (uid, desk, hour, commune, period, facts, kinds, first_kind, no_gp) "
                            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uid) DO NOTHING",
                            [(uid, self.desk, *(_row[c] for c in ("hour", "commune", "period", "facts", "kinds",
                                                                  "first_kind", "no_gp")))
                             for uid, _row in ((uid, json.loads(text)) for uid, text in rows)])
            except Exception:  # noqa: BLE001 — any server failure: the rows stay for the next time
                return None
            with conn:
                conn.executemany("DELETE FROM outbox WHERE uid = ?", [(uid,) for uid, _ in rows])
            return len(rows)
        finally:
            conn.close()
