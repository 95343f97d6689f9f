"""Ranking: open first, then unknown hours, closed last; nearest first in each — fast and exact."""

import functools
import random
from datetime import datetime, timedelta

import pytest
from geopy.distance import great_circle
from geopy.point import Point
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orient.directory import Directory, Service
from orient.directory.hours import PARIS, hours_status
from orient.bench.measure import naive_select
from orient.directory.ranking import SMALL_KIND

MONDAY_10H = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
AUCH = (43.6471, 0.58375)


def service(sid, lat=None, lon=None, hours=None, kind="msp", capabilities=(), order=1):
    located = lat is not None
    return Service(
        id=sid, name=sid, kind=kind, commune=None, address=None, lat=lat, lon=lon,
        precision="address" if located else None, phones=(), opening_hours=hours, walk_in_hours=None,
        capabilities=frozenset(capabilities), sources=("test",), verified=None, note=None,
        path="test.yaml", line=order,
    )


OPEN = "Mo-Fr 08:00-18:00"
CLOSED = "Sa-Su 08:00-18:00"


def ids(placed):
    return [p.service.id for p in placed]


def test_open_services_come_first_then_unknown_hours_then_closed_ones():
    directory = Directory([
        service("closed-near", 43.65, 0.58, CLOSED),
        service("unknown-near", 43.65, 0.59, None),
        service("open-far", 44.5, 0.58, OPEN),
        service("closed-far", 44.6, 0.58, CLOSED),
        service("unknown-far", 44.4, 0.58, None),
        service("open-near", 43.70, 0.58, OPEN),
    ])
    placed = directory.select("msp", near=AUCH, at=MONDAY_10H, limit=6)
    assert ids(placed) == ["open-near", "open-far", "unknown-near", "unknown-far", "closed-near", "closed-far"]
    assert [p.status.open for p in placed] == [True, True, None, None, False, False]


def test_distances_are_great_circle_kilometres_rounded_to_a_tenth():
    directory = Directory([service("condom", 43.95704, 0.37724, OPEN)])
    [placed] = directory.select("msp", near=AUCH, at=MONDAY_10H)
    assert placed.distance_km == round(great_circle(AUCH, (43.95704, 0.37724)).km, 1) == 38.2


def test_the_limit_keeps_the_best_ones():
    directory = Directory([service(f"s{i}", 43.6 + i / 100, 0.58, OPEN) for i in range(10)])
    assert ids(directory.select("msp", near=(43.6, 0.58), at=MONDAY_10H, limit=3)) == ["s0", "s1", "s2"]


def test_capabilities_filter_the_services():
    directory = Directory([
        service("plain", 43.65, 0.58, OPEN),
        service("priority", 43.9, 0.58, OPEN, capabilities=["no_gp_priority", "walk_in"]),
    ])
    assert ids(directory.select("msp", near=AUCH, at=MONDAY_10H, capabilities=["no_gp_priority"])) == ["priority"]
    assert ids(directory.select("msp", near=AUCH, at=MONDAY_10H, capabilities=["home_visits"])) == []


def test_max_km_leaves_out_the_far_services_even_open_ones():
    directory = Directory([service("far-open", 44.5, 0.58, OPEN), service("near-closed", 43.66, 0.58, CLOSED)])
    assert ids(directory.select("msp", near=AUCH, at=MONDAY_10H, max_km=50)) == ["near-closed"]


def test_a_service_without_location_comes_after_the_located_ones_of_its_class():
    directory = Directory([
        service("phone-line", hours=OPEN),
        service("far-open", 45.0, 0.58, OPEN),
        service("near-closed", 43.65, 0.58, CLOSED),
    ])
    placed = directory.select("msp", near=AUCH, at=MONDAY_10H)
    assert ids(placed) == ["far-open", "phone-line", "near-closed"]
    assert placed[1].distance_km is None


def test_without_the_patients_place_the_order_is_open_first_then_file_order():
    directory = Directory([
        service("a-closed", 43.65, 0.58, CLOSED),
        service("b-open", 44.65, 0.58, OPEN),
        service("c-unknown", 43.65, 0.58, None),
        service("d-open", 43.65, 0.58, OPEN),
    ])
    placed = directory.select("msp", near=None, at=MONDAY_10H, limit=4)
    assert ids(placed) == ["b-open", "d-open", "c-unknown", "a-closed"]
    assert {p.distance_km for p in placed} == {None}


def test_a_kind_without_services_gives_nothing():
    directory = Directory([service("x", 43.65, 0.58, OPEN)])
    assert directory.select("cmp", near=AUCH, at=MONDAY_10H) == []


def test_the_status_of_each_placed_service_is_the_one_at_the_moment():
    directory = Directory([service("office", 43.65, 0.58, OPEN)])
    [placed] = directory.select("msp", near=AUCH, at=MONDAY_10H)
    assert placed.status == hours_status(OPEN, MONDAY_10H)
    assert placed.status.label == "ouvert, ferme à 18h"


# --- the fast path against a naive full scan -------------------------------------------------

HOURS_POOL = [
    None, "24/7", OPEN, CLOSED, "Mo-Fr 08:00-12:00,14:00-18:00; PH off", "Mo-Sa 09:00-19:00; PH off",
    "Su 10:00-12:00", "Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00", "Mo-Fr 08:00-18:00 unknown",
    "We 14:00-15:00",
]
CAPS = ["no_gp_priority", "walk_in", "home_visits"]
KINDS = ["pharmacie", "msp", "cmp"]
# Shared points, as when many services are placed at their commune's point: ties.
COMMUNE_POINTS = [(43.6471, 0.58375), (43.84904, 0.66349), (43.9585, 0.37241), (43.75802, -0.03444)]


def random_directory(seed: int, n: int) -> tuple[Directory, list[Service]]:
    rng = random.Random(seed)
    services = []
    for i in range(n):
        r = rng.random()
        if r < 0.6:  # the Gers and around
            lat, lon = rng.uniform(43.0, 44.2), rng.uniform(-0.4, 1.3)
        elif r < 0.85:  # the rest of metropolitan France
            lat, lon = rng.uniform(42.3, 51.0), rng.uniform(-4.7, 8.2)
        elif r < 0.93:
            lat, lon = rng.choice(COMMUNE_POINTS)
        elif r < 0.96:  # overseas: La Réunion
            lat, lon = rng.uniform(-21.35, -20.9), rng.uniform(55.2, 55.8)
        else:  # no location
            lat = lon = None
        # Rare opening hours for one kind, so that rings must expand far.
        kind = KINDS[i % 3]
        pool = HOURS_POOL if kind != "cmp" else [None, CLOSED, CLOSED, CLOSED, "We 14:00-15:00"]
        caps = [c for c in CAPS if rng.random() < 0.3]
        services.append(service(f"s{i}", lat, lon, rng.choice(pool), kind=kind, capabilities=caps, order=i))
    return Directory(services), services


@functools.cache
def big_directory() -> tuple[Directory, list[Service]]:
    """3,000 services: built once, by the worker that runs the tests that use it (each pytest-xdist
    worker imports every test module)."""
    return random_directory(seed=32, n=3000)


@functools.lru_cache(maxsize=50_000)
def geo_point(lat, lon):
    """geopy's point, built once for a service the full scans measure again and again."""
    return Point(lat, lon)


_GREAT_CIRCLE = great_circle(0)


def great_circle_km(lat1, lon1, lat2, lon2):
    """geopy's great-circle distance, measured straight (not through a new Distance object each time)."""
    return _GREAT_CIRCLE.measure(geo_point(lat1, lon1), geo_point(lat2, lon2))


def naive(kind, near, at, caps, limit, max_km):
    statuses = {}  # a status is the hours' at the moment: read once per distinct hours (10 for 3,000 services)

    def status_of(hours):
        if hours not in statuses:
            statuses[hours] = hours_status(hours, at)
        return statuses[hours]

    return naive_select(big_directory()[1], status_of, kind=kind, near=near,
                        capabilities=frozenset(caps), limit=limit, max_km=max_km, distance=great_circle_km)


def test_the_random_directory_is_big_enough_to_use_the_grid():
    assert all(len(big_directory()[0].of_kind(kind)) > SMALL_KIND for kind in KINDS)


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=PARIS))
points = st.one_of(
    st.tuples(st.floats(43.0, 44.2), st.floats(-0.4, 1.3)),  # in the Gers
    st.tuples(st.floats(41.4, 51.0), st.floats(-5.0, 9.5)),  # anywhere in metropolitan France
    st.tuples(st.floats(-21.3, -20.9), st.floats(55.25, 55.75)),  # La Réunion
    st.sampled_from(COMMUNE_POINTS),
    st.none(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    near=points,
    at=moments,
    caps=st.lists(st.sampled_from(CAPS), max_size=2, unique=True),
    limit=st.integers(1, 12),
    max_km=st.one_of(st.none(), st.floats(0.5, 400)),
)
def test_the_fast_ranking_gives_the_same_services_in_the_same_order_as_a_full_scan(kind, near, at, caps, limit, max_km):
    fast = big_directory()[0].select(kind, near=near, at=at, capabilities=caps, limit=limit, max_km=max_km)
    slow = naive(kind, near, at, caps, limit, max_km)
    assert [(p.service.id, p.distance_km, p.status.open) for p in fast] == \
           [(p.service.id, p.distance_km, p.status.open) for p in slow]


@pytest.mark.parametrize("seed", range(5))
def test_the_fast_ranking_matches_the_full_scan_on_other_random_directories(seed):
    directory, services = random_directory(seed=seed, n=1200)
    rng = random.Random(seed)
    for _ in range(40):
        kind = rng.choice(KINDS)
        near = (rng.uniform(42.0, 51.0), rng.uniform(-5.0, 8.0))
        at = datetime(2026, 1, 1, tzinfo=PARIS) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        caps = [c for c in CAPS if rng.random() < 0.25]
        limit = rng.randint(1, 8)
        max_km = rng.choice([None, None, 5.0, 30.0, 150.0])
        fast = directory.select(kind, near=near, at=at, capabilities=caps, limit=limit, max_km=max_km)
        slow = naive_select(services, lambda h: hours_status(h, at), kind=kind, near=near,
                            capabilities=frozenset(caps), limit=limit, max_km=max_km, distance=great_circle_km)
        assert [(p.service.id, p.distance_km) for p in fast] == [(p.service.id, p.distance_km) for p in slow]


# --- the lower bound that lets the search stop early ---------------------------------------

@settings(max_examples=150, deadline=None)
@given(
    q=st.tuples(st.floats(-25.0, 52.0), st.floats(-65.0, 60.0)),
    box=st.tuples(st.integers(-25, 51), st.integers(-65, 59)),
)
def test_the_distance_bound_of_a_box_is_never_more_than_any_point_of_it_and_nearly_reached(q, box):
    from math import cos, radians, sin

    from orient.directory.ranking import _box_min_km

    lat_lo, lon_lo = float(box[0]), float(box[1])
    lat_hi, lon_hi = lat_lo + 1.0, lon_lo + 1.0
    plat = radians(q[0])
    bound = _box_min_km(plat, q[1], sin(plat), cos(plat), lat_lo, lat_hi, lon_lo, lon_hi)
    query = Point(*q)  # once, not for each of the 925 points
    steps = [k / 200 for k in range(201)]
    edge_points = (
        [(lat_lo + t, lon_lo) for t in steps] + [(lat_lo + t, lon_hi) for t in steps]
        + [(lat_lo, lon_lo + t) for t in steps] + [(lat_hi, lon_lo + t) for t in steps]
        + [(lat_lo + t, lon_lo + u) for t in steps[::20] for u in steps[::20]]
    )
    nearest = min(great_circle(query, p).km for p in edge_points)
    assert bound <= nearest + 1e-6
    inside = lat_lo <= q[0] <= lat_hi and lon_lo <= q[1] <= lon_hi
    assert bound == 0.0 if inside else nearest - bound < 1.0


@pytest.mark.long
def test_the_nearest_services_across_the_antimeridian_are_found():
    """Wallis (-176°) and Fiji (178°) face each other across ±180°: a box's nearer edge is
    the one nearer on the globe, not in numbers, else the nearest services are skipped."""
    east = [service(f"east{i}", -1 + i / 100, 179.9, OPEN, order=i) for i in range(200)]
    west = [service(f"west{i}", -1 + i / 100, -178.5, OPEN, order=200 + i) for i in range(200)]
    services = east + west
    directory = Directory(services)
    near = (0.0, -179.8)
    fast = directory.select("msp", near=near, at=MONDAY_10H, limit=3)
    slow = naive_select(services, lambda h: hours_status(h, MONDAY_10H), kind="msp", near=near,
                        capabilities=frozenset(), limit=3, max_km=None, distance=great_circle_km)
    assert ids(fast) == ids(slow) == ["east100", "east99", "east101"]
    assert [p.distance_km for p in fast] == [p.distance_km for p in slow]
    from math import cos, radians, sin

    from orient.directory.ranking import _box_min_km

    for qlat, qlon in [(0.0, 179.95), (-13.3, -176.2), (0.5, -179.5), (-17.0, 180.0), (10.0, -180.0)]:
        plat = radians(qlat)
        for lon_lo in (177.0, 178.0, 179.0, -180.0, -179.0, -178.0):
            box = (qlat - 0.5, qlat + 0.5, lon_lo, lon_lo + 1.0)
            bound = _box_min_km(plat, qlon, sin(plat), cos(plat), *box)
            points = [(box[0] + t / 100, box[2] + u / 100) for t in range(101) for u in range(101)]
            query = Point(qlat, qlon)  # once, not for each of the 10,201 points
            nearest = min(great_circle(query, point).km for point in points)
            assert bound <= nearest + 1e-6 and nearest - bound < 1.0, (qlat, qlon, lon_lo, bound, nearest)
