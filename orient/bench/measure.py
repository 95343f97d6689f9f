"""The measurements of `orient bench`, each usable alone.

Times are wall-clock (`time.perf_counter`), in milliseconds, one value per
query; percentiles are linear interpolations between the sorted values.
"""

from __future__ import annotations

import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Sequence

from orient import cache
from orient.bench.percentiles import percentile
from orient.bench.search import benchmark_queries, measure_search
from orient.bench.synth import moments
from orient.directory.catalog import Directory
from orient.directory.gazetteer import default_gazetteer
from orient.directory.hours import hours_status
from orient.directory.model import HoursStatus, Placed, Service
from orient.directory.ranking import status_class
from orient.orientation import Knowledge, orient

# The question the counter UI asks first: its appearance means the first screen is drawn.
TUI_MARKER = "Où est le patient"
ASK_ARGS = ("ask", "--commune", "Auch", "--at", "2026-11-28T14:00", "--fact", "red_flag=none",
            "--fact", "need=medication", "--json", "--no-journal")


def summary(values: Sequence[float]) -> dict:
    return {
        "p50_ms": round(percentile(values, 0.50), 3),
        "p95_ms": round(percentile(values, 0.95), 3),
        "max_ms": round(max(values, default=0.0), 3),
    }


def peak_rss_mb() -> float:
    """The peak resident memory of this process, in MiB.

    Linux: VmHWM of /proc/self/status, the high-water mark of this program's own
    memory. `getrusage().ru_maxrss` would do elsewhere, but on Linux it survives
    `exec` and so counts the parent that spawned the process."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    import resource  # here: only where /proc is missing (not Linux)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


# --- commune search -----------------------------------------------------------------------


def commune_search(seed: int = 5, names: int = 60) -> dict:
    """Per keystroke: every prefix of real names and a typo of each, fast and naive."""
    g = default_gazetteer()
    queries = benchmark_queries(g, names=names, seed=seed)
    out = measure_search(queries, g)
    out["names"] = names
    return out


# --- orientation --------------------------------------------------------------------------


def situations(knowledge, count: int, seed: int) -> list[tuple[dict, datetime, object]]:
    """Varied situations: the facts of the rules' examples × moments over a year × communes
    (a third in the Gers, the rest drawn by population over France)."""
    rng = random.Random(seed)
    facts = [dict(e.facts) for rule in knowledge.rules for e in rule.examples]
    facts.append({})  # nothing known yet: the first screen's answer
    communes = list(knowledge.gazetteer)
    gers = [c for c in communes if c.dept == "32"]
    weights = [max(1, c.population) for c in communes]
    national = rng.choices(communes, weights=weights, k=count)
    when = moments(rng, count)
    out = []
    for i in range(count):
        commune = rng.choice(gers) if i % 3 == 0 else national[i]
        out.append((facts[i % len(facts)], when[i], commune))
    rng.shuffle(out)
    return out


def situation_specs(knowledge, count: int, seed: int) -> list[dict]:
    """`situations` as JSON: facts, moment (ISO 8601) and commune code."""
    return [{"facts": facts, "at": at.isoformat(), "commune": commune.code}
            for facts, at, commune in situations(knowledge, count, seed)]


def from_specs(knowledge, specs: Iterable[Mapping]) -> list[tuple[dict, datetime, object]]:
    return [(dict(s["facts"]), datetime.fromisoformat(s["at"]), knowledge.gazetteer.get(s["commune"]))
            for s in specs]


def time_orientations(knowledge, cases: Iterable[tuple[Mapping, datetime, object]]) -> tuple[list[float], list]:
    clock = time.perf_counter
    times, answers = [], []
    for facts, at, commune in cases:
        t = clock()
        answer = orient(knowledge, facts, at, commune)
        times.append((clock() - t) * 1000.0)
        answers.append(answer)
    return times, answers


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from geopy.distance import geodesic  # here: the worker's peak memory is read before the naive scan

    return geodesic((lat1, lon1), (lat2, lon2)).km


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from geopy.distance import great_circle  # here: as geodesic_km

    return great_circle((lat1, lon1), (lat2, lon2)).km


def naive_select(services: Iterable[Service], status_of: Callable[[Optional[str]], HoursStatus], *,
                 kind: str, near: Optional[tuple[float, float]], capabilities: frozenset[str], limit: int,
                 max_km: Optional[float], distance: Callable[[float, float, float, float], float]) -> list[Placed]:
    """The reference: every service, exact distances, one sort. For tests and benchmarks."""
    rows = []
    for order, s in enumerate(x for x in services if x.kind == kind):
        if not capabilities <= s.capabilities:
            continue
        st = status_of(s.opening_hours)
        d = distance(near[0], near[1], s.lat, s.lon) if near is not None and s.located else None
        if d is not None and max_km is not None and d > max_km:
            continue
        rows.append((status_class(st), d is None, d if d is not None else 0.0, order, s, st))
    rows.sort(key=lambda r: r[:4])
    return [Placed(s, round(d, 1) if not none else None, st) for _, none, d, _, s, st in rows[:limit]]


def naive_knowledge(knowledge, distance: Callable[[float, float, float, float], float] = geodesic_km):
    """The same knowledge, its directory ranking every service of the kind by a full scan."""
    class NaiveDirectory(Directory):
        def select(self, kind, *, near, at, capabilities=(), limit=3, max_km=None, bridge_days=True):
            return naive_select(self.services, lambda hours: hours_status(hours, at, bridge_days=bridge_days),
                                kind=kind, near=near, capabilities=frozenset(capabilities), limit=limit,
                                max_km=max_km, distance=distance)

    base = knowledge.directory
    directory = NaiveDirectory(base.services, base.rota.sectors, base.gazetteer, base.fingerprint, base.area)
    return knowledge._replace(directory=directory)


def service_ids(answer) -> list:
    return [(r.kind, r.service_id) for r in answer.recommendations]


def orientation(knowledge, cases: Sequence[tuple[Mapping, datetime, object]], warmup: int = 20,
                naive_sample: int = 8, rss: Optional[Callable[[], float]] = None) -> dict:
    """`orient()` over the cases (after `warmup` of them, untimed); then the naive scan
    on a few that rank places."""
    # The first orientation of the process that ranks places by distance (the first cases
    # may be vital signs, which read no service): it reads the kind's hours and the store's
    # first pages, timed apart, as a counter pays it once a day.
    first_ms, done = None, 0
    for case in cases[:warmup]:
        first, answer = time_orientations(knowledge, [case])
        done += 1
        if any(r.distance_km is not None for r in answer[0].recommendations):
            first_ms = round(first[0], 1)
            break
    time_orientations(knowledge, cases[done:warmup])
    cases = cases[max(done, warmup):]
    times, answers = time_orientations(knowledge, cases)
    out = {"situations": len(times), **summary(times), "first_ms": first_ms}
    if rss is not None:
        out["peak_rss_mb"] = rss()
    if naive_sample:
        placed = [i for i, a in enumerate(answers) if any(r.distance_km is not None for r in a.recommendations)]
        step = max(1, len(placed) // naive_sample)
        sample = placed[::step][:naive_sample]
        slow = naive_knowledge(knowledge)
        naive_times, naive_answers = time_orientations(slow, [cases[i] for i in sample])
        same = sum(service_ids(answers[i]) == service_ids(b) for i, b in zip(sample, naive_answers))
        out.update({
            "naive_p50_ms": round(percentile(naive_times, 0.5), 1),
            "naive_p95_ms": round(percentile(naive_times, 0.95), 1),
            "naive_sample": len(naive_times),
            "naive_same_services": same,
            "fast_p95_on_sample_ms": round(percentile([times[i] for i in sample], 0.95), 3),
        })
    return out


# --- whole processes ----------------------------------------------------------------------


def _env(extra: Mapping[str, str]) -> dict:
    env = dict(os.environ)
    env["ORIENT_JOURNAL"] = "off"
    env.update(extra)
    return env


def ask_process(runs: int = 10, extra_args: Sequence[str] = (), env: Optional[Mapping[str, str]] = None,
                warmup: int = 1) -> dict:
    """`python -m orient ask …` as a whole process, wall time from spawn to exit."""
    command = [sys.executable, "-m", "orient", *ASK_ARGS, *extra_args]
    environ = _env(env or {})
    times = []
    for i in range(warmup + runs):
        t = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=environ, timeout=300)
        elapsed = (time.perf_counter() - t) * 1000.0
        if done.returncode != 0:
            raise RuntimeError(f"orient ask a échoué ({done.returncode}) : {done.stderr.strip()[:500]}")
        if i >= warmup:
            times.append(elapsed)
    return {"median_ms": round(statistics.median(times), 1), "min_ms": round(min(times), 1), "runs": len(times)}


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[()][0-9A-Za-z]|[=>78cMDEH])")


def screen_text(raw: bytes) -> str:
    """What a terminal stream says, without its escape sequences."""
    return _ANSI.sub("", raw.decode("utf-8", "replace"))


def tui_first_screen(runs: int = 3, env: Optional[Mapping[str, str]] = None, marker: str = TUI_MARKER,
                     timeout: float = 30.0, size: tuple[int, int] = (30, 100)) -> dict:
    """`python -m orient` in a pseudo-terminal: time from spawn until the first screen's
    question is drawn; then Ctrl+Q. Linux and macOS only (pty)."""
    import fcntl  # here and below: Unix only (a pseudo-terminal)
    import select
    import struct
    import termios

    environ = _env(env or {})
    environ.setdefault("TERM", "xterm-256color")
    environ["LINES"], environ["COLUMNS"] = str(size[0]), str(size[1])
    times: list[float] = []
    failures = []
    for _ in range(runs):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "orient"], stdin=slave, stdout=slave, stderr=slave,
                                env=environ, close_fds=True, start_new_session=True)
        os.close(slave)
        seen = b""
        found = None
        deadline = t + timeout
        try:
            while time.perf_counter() < deadline:
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    seen += chunk
                    if marker in screen_text(seen[-200_000:]):
                        found = (time.perf_counter() - t) * 1000.0
                        break
                elif proc.poll() is not None:
                    break
            if found is not None:
                times.append(found)
            else:
                failures.append(screen_text(seen)[-300:])
            try:
                os.write(master, b"\x11")  # Ctrl+Q
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        finally:
            os.close(master)
    out = {"median_ms": round(statistics.median(times), 1) if times else None, "runs": len(times)}
    if times:
        out["min_ms"] = round(min(times), 1)
    if failures:
        out["failed"] = len(failures)
        out["last_screen"] = failures[-1]
    return out


def worker(directory: Path, specs: Sequence[Mapping], naive_sample: int) -> dict:
    """In a fresh process: load the knowledge (from the cache when built) and orient."""
    t = time.perf_counter()
    knowledge = Knowledge.load(None, directory)
    load_ms = (time.perf_counter() - t) * 1000.0
    out = orientation(knowledge, from_specs(knowledge, specs), naive_sample=naive_sample, rss=peak_rss_mb)
    out["services"] = len(knowledge.directory)
    out["load_ms"] = round(load_ms, 1)
    out["cache"] = cache.last_status
    return out
