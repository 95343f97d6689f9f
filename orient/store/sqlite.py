"""The embedded store: one SQLite file compiled from the YAML, opened read-only.

`build` writes the compiled rules and directory into a temporary file of the
same folder, syncs it and renames it over the old one: a reader sees the old
store or the new one, never half of one (an open connection keeps reading the
file it opened). `SqliteStore.open` refuses a file of another schema version or
another content key (the caller then rebuilds it from the YAML).
"""

from __future__ import annotations

import _thread  # threading's lock without importing threading (its start-up cost, every `orient ask`)
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from orient.store.directory import KIND_NUMBERS, StoreDirectory, capability_mask, epoch
from orient.store.schema import SCHEMA_VERSION, sqlite_schema


class StoreError(Exception):
    """A store that cannot be used as it is (why, in `str()`); the caller rebuilds or falls back."""


def service_rows(services) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """(hours, services, geo, kind_hours) rows of the services, in file order."""
    hours_ids: dict[Optional[str], int] = {None: 0}
    services_out, geo = [], []
    kind_hours: dict[tuple, list[int]] = {}
    for order, s in enumerate(services, start=1):
        hours_id = hours_ids.setdefault(s.opening_hours, len(hours_ids))
        caps = capability_mask(s.capabilities)
        services_out.append((
            order, s.id, s.name, s.kind, s.commune, s.address, s.lat, s.lon, s.precision,
            json.dumps(list(s.phones)), hours_id, s.walk_in_hours, caps, json.dumps(sorted(s.capabilities)),
            json.dumps(list(s.sources), ensure_ascii=False), s.verified.isoformat() if s.verified else None,
            s.note, s.path, s.line, s.url, s.source_date.isoformat() if s.source_date else None))
        if s.located:
            number = KIND_NUMBERS[s.kind]
            geo.append((order, number, number, s.lat, s.lat, s.lon, s.lon))
        kind_hours.setdefault((s.kind, caps, hours_id), [0, 0])[0 if s.located else 1] += 1
    from orient.store.week import weekly_table

    hours = [(i, text, weekly_table(text)) for text, i in hours_ids.items()]
    # Inserted by kind, then along a Hilbert curve: neighbours in the R*Tree's pages are
    # neighbours on the map (in file order a 15 km box read ~30 times more pages).
    geo.sort(key=lambda row: (row[1], hilbert_key(row[3], row[5])))
    return hours, services_out, geo, [(*key, *counts) for key, counts in sorted(kind_hours.items())]


def hilbert_key(lat: float, lon: float, bits: int = 16) -> int:
    """The point's rank along a Hilbert curve over the whole globe (2^bits cells a side)."""
    side = 1 << bits
    x = min(side - 1, int((lon + 180.0) / 360.0 * side))
    y = min(side - 1, int((lat + 90.0) / 180.0 * side))
    rank, step = 0, side >> 1
    while step:
        rx, ry = int((x & step) > 0), int((y & step) > 0)
        rank += step * step * ((3 * rx) ^ ry)
        if not ry:
            if rx:
                x, y = side - 1 - x, side - 1 - y
            x, y = y, x
        step >>= 1
    return rank


def rota_rows(sectors) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(sector, sector_commune, duty) rows of the rota, sectors in file order."""
    sector_out, communes, duties = [], [], []
    for order, sector in enumerate(sectors, start=1):
        sector_out.append((order, sector.id, sector.name, json.dumps(list(sector.sources), ensure_ascii=False),
                           sector.path, sector.line))
        communes.extend((code, order) for code in sorted(sector.communes))
        duties.extend((order, epoch(d.start), epoch(d.end), d.pharmacy, d.path, d.line) for d in sector.duties)
    return sector_out, communes, duties


def build(path: Path, key: str, rules_json: str, directory, meta: Optional[dict] = None) -> None:
    """Compile into `path` atomically (OSError, sqlite3.Error on failure; the old file stays)."""
    from orient.atomic import replacing  # tempfile: only to build

    with replacing(path) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")  # a temporary file, renamed only once complete
            conn.executescript(sqlite_schema())
            hours, services, geo, kind_hours = service_rows(directory.services)
            sectors, communes, duties = rota_rows(directory.rota.sectors)
            conn.executemany("INSERT INTO hours VALUES (?, ?, ?)", hours)
            conn.executemany(f"INSERT INTO service VALUES ({','.join('?' * 21)})", services)
            conn.executemany("INSERT INTO service_geo VALUES (?, ?, ?, ?, ?, ?, ?)", geo)
            conn.executemany("INSERT INTO kind_hours VALUES (?, ?, ?, ?, ?)", kind_hours)
            conn.execute("INSERT INTO kind_hours_any SELECT kind, hours_id, SUM(located), SUM(unlocated) "
                         "FROM kind_hours GROUP BY kind, hours_id")
            conn.executemany("INSERT INTO week_change VALUES (?, ?, ?)", week_change_rows(hours))
            conn.executemany("INSERT INTO sector VALUES (?, ?, ?, ?, ?, ?)", sectors)
            conn.executemany("INSERT INTO sector_commune VALUES (?, ?)", communes)
            conn.executemany("INSERT INTO duty VALUES (?, ?, ?, ?, ?, ?)", duties)
            conn.execute("INSERT INTO rules VALUES (1, ?)", (rules_json,))
            facts = {
                "schema_version": str(SCHEMA_VERSION), "key": key,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "services": str(len(services)), "sectors": str(len(sectors)), "duties": str(len(duties)),
                "fingerprint": directory.fingerprint or "", "area": json.dumps(sorted(directory.area)),
                **(meta or {}),
            }
            conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(facts.items()))
            conn.commit()
        finally:
            conn.close()


SQL_STATES_FIRST_MINUTES = 4  # minutes of the week classified in SQL by a process, before it decodes the tables


def week_change_rows(hours: list[tuple]) -> list[tuple]:
    """(hours id, minute of the week, state) of every weekly table of this orient's format."""
    from orient.store.week import decode_tables

    return [(hours_id, minute, state) for (hours_id, _, _), decoded in zip(hours, decode_tables([h[2] for h in hours]))
            if decoded for minute, state in zip(*decoded) if minute >= 0]


class SqliteDirectory(StoreDirectory):
    _in_order = "NOT INDEXED"
    _immutable = True  # opened read-only; a new store is a new file

    def _week_states(self, minute: int, hours: list[tuple]) -> dict[int, Optional[bool]]:
        """The state of every weekly table at this minute of the week, read in SQL (kept: the
        store does not change under the process) for the first queries of a process: an `orient
        ask` then decodes no table. A process that answers many (the counter UI) decodes each table
        once, and a bisect per table is cheaper than this query at every new minute."""
        states = self._states_at.get(minute)
        if states is None and len(self._states_at) >= SQL_STATES_FIRST_MINUTES:
            return super()._week_states(minute, hours)
        if states is None:
            # SQLite gives the bare column `state` from the row holding MAX(minute): each table's
            # last change at or before the minute (every table has one at minute 0).
            rows = self._rows("SELECT hours_id, state, MAX(minute) FROM week_change WHERE minute <= ? "
                              "GROUP BY hours_id", (minute,))
            states = self._states_at[minute] = {h: None if s is None else bool(s) for h, s, _ in rows}
        return states

    def _kind_hours_query(self, kind: str, mask: int) -> tuple[str, tuple]:
        if mask:
            return super()._kind_hours_query(kind, mask)
        return ("SELECT k.hours_id, hours.text, hours.week, k.located, k.unlocated FROM kind_hours_any AS k "
                "JOIN hours ON hours.id = k.hours_id WHERE k.kind = ?", (kind,))
    def __init__(self, conn: sqlite3.Connection, gazetteer=None, fingerprint: Optional[str] = None,
                 area=()):
        super().__init__(gazetteer, fingerprint, area)
        self._conn = conn
        self._query_lock = _thread.allocate_lock()  # one connection, shared by the UI's threads

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._query_lock:
            return self._conn.execute(sql, params).fetchall()

    def _near(self, kind: str, box: tuple[float, float, float, float]) -> tuple[str, str, tuple]:
        # CROSS JOIN: SQLite keeps this order, the R*Tree first (the kind is its first dimension).
        number = KIND_NUMBERS[kind]
        return ("service_geo AS g CROSS JOIN service ON service.ord = g.ord",
                "g.min_kind <= ? AND g.max_kind >= ? AND g.max_lat >= ? AND g.min_lat <= ? "
                "AND g.max_lon >= ? AND g.min_lon <= ?", (number, number, *box))


class SqliteStore:
    """An open store file: its facts (`meta`), its rules, its directory."""

    def __init__(self, conn: sqlite3.Connection, path: Path, meta: dict[str, str]):
        self.conn = conn
        self.path = path
        self.meta = meta

    @classmethod
    def open(cls, path: Path, key: Optional[str] = None) -> "SqliteStore":
        """Open read-only; StoreError when missing, damaged, of another version or key."""
        path = Path(path)
        if not path.is_file():
            raise StoreError("no store file")
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"unreadable ({exc})") from None
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"damaged ({exc})") from None
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            conn.close()
            raise StoreError("another schema version")
        if key is not None and meta.get("key") != key:
            conn.close()
            raise StoreError("data or code changed")
        return cls(conn, path, meta)

    def rules(self) -> Any:
        from orient.store.codec import loads_rules

        try:
            [(body,)] = self.conn.execute("SELECT body FROM rules").fetchall()
        except (sqlite3.Error, ValueError) as exc:
            raise StoreError(f"damaged rules ({exc})") from None
        return loads_rules(body)

    def directory(self, gazetteer=None) -> SqliteDirectory:
        return SqliteDirectory(self.conn, gazetteer, self.meta.get("fingerprint") or None,
                               json.loads(self.meta.get("area") or "[]"))

    def truncated(self) -> bool:
        """Whether the file is shorter than SQLite says (a cut copy): a cheap test at every open."""
        pages, size = (self.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "page_size"))
        return self.path.stat().st_size < pages * size

    def check(self) -> None:
        """Read every page once (`PRAGMA quick_check`): StoreError when damaged."""
        try:
            result = self.conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"damaged ({exc})") from None
        if result != [("ok",)]:
            raise StoreError(f"damaged ({result[0][0]})")

    def close(self) -> None:
        self.conn.close()
