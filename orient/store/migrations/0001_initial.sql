-- orient store, PostgreSQL. The store tables are declared here once: orient/store/schema.py reads the SQLite
-- store from these statements (its own spelling of two types, and an R*Tree for the GiST index). Also
-- a GiST index on the services' points (core PostgreSQL, no extension), the shared journal and
-- the desks' corrections. Applied once by `orient db init` (orient/store/postgres.py records it
-- in schema_migrations).
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
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    precision TEXT,
    phones TEXT NOT NULL,
    hours_id INTEGER NOT NULL REFERENCES hours (id),
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
CREATE INDEX service_point ON service USING gist (point(lon, lat)) WHERE lat IS NOT NULL AND lon IS NOT NULL;
CREATE TABLE kind_hours (kind TEXT NOT NULL, caps INTEGER NOT NULL, hours_id INTEGER NOT NULL,
                         located INTEGER NOT NULL, unlocated INTEGER NOT NULL,
                         PRIMARY KEY (kind, caps, hours_id));
CREATE TABLE sector (ord INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                     sources TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL);
CREATE TABLE sector_commune (commune TEXT NOT NULL, sector_ord INTEGER NOT NULL REFERENCES sector (ord),
                             PRIMARY KEY (commune, sector_ord));
CREATE TABLE duty (sector_ord INTEGER NOT NULL REFERENCES sector (ord), start_s BIGINT NOT NULL,
                   end_s BIGINT NOT NULL, pharmacy TEXT NOT NULL, path TEXT NOT NULL, line INTEGER NOT NULL,
                   PRIMARY KEY (sector_ord, start_s));

-- The anonymous journal of every desk (the columns of orient/journal.py, docs/journal.md), plus
-- the desk and the row's own id: a row kept by a desk cut off from the server is sent again
-- later, and stored once.
CREATE TABLE journal (
    uid UUID PRIMARY KEY,
    desk TEXT,
    hour TEXT NOT NULL,
    commune TEXT,
    period TEXT NOT NULL,
    facts TEXT NOT NULL,
    kinds TEXT NOT NULL,
    first_kind TEXT,
    no_gp INTEGER,
    received TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX journal_hour ON journal (hour);

-- Reports from the desks on a directory entry, checked by a coordinator (orient corrections): the
-- columns of orient/corrections.py's SQLite table, so that a server backend can share its code.
CREATE TABLE corrections (
    id BIGSERIAL PRIMARY KEY,
    desk TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT,
    reported_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by TEXT,
    decided_on TEXT,
    reason TEXT,
    change TEXT
);
CREATE INDEX corrections_status ON corrections (status, reported_at);
