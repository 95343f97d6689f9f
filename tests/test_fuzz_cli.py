"""`orient ask` and `orient communes` never crash (hazard log H9): arbitrary Unicode, empty or huge
input (100 kB), control characters, NUL bytes. No traceback, exit code 0 or 2, and whatever
the person typed is never echoed with its control characters (a typed escape sequence must
not drive the terminal). A vital sign still gets its answer whatever the commune typed.

argv cannot carry NUL (nor one argument over 128 KiB): the command functions are driven in
the process for those, and a real process is run for a handful of nasty strings. Values are
passed as `--option=VALUE`, as a program must for a value that may start with "-".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from cli_run import run_main
from hypothesis import HealthCheck, given, settings, strategies as st

from orient.directory.gazetteer import default_gazetteer
from orient.facts import FactError, parse_fact_assignment
from orient.periods import parse_moment

NASTY = [
    "",
    " ",
    "\x1b[31mAuch\x1b[0m",
    "\u200f\u202eHCUA",  # right-to-left mark and override
    "🚑🏥 Auch 🙂",
    "Fleu\u0301rance\u0327\u0308",  # combining accents
    "\x01\x02\x7f\t\r\n",
    "A" * 100_000,
]
# Control characters a terminal obeys, except tab and newline which the program writes itself.
TERMINAL_CONTROLS = {chr(c) for c in range(32) if chr(c) not in "\t\n"} | {"\x7f"} | {chr(c) for c in range(0x80, 0xa0)}

any_text = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8", exclude_categories=[])),  # lone surrogates are not UTF-8
    st.text(st.sampled_from(["\x00", "\x1b", "[", "3", "1", "m", "\u200f", "\u202e", "\u0301", "é", "🙂", "-", " ",
                             "a", "u", "c", "h", "S", "t", "2", "\n"])),
    st.sampled_from(NASTY + ["\x00", "a\x00b", "\x00" * 100_000, "é" * 100_000, "32" * 50_000, "saint " * 20_000]),
)


def run_orient(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ORIENT_JOURNAL="off")
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, env=env, timeout=60)


def echoes_no_control(text: str) -> bool:
    return not (set(text) & TERMINAL_CONTROLS)


@pytest.mark.long
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_text)
def test_the_parsers_behind_orient_ask_refuse_any_text_cleanly_or_accept_it(text):
    gazetteer = default_gazetteer()
    matches = gazetteer.search(text, limit=5)
    assert len(matches) <= 5
    resolved = gazetteer.resolve(text)
    assert resolved is None or resolved.code
    for parse in (parse_moment, parse_fact_assignment, lambda t: parse_fact_assignment(f"age={t}"),
                  lambda t: parse_fact_assignment(f"red_flag={t}")):
        try:
            parse(text)
        except (ValueError, FactError):
            pass


@pytest.mark.long
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_text, st.sampled_from(["none", "stroke"]), st.booleans())
def test_orient_ask_with_any_commune_text_answers_or_refuses_and_a_vital_sign_always_answers(text, red_flag, as_json):
    done = run_main("ask", "--no-journal", "--at", "2026-11-28T14:00", f"--commune={text}",
                    "--fact", f"red_flag={red_flag}", *(["--json"] if as_json else []))
    assert done.returncode in (0, 2), done.stderr
    if red_flag == "stroke":
        assert done.returncode == 0, done.stderr
        if as_json:
            assert json.loads(done.stdout)["recommendations"][0]["kind"] == "emergency_15"
        else:
            assert "1. Appeler le 15 " in done.stdout
    assert echoes_no_control(done.stderr) and echoes_no_control(done.stdout)
    assert len(done.stderr) < 2_000


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_text, st.sampled_from(["--at", "--fact"]))
def test_orient_ask_with_any_moment_or_fact_text_answers_or_refuses_with_exit_2(text, option):
    done = run_main("ask", "--no-journal", f"{option}={text}")
    assert done.returncode in (0, 2)
    if done.returncode == 2:
        assert done.stderr.startswith(("orient ask: ", "utilisation : "))
    assert echoes_no_control(done.stderr) and echoes_no_control(done.stdout)
    assert len(done.stderr) < 2_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_text, st.booleans())
def test_orient_communes_with_any_text_lists_matches_or_says_none(text, as_json):
    done = run_main("communes", *(["--json"] if as_json else []), "--", text)
    assert done.returncode == 0, done.stderr
    if as_json:
        assert isinstance(json.loads(done.stdout), list)
    else:
        assert done.stdout.strip()
    assert echoes_no_control(done.stdout)


@pytest.mark.parametrize("text", NASTY, ids=["empty", "blank", "ansi", "rtl", "emoji", "combining", "controls",
                                            "100kB"])
def test_a_real_orient_ask_process_never_shows_a_traceback_and_answers_a_vital_sign(text):
    result = run_orient("ask", "--no-journal", "--at", "2026-11-28T14:00", f"--commune={text}",
                        "--fact", "red_flag=chest_pain", "--json")
    stderr = result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr
    assert result.returncode == 0, stderr
    answer = json.loads(result.stdout)
    assert answer["recommendations"][0]["kind"] == "emergency_15"
    assert echoes_no_control(stderr)

    refused = run_orient("ask", "--no-journal", f"--at={text}", "--fact", "red_flag=none")
    assert b"Traceback" not in refused.stderr
    assert refused.returncode in (0, 2) and echoes_no_control(refused.stderr.decode("utf-8", "replace"))


@pytest.mark.parametrize("text", NASTY[2:7], ids=["ansi", "rtl", "emoji", "combining", "controls"])
def test_a_real_orient_communes_process_never_shows_a_traceback(text):
    result = run_orient("communes", "--", text)
    assert b"Traceback" not in result.stderr
    assert result.returncode == 0
    assert echoes_no_control(result.stdout.decode("utf-8", "replace"))
