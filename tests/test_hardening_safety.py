"""Issue 10, the patient-facing items, through `orient` on a copy of the data:
1. the fixed emergency numbers are checked; 2. one validation for check, ask and the loaders;
3. a repeated fact; 5. escape sequences never reach the terminal; 7. a locked journal never
delays the answer. A real process for the first check and ask, a typed escape sequence and the
locked journal; `orient.cli.main` in the test process for the others (`cli_run`).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_run import environment, runners

TUESDAY_10H = "2026-03-10T10:00"
JOURNAL_ON = {"ORIENT_JOURNAL": ""}  # the --journal PATH decides


# A real `orient` process, and the same command in the test process. The embedded data is read from
# the run's store (tests/conftest.py), compiled once: the YAML of a copy is read and checked whatever
# the setting, and a refused copy is never stored.
run_orient, orient_main = runners(ORIENT_JOURNAL="off")




def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` by `new`; returns the line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def ask_stroke(rules: Path, directory: Path, *more: str, run=orient_main) -> subprocess.CompletedProcess:
    return run("ask", "--rules", str(rules), "--directory", str(directory), "--at", TUESDAY_10H,
               "--fact", "red_flag=stroke", "--no-journal", *more)


# --- 1. fixed emergency entries ------------------------------------------------------------


def test_a_samu_phone_changed_to_a_local_number_is_refused_by_check_and_by_ask(data_copy):
    rules, directory = data_copy
    edit(directory / "numbers.yaml", 'phones: ["15"]', 'phones: ["05 61 00 00 00"]')
    expected = (f"{directory / 'numbers.yaml'}:5: fixed number 'samu-15' must have exactly the phone 15 "
                "(../shared/docs/facts.md, Numbers); found: +33561000000")
    check = run_orient("check", "--rules", str(rules), "--directory", str(directory))
    assert check.returncode == 1 and expected in check.stdout.splitlines()
    ask = ask_stroke(rules, directory, run=run_orient)
    assert ask.returncode == 1 and expected in ask.stderr.splitlines()
    assert "05 61 00 00 00" not in ask.stdout


def test_numbers_yaml_renamed_yml_is_reported_and_the_missing_15_refuses_the_data(data_copy):
    rules, directory = data_copy
    (directory / "numbers.yaml").rename(directory / "numbers.yml")
    check = orient_main("check", "--rules", str(rules), "--directory", str(directory))
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert f"{directory / 'numbers.yml'}:0: not read: data files end in '.yaml'; rename it numbers.yaml" in lines
    assert (f"{directory}:0: the emergency answer needs the directory entry 'samu-15' (phone 15), which is not in "
            f"{directory} (expected in numbers.yaml)") in lines
    assert any(re.match(rf"{re.escape(str(rules / 'poisoning.yaml'))}:\d+: rule 'poisoning.antipoison' needs the "
                        r"directory entry 'antipoison-toulouse'", line) for line in lines)
    ask = ask_stroke(rules, directory)
    assert ask.returncode == 1 and ask.stdout == ""


@pytest.mark.parametrize("entry, hours", [("samu-15", "Mo-Fr 08:00-20:00"), ("antipoison-toulouse", "Mo-Fr 09:00-17:00")])
def test_a_fixed_line_open_24_7_in_the_facts_must_be_open_24_7_in_the_directory(data_copy, entry, hours):
    rules, directory = data_copy
    numbers = directory / "numbers.yaml"
    text = numbers.read_text(encoding="utf-8")
    start = text.index(f"id: {entry}")
    block_end = text.index("opening_hours: \"24/7\"", start)
    numbers.write_text(text[:block_end] + f'opening_hours: "{hours}"' + text[block_end + len('opening_hours: "24/7"'):]
                       .replace("capabilities: [24_7]", "capabilities: []", 1), encoding="utf-8")
    check = orient_main("check", "--rules", str(rules), "--directory", str(directory))
    assert check.returncode == 1
    assert f"fixed number '{entry}' is open 24/7 (../shared/docs/facts.md, Numbers): opening_hours must be " \
           f"\"24/7\", not '{hours}'" in check.stdout


# --- 2. one validation -----------------------------------------------------------------------


def test_rules_that_check_refuses_are_refused_by_ask_with_the_same_problems(data_copy):
    rules, directory = data_copy
    edit(rules / "emergency.yaml", "priority: 1000", "priority: 10")
    check = orient_main("check", "--rules", str(rules), "--directory", str(directory))
    assert check.returncode == 1
    problems = [line for line in check.stdout.splitlines() if line.startswith(str(rules))]
    assert problems and all(re.match(r"^/.+\.yaml:\d+: ", line) for line in problems)
    ask = ask_stroke(rules, directory, "--json")
    assert ask.returncode == 1
    assert ask.stdout == ""  # no answer from rules that put the 112 before the 15
    first, *refused = ask.stderr.splitlines()
    assert refused == problems
    assert "appelez le 15 maintenant" in first  # a vital sign was given: the 15 before the problems (H19)


def test_the_red_flag_guarantee_is_checked_even_when_every_example_passes(data_copy):
    """An exclusive rule for one sign and one need, with a passing example, that puts a pharmacy
    first: the examples say nothing wrong, the guarantee check does; ask refuses it too."""
    rules, directory = data_copy
    (rules / "zz_override.yaml").write_text("""rules:
  - id: zz.override
    title: Une règle qui passe devant le 15
    exclusive: true
    priority: 5000
    when: {red_flag: bleeding, need: medication}
    recommendations:
      - kind: pharmacie_garde
        action: call
        service: resogardes-3237
        why: "Appelez le 3237."
    sources: [R6315-1 CSP]
    examples:
      - name: l'exemple de la règle passe
        facts: {red_flag: bleeding, need: medication}
        period: pdsa_night
        expect: [pharmacie_garde]
        missing: []
""", encoding="utf-8")
    check = orient_main("check", "--rules", str(rules), "--directory", str(directory))
    assert check.returncode == 1
    broken = [line for line in check.stdout.splitlines() if "garantie des signes de gravité rompue" in line]
    assert broken and broken[0].startswith(f"{rules / 'zz_override.yaml'}:2: garantie des signes de gravité rompue : avec "
                                           "red_flag=bleeding")
    assert "le rang 1 est « pharmacie_garde » (règle « zz.override »)" in broken[0]
    ask = ask_stroke(rules, directory)
    assert ask.returncode == 1 and broken[0] in ask.stderr.splitlines()


def test_the_ui_loader_refuses_what_check_refuses(data_copy):
    """The counter UI and every command load through Knowledge.load: same refusal."""
    rules, directory = data_copy
    edit(rules / "emergency.yaml", "priority: 1000", "priority: 10")
    from orient.orientation import Knowledge
    from orient.problems import DataError

    with environment({"ORIENT_CACHE": "off"}), pytest.raises(DataError) as refused:
        Knowledge.load(str(rules), str(directory))
    assert len(refused.value.problems) >= 1


# --- 3. a repeated fact ----------------------------------------------------------------------


def test_two_values_for_one_fact_are_bad_input_naming_the_fact():
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult",
                         "--fact", "need=dental", "--json", "--no-journal")
    assert result.returncode == 2 and result.stdout == ""
    assert "--fact need : deux valeurs différentes (consult, dental)" in result.stderr


@pytest.mark.parametrize("order", [("chest_pain", "none"), ("none", "chest_pain")])
def test_a_vital_sign_among_repeated_red_flags_still_gets_the_15_first_with_a_warning(order):
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", f"red_flag={order[0]}",
                         "--fact", f"red_flag={order[1]}", "--fact", "need=consult", "--json", "--no-journal")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["recommendations"][0]["kind"] == "emergency_15"
    assert any("red_flag" in w and "chest_pain" in w for w in answer["warnings"])


def test_a_typo_in_another_fact_never_hides_the_emergency_answer():
    result = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--fact", "age=abc",
                         "--fact", "age=3", "--fact", "age=4", "--json", "--no-journal")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["recommendations"][0]["kind"] == "emergency_15"
    assert len(answer["warnings"]) >= 2


# --- 5. escape sequences ---------------------------------------------------------------------


def test_an_escape_sequence_in_a_service_name_is_refused_and_never_printed(data_copy):
    rules, directory = data_copy
    line = edit(directory / "numbers.yaml", "name: SAMU – Centre 15", 'name: "\\e]0;pwned\\a\\e[2JSAMU – Centre 15"')
    for command in (("check",), ("ask", "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--no-journal")):
        result = orient_main(*command, "--rules", str(rules), "--directory", str(directory))
        assert result.returncode == 1
        assert "\x1b" not in result.stdout + result.stderr
        assert (f"{directory / 'numbers.yaml'}:{line}: control character U+001B (ESC) at column 1 is not allowed"
                in result.stdout + result.stderr)


def test_control_characters_are_stripped_from_every_answer_as_a_second_line_of_defence():
    """Data that got past the loaders (or a typed commune name) still prints clean."""
    from datetime import datetime

    from orient.answer import Answer, Recommendation, TraceStep
    from orient.render.text import render_answer
    from orient.periods import PARIS

    rec = Recommendation(rank=1, kind="emergency_15", action="call", name="\x1b]0;t\x07\x1b[2JSAMU\x9b",
                         rule="r", why="w\x00hy", sources=["s\x1b"], phone="15", advice=["a\x1b[31m"])
    step = TraceStep(rule="r", title="t\x1b", facts={}, period="weekday_day", sources=[], note="n\x85")
    answer = Answer(at=datetime(2026, 3, 10, 10, tzinfo=PARIS), period="weekday_day", commune=None, missing=[],
                    recommendations=[rec], trace=[step])
    printed = render_answer(answer) + json.dumps(answer.to_json(), ensure_ascii=False)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", printed)
    assert "SAMU" in printed and "]0;t" in printed  # the text stays, the control characters go

    # A changed copy, one rebuilt from its values, tuples as well as lists: all clean, the rest kept.
    clean = rec._replace(name="SAMU")
    copies = [rec._replace(why="w\x1b[2Jhy", advice=("b\x07", 3)), Recommendation._make(clean._replace(rank=2)[:5] + ("\x1bw",) + clean[6:]),
              step._replace(sources=("s\x9b", "t")), TraceStep._make(("r", "t\x1b", {}, "weekday_day", ["s"]))]
    for copy in copies:
        texts = [v for v in copy if isinstance(v, str)] + [x for v in copy if isinstance(v, (list, tuple)) for x in v]
        assert not any(isinstance(t, str) and re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", t) for t in texts), copy
    assert copies[0].why == "w[2Jhy" and copies[0].advice == ("b", 3) and copies[0].sources == ["s"]
    assert copies[1].rank == 2 and copies[1].why == "w" and copies[2].sources == ("s", "t") and copies[3].title == "t"
    assert clean._replace(rank=3)[1:] == clean[1:] and type(clean._replace(rank=3)) is Recommendation
    with pytest.raises(ValueError):
        clean._replace(colour="red")


def test_a_typed_commune_with_an_escape_sequence_is_echoed_without_it():
    result = run_orient("ask", "--commune", "\x1b]0;pwned\x07zzzqqq", "--fact", "red_flag=none",
                        "--fact", "need=consult", "--no-journal")
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "zzzqqq" in result.stderr


# --- 7. a locked journal ---------------------------------------------------------------------


def test_a_locked_journal_does_not_delay_the_answer_and_the_row_is_counted_as_dropped(tmp_path):
    journal = tmp_path / "journal.sqlite3"
    seed = orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--fact", "need=consult",
                       "--journal", str(journal), env_extra=JOURNAL_ON)
    assert seed.returncode == 0
    # The same process with the journal free, just before: a loaded machine slows both alike.
    started = time.monotonic()
    run_orient("ask", "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--json",
               "--journal", str(journal), env_extra=JOURNAL_ON)
    unlocked = time.monotonic() - started
    locker = sqlite3.connect(journal, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        result = run_orient("ask", "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--json",
                            "--journal", str(journal), env_extra=JOURNAL_ON)
        elapsed = time.monotonic() - started
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert result.returncode == 0
    assert json.loads(result.stdout)["recommendations"][0]["kind"] == "emergency_15"
    # It was 10.5 s of waiting for the lock; now at most the write timeout (0.5 s) more.
    assert elapsed < unlocked + 3.0
    from orient.journal import count_dropped

    assert count_dropped(journal) == 1
    assert sqlite3.connect(journal).execute("SELECT count(*) FROM orientation").fetchone()[0] == 2
    stats = orient_main("stats", "--journal", str(journal), env_extra=JOURNAL_ON)
    assert stats.returncode == 0 and "1 orientation(s) non inscrite(s)" in stats.stdout


def test_the_answer_is_printed_before_the_journal_is_written(tmp_path):
    """With the journal locked, the answer is already on stdout while the process still waits."""
    journal = tmp_path / "journal.sqlite3"
    orient_main("ask", "--at", TUESDAY_10H, "--fact", "red_flag=none", "--journal", str(journal), env_extra=JOURNAL_ON)
    locker = sqlite3.connect(journal, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    env = dict(os.environ, ORIENT_JOURNAL="", PYTHONUNBUFFERED="1")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "orient", "ask", "--at", TUESDAY_10H, "--fact",
                                "red_flag=stroke", "--journal", str(journal)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        first_line = process.stdout.readline()
        first_line_after = time.monotonic() - started
        still_running = process.poll() is None
    finally:
        process.wait(timeout=30)
        out = process.stdout.read()
        process.stdout.close()
        process.stderr.close()
        locker.execute("ROLLBACK")
        locker.close()
    assert first_line.startswith("Orientation")
    assert first_line_after < 5.0  # it came after a 10 s wait for the lock
    assert still_running  # the journal write still waits for the lock: the answer did not
    assert re.search(r"\b15\b", out)


def test_the_ui_records_the_journal_in_the_background(tmp_path, monkeypatch):
    from orient.journal import WRITE_TIMEOUT_S, record_in_background, wait_for_pending

    assert WRITE_TIMEOUT_S <= 1.0
    monkeypatch.setenv("ORIENT_JOURNAL", str(tmp_path))  # a folder: refused, reported from the thread
    started = time.monotonic()
    messages: list[str] = []
    thread = record_in_background(None, {}, on_error=messages.append)
    assert time.monotonic() - started < 0.2
    wait_for_pending()
    assert not thread.is_alive() and messages


@pytest.mark.parametrize("failure", [OSError(5, "erreur d'entrée-sortie"), "data_error", UnicodeError("un nom"),
                                     RecursionError("trop profond")])
def test_a_store_that_fails_to_load_never_stands_between_a_vital_sign_and_the_15(monkeypatch, capsys, failure):
    """Fault injection of the store's own failure (a race with another desk, a disk error): the
    answer comes from the YAML all the same; only the YAML's own problems refuse the data."""
    import orient.cache
    from orient.cli import main
    from orient.problems import DataError, Problem

    def failing_store(*args, **kwargs):
        if failure == "data_error":
            raise DataError([Problem("knowledge.sqlite", 0, "magasin illisible")])
        raise failure

    monkeypatch.setattr(orient.cache, "load_knowledge_parts", failing_store)
    code = main(["ask", "--no-journal", "--at", TUESDAY_10H, "--fact", "red_flag=stroke", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert json.loads(out)["recommendations"][0]["kind"] == "emergency_15"


@pytest.mark.parametrize("name, content", [(b"\xffnotes.txt", b""), (b"\xffextra.yaml", b"services: []\n")])
def test_a_file_name_that_is_not_utf8_in_the_directory_folder_never_stands_between_a_vital_sign_and_the_15(
        data_copy, tmp_path, name, content):
    """A file whose name is not UTF-8 (copied from an old disk) in the directory folder: the store's
    key and stamp, and the directory's own fingerprint, read every file name; the answer comes all
    the same, the 15 first."""
    import os

    rules, directory = data_copy
    with open(os.path.join(os.fsencode(directory), name), "wb") as stray:
        stray.write(content)
    env = {"ORIENT_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the store built, then read
        done = run_orient("ask", "--no-journal", "--json", "--rules", str(rules), "--directory", str(directory),
                          "--fact", "red_flag=chest_pain", env_extra=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-800:]
        assert json.loads(done.stdout)["recommendations"][0]["phone"] == "15"
