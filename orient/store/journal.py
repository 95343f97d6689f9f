"""The desks' journal on a shared server (`orient.store.postgres`): rows wait in a local outbox.

The same anonymous rows as the local journal (`orient.journal.anonymous_row`, given by the
caller: `orient.journal.send_to_server`), sent to the server's `journal` table; a desk cut off
from the server keeps them until it is back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Optional

from orient.corrections import desk_id
from orient.store.outbox import Outbox

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
        self._box = Outbox(self.outbox)

    def keep(self, row: Mapping[str, Any]) -> str:
        """Put the row (`orient.journal.anonymous_row`) in the outbox; its id."""
        return self._box.keep(row)

    def pending(self) -> int:
        return self._box.count()

    def flush(self, timeout: float = 2.0) -> Optional[int]:
        """Send the outbox; how many rows the server now holds from it, or None when the
        server could not be reached (the rows stay)."""

        def deliver(rows: list[tuple[str, dict[str, Any]]]) -> int:
            if rows:
                import psycopg

                with psycopg.connect(self.url, connect_timeout=max(1, int(timeout))) as server:
                    with server.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO journal (uid, desk, hour, commune, period, facts, kinds, first_kind, no_gp) "
                            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uid) DO NOTHING",
                            [(uid, self.desk, *(row[c] for c in ("hour", "commune", "period", "facts", "kinds",
                                                                 "first_kind", "no_gp")))
                             for uid, row in rows])
            return len(rows)

        return self._box.send(deliver)
