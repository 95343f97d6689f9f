"""A PostgreSQL server for the store tests.

`ORIENT_TEST_DATABASE_URL` (a throwaway database the tests may empty) when set;
else a server of our own, started once per test process (so once per pytest-xdist
worker) in a temporary folder, on a unix socket only (no TCP port to collide on),
as an unprivileged user when we are root (`initdb` refuses root), stopped and
removed at the end; else the tests that need it are skipped with the reason.

Test modules use `postgres_url()` (which skips) and `postgresql_directory()`.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

BIN = Path(os.environ.get("ORIENT_PG_BIN", "/usr/lib/postgresql/15/bin"))
URL_ENV = "ORIENT_TEST_DATABASE_URL"

_state: dict = {}


class Server:
    """A throwaway PostgreSQL server in a temporary folder, on a unix socket only."""

    def __init__(self):
        if not (BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL absent ({BIN}/initdb); install postgresql-15 or set {URL_ENV}")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise RuntimeError("psycopg absent (pip install -e '.[test]')") from None
        self.user = "nobody" if os.geteuid() == 0 else None  # initdb refuses root
        self.base = Path(tempfile.mkdtemp(prefix="orient-pg-"))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.data = self.base / "data"
        self.running = False
        atexit.register(self.remove)
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "orient", "-E", "UTF8",
                   "--locale=C", "--no-sync"], "initdb")
        self.start()
        import psycopg

        with psycopg.connect(f"postgresql://orient@/postgres?host={self.base}", autocommit=True) as conn:
            conn.execute("CREATE DATABASE orient_test")
        self.url = f"postgresql://orient@/orient_test?host={self.base}"

    def _run(self, command: list[str], what: str) -> None:
        command = ["runuser", "-u", self.user, "--", *command] if self.user else command
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> None:
        options = f"-k {self.base} -c listen_addresses='' -F -c max_connections=80"
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.base / "log"),
                   "-w", "-t", "60", "start"], "pg_ctl start")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], "pg_ctl stop")
            self.running = False

    def remove(self) -> None:
        try:
            self.stop()
        except (RuntimeError, OSError, subprocess.SubprocessError):
            pass
        shutil.rmtree(self.base, ignore_errors=True)


def _start() -> str:
    server = Server()
    _state["server"] = server
    return server.url


def stop() -> None:
    """Stop and remove our session server (if we started one)."""
    server = _state.pop("server", None)
    if server:
        server.remove()


def own_server() -> "Server":
    """A server of its own for a test that stops it (skips when no server can be started)."""
    postgres_url()  # skips with the reason when PostgreSQL is not there
    if os.environ.get(URL_ENV, "").strip() and not (BIN / "initdb").exists():
        pytest.skip("cannot start a server of our own to stop it (only ORIENT_TEST_DATABASE_URL)")
    try:
        return Server()
    except (RuntimeError, OSError, KeyError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot start a PostgreSQL server: {exc}")


def postgres_url() -> str:
    """The server's URL; skips the calling test when there is none."""
    if "url" not in _state:
        given = os.environ.get(URL_ENV, "").strip()
        try:
            _state["url"] = given or _start()
        except (RuntimeError, OSError, KeyError, subprocess.SubprocessError) as exc:
            _state["url"] = None
            _state["why"] = str(exc)
            stop()
    if not _state["url"]:
        pytest.skip(f"no PostgreSQL server: {_state['why']}")
    return _state["url"]


def fresh_schema_url() -> str:
    """The server's URL with a schema of its own (search_path), so tests do not meet."""
    import psycopg

    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def migrated(url: str) -> str:
    """`url` once orient's schema is there (`orient db init`'s migrations)."""
    from orient.store.postgres import PostgresStore

    store = PostgresStore.connect(url)
    try:
        store.migrate()
    finally:
        store.close()
    return url


def postgresql_directory(request, reference):
    """The reference directory loaded into a fresh schema, as a PostgresDirectory."""
    from orient.store.postgres import PostgresStore

    store = PostgresStore.connect(fresh_schema_url())
    request.addfinalizer(store.close)
    store.migrate()
    store.load("{}", reference, key="test-key")
    return store.directory(reference.gazetteer)
