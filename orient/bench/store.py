"""`orient bench` measures of the store (issue 12).

- `interpreter_ms`: the median start of `python -c "import sqlite3, json"`, the floor
  an `orient ask` process is compared with;
- `peak_rss_mb`: the peak memory of one `orient ask` process (national directory);
- `desks`: N desk processes orienting (a duty pharmacy at night, which reads the rota)
  while a coordinator reloads the rota K times; per orientation p95, how long after a
  reload's commit every desk saw the new rota, and how many journal rows were lost.
  On PostgreSQL (`ORIENT_DATABASE_URL` or `--database`) when given, else on SQLite
  (each orientation opens the store file, as an `orient ask` process does; a reload
  is the atomic rename of a new file).

    python -m orient.bench.worker desk ARGS.json      # one desk process (prints JSON)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

DESK_MOMENT = "2026-11-25T02:00"  # a night: the duty pharmacy is what the rules ask for
DESK_COMMUNE = "32013"  # Auch
DESK_FACTS = {"red_flag": "none", "need": "medication", "has_prescription": "yes", "can_travel": "yes"}


def interpreter_ms(runs: int = 10) -> float:
    """Median wall time of `python -c "import sqlite3, json"` by this interpreter."""
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sqlite3, json"], check=True)
        times.append((time.perf_counter() - t) * 1000.0)
    return round(statistics.median(times[1:]), 1)


def peak_rss_mb(command: list[str], env: dict) -> float:
    """Peak resident memory of one run of `command` (its own process, measured by a parent)."""
    probe = ("import resource, subprocess, sys\n"
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env,
                          timeout=600, check=True)
    return round(int(done.stdout.strip()) / 1024.0, 1)  # Linux: kilobytes


# --- desks --------------------------------------------------------------------------------


def rota_variants(gazetteer) -> tuple[object, list]:
    """The embedded directory plus two synthetic pharmacies (bench only, never written to the
    repository) and, for each, a rota putting it on duty in Auch around DESK_MOMENT."""
    from orient import paths
    from orient.directory.catalog import Directory
    from orient.directory.rota import Duty, Sector

    base = Directory.load(paths.directory_dir(), gazetteer)
    auch = gazetteer.get(DESK_COMMUNE)
    template = next(s for s in base.services if s.commune == DESK_COMMUNE)
    pharmacies = [template._replace(id=f"bench-pharmacie-{n}", name=f"Pharmacie synthétique {n}",
                                    kind="pharmacie", lat=auch.lat, lon=auch.lon, capabilities=frozenset(),
                                    opening_hours=None, note="synthétique (orient bench)")
                  for n in ("a", "b")]
    start = datetime(2026, 11, 20, tzinfo=timezone.utc)
    variants = []
    for pharmacy in pharmacies:
        duty = Duty(pharmacy.id, start, start + timedelta(days=20), "bench", 1)
        sector = Sector("bench-auch", "Secteur d'Auch (bench)", frozenset({DESK_COMMUNE}), (duty,), ("bench",),
                        "bench", 1)
        variants.append(Directory([*base.services, *pharmacies], [sector], gazetteer, f"bench-{pharmacy.id}"))
    return base, variants


def desk_main(args: dict) -> dict:
    """One desk: M orientations as fast as it can, each timed; the duty pharmacy it saw, when."""
    from orient.directory.gazetteer import default_gazetteer
    from orient.orientation import Knowledge, orient
    from orient.periods import parse_moment
    from orient.store.codec import loads_rules

    gazetteer = default_gazetteer()
    commune = gazetteer.get(DESK_COMMUNE)
    at = parse_moment(DESK_MOMENT)
    seen, times, journal_errors = [], [], 0
    url = args.get("url")
    if url:
        from orient.journal import anonymous_row
        from orient.store.journal import ServerJournal
        from orient.store.postgres import PostgresStore

        store = PostgresStore.connect(url, max_size=1)
        knowledge = Knowledge(loads_rules(store.rules_json()), store.directory(gazetteer), gazetteer)
        journal = ServerJournal(url, Path(args["outbox"]), desk=args["name"])
    else:
        from orient.journal import Journal
        from orient.store.sqlite import SqliteStore

        journal = Journal.open(args["journal"])
    rules = None
    while time.time() < args["until"]:
        time.sleep(args["pause_s"])
        t = time.perf_counter()
        if not url:  # as an `orient ask` process: open the store file, read the rules
            opened = SqliteStore.open(Path(args["store"]))
            rules = rules or opened.rules()
            knowledge = Knowledge(rules, opened.directory(gazetteer), gazetteer)
        answer = orient(knowledge, DESK_FACTS, at, commune)
        done = time.time()
        times.append((time.perf_counter() - t) * 1000.0)
        duty = [r.service_id for r in answer.recommendations if r.kind == "pharmacie_garde"]
        seen.append((done, duty[0] if duty else None))
        if url:
            journal.keep(anonymous_row(answer, DESK_FACTS))
            if journal.flush() is None:
                journal_errors += 1
        else:
            journal.record(answer, DESK_FACTS)
            opened.close()
    if url:
        store.close()
        journal.flush()
    else:
        journal.close()
    return {"times": times, "seen": seen, "journal_errors": journal_errors}


def desks(count: int = 4, reloads: int = 4, url: Optional[str] = None, *, pause_s: float = 0.02,
          start_s: float = 4.0, between_s: float = 1.0) -> dict:
    """N desk processes orienting (one every `pause_s` plus its own time) while the rota is
    reloaded `reloads` times, `between_s` apart, after `start_s` (see the module docstring)."""
    from orient.directory.gazetteer import default_gazetteer
    from orient.engine import load_rules
    from orient import paths
    from orient.store.codec import dumps_rules

    gazetteer = default_gazetteer()
    _, variants = rota_variants(gazetteer)
    rules = dumps_rules(load_rules(paths.rules_dir()))
    root = Path(tempfile.mkdtemp(prefix="orient-desks-"))
    try:
        if url:
            from orient.store.postgres import PostgresStore

            coordinator = PostgresStore.connect(url)
            coordinator.migrate()
            with coordinator.pool.connection() as conn:
                journal_before = conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0]

            def load(n: int) -> None:
                coordinator.load(rules, variants[n % 2], key=f"bench-{n}")
        else:
            from orient.store.sqlite import build

            store_file = root / "store.sqlite"

            def load(n: int) -> None:
                build(store_file, f"bench-{n}", rules, variants[n % 2])
        load(0)
        until = time.time() + start_s + reloads * between_s + between_s
        common = {"until": until, "pause_s": pause_s, "url": url, "store": str(root / "store.sqlite"),
                  "journal": str(root / "journal.sqlite3")}
        procs = []
        for n in range(count):
            spec = dict(common, name=f"desk-{n}", outbox=str(root / f"outbox-{n}.sqlite3"))
            procs.append(subprocess.Popen([sys.executable, "-m", "orient.bench.worker", "desk", json.dumps(spec)],
                                          stdout=subprocess.PIPE, text=True))
        commits = []
        time.sleep(start_s)
        for n in range(1, reloads + 1):
            load(n)
            commits.append((time.time(), variants[n % 2].services[-2 + n % 2].id))
            time.sleep(between_s)
        results = [json.loads(p.communicate(timeout=900)[0]) for p in procs]
        if any(p.returncode for p in procs):
            raise RuntimeError("un poste du banc a échoué")
        if url:
            with coordinator.pool.connection() as conn:
                stored = conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0] - journal_before
            coordinator.close()
        else:
            from orient.journal import Journal

            with Journal.open(root / "journal.sqlite3") as journal:
                stored = journal.count()
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
    times = sorted(t for r in results for t in r["times"])
    visible = []
    for committed, pharmacy in commits:
        for r in results:
            after = [when for when, seen in r["seen"] if when >= committed and seen == pharmacy]
            if after:
                visible.append((after[0] - committed) * 1000.0)
    never_none = all(seen is not None for r in results for _, seen in r["seen"])
    done = sum(len(r["times"]) for r in results)
    return {
        "store": "postgresql" if url else "sqlite",
        "desks": count, "orientations": done, "rota_reloads": len(commits),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "rota_visible_after_ms": round(max(visible), 1) if visible else None,
        "always_a_duty_pharmacy": never_none,
        "journal_rows_lost": done - stored,
    }


# --- the hook in `orient bench` -----------------------------------------------------------

# Issue 12's targets, next to issue 5's (orient.bench.TARGETS).
STORE_TARGETS = {
    "ask_process_vs_interpreter": 4.0,  # median_ms / interpreter_ms, at most (goal 3)
    "national_vs_gers_ask": 1.3,  # national_median_ms / median_ms, at most
    "national_peak_rss_mb": 80.0,
    "orientation_first_ms": 20.0,
    "desks_journal_rows_lost": 0,
}


def add_store_measures(result: dict, env: dict, national_folder: Path, *, database: Optional[str] = None,
                       desk_count: int = 4, say=lambda message: None) -> None:
    """Add the store's keys to an `orient bench` result (after its `ask_process` step)."""
    from orient.bench.measure import ASK_ARGS, _env

    ask = result["ask_process"]
    say("démarrage nu de l'interpréteur (import sqlite3, json)…")
    ask["interpreter_ms"] = interpreter_ms()
    say("mémoire d'orient ask sur l'annuaire national…")
    ask["national_peak_rss_mb"] = peak_rss_mb(
        [sys.executable, "-m", "orient", *ASK_ARGS, "--directory", str(national_folder)], _env(env))
    url = database if database and database.startswith(("postgresql:", "postgres:")) else None
    note = None
    if url:
        from orient.store.postgres import PostgresStore
        from orient.store.sqlite import StoreError

        try:
            PostgresStore.connect(url).close()
        except StoreError as exc:
            note, url = f"{exc} : mesuré sur SQLite", None
    say(f"{desk_count} postes pendant des rechargements du tour de garde ({'PostgreSQL' if url else 'SQLite'})…")
    result["desks"] = desks(desk_count, url=url)
    if note:
        result["desks"]["note"] = note
    ask_ms, base = ask.get("median_ms"), ask.get("interpreter_ms")
    national = ask.get("national_median_ms")
    result["store_ratios"] = {
        "ask_process_vs_interpreter": round(ask_ms / base, 2) if ask_ms and base else None,
        "national_vs_gers_ask": round(national / ask_ms, 2) if national and ask_ms else None,
    }


def store_targets_met(result: dict) -> dict:
    ratios = result.get("store_ratios", {})

    def at_most(value, limit):
        return None if value is None else value <= limit

    return {
        "ask_process_vs_interpreter": at_most(ratios.get("ask_process_vs_interpreter"),
                                              STORE_TARGETS["ask_process_vs_interpreter"]),
        "national_vs_gers_ask": at_most(ratios.get("national_vs_gers_ask"), STORE_TARGETS["national_vs_gers_ask"]),
        "national_peak_rss_mb": at_most(result.get("ask_process", {}).get("national_peak_rss_mb"),
                                        STORE_TARGETS["national_peak_rss_mb"]),
        "orientation_first_ms": at_most(result.get("orientation", {}).get("first_ms"),
                                        STORE_TARGETS["orientation_first_ms"]),
        "desks_journal_rows_lost": at_most(result.get("desks", {}).get("journal_rows_lost"),
                                           STORE_TARGETS["desks_journal_rows_lost"]),
    }
