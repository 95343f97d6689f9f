"""Issue 10 item 4: the one YAML reader (orient/yamlread.py) for rules, directory and rotas.

Bombs (aliases, recursion, deep nesting), control characters and huge values give a
`path:line: message` problem, never a hang, a memory blow-up or a traceback; and one dialect
everywhere: `0561` and `12:30` stay text in the rules as in the directory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orient.problems import Problem
from orient.yamlread import MAX_DEPTH, LineList, LineMap, load_yaml, load_yaml_text

BILLION_LAUGHS = "\n".join(
    ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    + [f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ",".join([f"*{chr(ord('a') + i - 1)}"] * 9) + "]"
       for i in range(1, 9)]
)


def run_orient(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, ORIENT_JOURNAL="off", ORIENT_CACHE="off")
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)




# --- the attacks of the issue, through the real command --------------------------------------


def test_a_billion_laughs_in_the_directory_is_refused_at_its_line_within_seconds(data_copy):
    rules, directory = data_copy
    (directory / "bomb.yaml").write_text(BILLION_LAUGHS + "\nservices: []\n", encoding="utf-8")
    started = time.monotonic()
    result = run_orient("check", "--rules", str(rules), "--directory", str(directory), timeout=30)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert re.search(r"bomb\.yaml:1: anchor '&a' refused", result.stdout), result.stdout
    assert "Traceback" not in result.stderr


def test_a_billion_laughs_in_rule_definitions_stops_orient_ask_with_exit_1(data_copy):
    rules, directory = data_copy
    bomb = "definitions:\n" + "\n".join("  " + line for line in BILLION_LAUGHS.splitlines()) + "\n"
    (rules / "zz_bomb.yaml").write_text(bomb, encoding="utf-8")
    result = run_orient("ask", "--rules", str(rules), "--directory", str(directory),
                        "--fact", "red_flag=none", "--fact", "need=consult", timeout=30)
    assert result.returncode == 1
    assert re.search(r"zz_bomb\.yaml:2: anchor '&a' refused", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_a_recursive_alias_and_deep_nesting_are_problems_not_tracebacks(tmp_path):
    recursive = tmp_path / "recursive.yaml"
    recursive.write_text("services: &s\n  - *s\n", encoding="utf-8")
    data, problems = load_yaml(recursive)
    assert data is None and [str(p) for p in problems] == [
        f"{recursive}:1: anchor '&s' refused: data files do not use anchors and aliases; write the value out"]
    deep = tmp_path / "deep.yaml"
    deep.write_text("services: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    data, problems = load_yaml(deep)
    assert data is None and [str(p) for p in problems] == [f"{deep}:1: nested more than {MAX_DEPTH} levels deep"]


def test_a_nul_in_a_directory_file_is_reported_at_its_line(data_copy):
    rules, directory = data_copy
    (directory / "nul.yaml").write_text("services:\n  - id: x\n    name: \"a\0b\"\n", encoding="utf-8")
    result = run_orient("check", "--rules", str(rules), "--directory", str(directory))
    assert result.returncode == 1
    assert f"{directory / 'nul.yaml'}:3: control character U+0000 (NUL) at column 13" in result.stdout


def test_an_escaped_control_character_in_a_rules_file_is_refused_at_its_line(data_copy):
    rules, directory = data_copy
    text = (rules / "emergency.yaml").read_text(encoding="utf-8")
    target = "title: Signe d'urgence vitale, appeler le 15\n"
    line = text[: text.index(target)].count("\n") + 1
    hostile = 'title: "\\e]0;pwned\\aSigne d\'urgence vitale, appeler le 15"\n'
    (rules / "emergency.yaml").write_text(text.replace(target, hostile, 1), encoding="utf-8")
    result = run_orient("check", "--rules", str(rules), "--directory", str(directory))
    assert result.returncode == 1
    assert f"emergency.yaml:{line}: control character U+001B (ESC) at column 1 is not allowed" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# --- one dialect -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("0561", "0561"), ("12:30", "12:30"), ("24_7", "24_7"), ("0x1F", "0x1F"), ("yes", "yes"), ("no", "no"),
    ("2026-11-28", "2026-11-28"), ("1_0", "1_0"), ("42", 42), ("-3", -3), ("true", True), ("False", False),
    ("null", None), ("~", None), ("43.5", 43.5), ("'12'", "12"),
])
def test_one_dialect_strings_stay_strings(text, value):
    data, problems = load_yaml_text(f"v: {text}\n", "x.yaml")
    assert problems == []
    assert data["v"] == value and type(data["v"]) is type(value)


def test_the_rules_reader_is_the_directory_reader():
    import orient.directory.rota as rota
    import orient.engine.loader as loader
    import orient.yamlread as yamlread

    assert loader.load_yaml_text is load_yaml_text and loader.read_text is yamlread.read_text
    assert not (Path(loader.__file__).parent / "yamlload.py").exists()
    assert not (Path(rota.__file__).parent / "yamlload.py").exists()


def test_line_numbers_are_kept():
    data, problems = load_yaml_text("a:\n  - x\n  - {b: 1,\n     c: 2}\nd: 3\n", "x.yaml")
    assert problems == []
    assert isinstance(data, LineMap) and isinstance(data["a"], LineList)
    assert (data.key_line("a"), data.key_line("d"), data["a"].lines) == (1, 5, [2, 3])
    assert data["a"][1].key_line("c") == 4


# --- the fuzz test ---------------------------------------------------------------------------

ATOMS = st.sampled_from([
    "&a [1,2]", "*a", "&x", "*x", "!!python/object:os.system ls", "!!binary aGVsbG8=", "!!str 12",
    "\x1b]0;t\x07", "\x00", "\x85", "\u202e", '"\\e[2J"', '"\\x9b"', '"\\0"', "<<: *a", "? [a]\n: b",
    "[" * 60, "{" * 60, "]" * 60, "9" * 5000, "x" * 20000, "--- \n...", "- - - - -", "%YAML 1.1\n---",
    "key: value", "  - item", "\t", "'quoted'", '"dq"', ">-\n  folded", "0561", "12:30", ".nan",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(ATOMS, st.text(max_size=40)), max_size=12), st.sampled_from(["\n", " ", ": ", "\n  "]))
def test_fuzz_any_document_gives_a_clean_load_or_a_located_problem(parts, joiner):
    text = joiner.join(parts)
    tracemalloc.start()
    started = time.monotonic()
    try:
        data, problems = load_yaml_text(text, "fuzz.yaml")
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 50 * 1024 * 1024
    for problem in problems:
        assert isinstance(problem, Problem) and problem.path == "fuzz.yaml"
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + 2
        assert re.match(r"^fuzz\.yaml:\d+: ", str(problem))
    if data is not None and not problems:
        _assert_plain(data, 0)


def _assert_plain(value, depth):
    assert depth <= MAX_DEPTH
    if isinstance(value, dict):
        for key, item in value.items():
            _assert_plain(key, depth + 1)
            _assert_plain(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item, depth + 1)
    else:
        assert value is None or isinstance(value, (str, int, float, bool))
        if isinstance(value, str):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(ATOMS, st.text(max_size=30)), max_size=8))
def test_fuzz_the_rules_and_directory_loaders_report_problems_never_a_traceback(tmp_path, parts):
    """The same documents, as a rules file and as a directory file, through the loaders."""
    from datetime import date

    from orient.directory.loading import read_directory
    from orient.engine.loader import parse_rules

    text = "\n".join(parts)
    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "rules").mkdir(parents=True)
    (folder / "directory").mkdir()
    for sub, head in (("rules", "rules:\n  - "), ("directory", "services:\n  - ")):
        (folder / sub / "f.yaml").write_text(head + text, encoding="utf-8", errors="surrogatepass")
    started = time.monotonic()
    _, rule_problems = parse_rules(folder / "rules")
    read = read_directory(folder / "directory", _NoCommunes(), date(2026, 11, 23))
    assert time.monotonic() - started < 5.0
    for problem in rule_problems + read.problems:
        assert re.match(r"^.+\.yaml:\d+: ", str(problem)), str(problem)


class _NoCommunes:
    def get(self, code):
        return None
