"""`orient bench`: speed at national scale, measured in one run on the same data (issue 5).

    result = run_bench(services=100_000, seed=0)   # a dict, the shape of `orient bench --json`

Steps, in order (about 1.5 minutes on 2 cores for 100,000 services):

1. a synthetic national directory in a temporary folder (orient.bench.synth),
   loaded through the real loader, which also fills a temporary load cache;
2. commune search per keystroke, fast and naive, on the same queries;
3. in a separate process (its memory is the one reported), the directory read
   back from the cache and `orient()` over varied situations, then the naive
   full scan (geopy geodesic) on a sample of them;
4. `python -m orient ask` as a whole process, embedded data, cache warm (and
   cold, and on the national directory, for comparison);
5. the counter UI in a pseudo-terminal until its first question is drawn.

Nothing touches the user's cache or journal: everything goes to a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

from orient import paths
from orient.bench import measure, synth
from orient.bench.store import STORE_TARGETS, add_store_measures, store_targets_met
from orient.cache import load_knowledge_parts
from orient.directory.gazetteer import default_gazetteer
from orient.orientation import Knowledge

# (key in the result, limit, unit): a figure meets its target when at most the limit.
TARGETS = {
    "commune_search_p95_ms": 5.0,
    "commune_search_speedup": 10.0,  # at least
    "orientation_p95_ms": 10.0,
    "ask_process_median_ms": 300.0,
    "tui_first_screen_median_ms": 1000.0,
    "peak_rss_mb": 200.0,
}


WARMUP = 20  # orientations run before the timed ones (the first is reported apart)


def run_bench(services: int = 100_000, seed: int = 0, *, situations: int = 600, naive_sample: int = 5,
              search_names: int = 60, ask_runs: int = 10, tui_runs: int = 3,
              progress: Optional[Callable[[str], None]] = None, workdir: Optional[Path] = None,
              database: Optional[str] = None) -> dict:
    say = progress or (lambda message: None)
    started = time.perf_counter()
    own = workdir is None
    root = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="orient-bench-"))
    cache = root / "cache"
    env = {
        "ORIENT_CACHE_DIR": str(cache),
        "ORIENT_CACHE": "on",
        "ORIENT_JOURNAL": "off",
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "ORIENT_KEYMAP": str(root / "no-keymap.toml"),
        "ORIENT_HANDOUT_DIR": str(root / "fiches"),
        "ORIENT_DATABASE_URL": "",  # the local store; a server is measured by `desks` only
        # As installed (pip compiles the bytecode): a PYTHONDONTWRITEBYTECODE of the caller's
        # shell would make every `orient ask` compile orient's sources again.
        "PYTHONDONTWRITEBYTECODE": "",
    }
    saved = {k: os.environ.get(k) for k in ("ORIENT_CACHE_DIR", "ORIENT_CACHE")}
    os.environ["ORIENT_CACHE_DIR"] = str(cache)
    os.environ["ORIENT_CACHE"] = "on"
    try:
        result: dict = {"machine": measure.machine(), "seed": seed}

        say(f"génération de {services:,} services synthétiques…".replace(",", " "))
        t = time.perf_counter()
        data = synth.generate(root / "directory", services, seed)
        generated = time.perf_counter() - t
        say("chargement par le vrai chargeur YAML (et mise en cache)…")
        t = time.perf_counter()
        _, directory = load_knowledge_parts(paths.rules_dir(), data.folder, default_gazetteer())
        load_yaml_s = time.perf_counter() - t
        total_services = len(directory)
        del directory

        say("recherche de communes, rapide puis naïve…")
        search = measure.commune_search(seed=5 + seed, names=search_names)
        result["commune_search"] = {
            "queries": search["queries"], "p50_ms": search["p50_ms"], "p95_ms": search["p95_ms"],
            "max_ms": search["max_ms"], "naive_p50_ms": search["naive_p50_ms"],
            "naive_p95_ms": search["naive_p95_ms"], "speedup_p95": search["speedup_p95"],
        }

        say(f"orientations sur {total_services:,} services (processus séparé)…".replace(",", " "))
        specs = root / "situations.json"
        specs.write_text(json.dumps(measure.situation_specs(Knowledge.load(), situations + WARMUP, seed)),
                         encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "orient.bench.worker", str(data.folder), str(specs),
             "--naive", str(naive_sample)],
            capture_output=True, text=True, env=measure._env(env), timeout=900)
        if done.returncode != 0:
            raise RuntimeError(f"le processus d'orientation a échoué : {done.stderr.strip()[-1500:]}")
        worker = json.loads(done.stdout)
        result["orientation"] = {
            "services": worker["services"],
            "synthetic_services": services,
            "situations": worker["situations"],
            "p50_ms": worker["p50_ms"], "p95_ms": worker["p95_ms"], "max_ms": worker["max_ms"],
            "first_ms": worker["first_ms"],
            "naive_p50_ms": worker.get("naive_p50_ms"), "naive_p95_ms": worker.get("naive_p95_ms"),
            "naive_sample": worker.get("naive_sample"), "naive_same_services": worker.get("naive_same_services"),
            "kinds": data.kinds, "hours_strings": data.hours_strings,
            "rota_sectors": data.sectors, "rota_duties": data.duties,
            "generate_s": round(generated, 1), "load_yaml_s": round(load_yaml_s, 1),
            "load_cached_ms": worker["load_ms"], "cache": worker["cache"],
        }
        result["peak_rss_mb"] = worker["peak_rss_mb"]

        say("orient ask, processus complet…")
        result["ask_process"] = measure.ask_process(ask_runs, env=env)
        result["ask_process"]["command"] = f"{Path(sys.executable).name} -m orient " + " ".join(measure.ASK_ARGS)
        result["ask_process"]["cold_median_ms"] = measure.ask_process(
            min(3, ask_runs), env=dict(env, ORIENT_CACHE="off"), warmup=0)["median_ms"]
        result["ask_process"]["national_median_ms"] = measure.ask_process(
            min(3, ask_runs), ("--directory", str(data.folder)), env=env, warmup=0)["median_ms"]

        say("interface : premier écran…")
        if tui_runs <= 0:
            result["tui_first_screen"] = {"median_ms": None, "runs": 0}
        else:
            try:
                result["tui_first_screen"] = measure.tui_first_screen(
                    tui_runs, env=dict(env, ORIENT_AT="2026-11-28T14:00"))
            except (ImportError, OSError) as exc:  # no pty here
                result["tui_first_screen"] = {"median_ms": None, "runs": 0, "error": str(exc)}

        add_store_measures(result, env, data.folder, database=database, say=say)
        result["targets"] = {**TARGETS, **STORE_TARGETS}
        result["met"] = {**targets_met(result), **store_targets_met(result)}
        result["elapsed_s"] = round(time.perf_counter() - started, 1)
        return result
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if own:
            shutil.rmtree(root, ignore_errors=True)


def targets_met(result: dict) -> dict:
    search = result.get("commune_search", {})
    speedup = search.get("speedup_p95")

    def at_most(value, limit):
        return None if value is None else value <= limit

    return {
        "commune_search_p95_ms": at_most(search.get("p95_ms"), TARGETS["commune_search_p95_ms"]),
        "commune_search_speedup": None if speedup is None else speedup >= TARGETS["commune_search_speedup"],
        "orientation_p95_ms": at_most(result.get("orientation", {}).get("p95_ms"), TARGETS["orientation_p95_ms"]),
        "ask_process_median_ms": at_most(result.get("ask_process", {}).get("median_ms"),
                                         TARGETS["ask_process_median_ms"]),
        "tui_first_screen_median_ms": at_most(result.get("tui_first_screen", {}).get("median_ms"),
                                              TARGETS["tui_first_screen_median_ms"]),
        "peak_rss_mb": at_most(result.get("peak_rss_mb"), TARGETS["peak_rss_mb"]),
    }
