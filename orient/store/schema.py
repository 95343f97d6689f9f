"""The store's tables, declared once: the PostgreSQL migrations (`orient/store/migrations/`)
declare them, and the SQLite store's schema is read from the same statements.

The tables compiled from the YAML (STORE_TABLES) are the same on both; SQLite gets its own
spelling of two types, keeps its composite-key tables WITHOUT ROWID, and has an R*Tree where
PostgreSQL has a GiST index. The server's other tables (the journal, the corrections) have
SQLite files of their own (`orient/journal.py`, `orient/corrections.py`).
`SCHEMA_VERSION` changes whenever a store table changes; a SQLite store of another version is
rebuilt from the YAML (it is a cache of it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

SCHEMA_VERSION = 6
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Opening-hours strings, each once, with their weekly table when they are plain weekly hours
# (orient/store/week.py); id 0 is "unknown" (NULL text).
# Services in file order (`ord`); capabilities also as a bit mask for the query.
# `kind_hours`: which hours strings occur per kind and capabilities, and how many services
# (located or not) have them: a query classifies these few strings as open / unknown /
# closed and knows each class's size before it looks at any service.
# Duty rotas: sectors, their communes, their duties (start and end as Unix seconds).
STORE_TABLES = ("meta", "rules", "hours", "service", "kind_hours", "sector", "sector_commune", "duty")
_WITHOUT_ROWID = ("kind_hours", "sector_commune", "duty")  # their key is their content
_SQLITE_TYPES = {"DOUBLE PRECISION": "REAL", "BIGINT": "INTEGER"}

# `service_geo`: an R*Tree of the located services with the kind as a third dimension (its
# number in KINDS), so that a box holds only the kind asked for. `kind_hours_any`: `kind_hours`
# summed over the capabilities, for the most frequent query (no capability asked), which then
# needs no GROUP BY (the first query of an `orient ask` on 60,000 pharmacies: ~5 ms → ~2 ms).
# `week_change`: the weekly tables as rows (minute of the week, state 1/0/NULL), so that a
# query classifies a kind's 1,500 hours strings in SQL (decoding their JSON took ~12 ms).
# Both are derived from the tables above when the store is built; a server answers without them.
_SQLITE_ONLY = ("CREATE VIRTUAL TABLE service_geo USING rtree "
                "(ord, min_kind, max_kind, min_lat, max_lat, min_lon, max_lon);\n"
                "CREATE TABLE kind_hours_any (kind TEXT NOT NULL, hours_id INTEGER NOT NULL, "
                "located INTEGER NOT NULL, unlocated INTEGER NOT NULL, PRIMARY KEY (kind, hours_id)) WITHOUT ROWID;\n"
                "CREATE TABLE week_change (hours_id INTEGER NOT NULL, minute INTEGER NOT NULL, state INTEGER, "
                "PRIMARY KEY (hours_id, minute)) WITHOUT ROWID;")

_CREATE_TABLE = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)")
_CREATE_INDEX = re.compile(r"CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+) ON (\w+)")
_ADD_COLUMN = re.compile(r"ALTER TABLE (\w+) ADD COLUMN ")


def sqlite_ddl(migrations: list[str]) -> str:
    """The SQLite schema of the store tables, from the migrations' SQL, in order: their CREATE
    TABLE, CREATE INDEX and ALTER TABLE … ADD COLUMN statements. Any other statement that names
    a store table or one of its indexes is a ValueError: teach this function what SQLite does."""
    out = []
    names = set(STORE_TABLES)  # and the indexes the SQLite store has on them
    for sql in migrations:
        sql = re.sub(r"--[^\n]*", "", sql)
        for statement in (part.strip() + ";" for part in sql.split(";") if part.strip()):
            words = " ".join(statement.split())
            table = _CREATE_TABLE.match(words) or _ADD_COLUMN.match(words)
            index = _CREATE_INDEX.match(words)
            if index is None and table is None:
                if names & set(re.findall(r"\w+", words)):
                    raise ValueError(f"orient/store/schema.py cannot give SQLite this change of a store table: "
                                     f"{words[:120]}")
                continue
            name = index.group(2) if index else table.group(1)
            if name not in STORE_TABLES or "USING gist" in statement:
                continue
            if index:
                names.add(index.group(1))
            for pg, lite in _SQLITE_TYPES.items():
                statement = statement.replace(pg, lite)
            if name in _WITHOUT_ROWID and statement.startswith("CREATE TABLE"):
                statement = statement[:-1] + " WITHOUT ROWID;"
            out.append(statement)
    return "\n".join(out + [_SQLITE_ONLY]) + "\n"


@lru_cache(maxsize=1)
def sqlite_schema() -> str:
    """The SQLite store's schema (read when a store is built, never to answer)."""
    return sqlite_ddl([path.read_text(encoding="utf-8") for path in sorted(MIGRATIONS.glob("*.sql"))])
