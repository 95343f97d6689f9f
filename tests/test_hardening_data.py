"""Issue 10, the data and command-line items: the load cache (6), messages instead of
tracebacks (8), opening hours (9), imports (10) and the smaller points (11). Real SQLite files,
real folders; real processes for the messages instead of tracebacks, a full disk, a pipe or a
FIFO as a target, and `orient.cli.main` in the test process for the rest (`cli_run`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_run import runners

from orient import paths

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
FINESS = FIXTURES / "etalab-cs1100507-stock-20261101.csv"
OSM = FIXTURES / "osm-gers.geojson"
TUESDAY_10H = "2026-03-10T10:00"


# A real `orient` process, and the same command in the test process. The embedded data is read from
# the run's store (tests/conftest.py), compiled once: the YAML of a copy is read and checked whatever
# the setting, and a refused copy is never stored.
run_orient, orient_main = runners(ORIENT_JOURNAL="off")


def no_traceback(result: subprocess.CompletedProcess) -> bool:
    return "Traceback" not in result.stderr and "Traceback" not in result.stdout




# --- 6. the load cache never runs what another user planted --------------------------------


def plant_pickle(cache: Path, marker: Path) -> None:
    """A store file with the right key whose emergency number is another's (the load cache is
    a SQLite store now, rules as JSON: it cannot run code, but it could still lie). `marker`
    is the planted name."""
    from orient import cache as load_cache
    from orient.directory.catalog import Directory
    from orient.directory.gazetteer import default_gazetteer
    from orient.engine import load_rules
    from orient.store.codec import dumps_rules
    from orient.store.sqlite import build

    gazetteer = default_gazetteer()
    key = load_cache.knowledge_key(paths.rules_dir(), paths.directory_dir(), Path(gazetteer._source))
    real = Directory.load(paths.directory_dir(), gazetteer)
    planted = Directory([s._replace(name=marker.name) if s.id == "samu-15" else s for s in real.services],
                        real.rota.sectors, gazetteer, real.fingerprint, real.area)
    build(load_cache.cache_file(paths.rules_dir(), paths.directory_dir(), cache), key,
          dumps_rules(load_rules(paths.rules_dir())), planted)


@pytest.mark.parametrize("how", ["writable by everyone", "owned by another user"])
def test_a_pickle_planted_in_a_shared_cache_folder_is_never_loaded(tmp_path, how):
    cache = tmp_path / "shared-cache"
    cache.mkdir()
    marker = tmp_path / "planted-code-ran"
    plant_pickle(cache, marker)
    if how == "writable by everyone":
        cache.chmod(0o777)
    else:
        if os.geteuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        os.chown(cache, 65534, 65534)
        cache.chmod(0o755)
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=chest_pain",
                         "--json", "--no-journal", env_extra={"ORIENT_CACHE": "", "ORIENT_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["recommendations"][0]["service_id"] == "samu-15"
    assert marker.name not in result.stdout  # the planted store was not read


def test_the_private_file_checks_are_reusable(tmp_path):
    from orient.userdirs import private_dir, safe_private_file, unsafe_reason

    folder = private_dir(tmp_path / "private")
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    (folder / "f").write_bytes(b"x")
    (folder / "f").chmod(0o600)
    assert safe_private_file(folder / "f")
    (folder / "f").chmod(0o666)
    assert unsafe_reason(folder / "f", folder=False) == "writable by other users"
    assert not safe_private_file(folder / "f")
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with pytest.raises(PermissionError):
        private_dir(shared)


def test_temporary_cache_files_left_by_a_killed_process_are_pruned(tmp_path):
    from orient import cache as load_cache

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    old = folder / ".knowledge-abc.pickle.x1y2.tmp"
    fresh = folder / ".knowledge-def.pickle.z3w4.tmp"
    for p in (old, fresh):
        p.write_bytes(b"half")
    an_hour_ago = time.time() - 2 * load_cache.STALE_TEMPORARY_S
    os.utime(old, (an_hour_ago, an_hour_ago))
    load_cache.prune(folder)
    assert not old.exists() and fresh.exists()  # a writer may still be busy with the fresh one


# --- 8. messages, not tracebacks --------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01T00:00", "9999-12-31T23:00"])
def test_rota_dates_far_out_of_range_are_a_located_problem(data_copy, day):
    rules, directory = data_copy
    rota = directory / "rota"
    rota.mkdir(exist_ok=True)
    (directory / "zz-pharmacie.yaml").write_text("""services:
  - id: pharmacie-essai
    name: Pharmacie d'essai
    kind: pharmacie
    commune: "32013"
    sources: ["fixture"]
""", encoding="utf-8")
    (rota / "zz.yaml").write_text(f"""sectors:
  - id: essai
    name: Secteur d'essai
    communes: ["32013"]
    sources: ["fixture"]
    duties:
      - pharmacy: pharmacie-essai
        start: {day}
        end: 2026-11-28T09:00
""", encoding="utf-8")
    result = orient_main("check", "--rules", str(rules), "--directory", str(directory))
    assert result.returncode == 1 and no_traceback(result)
    year = int(day[:4])
    assert f"{rota / 'zz.yaml'}:8: duty start: year {year} is outside 2000-2100" in result.stdout


def test_stats_until_the_year_9999_is_bad_input_not_a_traceback():
    result = run_orient("stats", "--until", "9999-12-31")
    assert result.returncode == 2 and no_traceback(result)
    assert "--until : l'année 9999 est hors de la plage acceptée" in result.stderr


def test_a_raw_control_character_in_a_rules_file_is_a_located_problem(data_copy):
    rules, directory = data_copy
    text = (rules / "gp.yaml").read_text(encoding="utf-8")
    line = 3
    lines = text.split("\n")
    lines[line - 1] = lines[line - 1] + " \x01"
    (rules / "gp.yaml").write_text("\n".join(lines), encoding="utf-8")
    result = run_orient("check", "--rules", str(rules), "--directory", str(directory))
    assert result.returncode == 1 and no_traceback(result)
    assert f"{rules / 'gp.yaml'}:{line}: control character U+0001" in result.stdout


@pytest.mark.parametrize("command", [
    ("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult", "--no-journal"),
    ("ask", "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--json", "--no-journal"),
    ("communes", "auch"),
    ("import", "osm", str(OSM)),
])
def test_writing_to_a_full_disk_is_a_message_not_a_traceback(command):
    with open("/dev/full", "w") as full:
        env = dict(os.environ, ORIENT_JOURNAL="off")
        result = subprocess.run([sys.executable, "-m", "orient", *command], stdout=full, stderr=subprocess.PIPE,
                                text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "impossible d'écrire la sortie" in result.stderr


def test_osm_features_that_are_not_objects_or_have_nan_coordinates_are_skipped(tmp_path):
    source = json.loads(OSM.read_text(encoding="utf-8"))
    nan_feature = json.loads(json.dumps(source["features"][0]))
    nan_feature["geometry"] = {"type": "Point", "coordinates": [float("nan"), float("nan")]}
    nan_feature["properties"]["@id"] = "node/999999991"
    escape_feature = json.loads(json.dumps(source["features"][0]))
    escape_feature["properties"]["name"] = "\x1b]0;pwned\x07Pharmacie\x85"
    escape_feature["properties"]["@id"] = "node/999999992"
    source["features"] = [1, "x", None, [], {"properties": 3}, nan_feature, escape_feature] + source["features"]
    hostile = tmp_path / "hostile.geojson"
    hostile.write_text(json.dumps(source), encoding="utf-8")
    out = tmp_path / "osm.yaml"
    result = orient_main("import", "osm", str(hostile), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert no_traceback(result)
    text = out.read_text(encoding="utf-8")
    assert "999999991" not in text  # no position: skipped, not placed at NaN
    assert "999999992" not in text and "pwned" not in text
    assert "caractère de contrôle" in result.stderr
    assert "qui n'est pas un objet" in result.stderr
    plain = orient_main("import", "osm", str(OSM))
    assert text.count("- id: osm-") == plain.stdout.count("- id: osm-") >= 1  # the good ones still come


def test_a_finess_field_over_128_kb_is_a_message_with_its_line(tmp_path):
    big = tmp_path / "big.csv"
    lines = FINESS.read_bytes().split(b"\n")
    lines.insert(2, b'structureet;"' + b"A" * 140_000 + b'";x')
    big.write_bytes(b"\n".join(lines))
    result = run_orient("import", "finess", str(big), "--dept", "32")
    assert result.returncode == 2 and no_traceback(result)
    assert f"{big}:3:" in result.stderr


# --- 9. pathological opening hours ------------------------------------------------------------


def test_equivalent_always_open_forms_are_normalised_and_the_next_change_is_bounded():
    from datetime import datetime, timedelta

    from orient.directory.hours import NEXT_CHANGE_HORIZON, hours_status, next_change, parse_hours
    from orient.periods import PARIS

    for text in ("Mo-Su 00:00-24:00", "Mo-Fr 00:00-24:00; Sa-Su 00:00-24:00", "Mo-Su 00:00-12:00,12:00-24:00"):
        assert str(parse_hours(text).normalize()) == "24/7"
        assert hours_status(text, datetime(2026, 3, 10, 10, tzinfo=PARIS)).label == "ouvert 24h/24"
    assert NEXT_CHANGE_HORIZON <= timedelta(days=366)
    # A change beyond the horizon is not searched for: "open" without a date.
    far = parse_hours("Mo-Su 00:00-24:00; Dec 25 off")
    assert next_change(far, datetime(2026, 3, 10, 10)) is None
    assert next_change(far, datetime(2026, 12, 20, 10)) == datetime(2026, 12, 25, 0, 0)


# --- 10. imports never replace good data with nothing ----------------------------------------


def test_an_import_of_the_wrong_departement_does_not_overwrite_a_good_file(tmp_path):
    out = tmp_path / "finess-32.yaml"
    first = orient_main("import", "finess", str(FINESS), "--dept", "32", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = out.read_bytes()
    assert b"services: []" not in before
    wrong = orient_main("import", "finess", str(FINESS), "--dept", "99", "--out", str(out))
    assert wrong.returncode == 2
    assert "--replace" in wrong.stderr and "rien n'a été écrit" in wrong.stderr
    assert out.read_bytes() == before
    forced = orient_main("import", "finess", str(FINESS), "--dept", "99", "--out", str(out), "--replace")
    assert forced.returncode == 0 and b"services: []" in out.read_bytes()


def test_an_unterminated_quote_in_finess_is_refused_with_its_line(tmp_path):
    out = tmp_path / "finess-32.yaml"
    assert orient_main("import", "finess", str(FINESS), "--dept", "32", "--out", str(out)).returncode == 0
    before = out.read_bytes()
    broken = tmp_path / "broken.csv"
    lines = FINESS.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b";", b';"', 1)
    broken.write_bytes(b"\n".join(lines))
    result = orient_main("import", "finess", str(broken), "--dept", "32", "--out", str(out))
    assert result.returncode == 2 and no_traceback(result)
    assert f"{broken}:3: guillemet ouvert et jamais fermé" in result.stderr
    assert out.read_bytes() == before


def test_an_import_never_writes_into_a_folder_or_replaces_a_pipe(tmp_path):
    folder = tmp_path / "directory"
    folder.mkdir()
    into_folder = orient_main("import", "osm", str(OSM), "--out", str(folder))  # cannot block: main() suffices
    assert into_folder.returncode == 2 and no_traceback(into_folder)
    assert "est un dossier" in into_folder.stderr and list(folder.iterdir()) == []
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    into_pipe = run_orient("import", "osm", str(OSM), "--out", str(fifo))
    assert into_pipe.returncode == 2
    assert fifo.is_fifo()


# --- 11. the smaller points -------------------------------------------------------------------


@pytest.mark.parametrize("age", ["1_0", "٥٥", "５", " 4 2", "0x10"])
def test_ages_are_ascii_digits_only(age):
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", f"age={age}")
    assert result.returncode == 2 and "age" in result.stderr


@pytest.mark.parametrize("at, said", [("", "format ISO 8601"), ("0026-01-01T10:00", "l'année 26"),
                                      ("2101-01-01T10:00", "l'année 2101")])
def test_an_empty_or_out_of_range_moment_is_bad_input(at, said):
    result = orient_main("ask", "--at", at, "--fact", "red_flag=none", "--fact", "need=consult")
    assert result.returncode == 2
    assert said in result.stderr or "ISO 8601" in result.stderr


@pytest.mark.parametrize("dept", ["99", "20", "xx", "9999"])
def test_the_home_departement_is_validated(dept):
    result = orient_main("ask", "--home-dept", dept, "--at", TUESDAY_10H, "--fact", "red_flag=none",
                         "--fact", "need=consult")
    assert result.returncode == 2 and "n'est pas un code de département" in result.stderr
    emergency = orient_main("ask", "--home-dept", dept, "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--json")
    assert emergency.returncode == 0
    assert json.loads(emergency.stdout)["recommendations"][0]["kind"] == "emergency_15"


def test_dangling_links_pipes_and_yml_files_in_a_data_folder_are_reported(data_copy):
    rules, directory = data_copy
    (directory / "broken.yaml").symlink_to(directory / "nowhere.yaml")
    os.mkfifo(directory / "pipe.yaml")
    (rules / "extra.yml").write_text("rules: []\n", encoding="utf-8")
    result = run_orient("check", "--rules", str(rules), "--directory", str(directory), timeout=30)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{directory / 'broken.yaml'}:0: broken symbolic link: not read; remove it or fix its target" in lines
    assert f"{directory / 'pipe.yaml'}:0: not a regular file (a pipe, socket or device): not read" in lines
    assert f"{rules / 'extra.yml'}:0: not read: data files end in '.yaml'; rename it extra.yaml" in lines


def test_a_journal_pointed_at_another_applications_database_is_refused_and_left_alone(tmp_path):
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER, amount REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult",
                         "--journal", str(other), env_extra={"ORIENT_JOURNAL": ""})
    assert result.returncode == 0
    assert other.read_bytes() == before  # not converted to WAL, no table added
    assert not Path(str(other) + "-wal").exists()
    assert sqlite3.connect(other).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_journal_on_a_device_is_refused_without_creating_files_beside_it():
    assert not Path("/dev/null-journal").exists()
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult",
                         env_extra={"ORIENT_JOURNAL": "/dev/null"})
    assert result.returncode == 0
    for suffix in ("-journal", "-wal", "-shm", ".dropped"):
        assert not Path("/dev/null" + suffix).exists()


def test_stats_prints_journal_rows_without_their_control_characters(tmp_path):
    journal = tmp_path / "journal.sqlite3"
    assert orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult",
                       "--journal", str(journal), env_extra={"ORIENT_JOURNAL": ""}).returncode == 0
    conn = sqlite3.connect(journal)
    conn.execute("UPDATE orientation SET first_kind = ?, commune = ?", ("\x1b[2Jpdsa_3966\x9b", "\x1b]0;x\x07"))
    conn.commit()
    conn.close()
    for csv_flag in ((), ("--csv",)):
        result = orient_main("stats", "--journal", str(journal), *csv_flag, env_extra={"ORIENT_JOURNAL": ""})
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x9b" not in result.stdout and "\x07" not in result.stdout


def test_stats_reads_a_journal_in_a_folder_nobody_may_write(tmp_path):
    folder = tmp_path / "sent-to-the-ars"
    folder.mkdir()
    journal = folder / "journal.sqlite3"
    assert orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult",
                       "--journal", str(journal), env_extra={"ORIENT_JOURNAL": ""}).returncode == 0
    journal.chmod(0o444)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("no way to make a folder read-only for root here (chattr)")
    else:
        folder.chmod(0o555)
    try:
        result = orient_main("stats", "--journal", str(journal))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert "Journal anonyme des orientations" in result.stdout
