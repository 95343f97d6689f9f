"""The desks' reports on every backend: the same test functions on the desk's SQLite file and on a
real PostgreSQL server (tests/pg.py), through the one interface (orient/corrections.py); then a
desk cut off from the server, which keeps its reports and sends them once, later.

`orient` runs as a real process (`run`) at least once for each command checked here (corrections list,
add, show, reject, accept; db status; ask), for the two `accept` commands at once (and every `accept`:
see tests/test_corrections.py's orient_main), a server that is not there, and a desk while its server
is down or just back; else its main() in the test process (`run_main`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import cli_run
import pg
import pytest

from orient import paths
from orient.corrections import CorrectionError, CorrectionStore
from orient.periods import PARIS

AT = datetime(2026, 11, 30, 10, 17, 42, tzinfo=PARIS)


def run(*args, env, timeout=120):
    """A real `orient` process."""
    return cli_run.run_process(*args, env={"ORIENT_JOURNAL": "off", **env}, timeout=timeout)


def run_main(*args, env):
    """`orient`'s main() in the test process, with the settings the process would have."""
    return cli_run.run_main(*args, env={"ORIENT_JOURNAL": "off", **env})


class Backend:
    """Where the reports go. SQLite: one file, the desks' and the coordinator's (`--corrections`, or a
    shared folder); PostgreSQL: one server, each desk with its own folder (and outbox)."""

    def __init__(self, kind: str, tmp_path: Path, url: str | None = None):
        self.kind, self.tmp, self.url = kind, tmp_path, url
        self.file = tmp_path / "corrections.sqlite3"

    def env(self, desk: str) -> dict[str, str]:
        if self.kind == "sqlite":
            return {"ORIENT_DESK": desk, "ORIENT_CORRECTIONS": str(self.file), "ORIENT_DATABASE_URL": "local"}
        return {"ORIENT_DESK": desk, "ORIENT_CORRECTIONS": str(self.tmp / desk / "corrections.sqlite3"),
                "ORIENT_DATABASE_URL": self.url}

    def store(self) -> CorrectionStore:
        if self.kind == "sqlite":
            return CorrectionStore.open(self.file)
        return CorrectionStore.open(database=self.url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_CORRECTIONS", str(tmp_path / "here" / "corrections.sqlite3"))  # this process's desk
    if request.param == "sqlite":
        monkeypatch.setenv("ORIENT_DATABASE_URL", "local")
        return Backend("sqlite", tmp_path)
    url = pg.migrated(pg.fresh_schema_url())
    monkeypatch.setenv("ORIENT_DATABASE_URL", url)
    return Backend("postgresql", tmp_path, url)


@pytest.fixture
def folder(tmp_path):
    copy = tmp_path / "directory"
    shutil.copytree(paths.directory_dir(), copy)
    return copy


def test_a_report_made_at_one_desk_is_listed_by_the_coordinator_at_another(backend, monkeypatch):
    """The counter's "Signaler" at desk A (orient.ui.controller.Counter.report_line), then
    `orient corrections list` and `orient db status` at desk B."""
    from test_ui_support import FEVER, SATURDAY_14H

    from orient.corrections import send_kept
    from orient.orientation import Knowledge
    from orient.ui.controller import Counter

    notes: list[str] = []
    counter = Counter(Knowledge.load(database="local"), lambda: SATURDAY_14H,
                      notify=lambda message, **_: notes.append(message))
    for name, value in backend.env("mairie-fleurance").items():
        monkeypatch.setenv(name, value)
    counter.start(counter.knowledge.gazetteer.resolve("fleurance"), None)
    while (name := counter.case.next_question()) is not None:
        counter.give(name, FEVER[name])
    line = next(r for r in counter.case.answer.recommendations if r.service_id)
    counter.report_line(line.rank, "wrong_hours", "ouvert le samedi")
    assert notes[-1].startswith("Signalement enregistré")
    if backend.url:
        send_kept(backend.url)  # what the desk's next orientation does; a report already sent is not sent again

    listed = run("corrections", "list", env=backend.env("cpts-auch"))
    assert listed.returncode == 0, listed.stderr
    [row] = listed.stdout.splitlines()
    assert f"2026-11-28T14:00+01:00  mairie-fleurance  {line.service_id} : horaires faux — « ouvert le samedi »" in row
    status = run_main("db", "status", "--json", env=backend.env("cpts-auch"))
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["open_corrections"] == 1


def test_a_report_keeps_the_minute_and_is_decided_once_with_its_reason(backend):
    with backend.store() as store:
        first = store.report("pharmacie-mauvezin", "ch-mauvezin", "no_answer", "  ne   répond pas " + "x" * 400, AT)
        second = store.report("mairie-condom", "ch-mauvezin", "closed", None, AT)
        assert first is not None and second is not None and first != second
        waiting = store.get(first)
        assert (waiting.desk, waiting.kind, waiting.reported_at) == ("pharmacie-mauvezin", "no_answer",
                                                                      "2026-11-30T10:17+01:00")
        assert waiting.text.startswith("ne répond pas x") and len(waiting.text) == 280
        assert store.open_count() == 2
        rejected = store.reject(second, "CPTS", "numéro confirmé par téléphone")
        assert (rejected.status, rejected.reason) == ("rejected", "numéro confirmé par téléphone")
        with pytest.raises(CorrectionError, match="raison"):
            store.reject(first, "CPTS", " ")
        store.accept(first, "CPTS", date(2026, 12, 1), {"phones": ["05 62 00 00 01"]})
        with pytest.raises(CorrectionError, match="déjà traité \\(accepté par CPTS le 2026-12-01\\)"):
            store.reject(first, "CPTS", "trop tard")
        assert store.pending() == [] and store.open_count() == 0
        assert store.get(first).change == {"phones": ["05 62 00 00 01"]}
        assert [c.id for c in store.all()] == [first, second]
        for bad in (0, -1, 10**30):
            assert store.get(bad) is None


def test_two_coordinators_accepting_one_report_at_once_one_wins(backend):
    with backend.store() as store:
        cid = store.report("mairie-mauvezin", "ch-mauvezin", "wrong_hours", None, AT)
    inside, written, outcome = threading.Event(), [], {}

    def first_write():  # the winner writes its YAML while the other coordinator tries
        inside.set()
        time.sleep(0.5)
        written.append("first")

    def coordinator(name, write):
        with backend.store() as store:
            try:
                outcome[name] = store.accept(cid, name, date(2026, 12, 1), {"note": name}, write=write).decided_by
            except CorrectionError as exc:
                outcome[name] = str(exc)

    one = threading.Thread(target=coordinator, args=("CPTS Gascogne", first_write))
    one.start()
    assert inside.wait(30)
    coordinator("SAS 32", lambda: written.append("second"))  # passed the look, then loses the claim
    one.join(30)
    assert written == ["first"] and outcome["CPTS Gascogne"] == "CPTS Gascogne"
    assert outcome["SAS 32"] == (f"signalement {cid} traité entre-temps par un autre coordinateur "
                                 "(accepté par CPTS Gascogne le 2026-12-01) ; rien n'a été écrit")
    with backend.store() as store:
        assert store.get(cid).change == {"note": "CPTS Gascogne"}


def test_two_accept_commands_at_once_write_one_directory(backend, tmp_path):
    """Two coordinators, each with the directory folder of their own: one's folder changes, the
    other is told in French, its folder untouched; the report is accepted once."""
    folders = []
    for name in ("cpts", "sas"):
        folders.append(tmp_path / name / "directory")
        shutil.copytree(paths.directory_dir(), folders[-1])
    added = run_main("corrections", "add", "--entry", "ch-mauvezin", "--kind", "no_answer",
                     "--directory", str(folders[0]), env=backend.env("mairie-mauvezin"))
    assert added.returncode == 0, added.stderr
    cid = added.stdout.split()[1]
    commands = [subprocess.Popen([sys.executable, "-m", "orient", "corrections", "accept", cid, "--by", name,
                                  "--directory", str(folder), "--set", "note=vu par " + name],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "ORIENT_JOURNAL": "off", **backend.env(name)})
                for name, folder in zip(("cpts", "sas"), folders)]
    results = [(p.wait(120), *p.communicate()) for p in commands]
    assert sorted(code for code, _, _ in results) == [0, 2], results
    won, lost = (0, 1) if results[0][0] == 0 else (1, 0)
    winner = ("cpts", "sas")[won]
    assert f"Signalement {cid} accepté ; {folders[won] / 'hopitaux.yaml'} mis à jour." in results[won][1]
    err = results[lost][2]
    assert f"orient corrections : signalement {cid} " in err and "traité" in err and "Traceback" not in err
    assert (folders[lost] / "hopitaux.yaml").read_text() == (paths.directory_dir() / "hopitaux.yaml").read_text()
    assert f"vu par {winner}" in (folders[won] / "hopitaux.yaml").read_text()
    listed = run_main("corrections", "list", "--all", env=backend.env("mairie-mauvezin"))
    assert f"[accepté par {winner} le" in listed.stdout and listed.stdout.count("\n") == 1


def test_bad_input_is_refused_in_french_without_traceback(backend, folder):
    env = backend.env("mairie-mauvezin")
    assert run_main("corrections", "add", "--entry", "ch-mauvezin", "--kind", "other", "--directory", str(folder),
                    env=env).returncode == 0
    # A real process: every accept, and on the desk's SQLite file reject's refusal and a server that
    # is not there (named by --database whatever the backend: the connection pool's threads and its
    # English log lines would show only on a process's stderr).
    once = run if backend.kind == "sqlite" else run_main
    for args, runner in ((("show", "99999999999999999999999"), run_main), (("show", "0"), run_main),
                         (("reject", "7", "--by", "X", "--reason", "r"), run_main),
                         (("reject", "1", "--by", "X", "--reason", " "), once),
                         (("accept", "1", "--by", " ", "--directory", str(folder)), run),
                         (("accept", "1", "--by", "X", "--set", "colour=red", "--directory", str(folder)), run),
                         (("add", "--entry", "Bad Id", "--kind", "other"), run_main),
                         (("add", "--entry", "ch-mauvezin", "--kind", "broken"), run_main),
                         (("add", "--desk", "\x1b[31m", "--entry", "ch-mauvezin", "--kind", "other",
                           "--directory", str(folder)), run_main),
                         (("list", "--database", "mysql://x"), run_main),
                         (("show", "1", "--database", "postgresql://orient@/none?host=/nowhere"), once)):
        done = runner("corrections", *args, env=env)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.strip() and "Traceback" not in done.stderr, args
        assert "orient corrections" in done.stderr, args
    with backend.store() as store, pytest.raises(CorrectionError, match="type de signalement inconnu"):
        store.report("d", "ch-mauvezin", "stolen", None, AT)
    assert "1  " in run_main("corrections", "list", env=env).stdout  # still there, still pending


# --- a desk and the server lost (PostgreSQL only) ---------------------------------------------------


@pytest.mark.long
def test_a_desk_cut_off_from_the_server_keeps_its_reports_and_sends_each_once_when_it_is_back(tmp_path, folder):
    from orient.store.corrections import Outbox, send_outbox

    server = pg.own_server()
    try:
        assert run_main("db", "load", "--database", pg.migrated(server.url), env={}).returncode == 0
        desk = {"ORIENT_DESK": "mairie-mauvezin", "ORIENT_DATABASE_URL": server.url,
                "ORIENT_CORRECTIONS": str(tmp_path / "desk" / "corrections.sqlite3"),
                "ORIENT_CACHE_DIR": str(tmp_path / "cache")}
        coordinator = dict(desk, ORIENT_DESK="cpts", ORIENT_CORRECTIONS=str(tmp_path / "cpts" / "c.sqlite3"))
        outbox = Outbox(tmp_path / "desk" / "corrections-outbox.sqlite3")

        def add(text, runner=run):  # a desk's process, or its main() in the test process
            return runner("corrections", "add", "--entry", "ch-mauvezin", "--kind", "other", "--text", text,
                          "--directory", str(folder), env=desk)

        sent = add("avant la coupure", run_main)
        assert sent.returncode == 0 and sent.stdout.strip() == "Signalement 1 enregistré.", sent.stderr

        server.stop()  # mid-run
        for text, runner in (("pendant la coupure", run), ("encore pendant", run_main)):
            kept = add(text, runner)
            assert kept.returncode == 0, kept.stderr
            assert kept.stdout.startswith("Signalement gardé sur ce poste") and "Traceback" not in kept.stderr
        assert outbox.count() == 2
        cut = run("corrections", "list", env=desk)
        assert cut.returncode == 2 and "injoignable" in cut.stderr and "2 signalement(s) de ce poste" in cut.stderr
        ask = run("ask", "--commune", "Mauvezin", "--at", "2026-12-01T10:00", "--fact", "red_flag=none",
                  "--fact", "need=consult", env=desk)
        assert ask.returncode == 0 and "Serveur de l'annuaire injoignable" in ask.stdout, ask.stderr
        assert outbox.count() == 2  # still kept: the orientation answered anyway

        server.start()
        crash_copy = tmp_path / "outbox-copy.sqlite3"  # the outbox as it was before being sent…
        shutil.copy(outbox.path, crash_copy)
        back = run("ask", "--commune", "Mauvezin", "--at", "2026-12-01T10:00", "--fact", "red_flag=none",
                   "--fact", "need=consult", env=desk)
        assert back.returncode == 0 and "injoignable" not in back.stdout, back.stderr
        assert outbox.count() == 0  # the next orientation sent them
        shutil.copy(crash_copy, outbox.path)  # …as if the desk had crashed before forgetting them: sent again
        assert len(send_outbox(server.url, outbox)) == 2 and outbox.count() == 0

        listed = run_main("corrections", "list", env=coordinator)
        assert listed.returncode == 0, listed.stderr
        texts = [line.split("« ")[1].rstrip(" »") for line in listed.stdout.splitlines()]
        assert texts == ["avant la coupure", "pendant la coupure", "encore pendant"]  # none lost, none twice
        status = json.loads(run("db", "status", "--json", env=desk).stdout)
        assert (status["open_corrections"], status["corrections_kept_here"]) == (3, 0)
    finally:
        server.remove()


def test_a_report_waits_for_an_unanswering_server_a_bounded_time_then_stays_on_the_desk(tmp_path, monkeypatch):
    from orient.corrections import report
    from orient.store.corrections import SEND_WAIT_S, Outbox

    pytest.importorskip("psycopg")
    monkeypatch.setenv("ORIENT_CORRECTIONS", str(tmp_path / "corrections.sqlite3"))
    monkeypatch.setenv("ORIENT_DATABASE_URL", "postgresql://orient@192.0.2.1:5432/orient")  # TEST-NET: nobody
    start = time.monotonic()
    assert report("mairie-mauvezin", "ch-mauvezin", "closed", None, AT) is None
    assert time.monotonic() - start < SEND_WAIT_S + 1.0
    [(_, row)] = Outbox(tmp_path / "corrections-outbox.sqlite3").items()
    assert (row["desk"], row["entry_id"], row["kind"], row["reported_at"]) == ("mairie-mauvezin", "ch-mauvezin",
                                                                               "closed", "2026-11-30T10:17+01:00")
