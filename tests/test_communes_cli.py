"""`orient communes` as other programs drive it, on the shipped gazetteer: a real process for the JSON
contract, the text output, a refused option and the input only a process can get wrong (a lone
surrogate in argv to print, an argument of 100 kB); `orient.cli.main` in the test process for the
other searches and the other odd inputs (`cli_run`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cli_run

CONTRACT_KEYS = ["code", "name", "postcodes", "dept", "lat", "lon", "score"]


def run_orient(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ORIENT_JOURNAL="off", PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "orient", *args], capture_output=True, text=True, env=env,
                          timeout=60, errors="replace")


def orient_main(*args: str) -> subprocess.CompletedProcess:
    return cli_run.run_main(*args, env={"ORIENT_JOURNAL": "off"})


def communes_json(*args: str, run=orient_main) -> list:
    result = run("communes", "--json", *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_the_json_output_is_a_list_of_matches_with_exactly_the_contract_keys_best_first():
    found = communes_json("fleuranc", run=run_orient)
    assert found and found[0]["code"] == "32132" and found[0]["name"] == "Fleurance"
    for match in found:
        assert list(match) == CONTRACT_KEYS
        assert isinstance(match["code"], str) and isinstance(match["name"], str) and isinstance(match["dept"], str)
        assert isinstance(match["postcodes"], list) and all(isinstance(p, str) for p in match["postcodes"])
        assert isinstance(match["lat"], float) and isinstance(match["lon"], float)
        assert isinstance(match["score"], (int, float)) and 0 <= match["score"] <= 100
    assert found[0]["postcodes"] == ["32500"] and found[0]["dept"] == "32"
    assert 43.8 < found[0]["lat"] < 43.9 and 0.6 < found[0]["lon"] < 0.7


def test_nothing_found_is_an_empty_list_and_exit_0():
    assert communes_json("zzzzqq") == []
    assert communes_json("") == []


def test_a_shared_postcode_lists_its_communes_largest_first_up_to_the_limit():
    found = communes_json("32800", "--limit", "3")
    assert [m["name"] for m in found] == ["Eauze", "Bretagne-d'Armagnac", "Réans"]
    assert all(m["postcodes"] == ["32800"] for m in found)


def test_the_home_departement_option_decides_homonyms():
    assert communes_json("montreal")[0]["dept"] == "32"
    result = orient_main("--home-dept", "11", "communes", "montreal", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["dept"] == "11"


def test_the_text_output_gives_one_line_per_match_in_french():
    result = run_orient("communes", "st clar", "--limit", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Saint-Clar ") and "32380" in lines[0] and "dép. 32" in lines[0]
    assert "INSEE 32370" in lines[0]


def test_the_text_output_says_so_in_french_when_nothing_matches():
    result = orient_main("communes", "zzzzqq")
    assert result.returncode == 0
    assert "Aucune commune ne correspond" in result.stdout


def test_a_limit_below_1_is_refused_with_exit_2():
    result = run_orient("communes", "auch", "--limit", "0")
    assert result.returncode == 2
    assert "--limit" in result.stderr


def test_arbitrary_unicode_control_characters_and_huge_input_never_crash():
    # (argv cannot carry NUL, nor one argument over 128 KiB)
    for query in ("\x01\x02\x1b[2J", "🙂🙂", "\u202eauch", "ÆØÅ œ ß", "\udcff", "a" * 100_000, "32" * 5000, "--"):
        run = run_orient if query in ("\udcff", "a" * 100_000) else orient_main
        for extra in ((), ("--json",)):
            result = run("communes", *extra, "--", query)
            assert result.returncode == 0, (query[:20], result.stderr)
            assert "Traceback" not in result.stderr
            if extra:
                assert isinstance(json.loads(result.stdout), list)
