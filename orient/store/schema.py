"""The store's tables, one schema for SQLite and PostgreSQL where the two agree.

`SCHEMA_VERSION` changes whenever a table changes; a SQLite store of another
version is rebuilt from the YAML (it is a cache of it).
"""

from __future__ import annotations

SCHEMA_VERSION = 4

# Opening-hours strings, each once, with their weekly table when they are plain weekly hours
# (orient/store/week.py); id 0 is "unknown" (NULL text).
# Services in file order (`ord`); capabilities also as a bit mask for the query.
# `kind_hours`: which hours strings occur per kind and capabilities, and how many services
# (located or not) have them: a query classifies these few strings as open / unknown /
# closed and knows each class's size before it looks at any service.
# `service_geo`: an R*Tree of the located services with the kind as a third dimension
# (its number in KINDS), so that a box holds only the kind asked for.
SQLITE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rules (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL);
CREATE TABLE hours (id INTEGER PRIMARY KEY, text TEXT UNIQUE, week TEXT);
CREATE TABLE service (
    ord INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    commune TEXT,
    address TEXT,
    lat REAL,
    lon REAL,
    precision TEXT,
    phones TEXT NOT NULL,
    hours_id INTEGER NOT NULL REFERENCES hours(id),
    walk_in_hours TEXT,
    caps INTEGER NOT NULL,
    capabilities TEXT NOT NULL,
    sources TEXT NOT NULL,
    verified TEXT,
    note TEXT,
    path TEXT NOT NULL,
    line INTEGER NOT NULL,
    url TEXT,
    source_date TEXT
);
CREATE INDEX service_kind_hours ON service (kind, hours_id, ord);
CREATE VIRTUAL TABLE service_geo USING rtree (ord, min_kind, max_kind, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE kind_hours (kind TEXT NOT NULL, caps INTEGER NOT NULL, hours_id INTEGER NOT NULL,
                         located INTEGER NOT NULL, unlocated INTEGER NOT NULL,
                         PRIMARY KEY (kind, caps, hours_id)) WITHOUT ROWID;
CREATE TABLE sector (ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                     sources TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL);
CREATE TABLE sector_commune (commune TEXT NOT NULL, sector_ord INTEGER NOT NULL REFERENCES sector(ord),
                             PRIMARY KEY (commune, sector_ord)) WITHOUT ROWID;
CREATE TABLE duty (sector_ord INTEGER NOT NULL REFERENCES sector(ord), start_s INTEGER NOT NULL,
                   end_s INTEGER NOT NULL, pharmacy TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,
                   PRIMARY KEY (sector_ord, start_s)) WITHOUT ROWID;
"""
