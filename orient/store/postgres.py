"""The shared store: PostgreSQL (15 or later) through psycopg 3 and a connection pool.

The same tables and queries as the SQLite store (`orient.store.schema`,
`orient.store.directory`), created by the versioned migrations of
`orient/store/migrations/` (`orient db init`). Spatial search uses only core
PostgreSQL: a GiST index on `point(lon, lat)` and a box test (`<@`); the exact
distances are computed by the same code as everywhere else.

A coordinator loads the YAML (`orient db load`) in one transaction: a desk's query
sees the old directory and rota or the new ones, never half. Desks read with
autocommit (each query its own snapshot) from a small pool.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any, Optional

from orient.store.directory import StoreDirectory
from orient.store.schema import MIGRATIONS
from orient.store.sqlite import StoreError, rota_rows, service_rows

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# One coordinator at a time runs migrations or a load (pg_advisory_xact_lock).
_LOCK_ID = 0x6F7269656E74  # "orient"
LOADED_TABLES = ("duty", "sector_commune", "sector", "kind_hours", "service", "hours", "rules")


def is_postgres_url(url: Optional[str]) -> bool:
    return bool(url) and url.split(":", 1)[0] in ("postgresql", "postgres")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of the repository's migrations, in order."""
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    return found


def driver_errors() -> tuple[type, ...]:
    """The exceptions that mean "the server failed" (psycopg and its pool)."""
    import psycopg
    import psycopg_pool

    return (psycopg.Error, psycopg_pool.PoolTimeout, psycopg_pool.PoolClosed, StoreError)


class PostgresDirectory(StoreDirectory):
    def __init__(self, pool, gazetteer=None, fingerprint: Optional[str] = None, area=()):
        super().__init__(gazetteer, fingerprint, area)
        self._pool = pool

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._pool.connection() as conn:
            return conn.execute(sql.replace("?", "%s"), params).fetchall()

    def _near(self, kind: str, box: tuple[float, float, float, float]) -> tuple[str, str, tuple]:
        lat_lo, lat_hi, lon_lo, lon_hi = box  # a point is (x = lon, y = lat); GiST index service_point
        return ("service", "point(service.lon, service.lat) <@ box(point(?, ?), point(?, ?))",
                (lon_lo, lat_lo, lon_hi, lat_hi))


class PostgresStore:
    """A connection pool to one orient database."""

    def __init__(self, pool, url: str):
        self.pool = pool
        self.url = url

    @classmethod
    def connect(cls, url: str, *, max_size: int = 4, timeout: float = 5.0) -> "PostgresStore":
        """A pool to `url`, after one direct connection shows the server answers; StoreError
        (French, with the server's reason) when it does not."""
        import logging

        import psycopg
        import psycopg_pool

        # The pool logs its reconnection attempts in English on stderr: the desk says it once, in French.
        logging.getLogger("psycopg.pool").propagate = False
        logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())
        try:
            psycopg.connect(url, connect_timeout=max(1, int(timeout))).close()
        except (psycopg.Error, ValueError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise StoreError(f"serveur PostgreSQL injoignable ({without_password(url)}) : {reason}") from None
        pool = psycopg_pool.ConnectionPool(url, min_size=1, max_size=max_size, open=False, timeout=timeout,
                                           kwargs={"autocommit": True, "connect_timeout": max(1, int(timeout))},
                                           reconnect_timeout=timeout)
        try:
            pool.open(wait=True, timeout=timeout)
        except psycopg_pool.PoolTimeout:
            pool.close()
            raise StoreError(f"serveur PostgreSQL injoignable ({without_password(url)})") from None
        return cls(pool, url)

    def close(self) -> None:
        self.pool.close()

    # --- schema -------------------------------------------------------------------------------

    def applied(self) -> list[int]:
        with self.pool.connection() as conn:
            exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]
            if not exists:
                return []
            return [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied, each in its own transaction; their names."""
        done = []
        with self.pool.connection() as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
                conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                             "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                applied = {v for (v,) in conn.execute("SELECT version FROM schema_migrations")}
                for version, name, sql in migrations():
                    if version in applied:
                        continue
                    conn.execute(sql)
                    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
                    done.append(name)
        return done

    def pending(self) -> list[str]:
        applied = set(self.applied())
        return [name for version, name, _ in migrations() if version not in applied]

    # --- loading (a coordinator's job) --------------------------------------------------------

    def load(self, rules_json: str, directory, key: str, meta: Optional[dict] = None) -> dict[str, int]:
        """Replace rules, services and rotas in one transaction (readers see old or new)."""
        if self.pending():
            raise StoreError("schéma pas à jour : lancez d'abord « orient db init »")
        hours, services, geo, kind_hours = service_rows(directory.services)
        sectors, communes, duties = rota_rows(directory.rota.sectors)
        with self.pool.connection() as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
                for table in LOADED_TABLES:
                    conn.execute(f"DELETE FROM {table}")
                with conn.cursor() as cur:
                    for table, rows in (("hours", hours), ("service", services), ("kind_hours", kind_hours),
                                        ("sector", sectors), ("sector_commune", communes), ("duty", duties)):
                        with cur.copy(f"COPY {table} FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                conn.execute("INSERT INTO rules VALUES (1, %s)", (rules_json,))
                facts = {"key": key, "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         "services": str(len(services)), "sectors": str(len(sectors)), "duties": str(len(duties)),
                         "fingerprint": directory.fingerprint or "", "area": json.dumps(sorted(directory.area)),
                         **(meta or {})}
                conn.execute("DELETE FROM meta")
                with conn.cursor() as cur:
                    cur.executemany("INSERT INTO meta VALUES (%s, %s)", sorted(facts.items()))
        return {"services": len(services), "sectors": len(sectors), "duties": len(duties)}

    # --- reading ------------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        with self.pool.connection() as conn:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())

    def rules_json(self) -> str:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT body FROM rules WHERE id = 1").fetchone()
        if row is None:
            raise StoreError("base vide : lancez « orient db load »")
        return row[0]

    def directory(self, gazetteer=None) -> PostgresDirectory:
        meta = self.meta()
        return PostgresDirectory(self.pool, gazetteer, meta.get("fingerprint") or None,
                                 json.loads(meta.get("area") or "[]"))


def without_password(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
