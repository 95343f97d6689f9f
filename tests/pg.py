"""A PostgreSQL server for the store tests.

`ORIENT_TEST_DATABASE_URL` (a throwaway database the tests may empty) when set;
else one server of our own for the whole run, shared by the pytest-xdist workers
(each with a database of its own; each test with a schema of its own): the first
worker that needs it starts it, under a lock, in a temporary folder, on a unix
socket only (no TCP port to collide on), as an unprivileged user when we are root
(`initdb` refuses root); the last worker out stops and removes it, and the run's
first process (pytest-xdist's controller, or the only process) removes whatever a
killed worker left; else the tests that need it are skipped with the reason.

A test that stops its server gets one of its own (`own_server()`), copied from the
shared server's freshly initialised cluster rather than run through `initdb` again.

Test modules use `postgres_url()` (which skips) and `postgresql_directory()`; the
conftest calls `prepare_run()` at import and `release()` / `finish_run()` at the end.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator, Optional

import pytest

BIN = Path(os.environ.get("ORIENT_PG_BIN", "/usr/lib/postgresql/15/bin"))
URL_ENV = "ORIENT_TEST_DATABASE_URL"
# The run's folder (made by its first process, inherited by the workers): the lock, where the
# shared server is, and one file per process that uses it.
RUN_ENV = "ORIENT_TEST_PG_RUN"

_state: dict = {}


class Server:
    """A throwaway PostgreSQL server in a temporary folder, on a unix socket only: a fresh cluster
    from `initdb`, or a copy of `template` (a stopped cluster); `keep_template` keeps a copy of
    the fresh cluster, before it first starts, for servers of their own. `own`: removed when this
    process exits."""

    def __init__(self, template: Optional[Path] = None, keep_template: bool = False, own: bool = True):
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
        if own:  # the run's shared server outlives the process that started it: release() stops it
            atexit.register(self.remove)
        try:
            if template is not None:
                self._run(["cp", "-a", str(template), str(self.data)], "copy of the cluster")
            else:
                self._run([str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "orient", "-E", "UTF8",
                           "--locale=C", "--no-sync"], "initdb")
            if keep_template:
                self._run(["cp", "-a", str(self.data), str(self.template)], "copy of the cluster")
            self.start()
            self.url = self.create_database("orient_test")
        except BaseException:
            self.remove()
            raise

    @classmethod
    def attach(cls, base: Path) -> "Server":
        """The server another process started in `base` (to stop it)."""
        server = cls.__new__(cls)
        server.base, server.data = Path(base), Path(base) / "data"
        server.user = "nobody" if os.geteuid() == 0 else None
        server.running = True
        return server

    @property
    def template(self) -> Path:
        return self.base / "template"

    def url_of(self, database: str) -> str:
        return f"postgresql://orient@/{database}?host={self.base}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url_of("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url_of(name)

    def _run(self, command: list[str], what: str) -> None:
        command = ["runuser", "-u", self.user, "--", *command] if self.user else command
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> None:
        # The workers' pools and the pools tests leave to the garbage collector share it.
        options = f"-k {self.base} -c listen_addresses='' -F -c max_connections=200"
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.base / "log"),
                   "-w", "-t", "60", "start"], "pg_ctl start")
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], "pg_ctl stop")
            self.running = False

    def answers(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url_of("postgres"), connect_timeout=5).close()
        except psycopg.Error:
            return False
        return True

    def remove(self) -> None:
        try:
            self.stop()
        except (RuntimeError, OSError, subprocess.SubprocessError):
            pass
        shutil.rmtree(self.base, ignore_errors=True)


# --- the run's shared server -------------------------------------------------------------------


def prepare_run() -> None:
    """In the run's first process (the conftest, at import): the run's folder, which the
    pytest-xdist workers started from this process inherit. Nothing is started here."""
    if not os.environ.get(RUN_ENV):
        run = Path(tempfile.mkdtemp(prefix="orient-pg-run-"))
        (run / "owner").write_text(str(os.getpid()))
        os.environ[RUN_ENV] = str(run)


def _run_folder() -> Optional[Path]:
    run = os.environ.get(RUN_ENV, "").strip()
    return Path(run) if run and Path(run).is_dir() else None


@contextlib.contextmanager
def _locked(run: Path) -> Iterator[None]:
    with open(run / "lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _shared(run: Path) -> Optional[Server]:
    """The run's server if one was started (whether it still answers or not)."""
    try:
        return Server.attach(Path(json.loads((run / "server.json").read_text())["base"]))
    except (OSError, ValueError, KeyError):
        return None


def _remove_shared(run: Path) -> None:
    server = _shared(run)
    if server:
        server.remove()
    with contextlib.suppress(FileNotFoundError):
        (run / "server.json").unlink()


def _shared_url(run: Path) -> str:
    """This process's database on the run's server, started if no process did (or it died)."""
    users = run / "users"
    with _locked(run):
        server = _shared(run)
        if server is None or not server.answers():
            _remove_shared(run)
            server = Server(keep_template=True, own=False)
            (run / "server.json").write_text(json.dumps({"base": str(server.base)}))
        users.mkdir(exist_ok=True)
        (users / str(os.getpid())).touch()
        _state["shared"] = run
        atexit.register(release)  # when the conftest's pytest_unconfigure did not run
    return server.create_database(f"orient_test_{os.getpid()}")


def release() -> None:
    """This process is done with the run's server: the last process out stops and removes it."""
    run = _state.pop("shared", None)
    if run is None or not run.is_dir():
        return
    with _locked(run):
        users = run / "users"
        with contextlib.suppress(FileNotFoundError):
            (users / str(os.getpid())).unlink()
        left = []
        for user in users.iterdir():
            if user.name.isdigit() and _alive(int(user.name)):
                left.append(user)
            else:
                user.unlink()  # a worker killed before its release
        if not left:
            _remove_shared(run)


def finish_run() -> None:
    """In the run's first process, once every worker is gone: nothing of the run left behind."""
    release()
    run = _run_folder()
    if run is None:
        return
    try:
        owner = int((run / "owner").read_text())
    except (OSError, ValueError):
        return
    if owner != os.getpid():
        return
    with _locked(run):
        _remove_shared(run)
    shutil.rmtree(run, ignore_errors=True)


def _start() -> str:
    run = _run_folder()
    if run is not None:
        return _shared_url(run)
    server = Server()  # pg.py used without the conftest: a server for this process alone
    _state["server"] = server
    return server.url


def stop() -> None:
    """Stop and remove the server this process started for itself, or leave the shared one."""
    server = _state.pop("server", None)
    if server:
        server.remove()
    release()


def own_server() -> "Server":
    """A server of its own for a test that stops it (skips when no server can be started)."""
    postgres_url()  # skips with the reason when PostgreSQL is not there
    if os.environ.get(URL_ENV, "").strip() and not (BIN / "initdb").exists():
        pytest.skip("cannot start a server of our own to stop it (only ORIENT_TEST_DATABASE_URL)")
    run = _state.get("shared")
    shared = _shared(run) if run else None
    template = shared.template if shared and shared.template.is_dir() else None
    try:
        return Server(template=template)
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
