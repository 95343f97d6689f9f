"""The store (orient.store) answers exactly as the in-memory directory it was compiled from:
same services, same order, same distances and statuses, same duty pharmacies — on a
synthetic directory of a few thousand services, with the same test functions for every
backend the machine offers (SQLite always; PostgreSQL: see tests/pg.py)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from datetime import date, datetime, time, timedelta, timezone

import pytest

from orient.bench import synth
from orient.directory.catalog import Directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.model import CAPABILITIES, KINDS
from orient.directory.rota import Duty, Sector
from orient.periods import PARIS
from orient.store.codec import CodecError, dumps_rules, loads_rules
from orient.store.sqlite import SqliteStore, build


def synthetic_directory(count: int = 3000, seed: int = 7) -> Directory:
    """Synthetic services (one in 15 without a location) and a rota over their pharmacies."""
    gazetteer = default_gazetteer()
    rng = random.Random(seed)
    services = []
    for i, s in enumerate(synth.synthetic_services(gazetteer, count, seed=seed)):
        services.append(s._replace(lat=None, lon=None) if i % 15 == 0 else s)
    pharmacies = [s for s in services if s.kind in ("pharmacie", "pharmacie_garde") and s.commune]
    communes = sorted({s.commune for s in pharmacies})
    sectors = []
    start = datetime(2026, 11, 20, 19, tzinfo=PARIS).astimezone(timezone.utc)
    for n in range(0, min(len(communes), 60), 3):
        duties, moment = [], start
        for _ in range(12):
            length = timedelta(hours=rng.choice((14, 24, 38, 62)))
            gap = timedelta(hours=rng.choice((0, 0, 10)))
            duties.append(Duty(rng.choice(pharmacies).id, moment, moment + length, "rota.yaml", 10 + n))
            moment += length + gap
        sectors.append(Sector(f"secteur-{n}", f"Secteur {n}", frozenset(communes[n:n + 4]), tuple(duties),
                              ("test",), "rota.yaml", n + 1))
    return Directory(services, sectors, gazetteer, "synthetic", ("32", "31"))


@pytest.fixture(scope="module")
def reference() -> Directory:
    return synthetic_directory()


def sqlite_store(directory, tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "knowledge.sqlite"
    build(path, "test-key", "{}", directory)
    return SqliteStore.open(path, "test-key").directory(directory.gazetteer)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stored(request, reference, tmp_path_factory):
    """The reference directory compiled into each backend."""
    if request.param == "sqlite":
        return sqlite_store(reference, tmp_path_factory)
    import pg

    return pg.postgresql_directory(request, reference)


def queries(directory: Directory, count: int, seed: int):
    rng = random.Random(seed)
    located = [s for s in directory.services if s.located]
    kinds = sorted({s.kind for s in directory.services})
    for _ in range(count):
        kind = rng.choice(kinds)
        if rng.random() < 0.15:
            near = None
        elif rng.random() < 0.1:  # far from everything: overseas, the other hemisphere, a pole
            near = rng.choice([(-21.1, 55.5), (4.9, -52.3), (-45.0, 170.0), (89.9, 0.0), (0.0, 179.99)])
        else:
            base = rng.choice(located)
            near = (base.lat + rng.uniform(-0.3, 0.3), base.lon + rng.uniform(-0.3, 0.3))
        caps = frozenset(rng.sample(sorted(CAPABILITIES), rng.choice((0, 0, 0, 1, 2))))
        at = datetime(2026, 1, 1, tzinfo=PARIS) + timedelta(minutes=rng.randrange(0, 365 * 24 * 60, 7))
        limit = rng.choice((1, 1, 3, 5, 40))
        max_km = rng.choice((None, None, None, 5.0, 30.0))
        yield kind, near, at, caps, limit, max_km, rng.random() < 0.8


def test_select_gives_the_same_services_order_distances_and_statuses(reference, stored):
    compared = placed = 0
    for kind, near, at, caps, limit, max_km, bridge in queries(reference, 400, seed=3):
        expected = reference.select(kind, near=near, at=at, capabilities=caps, limit=limit, max_km=max_km,
                                    bridge_days=bridge)
        got = stored.select(kind, near=near, at=at, capabilities=caps, limit=limit, max_km=max_km,
                            bridge_days=bridge)
        assert got == expected, (kind, near, at, caps, limit, max_km)
        compared += 1
        placed += len(got)
    assert compared == 400 and placed > 400  # the queries did place services


def test_on_duty_pharmacies_are_the_same_at_every_moment(reference, stored):
    communes = sorted({c for s in reference.rota.sectors for c in s.communes}) + ["32013", None]
    moment = datetime(2026, 11, 19, 12, tzinfo=PARIS)
    on_duty = 0
    for step in range(0, 24 * 30, 5):
        at = moment + timedelta(hours=step)
        for code in communes[::3]:
            expected = reference.on_duty_pharmacies(code, at)
            assert stored.on_duty_pharmacies(code, at) == expected, (code, at)
            on_duty += len(expected)
    assert on_duty > 50


def test_lookups_by_id_and_kind_and_the_whole_rota(reference, stored):
    for s in reference.services[::97]:
        assert stored.get(s.id) == s
    assert stored.get("no-such-service") is None
    assert len(stored) == len(reference)
    assert list(stored) == list(reference.services)
    for kind in KINDS:
        assert stored.of_kind(kind) == reference.of_kind(kind)
    assert stored.rota.sectors == reference.rota.sectors
    assert stored.area == reference.area == frozenset({"32", "31"})
    with pytest.raises(ValueError, match="unknown kind"):
        stored.select("no_such_kind", near=None, at=datetime.now(PARIS))
    with pytest.raises(ValueError, match="unknown capability"):
        stored.select("msp", near=None, at=datetime.now(PARIS), capabilities=["no_such_capability"])


def test_rules_go_through_json_and_back_and_nothing_else_is_read():
    from orient.engine import load_rules, run_example
    from orient.paths import rules_dir

    rules = load_rules(rules_dir())
    back = loads_rules(dumps_rules(rules))
    examples = [(rule, example) for rule in back for example in rule.examples]
    assert len(examples) == sum(len(rule.examples) for rule in rules) > 20
    assert [failure for rule, example in examples for failure in run_example(back, rule, example)] == []
    for text in ('{"format": 1, "rules": {"o": "os.system", "f": {}}}', '{"format": 99, "rules": []}',
                 "not json", '{"format": 1, "rules": {"o": "model.RuleSet", "f": {"evil": 1}}}'):
        with pytest.raises(CodecError):
            loads_rules(text)


def test_weekly_tables_say_what_the_parser_says_on_every_ordinary_day(reference):
    from orient.directory.hours import open_checker, paris_naive
    from orient.store.week import reader_at, weekly_table

    texts = sorted({s.opening_hours for s in reference.services if s.opening_hours})
    texts += ["Mo-Su 22:00-02:00; PH 20:00-03:00", "PH off; Mo-Fr 08:00-18:00", "Su,PH 08:00-24:00",
              "Mo-Fr 08:00-12:00; PH 09:00-11:00; Sa 10:00-12:00"]
    tables = {t: weekly_table(t) for t in texts}
    assert sum(1 for w in tables.values() if w) > len(texts) // 2  # most synthetic hours are plain weekly
    assert all(tables[t] for t in texts[-4:])
    assert weekly_table("Jul-Aug Mo 08:00-10:00") is None and weekly_table("Mo-Fr 08:00-18:00; SH off") is None
    rng = random.Random(11)
    # Random moments, and the edges: holidays, the nights after them, the years the two
    # calendars differ (Pentecost Monday 2005–2007; the parser knows none after 2076).
    moments = [datetime(2026, 1, 1, tzinfo=PARIS) + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
               for _ in range(300)]
    for day in (date(2026, 5, 14), date(2026, 5, 15), date(2026, 5, 26), date(2026, 12, 26), date(2027, 1, 2),
                date(2005, 5, 16), date(2005, 5, 17), date(2077, 5, 1), date(2077, 5, 2), date(2099, 12, 26)):
        moments += [datetime.combine(day, time(h, 30), PARIS) for h in (0, 1, 2, 12, 21)]
    checked = skipped = 0
    for at in moments:
        for bridge_days in (True, False):
            week = reader_at(paris_naive(at), bridge_days)
            if week is None:
                skipped += 1
                continue
            is_open = open_checker(at, bridge_days=bridge_days)
            for text in rng.sample(texts[:-4], 20) + texts[-4:]:
                if tables[text]:
                    assert week.is_open(tables[text]) is is_open(text), (text, at, bridge_days)
                    checked += 1
    assert checked > 3000 and skipped > 20
    for day in (date(2026, 5, 14), date(2026, 5, 15), date(2005, 5, 16), date(2005, 5, 17), date(2077, 5, 1)):
        assert reader_at(datetime.combine(day, time(1)), True) is None, day


def test_hours_with_a_year_get_no_weekly_table():
    """A year is written with digits alone: its table, taken in 2026, would say "open" in 2027."""
    from orient.directory.hours import open_checker
    from orient.store.week import reader_at, weekly_table

    at = datetime(2027, 3, 3, 10, 0, tzinfo=PARIS)  # an ordinary Wednesday
    for text in ("2026 Mo-Fr 08:00-18:00", "Mo-Fr 08:00-18:00; 2027 off", "2020-2026 Mo-Su 08:00-18:00"):
        assert open_checker(at)(text) is False, text
        table = weekly_table(text)
        assert table is None or reader_at(at.replace(tzinfo=None), True).is_open(table) is False, text
    assert weekly_table("Mo-Fr 08:00-18:00; PH off") and weekly_table("24/7") and weekly_table("Mo 8:00-9:30")


def test_weekly_tables_of_another_orient_are_not_read(reference, tmp_path):
    """A shared server holds the tables of the orient that loaded it: one without this orient's
    mark (an older one gave "2026 Mo-Fr 08:00-18:00" a table) is parsed instead. Older readers
    skip the mark."""
    import json
    import sqlite3

    from orient.store.week import weekly_table

    dated, always = "2026 Mo-Fr 08:00-18:00", "24/7"
    first = reference.services[0]._replace(kind="msp", capabilities=frozenset(), lat=None, lon=None)
    services = [first._replace(id="dated", opening_hours=dated),
                first._replace(id="always", opening_hours=always)]
    path = tmp_path / "store.sqlite"
    build(path, "k", "{}", Directory(services, [], reference.gazetteer, "x", ("32",)))
    older = json.dumps(json.loads(weekly_table("Mo-Fr 08:00-18:00"))[1:])  # the same week, without the mark
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE hours SET week = ? WHERE text = ?", (older, dated))
    conn.close()
    stored = SqliteStore.open(path, "k").directory(reference.gazetteer)
    at = datetime(2027, 3, 3, 10, 0, tzinfo=PARIS)  # an ordinary Wednesday, closed for "2026 …"
    assert [p.service.id for p in stored.select("msp", near=None, at=at, limit=2)] == ["always", "dated"]
    table = json.loads(weekly_table(always))
    assert table[0][0] < 0 and table[1][0] == 0  # the mark, then the week from Monday 0:00


def test_the_sqlite_store_is_declared_by_the_server_migrations(tmp_path):
    """One declaration: every store table of the migrations is in a built SQLite store, with its
    columns; what only one side has (the R*Tree, the GiST index, the journal) is only there."""
    import re
    import sqlite3

    from orient.store.schema import STORE_TABLES, sqlite_schema

    conn = sqlite3.connect(":memory:")
    conn.executescript(sqlite_schema())
    tables = {name: sql for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
    assert set(STORE_TABLES) | {"service_geo"} <= set(tables)
    assert not {"journal", "corrections", "schema_migrations"} & set(tables)
    migration = (Path(__file__).parents[1] / "orient/store/migrations/0001_initial.sql").read_text()
    for name in STORE_TABLES:
        declared = re.search(rf"CREATE TABLE {name} \((.*?)\);", migration, re.S).group(1)
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({name})")]
        assert all(re.search(rf"\b{c}\b", declared) for c in columns) and columns, name
    assert "WITHOUT ROWID" in tables["duty"] and "DOUBLE" not in tables["service"]


def test_a_later_migration_of_a_store_table_reaches_the_sqlite_store_or_is_refused():
    """A column or index added by a later migration is in the SQLite store too; a change the
    translation cannot make (a rename, a dropped index, a new type) is an error, not a silent
    difference between the two stores."""
    import sqlite3

    from orient.store.schema import MIGRATIONS, sqlite_ddl, sqlite_schema

    initial = (MIGRATIONS / "0001_initial.sql").read_text(encoding="utf-8")
    later = ("-- a later migration\nALTER TABLE service ADD COLUMN email TEXT;\n"
             "CREATE UNIQUE INDEX service_url ON service (url);\nALTER TABLE corrections ADD COLUMN seen TEXT;\n")
    conn = sqlite3.connect(":memory:")
    conn.executescript(sqlite_ddl([initial, later]))
    assert "email" in [c[1] for c in conn.execute("PRAGMA table_info(service)")]
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'service_url'").fetchall() == [(1,)]
    for change in ("ALTER TABLE service RENAME COLUMN note TO remark;", "DROP INDEX service_kind_hours;",
                   "ALTER TABLE duty ALTER COLUMN line TYPE BIGINT;", "DROP TABLE sector_commune;",
                   "ALTER TABLE service ADD CONSTRAINT one_url UNIQUE (url);"):
        with pytest.raises(ValueError, match="schema.py"):
            sqlite_ddl([initial, change])
    # Every column of the real store has a type both read alike (SQLite gives any other name
    # its NUMERIC affinity: "0032" would come back as 32).
    conn = sqlite3.connect(":memory:")
    conn.executescript(sqlite_schema())
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    types = {column[2] for name in tables if not name.startswith("service_geo")
             for column in conn.execute(f"PRAGMA table_info({name})")}
    assert types == {"TEXT", "INTEGER", "REAL"}


def test_the_two_calendars_of_public_holidays_are_the_same_in_the_years_tables_are_read():
    from opening_hours import OpeningHours, State

    from orient.periods import public_holiday
    from orient.store.week import SAME_CALENDARS

    holidays = OpeningHours("PH 00:00-24:00", country="FR")
    day, differ = date(SAME_CALENDARS[0], 1, 1), []
    while day.year <= SAME_CALENDARS[1]:
        parser = holidays.state(datetime.combine(day, time(12)))[0] == State.OPEN
        if parser != (public_holiday(day) is not None):
            differ.append(day)
        day += timedelta(days=1)
    assert differ == []


def test_a_status_read_from_the_weekly_table_is_the_parsers_label_and_next_change(reference):
    """The French label and the next change from a table equal `hours_status` wherever the
    table is read: random moments over the years, the holidays and the days around them, the
    DST nights, New Year, both bridge-day settings; elsewhere the string is parsed."""
    from orient.directory.hours import hours_status, paris_naive
    from orient.store.week import status_from_table, weekly_table

    texts = sorted({s.opening_hours for s in reference.services if s.opening_hours})
    texts += ["Mo-Su 22:00-02:00; PH 20:00-03:00", "PH off; Mo-Fr 08:00-18:00", "Su,PH 08:00-24:00",
              "Mo-Fr 08:00-12:00,12:00-18:00", "Mo-Sa 08:00-20:00; Su off; PH off", "Tu 09:00-10:00",
              "Mo-Fr 08:00-18:00; Sa unknown", "Mo-Su 00:00-24:00; Su off", "Fr 18:00-24:00; Sa 00:00-08:00"]
    tables = {t: weekly_table(t) for t in texts}
    rng = random.Random(21)
    moments = [datetime(2008, 1, 1, tzinfo=PARIS) + timedelta(minutes=rng.randrange(0, 69 * 365 * 24 * 60))
               for _ in range(250)]
    for day in (date(2026, 5, 14), date(2026, 5, 13), date(2026, 12, 24), date(2026, 12, 31), date(2027, 1, 2),
                date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 24), date(2026, 10, 25), date(2076, 12, 30),
                date(2026, 7, 13), date(2026, 11, 10), date(2026, 4, 30), date(2026, 8, 14)):
        moments += [datetime.combine(day, time(h, m), PARIS) for h, m in ((0, 30), (7, 59), (12, 0), (18, 45), (23, 59))]
    compared = parsed = 0
    for at in moments:
        local = paris_naive(at)
        for bridge_days in (True, False):
            for text in rng.sample(texts[:-9], 12) + texts[-9:]:
                if not tables[text]:
                    continue
                status = status_from_table(tables[text], local, bridge_days)
                if status is None:
                    parsed += 1
                    continue
                assert status == hours_status(text, at, bridge_days=bridge_days), (text, at, bridge_days)
                compared += 1
    assert compared > 3000 and parsed > 100


def test_the_kinds_hours_without_capabilities_read_from_the_summed_table_are_the_grouped_ones(
        reference, tmp_path_factory):
    from orient.store.directory import StoreDirectory

    directory = sqlite_store(reference, tmp_path_factory)
    for kind in KINDS:
        fast = directory._rows(*directory._kind_hours_query(kind, 0))
        grouped = directory._rows(*StoreDirectory._kind_hours_query(directory, kind, 0))
        assert sorted(fast) == sorted(grouped), kind
    assert sum(len(directory._kind_hours(kind, 0)) for kind in KINDS) > 100


def test_tables_decoded_together_are_those_decoded_one_by_one_and_a_damaged_one_is_parsed():
    from orient.store.week import _decoded, decode_tables, weekly_table

    weeks = [weekly_table(t) for t in ("Mo-Fr 08:00-18:00", "24/7", "Sa 09:00-12:00; PH off", "Jul Mo 08:00-09:00")]
    weeks += [None, '[[-1,null],[0,true]]']  # no table; another format's
    assert decode_tables(weeks) == [_decoded(w) if w else None for w in weeks[:4]] + [None, None]
    assert decode_tables(weeks + ["[[-2,null],[0,tr"])[:4] == decode_tables(weeks)[:4]
    assert decode_tables(weeks + ["[[-2,null],[0,tr"])[-1] is None


def test_the_states_read_in_sql_are_the_tables_states_at_every_minute_of_the_week(reference, tmp_path_factory):
    """SQLite classifies the weekly tables in SQL (`week_change`); the same states as reading each
    table, at every change minute of every table and the minutes around them."""
    from orient.store.directory import StoreDirectory

    directory = sqlite_store(reference, tmp_path_factory)
    hours = directory._rows("SELECT id, text, week, 0, 0 FROM hours")
    minutes = {0, 10079}
    for _, _, table, _, _ in hours:
        if table:
            minutes.update(m + d for m, _ in json.loads(table)[1:] for d in (-1, 0, 1) if 0 <= m + d < 10080)
    checked = 0
    for minute in sorted(minutes)[::7]:
        directory._states_at.clear()  # the SQL reading every time (a process reads its first minutes so)
        assert directory._week_states(minute, hours) == StoreDirectory._week_states(directory, minute, hours), minute
        checked += 1
    assert checked > 50
    for minute in range(0, 10080, 997):  # past the first minutes, the tables decoded: the same states
        assert directory._week_states(minute, hours) == StoreDirectory._week_states(directory, minute, hours)
    assert len(directory._states_at) <= 4


@pytest.mark.parametrize("text", [
    '{"format": 1, "rules": [{"x": 1}]}',  # a mapping no object takes
    '{"format": 1, "rules": {"o": "model.Selector", "f": {"kind": {"y": 2}}}}',
    '{"format": 1, "rules": {"o": "model.Selector", "f": {"t": [1]}}}',  # "f" that is not attributes
    '{"format": 1, "rules": {"o": 5}}', '{"format": 1, "rules": {"t": 5}}', '{"format": 1, "rules": {"d": [[[1], 2]]}}',
    '{"format": 1}', "[1, 2]", '{"format": 1, "rules": {"o": "model.RuleSet", "f": {"rules": [], "definitions": '
    '{"d": [["a", {"o": "conditions.Ref", "f": {"name": "missing"}}]]}, "paths": []}}}',
])
def test_a_stored_rule_set_of_another_shape_is_refused_never_half_read(text):
    """The decoder builds objects as the JSON parser meets them: anything this format never writes
    (a stray mapping, attributes that are not a mapping, a reference to no definition) is refused."""
    with pytest.raises(CodecError):
        loads_rules(text)


def test_rules_with_an_empty_condition_go_through_json_and_back():
    """`when: {}` compiles to Always, an object without attributes (`"f": {}`): its store is read
    back, not refused and rebuilt from the YAML at every run."""
    from orient.engine.conditions import Always
    from orient.engine.model import RuleSet

    back = loads_rules(dumps_rules(RuleSet([], {"anything": Always()}, ["r.yaml"])))
    assert isinstance(back.definitions["anything"], Always)


def test_a_stored_record_missing_a_field_is_refused_not_filled_with_its_default():
    from orient.engine import load_rules
    from orient.paths import rules_dir

    text = dumps_rules(load_rules(rules_dir()))
    assert '"pdsa":' in text
    with pytest.raises(CodecError, match="missing attribute"):
        loads_rules(text.replace(',"pdsa":false}', "}", 1))
