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
from typing import Optional

import pytest

BIN = Path(os.environ.get("ORIENT_PG_BIN", "/usr/lib/postgresql/15/bin"))
URL_ENV = "ORIENT_TEST_DATABASE_URL"

_state: dict = {}


def _as_user(command: list[str], user: Optional[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def _start() -> str:
    """A fresh server's URL (or raise RuntimeError with why not)."""
    if not (BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL absent ({BIN}/initdb); install postgresql-15 or set {URL_ENV}")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise RuntimeError("psycopg absent (pip install -e '.[test]')") from None
    user = None
    if os.geteuid() == 0:
        user = "nobody"
        pwd.getpwnam(user)
    base = Path(tempfile.mkdtemp(prefix="orient-pg-"))
    _state["base"] = base
    if user:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    data = base / "data"
    done = subprocess.run(_as_user([str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "orient",
                                    "-E", "UTF8", "--locale=C", "--no-sync"], user),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr.strip()[-500:]}")
    options = f"-k {base} -c listen_addresses='' -F -c max_connections=60"
    done = subprocess.run(_as_user([str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
                                    "-w", "-t", "60", "start"], user), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()[-500:]}")
    _state["stop"] = _as_user([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    atexit.register(stop)
    import psycopg

    with psycopg.connect(f"postgresql://orient@/postgres?host={base}", autocommit=True) as conn:
        conn.execute("CREATE DATABASE orient_test")
    return f"postgresql://orient@/orient_test?host={base}"


def stop() -> None:
    """Stop our server (if we started one) and remove its folder."""
    command = _state.pop("stop", None)
    if command:
        subprocess.run(command, capture_output=True, timeout=60)
    base = _state.pop("base", None)
    if base:
        shutil.rmtree(base, ignore_errors=True)


def server_control() -> Optional[tuple[list[str], list[str]]]:
    """(stop, start) commands of our own server, for the tests that cut it off; None for a
    server from ORIENT_TEST_DATABASE_URL (never stopped by the tests)."""
    command = _state.get("stop")
    if not command:
        return None
    start = [c for c in command]
    start[start.index("-m"):start.index("-m") + 2] = []
    base = _state["base"]
    start[-1] = "start"
    start[-1:-1] = ["-o", f"-k {base} -c listen_addresses='' -F -c max_connections=60", "-l", str(base / "log")]
    return command, start


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


def postgresql_directory(request, reference):
    """The reference directory loaded into a fresh schema, as a PostgresDirectory."""
    from orient.store.postgres import PostgresStore

    store = PostgresStore.connect(fresh_schema_url())
    request.addfinalizer(store.close)
    store.migrate()
    store.load("{}", reference, key="test-key")
    return store.directory(reference.gazetteer)
