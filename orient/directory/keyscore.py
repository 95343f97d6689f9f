"""How well a key typed at the counter matches a key of the communes index: 0–100.

An exact key scores EXACT; a truncated one by how much of the key was typed
(prefix_score); a typo by its edit similarity (score_typos, with rapidfuzz).
The commune search (orient.directory.gazetteer) ranks communes on these scores.
"""

from __future__ import annotations

from typing import Callable

EXACT = 100.0
PREFIX_BASE = 70.0  # a prefix scores PREFIX_BASE + PREFIX_SPAN × (typed share of the key)
PREFIX_SPAN = 25.0
FUZZY_CUTOFF = 60.0  # below this similarity, a typo is no match at all


def prefix_score(typed: int, key: int) -> float:
    """The score of a key of `key` characters whose first `typed` were typed."""
    return PREFIX_BASE + PREFIX_SPAN * typed / key


def score_typos(v: str, pool: list[str], put: Callable[[str, float, bool], None], heads: bool) -> float:
    """Calls put(key, score, True) for each key of `pool` close to `v` despite a typo; with `heads`,
    also for keys whose beginning is close (a name not finished, with a typo). The best score."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    best = 0.0
    # Typos: edit similarity (a substitution or a transposition counts once).
    for k, sim, _ in process.extract(
        v, pool, scorer=OSA.normalized_similarity, score_cutoff=FUZZY_CUTOFF / 100.0, limit=40
    ):
        best = max(best, 100.0 * sim)
        put(k, 100.0 * sim, True)
    lv = len(v)
    if not heads or lv < 4:
        return best
    # A name not finished, with a typo: compare with the keys' beginnings —
    # as long as the query (substitution, transposition) or one letter
    # longer (a letter left out) — scored as a prefix times that similarity.
    for size, scorer, cutoff in ((lv, OSA.normalized_similarity, 0.8), (lv + 1, fuzz.ratio, 80.0)):
        cut = [k[:size] for k in pool]
        for _, sim, j in process.extract(v, cut, scorer=scorer, score_cutoff=cutoff, limit=40):
            k = pool[j]
            if len(k) > size:
                sim = sim * 100.0 if scorer is not fuzz.ratio else sim
                s = sim * prefix_score(lv, len(k)) / 100.0
                best = max(best, s)
                put(k, s, True)
    return best
