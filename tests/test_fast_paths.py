"""Speed must not change answers (issue 5): the fast paths against naive ones, same inputs.

- ranking: the grid's best-first search against a linear great-circle scan (geopy),
  on a synthetic national directory (orient.bench.synth: real communes, population-
  weighted, realistic OSM hours, many services sharing a commune's point);
- a whole orientation: `orient()` with the fast directory and with a full-scan
  directory give the same JSON;
- commune search: the top-1 of the indexed search against an exhaustive scoring of
  every key of the gazetteer, where the index scores its candidates whole (exact
  names; prefixes whose range is not sampled);
- `orient ask` with a warm load cache imports neither the YAML parser nor Textual.
"""

from __future__ import annotations

import bisect
import functools
import math
import os
import random
import subprocess
import sys
import time
from datetime import datetime

import pytest
from geopy.distance import great_circle
from geopy.point import Point

from orient import paths
from orient.bench import measure, synth
from orient.bench.measure import naive_select
from orient.directory import textnorm
from orient.directory.catalog import Directory
from orient.directory.gazetteer import (
    ALIAS_PENALTY, CODE_SCORE, DISTANCE_PENALTY_MAX, DISTANCE_SCALE_KM, EXACT, HOME_BONUS, LARGE_CITY, LARGE_RANGE,
    NEIGHBOUR_BONUS, POP_BONUS_MAX, PREFIX_BASE, PREFIX_SPAN, default_gazetteer,
)
from orient.directory.hours import hours_status
from orient.directory.ranking import SMALL_KIND
from orient.orientation import Knowledge, orient
from orient.periods import PARIS

KINDS = ("pharmacie", "centre_sante", "msp", "cmp", "urgences", "sos_medecins")
CAPS = {"centre_sante": ["no_gp_priority", "walk_in"], "msp": ["walk_in", "unscheduled_slots"],
        "cmp": ["psychiatry"], "urgences": ["smur"]}


@pytest.fixture(scope="module")
def g():
    return default_gazetteer()


@pytest.fixture(scope="module")
def national(g):
    services = synth.synthetic_services(g, 6000, seed=11)
    return Directory(services, gazetteer=g), services


_GREAT_CIRCLE = great_circle(0)


@functools.lru_cache(maxsize=None)
def _point(lat, lon):
    return Point(lat, lon)


def great_circle_km(lat1, lon1, lat2, lon2):
    """geopy's great-circle distance, each point parsed once (a third of the naive scans' time)."""
    return _GREAT_CIRCLE.measure(_point(lat1, lon1), _point(lat2, lon2))


def status_at(at):
    """The parser's status of an hours string at `at`, each distinct string parsed once for the scan
    (a few hundred strings among thousands of services)."""
    return functools.lru_cache(maxsize=None)(lambda hours: hours_status(hours, at))


def rows(placed):
    return [(p.service.id, p.distance_km, p.status.open, p.status.label) for p in placed]


def test_the_synthetic_directory_is_dense_enough_to_use_the_grid_and_shares_points(national):
    directory, services = national
    assert all(len(directory.of_kind(kind)) > SMALL_KIND for kind in ("pharmacie", "centre_sante", "msp", "cmp"))
    points = [(s.lat, s.lon) for s in services if s.kind == "pharmacie"]
    assert len(set(points)) < len(points)  # ties: services at their commune's point


@pytest.mark.parametrize("seed", range(6))
def test_the_ranking_gives_the_services_of_a_full_great_circle_scan_in_the_same_order(national, g, seed):
    directory, services = national
    rng = random.Random(seed)
    communes = list(g)
    weights = [max(1, c.population) for c in communes]
    for at in synth.moments(rng, 40):
        kind = rng.choice(KINDS)
        commune = rng.choices(communes, weights=weights)[0] if rng.random() < 0.8 else rng.choice(communes)
        near = (commune.lat, commune.lon) if rng.random() < 0.95 else None
        caps = [c for c in CAPS.get(kind, []) if rng.random() < 0.4]
        limit = rng.randint(1, 6)
        max_km = rng.choice([None, None, None, 10.0, 60.0])
        fast = directory.select(kind, near=near, at=at, capabilities=caps, limit=limit, max_km=max_km)
        slow = naive_select(services, status_at(at), kind=kind, near=near,
                            capabilities=frozenset(caps), limit=limit, max_km=max_km, distance=great_circle_km)
        assert rows(fast) == rows(slow), (kind, near, at, caps, limit, max_km)


def test_the_ranking_matches_the_full_scan_far_from_everything_and_at_night(national):
    directory, services = national
    night = datetime(2026, 12, 25, 3, 10, tzinfo=PARIS)  # Christmas night: nearly everything closed
    for near in [(-21.1, 55.5), (4.9, -52.3), (48.85, 2.35), (42.7, 9.45), (51.05, 2.37), (43.65, 0.58)]:
        for kind in KINDS:
            fast = directory.select(kind, near=near, at=night, limit=4)
            slow = naive_select(services, status_at(night), kind=kind, near=near,
                                capabilities=frozenset(), limit=4, max_km=None, distance=great_circle_km)
            assert rows(fast) == rows(slow)


@pytest.fixture(scope="module")
def national_knowledge(g, national):
    base = Knowledge.load()
    _, services = national
    directory = Directory(list(base.directory.services) + services, base.directory.rota.sectors, g)
    return base._replace(directory=directory)


def test_a_whole_orientation_is_the_same_with_the_fast_directory_and_a_full_scan(national_knowledge):
    slow = measure.naive_knowledge(national_knowledge, distance=great_circle_km)
    cases = measure.situations(national_knowledge, 150, seed=3)
    placed = 0
    for facts, at, commune in cases:
        fast_answer = orient(national_knowledge, facts, at, commune)
        slow_answer = orient(slow, facts, at, commune)
        assert fast_answer.to_json() == slow_answer.to_json(), (facts, at, commune)
        placed += any(r.distance_km is not None for r in fast_answer.recommendations)
    assert placed >= 20  # the situations do rank places, not only phone numbers


# --- commune search: the index against an exhaustive scoring ---------------------------------


def keys_starting(keys: list[str], v: str) -> range:
    """The positions of the keys that start with v (or are v): one block, the keys being sorted
    (test_the_gazetteer_keys_are_sorted), so the scan below skips only keys that cannot match."""
    lo = bisect.bisect_left(keys, v)
    hi = lo
    while hi < len(keys) and keys[hi].startswith(v):
        hi += 1
    return range(lo, hi)


@functools.lru_cache(maxsize=4)
def home_area(g, home: str) -> tuple[set[str], tuple[float, float], float]:
    """(neighbouring départements, centre of the home département's communes, its radius in km)."""
    points = [(c.lat, c.lon) for c in g if c.dept == home]
    centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    return set(g.neighbours(home)), centre, max(great_circle(centre, p).km for p in points)


def exhaustive(g, query: str, home: str = "32") -> tuple[list[tuple], bool]:
    """Every key of the gazetteer scored against the query the way the search documents it
    (exact 100, prefix PREFIX_BASE + PREFIX_SPAN × typed share, commune déléguée minus
    ALIAS_PENALTY unless exact, local names in the home département only; bonuses for
    population and home). Returns the ranking and whether an exact key was found."""
    words = textnorm.key_words(query)
    variants = ["".join(words)]
    bare = textnorm.without_article(words)
    if bare:
        variants.append("".join(bare))
    keys, key_rows = g._column("key"), g._column("key_rows")
    text: dict[int, float] = {}
    found_exact = False
    for v in variants:
        for j in keys_starting(keys, v):
            k = keys[j]
            if k == v:
                score = EXACT
                found_exact = True
            else:
                score = PREFIX_BASE + PREFIX_SPAN * len(v) / len(k)
            for ref in key_rows[j].split(","):
                how = {"~": "alias", "^": "local"}.get(ref[0], "own")
                i = int(ref[1:]) if how != "own" else int(ref)
                commune = g._commune(i)
                if how == "local" and commune.dept != home:
                    continue
                s = score - ALIAS_PENALTY if how != "own" and score < EXACT else score
                text[i] = max(text.get(i, -1.0), s)
    # The order the search documents (issue 13): exact names and prefixes of the home area (home
    # département and neighbours) and large cities named in full first, then far exact names, then
    # far prefixes; the home département first in the home area; bonuses for population, home or
    # neighbour; minus the distance from the home area (its centre, less its radius).
    neighbours, centre, radius = home_area(g, home)
    ranked = []
    for i, score in text.items():
        c = g._commune(i)
        exact = score >= CODE_SCORE
        near = c.dept == home or c.dept in neighbours
        rank = score + POP_BONUS_MAX * min(1.0, math.log10(1 + c.population) / 6.0)
        rank += HOME_BONUS if c.dept == home else NEIGHBOUR_BONUS if near else 0
        if c.dept != home:
            away = max(0.0, great_circle(centre, (c.lat, c.lon)).km - radius)
            rank -= DISTANCE_PENALTY_MAX * min(1.0, away / DISTANCE_SCALE_KM)
        group = 0 if near or (exact and c.population >= LARGE_CITY) else 1 if exact else 2
        ranked.append(((group, -score if exact else -CODE_SCORE, group == 0 and c.dept != home, -rank, c.code),
                       c.code))
    ranked.sort()
    return ranked, found_exact


def prefix_range(g, v: str) -> int:
    keys = g._column("key")
    return sum(1 for j in keys_starting(keys, v) if keys[j] != v)


def test_the_gazetteer_keys_are_sorted_and_each_has_its_rows(g):
    keys, key_rows = g._column("key"), g._column("key_rows")
    assert len(keys) == len(key_rows) > len(g)
    assert all(a <= b for a, b in zip(keys, keys[1:]))


def test_an_exact_name_finds_first_the_commune_an_exhaustive_scan_ranks_first(g):
    rng = random.Random(5)
    communes = list(g)
    sample = rng.sample(communes, 400) + [c for c in communes if c.dept == "32"][:100]
    for c in sample:
        for query in (c.name, textnorm.fold(c.name).upper()):
            ranked, found_exact = exhaustive(g, query)
            assert found_exact, query
            assert g.search(query, limit=1)[0].commune.code == ranked[0][1], query


def test_a_prefix_scored_whole_finds_first_the_commune_an_exhaustive_scan_ranks_first(g):
    rng = random.Random(7)
    communes = list(g)
    checked = 0
    for c in rng.sample(communes, 300):
        key = textnorm.compact(textnorm.key(c.name))
        if textnorm.without_article(textnorm.key_words(c.name)):
            continue  # one variant only: the article case is covered by exact names
        for n in range(3, len(key)):
            v = key[:n]
            size = prefix_range(g, v)
            if not 10 <= size <= LARGE_RANGE:
                continue  # sampled ranges and the typo search are not exhaustive by design
            ranked, found_exact = exhaustive(g, v)
            assert g.search(v, limit=1)[0].commune.code == ranked[0][1], v
            checked += 1
    assert checked >= 100


# --- the process ----------------------------------------------------------------------------


def test_orient_ask_with_a_warm_cache_imports_neither_yaml_nor_textual_nor_other_commands(tmp_path):
    """Nor the phone parser when the numbers shown are stored French ones (a centre's 05 …)."""
    env = dict(os.environ, ORIENT_CACHE_DIR=str(tmp_path / "cache"), ORIENT_JOURNAL="off")
    env.pop("ORIENT_CACHE", None)
    code = ("import sys, io, contextlib\n"
            "from orient.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    main(['ask', '--commune', 'Fleurance', '--at', '2026-11-27T10:00', '--fact', 'red_flag=none',"
            " '--fact', 'need=consult', '--fact', 'has_gp=no', '--json', '--no-journal'])\n"
            "assert '05 32 46 00 20' in out.getvalue()\n"
            "from orient import cache\n"
            "print(cache.last_status)\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'textual', 'phonenumbers')"
            " or m in ('orient.engine.loader', 'orient.yamlread')"
            " or (m.startswith('orient.commands.') and m not in ('orient.commands.ask', 'orient.commands.parser')))))\n")
    started = time.time()
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].startswith("rebuilt")  # the first run reads the YAML
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    status, imported = (second.stdout.splitlines() + [""])[:2]
    package = paths.PACKAGE_DIR
    if status != "hit" and any(p.stat().st_mtime >= started for p in package.rglob("*.py")):
        pytest.skip("orient's sources were edited between the two runs: the cache key changed, as it should")
    assert status == "hit"
    assert imported == ""
