"""`orient bench`: the synthetic national directory, the measurements and their report.

No figure is asserted (the bench is a command, not a test): only that the data is
real enough for the real loader and that the report has the promised shape."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import orient
from orient.bench import TARGETS, run_bench, synth, targets_met
from orient.bench import measure
from orient.bench import store as bench_store
from orient.bench.store import STORE_TARGETS
from orient.cli import build_parser
from orient.commands import bench as bench_command
from orient.directory import check_directory
from orient.directory.catalog import Directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.hours import hours_error


@pytest.fixture(scope="module")
def g():
    return default_gazetteer()


def test_kind_counts_follow_the_shares_and_add_up(g):
    for n in (100, 1000, 100_000):
        counts = synth.kind_counts(n)
        assert sum(counts.values()) == n
        assert max(counts, key=counts.get) == "pharmacie"


def test_the_generated_folder_passes_orient_check_and_loads_like_the_objects(g, tmp_path):
    data = synth.generate(tmp_path / "directory", 400, seed=3, gazetteer=g)
    problems = check_directory(data.folder, g)
    assert [p for p in problems if p.severity == "error"] == []
    loaded = Directory.load(data.folder, g)
    synthetic = [s for s in loaded if s.id.startswith("bench-")]
    objects = synth.synthetic_services(g, 400, seed=3)
    strip = lambda s: (s.id, s.name, s.kind, s.commune, s.address, s.lat, s.lon, s.precision, s.phones,  # noqa: E731
                       s.opening_hours, s.capabilities, s.verified)
    assert [strip(s) for s in synthetic] == [strip(s) for s in objects]
    assert data.sectors > 0 and data.duties > 0 and len(loaded.rota) == data.duties
    assert loaded.get("samu-15") is not None  # the embedded numbers come along


def test_the_generator_is_deterministic_and_realistic(g):
    a = synth.synthetic_services(g, 3000, seed=8)
    b = synth.synthetic_services(g, 3000, seed=8)
    assert a == b
    assert a != synth.synthetic_services(g, 3000, seed=9)
    hours = [s.opening_hours for s in a]
    assert 0.1 < hours.count(None) / len(hours) < 0.4  # some unknown
    assert all(hours_error(h) is None for h in set(hours) if h)
    assert len(set(hours)) > 100  # many distinct strings, as in OpenStreetMap
    depts = {g.get(s.commune).dept for s in a}
    assert len(depts) > 80  # all over France
    paris = sum(1 for s in a if s.commune.startswith("75"))
    gers = sum(1 for s in a if s.commune.startswith("32"))
    assert paris > gers  # by population


def test_moments_cover_every_period_of_care():
    import random

    from orient.periods import classify

    periods = {classify(at) for at in synth.moments(random.Random(0), 400)}
    assert periods == {"weekday_day", "saturday_morning", "pdsa_evening", "pdsa_night", "pdsa_weekend",
                       "pdsa_holiday"}


def test_screen_text_drops_terminal_escapes():
    raw = "\x1b[?1049h\x1b[1;1H\x1b[38;2;255;255;255mOù est\x1b[0m le \x1b[1mpatient\x1b[0m ?\x1b]0;orient\x07"
    assert measure.TUI_MARKER in measure.screen_text(raw.encode())


def test_percentiles_interpolate():
    assert measure.percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert measure.percentile([0, 10], 0.95) == pytest.approx(9.5)
    assert measure.percentile([], 0.95) == 0.0


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    started = time.time()
    # Smaller than `orient bench` where only its figures change, not the keys and guarantees tested:
    # the desks reload the rota twice, half a second apart, from 1.5 s (3 s of 4 busy desk processes,
    # not 9 for 4 reloads a second apart from 4 s); the search is timed on 2 names, one of the home
    # département and one from anywhere (the naive scoring of 35,000 names took 1.2 s for 4); the bare
    # interpreter starts 3 times, not 11.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench_store, "desks", functools.partial(bench_store.desks, reloads=2, between_s=0.5,
                                                              start_s=1.5))
        patch.setattr(bench_store, "interpreter_ms", functools.partial(bench_store.interpreter_ms, runs=2))
        result = run_bench(300, seed=2, situations=40, naive_sample=2, search_names=2, ask_runs=1, tui_runs=1,
                           workdir=tmp_path_factory.mktemp("bench"))
    result["test_started"] = started
    return result


def sources_changed_since(moment: float) -> bool:
    """Whether an orient source file was edited after `moment` (the cache key then changes)."""
    package = Path(orient.__file__).parent
    return any(p.stat().st_mtime >= moment for p in package.rglob("*.py"))


@pytest.mark.long
def test_a_small_bench_reports_the_promised_shape_and_its_text_each_figure_beside_its_target(small_run):
    r = small_run
    # The text report, in the same test: on a second pytest-xdist worker the small bench would run again.
    text = bench_command.render(r)
    for target in ("≤ 5 ms", "≥ 10× plus rapide", "≤ 10 ms", "≤ 300 ms", "≤ 1 s", "≤ 200 Mo", "≤ 4× (but 3×)",
                   "≤ 1,3×", "≤ 80 Mo", "≤ 20 ms", "0 perdue"):
        assert target in text
    assert "machine" in text and "atteinte / met" in text
    assert {"p50_ms", "p95_ms", "naive_p95_ms", "queries"} <= r["commune_search"].keys()
    assert {"services", "p50_ms", "p95_ms", "naive_p95_ms"} <= r["orientation"].keys()
    assert "median_ms" in r["ask_process"] and "median_ms" in r["tui_first_screen"]
    assert isinstance(r["peak_rss_mb"], float) and r["peak_rss_mb"] > 0
    assert r["orientation"]["services"] > 300  # the embedded numbers and places, plus the synthetic ones
    if r["orientation"]["cache"] != "hit" and sources_changed_since(r["test_started"]):
        pytest.skip("orient's sources were edited during the bench: the cache key changed, as it should")
    assert r["orientation"]["cache"] == "hit"  # the orientation process read the cache the loader wrote
    assert r["orientation"]["naive_same_services"] == r["orientation"]["naive_sample"] == 2
    assert set(r["met"]) == set(TARGETS) | set(STORE_TARGETS)
    # Issue 12's keys (orient.bench.store)
    assert r["ask_process"]["interpreter_ms"] > 0 and r["ask_process"]["national_peak_rss_mb"] > 0
    assert {"p95_ms", "rota_visible_after_ms", "journal_rows_lost", "orientations"} <= r["desks"].keys()
    assert r["desks"]["journal_rows_lost"] == 0 and r["desks"]["always_a_duty_pharmacy"]
    json.dumps(r)  # plain data


def test_targets_met_reads_the_figures():
    result = {"commune_search": {"p95_ms": 0.5, "speedup_p95": 40.0}, "orientation": {"p95_ms": 12.0},
              "ask_process": {"median_ms": 250.0}, "tui_first_screen": {"median_ms": None}, "peak_rss_mb": 150.0}
    assert targets_met(result) == {
        "commune_search_p95_ms": True, "commune_search_speedup": True, "orientation_p95_ms": False,
        "ask_process_median_ms": True, "tui_first_screen_median_ms": None, "peak_rss_mb": True,
    }


def test_the_command_line_options():
    args = build_parser().parse_args(["bench", "--json", "--services", "5000", "--seed", "3"])
    assert (args.json, args.services, args.seed) == (True, 5000, 3)
    assert build_parser().parse_args(["bench"]).services == 100_000
    done = subprocess.run([sys.executable, "-m", "orient", "bench", "--services", "12"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "entre 100 et 1 000 000" in done.stderr
