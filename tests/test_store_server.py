"""A team of desks on one PostgreSQL server (real server: see tests/pg.py): `orient db`,
the same answers as the local store, a rota reloaded while desks ask, concurrent journal
writes, and a desk cut off from the server that keeps answering and sends its rows later.

`orient db` and `orient ask` run as real processes for a status, a load refused, an answer from the
server, a server that is not there, and a desk while its server is up, down and back; else their
main() in the test process (`run_main`)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pg
import pytest
from cli_run import run_main

from orient import paths
from orient.directory.catalog import Directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.rota import Duty, Sector
from orient.engine import load_rules
from orient.orientation import Knowledge, orient
from orient.periods import PARIS, parse_moment
from orient.store.codec import dumps_rules

PLACES = (None, "Auch", "Masseube", "Condom", "Toulouse")


def run(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "ORIENT_JOURNAL": "off", **(env or {})})


@functools.lru_cache(maxsize=1)
def embedded_rules():
    """The embedded rules, read and checked once for the module (0.15 s each time)."""
    return load_rules(paths.rules_dir())


def example_answers(knowledge) -> list[dict]:
    """Every rule example at a few places, as JSON."""
    out = []
    for rule in embedded_rules():
        for example in rule.examples:
            for place in PLACES:
                commune = knowledge.gazetteer.resolve(place) if place else None
                out.append(orient(knowledge, example.facts, example.at, commune).to_json())
    return out


@pytest.fixture
def loaded_url():
    """A fresh schema with the embedded rules and directory loaded by `orient db` (its main(), in
    the test process: the tests below run it as a process)."""
    url = pg.fresh_schema_url()
    for action in ("init", "load"):
        done = run_main("db", action, "--database", url)
        assert done.returncode == 0, done.stderr
    return url


def test_db_init_load_status_on_a_server(loaded_url, tmp_path):
    again = run_main("db", "init", "--database", loaded_url)
    assert again.returncode == 0 and "rien à appliquer" in again.stdout
    status = run("db", "status", "--json", env={"ORIENT_DATABASE_URL": loaded_url})
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["migrations"] == {"applied": [1, 2], "pending": []}
    assert report["loaded"]["services"] == str(len(Directory.load(paths.directory_dir(), default_gazetteer())))
    # Invalid YAML: path:line: message, exit 1, and the server keeps what it had.
    broken = tmp_path / "directory"
    broken.mkdir()
    (broken / "numbers.yaml").write_text(
        (paths.directory_dir() / "numbers.yaml").read_text(encoding="utf-8").replace(
            "kind: emergency_15", "kind: no_such_kind", 1), encoding="utf-8")
    done = run("db", "load", "--directory", str(broken), "--database", loaded_url)
    assert done.returncode == 1
    assert "numbers.yaml:" in done.stderr and "no_such_kind" in done.stderr and "Traceback" not in done.stderr
    assert json.loads(run_main("db", "status", "--json", "--database", loaded_url).stdout)["loaded"] == report["loaded"]


def test_db_refuses_bad_input_in_french_without_traceback():
    # A real process for the server that is not there: the pool's threads and log lines would
    # show only on a process's stderr.
    for args, runner in ((["db", "status", "--database", "mysql://x"], run_main),
                         (["db", "load", "--database", "postgresql://orient@/nodb?host=/nonexistent"], run),
                         (["db"], run_main)):
        done = runner(*args)
        assert done.returncode == 2, args
        assert done.stderr.startswith(("orient db :", "utilisation :")) and "Traceback" not in done.stderr
    assert run_main("db", "--help").returncode == 0


def test_answers_from_the_server_are_those_of_the_local_store(loaded_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_CACHE_DIR", str(tmp_path / "cache"))
    local = Knowledge.load(database="local")
    shared = Knowledge.load(database=loaded_url)
    assert type(shared.directory._active).__name__ == "PostgresDirectory"
    assert example_answers(shared) == example_answers(local)
    assert shared.directory.fell_back is None
    # The contract's command too, as a process.
    args = ["ask", "--json", "--commune", "Masseube", "--at", "2026-11-28T14:00", "--fact", "red_flag=none",
            "--fact", "need=consult"]
    env = {"ORIENT_CACHE_DIR": str(tmp_path / "cache")}
    assert json.loads(run(*args, "--database", loaded_url, env=env).stdout) == \
        json.loads(run_main(*args, env=env).stdout)  # the local store's answer: main() suffices


def rota_directory(base: Directory, on_duty: str, hours: int) -> Directory:
    """The base directory with one sector (Auch) whose duties all go to `on_duty`."""
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    duties = tuple(Duty(on_duty, start + timedelta(hours=h), start + timedelta(hours=h + 1), "rota.yaml", 3)
                   for h in range(hours))
    return Directory(base.services, [Sector("auch", "Secteur d'Auch", frozenset({"32013"}), duties, ("test",),
                                            "rota.yaml", 1)], base.gazetteer, "rota")


def test_desks_see_the_old_or_the_new_rota_never_half_while_a_coordinator_reloads(tmp_path):
    from orient.store.postgres import PostgresStore

    gazetteer = default_gazetteer()
    base = Directory.load(paths.directory_dir(), gazetteer)
    pharmacies = [s.id for s in base.services if s.kind in ("pharmacie", "pharmacie_garde")]
    if len(pharmacies) < 2:  # the Gers directory has no pharmacy yet: two of the synthetic ones
        from test_store import synthetic_directory

        base = synthetic_directory(400, seed=2)
        pharmacies = [s.id for s in base.services if s.kind == "pharmacie"]
    old, new = pharmacies[0], pharmacies[1]
    rotas = {old: rota_directory(base, old, 24 * 20), new: rota_directory(base, new, 24 * 20)}
    url = pg.fresh_schema_url()
    coordinator = PostgresStore.connect(url)
    coordinator.migrate()
    rules = dumps_rules(embedded_rules())
    coordinator.load(rules, rotas[old], key="old")
    seen: list[set] = []
    stop = threading.Event()

    def desk():
        store = PostgresStore.connect(url, max_size=1)
        directory = store.directory(gazetteer)
        answers = set()
        at = datetime(2026, 11, 3, 10, 30, tzinfo=PARIS)
        while not stop.is_set():
            answers.add(tuple(p.service.id for p in directory.on_duty_pharmacies("32013", at)))
        store.close()
        seen.append(answers)

    desks = [threading.Thread(target=desk) for _ in range(4)]
    for t in desks:
        t.start()
    for i in range(6):
        coordinator.load(rules, rotas[new if i % 2 == 0 else old], key=str(i))
    stop.set()
    for t in desks:
        t.join(60)
    coordinator.close()
    assert len(seen) == 4
    assert set().union(*seen) <= {(old,), (new,)}  # never no duty (half a load), never two
    assert set().union(*seen) == {(old,), (new,)}  # and the desks did see both


def test_concurrent_journal_writes_lose_no_row(loaded_url, tmp_path):
    from orient.journal import anonymous_row
    from orient.store.journal import ServerJournal
    from orient.store.postgres import PostgresStore

    knowledge = Knowledge.load(database="local")
    answer = orient(knowledge, {"red_flag": "none", "need": "consult"}, parse_moment("2026-11-28T14:00"), None)
    desks, rows = 6, 15

    def desk(n):
        journal = ServerJournal(loaded_url, tmp_path / f"desk-{n}" / "outbox.sqlite3", desk=f"desk-{n}")
        for _ in range(rows):
            journal.keep(anonymous_row(answer, {"red_flag": "none", "need": "consult"}))
            assert journal.flush() is not None
        assert journal.pending() == 0

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    store = PostgresStore.connect(loaded_url)
    with store.pool.connection() as conn:
        counts = dict(conn.execute("SELECT desk, COUNT(*) FROM journal GROUP BY desk").fetchall())
    store.close()
    assert counts == {f"desk-{n}": rows for n in range(desks)}


def test_a_desk_cut_off_from_the_server_keeps_answering_and_sends_its_rows_later(tmp_path, monkeypatch):
    from orient.store.postgres import PostgresStore

    server = pg.own_server()
    try:
        assert run_main("db", "load", "--database", pg.migrated(server.url)).returncode == 0
        env = {"ORIENT_CACHE_DIR": str(tmp_path / "cache"), "ORIENT_DATABASE_URL": server.url,
               "XDG_DATA_HOME": str(tmp_path / "data"), "ORIENT_JOURNAL": str(tmp_path / "data" / "journal.sqlite3")}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        desk = Knowledge.load()  # from the server; leaves a local copy
        reference = example_answers(desk)
        assert all(not a["warnings"] or "injoignable" not in " ".join(a["warnings"]) for a in reference)

        args = ["ask", "--json", "--commune", "Auch", "--at", "2026-11-28T14:00", "--fact", "red_flag=none",
                "--fact", "need=consult"]
        assert run(*args, env=env).returncode == 0  # one row sent while the server is up

        server.stop()  # mid-run: the desk's open pool loses its server
        during = example_answers(desk)
        offline = [any("Serveur de l'annuaire injoignable" in w for w in a["warnings"]) for a in during]
        # Answers that need nothing new from the server (fixed numbers already read) come first
        # unchanged; from the first query that fails on, every answer says it comes from the copy.
        first = offline.index(True)
        assert all(offline[first:]) and len(offline) - first > 200
        for before, after in zip(reference, during):
            after = dict(after, warnings=[w for w in after["warnings"] if "injoignable" not in w])
            assert after == before

        cut = run(*args, env=env)  # a new process while the server is down: the copy, and says so
        assert cut.returncode == 0, cut.stderr
        assert any("copie locale" in w for w in json.loads(cut.stdout)["warnings"])
        outbox = tmp_path / "data" / "journal-outbox.sqlite3"
        from orient.store.journal import ServerJournal

        assert ServerJournal(server.url, outbox).pending() == 1  # kept

        server.start()
        back = run(*args, env=env)
        assert back.returncode == 0 and not json.loads(back.stdout)["warnings"]
        assert ServerJournal(server.url, outbox).pending() == 0
        store = PostgresStore.connect(server.url)
        with store.pool.connection() as conn:
            assert conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0] == 3
        store.close()
    finally:
        server.remove()


def test_the_journal_call_of_the_counter_ui_sends_to_the_server_too(loaded_url, tmp_path, monkeypatch):
    from orient.journal import record_if_enabled
    from orient.store.postgres import PostgresStore

    monkeypatch.setenv("ORIENT_DATABASE_URL", loaded_url)
    monkeypatch.setenv("ORIENT_JOURNAL", str(tmp_path / "journal.sqlite3"))
    knowledge = Knowledge.load(database="local")
    facts = {"red_flag": "none", "need": "dental"}
    answer = orient(knowledge, facts, parse_moment("2026-11-28T14:00"), knowledge.gazetteer.resolve("Auch"))
    assert record_if_enabled(answer, facts)  # what orient/ui/app.py record_in_journal calls
    store = PostgresStore.connect(loaded_url)
    with store.pool.connection() as conn:
        rows = conn.execute("SELECT commune, first_kind FROM journal").fetchall()
    store.close()
    assert rows == [("32013", answer.recommendations[0].kind)]
