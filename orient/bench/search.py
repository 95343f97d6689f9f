"""The commune-search benchmark: queries as typed at a counter, the naive baseline (rapidfuzz
WRatio over every name), and the per-query times of both. Uses only the gazetteer's public
interface (`names()`, `of_dept()`, indexing, `search`)."""

from __future__ import annotations

import random
import time
from typing import Optional, Sequence

from orient.bench.percentiles import percentile
from orient.directory import textnorm
from orient.directory.gazetteer import Commune, Gazetteer, default_gazetteer


def naive_search(names: Sequence[str], query: str):
    """The baseline: rapidfuzz WRatio over every name. Returns (name, score, index) or None."""
    from rapidfuzz import fuzz, process, utils

    return process.extractOne(query, names, scorer=fuzz.WRatio, processor=utils.default_process)


def naive_resolve(gazetteer: Gazetteer, names: Sequence[str], query: str) -> Optional[Commune]:
    """The baseline's best commune; `names` is `gazetteer.names()`, in the same order."""
    found = naive_search(names, query)
    return None if found is None else gazetteer[found[2]]


def _typo(word: str, rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    if len(word) < 4:
        return word
    p = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # deletion
        return word[:p] + word[p + 1 :]
    if kind == 1:  # transposition
        return word[:p] + word[p + 1] + word[p] + word[p + 2 :]
    if kind == 2:  # substitution
        return word[:p] + rng.choice(letters) + word[p + 1 :]
    return word[:p] + rng.choice(letters) + word[p:]  # insertion


def benchmark_queries(gazetteer: Optional[Gazetteer] = None, names: int = 60, seed: int = 5,
                      home_dept: str = "32") -> list[str]:
    """Queries as typed at a counter, deterministic: every keystroke prefix (from
    two letters) of real commune names — half from the home département, half
    from anywhere — in lower case without accents, plus one typo of each name."""
    g = gazetteer or default_gazetteer()
    rng = random.Random(seed)
    home = g.of_dept(home_dept)
    everywhere = g.names()
    chosen = [c.name for c in rng.sample(home, min(len(home), names // 2))]
    chosen += [everywhere[i] for i in rng.sample(range(len(everywhere)), names - names // 2)]
    queries: list[str] = []
    for name in chosen:
        typed = textnorm.fold(name)
        queries.extend(typed[:n] for n in range(2, len(typed) + 1))
        queries.append(_typo(typed, rng))
    return queries


def measure_search(
    queries: Optional[Sequence[str]] = None,
    gazetteer: Optional[Gazetteer] = None,
    naive: bool = True,
    home_dept: str = "32",
) -> dict:
    """Per-query time of `search` and of the naive baseline on the same queries:
    {"queries", "p50_ms", "p95_ms", "max_ms", "naive_p50_ms", "naive_p95_ms", "speedup_p95"}.
    One warm-up query per path is not counted (it builds the lazy indexes)."""
    g = gazetteer or default_gazetteer()
    qs = list(queries) if queries is not None else benchmark_queries(g, home_dept=home_dept)
    clock = time.perf_counter
    g.search("warm up", home_dept=home_dept)
    g.search("wram", home_dept=home_dept)
    fast = []
    for q in qs:
        t = clock()
        g.search(q, home_dept=home_dept)
        fast.append((clock() - t) * 1000.0)
    out = {
        "queries": len(qs),
        "p50_ms": round(percentile(fast, 0.50), 3),
        "p95_ms": round(percentile(fast, 0.95), 3),
        "max_ms": round(max(fast, default=0.0), 3),
    }
    if naive:
        names = g.names()
        naive_search(names, "warm up")
        slow = []
        for q in qs:
            t = clock()
            naive_search(names, q)
            slow.append((clock() - t) * 1000.0)
        out["naive_p50_ms"] = round(percentile(slow, 0.50), 3)
        out["naive_p95_ms"] = round(percentile(slow, 0.95), 3)
        out["speedup_p95"] = round(out["naive_p95_ms"] / out["p95_ms"], 1) if out["p95_ms"] else None
    return out


if __name__ == "__main__":  # python -m orient.bench.search: the figures
    import json

    print(json.dumps(measure_search(), indent=2))
