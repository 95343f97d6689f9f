"""The communes of France: load the shipped file, search as people type.

The file (`orient/data/communes.tsv`, built by `scripts/build_gazetteer.py`)
carries every current commune and a ready index of normalised keys
(orient.directory.textnorm), so loading is a few splits;
a commune's line is split when first used. Search, per keystroke:

- exact: the compact key ("lislejourdain") found by bisect in the sorted keys,
  which hold each name with and without its article ("islejourdain"), the names
  of communes déléguées and arrondissements, and a name without its département
  ("barcelonne" for Barcelonne-du-Gers, in the Gers only);
- prefix: the slice of the sorted keys the query starts (sampled when large:
  the home département's keys, the larger communes', the first ones);
- typos: rapidfuzz only on a short pool — the keys sharing the query's first
  two letters and the home département's — and on every key only when that
  pool finds nothing close;
- codes: postcodes and INSEE codes (also those of communes déléguées) by bisect.

Scores are 0–100: 100 for an exact name, code or postcode; a truncated name
scores by how much of it was typed; a typo by its edit similarity
(orient.directory.keyscore). The order
knows where the counter is: a département or postcode typed with the name
("plaisance 31") comes before all; then exact names and prefixes in the home
département (32 unless told) and its neighbours ("vic" is Vic-Fezensac, "lect"
Lectoure, not Lect in the Jura) — with the exact names of large cities
("paris"); then the other exact names; then the rest. Within each group the
home département first, then by distance from the home area and population.
Neighbours: orient.directory.homearea. A point pasted from a map: the nearest commune.
"""

from __future__ import annotations

import bisect
import math
from pathlib import Path
from typing import Iterator, NamedTuple, Sequence

from orient.directory import textnorm
from orient.directory.geo import PointGrid
from orient.directory.communes import (  # noqa: F401 (Commune, CommuneMatch: the gazetteer's public types)
    ALIAS, COL_DEPT, COL_KEYS, COL_LAT, COL_LON, COL_NAME, COL_POP, COL_POSTCODES, LOCAL, OWN, Commune, CommuneMatch,
    code_of_line, commune_of_row, default_path, key_rows, read_communes_file, text,
)
from orient.directory.homearea import NEIGHBOUR_KM, HomeArea  # noqa: F401 (NEIGHBOUR_KM: documented here)
from orient.directory.keyscore import (  # noqa: F401 (PREFIX_BASE, PREFIX_SPAN, FUZZY_CUTOFF: the search's scale)
    EXACT, FUZZY_CUTOFF, PREFIX_BASE, PREFIX_SPAN, prefix_score, score_typos,
)

MAX_QUERY_CHARS = 200
POINT_KM = 10.0  # a point farther from every commune's centre is out at sea or abroad: no commune

CODE_SCORE = 99.5  # an INSEE code: exact, but after a postcode written the same
RESOLVE_MIN = 80.0  # resolve(): the best text score must reach this...
RESOLVE_MARGIN = 2.0  # ...and, unless exact, beat the next commune by this much
HOME_BONUS = 8.0
NEIGHBOUR_BONUS = 4.0  # a commune of a neighbouring département (after the home one)
DISTANCE_PENALTY_MAX = 4.0  # taken from the rank at DISTANCE_SCALE_KM from the home area, and beyond
DISTANCE_SCALE_KM = 800.0
LARGE_CITY = 100_000  # a city this large is meant when its full name is typed, however far
ALIAS_PENALTY = 3.0  # a commune déléguée's name, when not typed in full
HINT_BONUS = 20.0
POP_BONUS_MAX = 2.0
LARGE_RANGE = 100  # prefix ranges above this are sampled (home, hinted, larger communes)
FUZZY_POOL = 1500  # typos are looked for among about this many keys (plus the home département's)

_NEAR, _FAR_EXACT, _OTHER = 0, 1, 2
_DEPT_LINKS = ("du", "de", "des", "d", "en", "dans", "l", "le", "la", "les")


class _Ranked(NamedTuple):
    in_hint: bool  # in the département or postcode typed with the name
    group: int  # _NEAR (home area, or a large city named in full), _FAR_EXACT, _OTHER
    exact: bool  # an exact name, code or postcode
    rank: float  # text score + bonuses
    shown: float  # the score returned, 0..100
    text: float  # text score alone
    row: int
    home: bool  # in the home département
    order: float  # rank less the distance from the home area: the order within a group


class Gazetteer:
    """Every current commune of France, searchable as people type.

    Holds the file's lines as bytes: a commune's line is decoded and split when first used, an
    index line when first needed, so that loading costs a split."""

    def __init__(self, lines: list[bytes], index: dict[str, bytes], source: str = "") -> None:
        self._lines = lines  # sorted by INSEE code
        self._raw_index = index  # name → "\t"-joined values, decoded and split on first use
        self._index: dict[str, list[str]] = {}
        self._source = source
        self._rows: list[list[str] | None] = [None] * len(lines)
        self._objects: list[Commune | None] = [None] * len(lines)
        self._by_key: dict[str, list[tuple[int, int]]] = {}
        self._dept_keys: dict[str, list[str]] = {}
        self._dept_by_name: dict[str, str] | None = None
        self._areas: dict[str, HomeArea] = {}
        self._neighbours: dict[str, set[str]] | None = None
        self._points: PointGrid | None = None

    # --- loading ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        """Load a gazetteer file (default: the shipped one); ValueError if not one, or of another normaliser."""
        path = Path(path) if path is not None else default_path()
        rows, index = read_communes_file(path)
        return cls(rows, index, str(path))

    def _column(self, name: str) -> list[str]:
        values = self._index.get(name)
        if values is None:
            raw = self._raw_index[name]
            values = self._index[name] = text(raw).split("\t") if raw else []
        return values

    def _row(self, i: int) -> list[str]:
        row = self._rows[i]
        if row is None:
            row = self._rows[i] = text(self._lines[i]).split("\t")
        return row

    # --- access ----------------------------------------------------------------------

    def _commune(self, i: int) -> Commune:
        obj = self._objects[i]
        if obj is None:
            obj = self._objects[i] = commune_of_row(self._row(i))
        return obj

    def _row_of_code(self, code: str) -> int | None:
        if len(code) != 5 or not code.isascii():  # codes are ASCII: anything else is no commune
            return None
        raw = code.encode("utf-8")
        j = bisect.bisect_left(self._lines, raw, key=code_of_line)
        if j < len(self._lines) and self._lines[j].startswith(raw + b"\t"):
            return j
        codes = self._column("alias_code")
        j = bisect.bisect_left(codes, code)
        if j < len(codes) and codes[j] == code:
            return int(self._column("alias_row")[j])
        return None

    def get(self, code: str) -> Commune | None:
        """The commune with this INSEE code — or the one a commune déléguée,
        associée or municipal arrondissement with this code belongs to."""
        if not isinstance(code, str):
            return None
        i = self._row_of_code(code.strip().upper())
        return None if i is None else self._commune(i)

    def __iter__(self) -> Iterator[Commune]:
        return (self._commune(i) for i in range(len(self._lines)))

    def __getitem__(self, i: int) -> Commune:
        """The i-th commune, in INSEE code order (the order of iteration and of `names()`)."""
        return self._commune(range(len(self._lines))[i])

    def names(self) -> list[str]:
        """Every commune's name, in INSEE code order, without building the communes."""
        return [text(line.split(b"\t", 2)[COL_NAME]) for line in self._lines]

    def of_dept(self, dept: str) -> list[Commune]:
        """The communes of a département, in INSEE code order."""
        return [self._commune(i) for i in self._dept_rows(dept)]

    def __len__(self) -> int:
        return len(self._lines)

    def __repr__(self) -> str:
        return f"<Gazetteer {len(self)} communes from {self._source or 'memory'}>"

    def _dept_rows(self, dept: str) -> range:
        """The rows of a département: a block, since INSEE codes start with it."""
        raw = dept.encode("utf-8", "surrogateescape")  # an odd text finds no line, never raises
        lo = bisect.bisect_left(self._lines, raw, key=code_of_line)
        hi = bisect.bisect_left(self._lines, raw + b"\x7f", lo, key=code_of_line)
        return range(lo, hi)

    def _known_dept(self, dept: str) -> bool:
        rows = self._dept_rows(dept)
        return bool(rows) and self._row(rows[0])[COL_DEPT] == dept

    # --- search ----------------------------------------------------------------------

    def search(self, query: str, limit: int = 10, home_dept: str = "32") -> list[CommuneMatch]:
        """Best matches for a place as typed: a name (any case, accents or not, with or
        without its article, "st" for saint, typos, truncated), a postcode or an
        INSEE code, possibly with a département or postcode ("plaisance 31")."""
        return [CommuneMatch(self._commune(r.row), r.shown) for r in self._ranked(query, limit, home_dept)[:limit]]

    def resolve(self, query: str, home_dept: str = "32") -> Commune | None:
        """The commune meant, when the match is confident; else None. Confident: in the département
        typed with the name if any (`textnorm.typed_depts`), an exact name, code or postcode (homonyms:
        the home département, then the largest), or a close guess (text score ≥ RESOLVE_MIN) clearly
        ahead of the next commune."""
        ranked = self._ranked(query, 2, home_dept)
        depts = textnorm.typed_depts(query[:MAX_QUERY_CHARS], self._known_dept) if isinstance(query, str) else ()
        if not ranked or (depts and not ranked[0].in_hint and self._row(ranked[0].row)[COL_DEPT] not in depts):
            return None  # nothing, or "saint-martin 971": the département typed is not the commune's
        best = ranked[0]
        if best.exact:
            return self._commune(best.row)
        if best.text < RESOLVE_MIN:
            return None
        if len(ranked) > 1 and ranked[1].rank > best.rank - RESOLVE_MARGIN:
            return None  # two communes fit about as well: ask
        return self._commune(best.row)

    def _ranked(self, query: str, limit: int, home_dept: str | None) -> list["_Ranked"]:
        """The candidates of the first part of a pasted address that has some (`textnorm.address_parts`)."""
        if isinstance(query, str) and (point := textnorm.parse_point(query[:MAX_QUERY_CHARS])) is not None:
            return [_Ranked(False, _NEAR, True, EXACT, EXACT, EXACT, row, False, EXACT) for row in self._nearest(*point)]
        parts = textnorm.address_parts(query[:MAX_QUERY_CHARS]) if isinstance(query, str) else [query]
        return next(filter(None, (self._ranked_text(part, limit, home_dept) for part in parts)), [])

    def _nearest(self, lat: float, lon: float) -> list[int]:
        if self._points is None:  # built the first time a point is pasted, from the coordinates only
            parts = (line.split(b"\t", COL_LON + 1) for line in self._lines)
            self._points = PointGrid((float(p[COL_LAT]), float(p[COL_LON]), i) for i, p in enumerate(parts))
        found = self._points.nearest(lat, lon, max_rings=1)
        return [found[1]] if found is not None and found[0] <= POINT_KM else []

    def _ranked_text(self, query: str, limit: int, home_dept: str | None) -> list["_Ranked"]:
        """Candidates, best first, in the groups of the module's docstring (exact before guesses
        within each); then by text score plus bonuses — population (up to POP_BONUS_MAX), home
        département, neighbour or hint — less the distance from the home area (up to
        DISTANCE_PENALTY_MAX, which leaves resolve()'s confidence alone). The score shown is that
        sum, at most 100, 99.9 for a guess; a postcode before the commune whose INSEE code is the same."""
        if not isinstance(query, str) or not isinstance(limit, int) or limit <= 0:
            return []
        home = (home_dept or "32").strip().upper()
        q = textnorm.parse_query(query[:MAX_QUERY_CHARS], self._known_dept)
        text: dict[int, float] = {}
        typos: set[int] = set()
        if q.words:
            self._match_name(q, text, typos, limit, home)
        else:
            for pc in q.postcodes:
                for i in self._rows_of_postcode(pc):
                    text[i] = EXACT
            for code in q.codes:
                i = self._row_of_code(code)
                if i is not None and i not in text:
                    text[i] = CODE_SCORE  # a postcode that is also a code comes first
            if q.digits:
                self._match_partial_postcode(q.digits, text)
            elif not text and q.depts and not q.postcodes:  # "32": the département's communes
                self._match_partial_postcode(q.depts[0], text)
        hinted = bool(q.depts or (q.words and q.postcodes))
        area = self._home_area(home)
        ranked = []
        for i, score in text.items():
            row = self._row(i)
            population = int(row[COL_POP])
            bonus = POP_BONUS_MAX * min(1.0, math.log10(1 + population) / 6.0)
            exact = score >= CODE_SCORE
            in_hint = False
            dept = row[COL_DEPT]
            near = dept == home or self._is_neighbour(dept, home)
            if hinted:
                in_hint = dept in q.depts or any(p in row[COL_POSTCODES] for p in q.postcodes)
                bonus += HINT_BONUS if in_hint else 0.0
            elif dept == home:
                bonus += HOME_BONUS
            elif near:
                bonus += NEIGHBOUR_BONUS
            rank = score + bonus
            order = rank  # the distance orders the list; resolve()'s confidence stays on the rank
            if area is not None and dept != home:
                away = area.distance_km(float(row[COL_LAT]), float(row[COL_LON]))
                order -= DISTANCE_PENALTY_MAX * min(1.0, away / DISTANCE_SCALE_KM)
            if not q.words:
                group = _NEAR  # codes and postcodes: exact is exact, wherever
            elif (near and i not in typos) or (exact and population >= LARGE_CITY):
                group = _NEAR
            else:
                group = _FAR_EXACT if exact else _OTHER
            shown = EXACT if exact else round(min(EXACT - 0.1, rank), 1)
            ranked.append(_Ranked(in_hint, group, exact, rank, shown, score, i, dept == home, order))
        lines = self._lines
        ranked.sort(key=lambda r: (
            not r.in_hint, r.group, -r.text if r.exact else -CODE_SCORE, r.group == _NEAR and not r.home, -r.order,
            lines[r.row][:5],
        ))
        return ranked

    def _rows_of_postcode(self, pc: str) -> list[int]:
        postcodes = self._column("postcode")
        j = bisect.bisect_left(postcodes, pc)
        if j < len(postcodes) and postcodes[j] == pc:
            return [int(i) for i in self._column("postcode_rows")[j].split(",")]
        return []

    def _match_partial_postcode(self, digits: str, text: dict[int, float]) -> None:
        lo, hi = textnorm.prefix_range(self._column("postcode"), digits)
        score = 40.0 + 8.0 * len(digits)
        rows = self._column("postcode_rows")
        for j in range(lo, hi):
            for i in rows[j].split(","):
                text.setdefault(int(i), score)

    def _rows_of_key(self, k: str) -> list[tuple[int, int]]:
        """[(row, OWN | ALIAS | LOCAL)] for a key of the index."""
        rows = self._by_key.get(k)
        if rows is None:
            keys = self._column("key")
            j = bisect.bisect_left(keys, k)
            rows = key_rows(self._column("key_rows")[j]) if j < len(keys) and keys[j] == k else []
            self._by_key[k] = rows
        return rows

    def _match_name(self, q: textnorm.Query, text: dict[int, float], typos: set[int], limit: int, home: str) -> None:
        def put(k: str, score: float, typo: bool = False) -> None:
            for i, how in self._rows_of_key(k):
                if how == LOCAL and self._row(i)[COL_DEPT] not in (q.depts or [home]):
                    continue  # "barcelonne" is Barcelonne-du-Gers in the Gers only
                s = score
                if how != OWN and s < EXACT:
                    s -= ALIAS_PENALTY
                if text.get(i, -1.0) < s:
                    text[i] = s
                    if typo:
                        typos.add(i)
                    else:
                        typos.discard(i)

        found_exact = self._match_words(q.words, q.depts or [home], put, limit, fuzzy=False)
        if not found_exact:
            # "montreal du gers", "mauvezin hautes pyrenees": a département named after the commune.
            split = self._split_dept_name(q.words)
            if split:
                words, dept = split
                q.depts.append(dept)
                if self._match_words(words, q.depts, put, limit, fuzzy=False):
                    return
            self._match_words(q.words, q.depts or [home], put, limit, fuzzy=True)

    def _match_words(self, words: list[str], depts: Sequence[str], put, limit: int, fuzzy: bool) -> bool:
        """Exact and prefix matches of the words (with and without a leading
        article); with `fuzzy`, typos too when those are too few. True if exact."""
        variants = ["".join(words)]
        bare = textnorm.without_article(words)
        if bare:
            variants.append("".join(bare))
        found_exact = False
        for v in variants:
            if self._rows_of_key(v):
                put(v, EXACT)
                found_exact = True
        prefixed = 0
        for v in variants:
            lv = len(v)
            for k in self._prefix_keys(v, depts):
                if k != v:
                    put(k, prefix_score(lv, len(k)))
                    prefixed += 1
        # Typos, when the name typed is neither a name nor the start of enough of them.
        if fuzzy and not found_exact and prefixed < limit and len(variants[0]) >= 3:
            self._match_fuzzy(variants[0], depts, put)
        return found_exact

    def _split_dept_name(self, words: list[str]) -> tuple[list[str], str] | None:
        """(the words before, the département) when the words end with a
        département's name ("montreal du gers" → (["montreal"], "32"))."""
        if len(words) < 2:
            return None
        if self._dept_by_name is None:
            self._dept_by_name = dict(zip(self._column("dept_name"), self._column("dept_code")))
        for n in range(min(4, len(words) - 1), 0, -1):
            dept = self._dept_by_name.get(" ".join(words[-n:]))
            if dept is not None:
                rest = words[:-n]
                while len(rest) > 1 and rest[-1] in _DEPT_LINKS:
                    rest = rest[:-1]
                return rest, dept
        return None

    def _prefix_keys(self, v: str, depts: Sequence[str]) -> list[str]:
        keys = self._column("key")
        lo, hi = textnorm.prefix_range(keys, v)
        if hi - lo <= LARGE_RANGE:
            return keys[lo:hi]
        # A short prefix ("sa"): the home (or hinted) département's keys, the
        # larger communes', and the first keys of the range.
        out = keys[lo : lo + 20]
        for sub, most in [(self._keys_of_dept(d), LARGE_RANGE) for d in depts] + [(self._column("major"), 50)]:
            a, b = textnorm.prefix_range(sub, v)
            out.extend(sub[a : min(b, a + most)])
        return out

    def _match_fuzzy(self, v: str, depts: Sequence[str], put) -> None:
        keys = self._column("key")
        # Keys sharing the first two letters — more when that is too many ("saint…").
        p = 2
        lo, hi = textnorm.prefix_range(keys, v[:p])
        while hi - lo > FUZZY_POOL and p < len(v) - 2:
            p += 1
            lo, hi = textnorm.prefix_range(keys, v[:p], lo)
        pool = keys[lo:hi]
        for d in depts:
            pool = pool + self._keys_of_dept(d)
        if score_typos(v, pool, put, heads=True) < 75.0:
            # A typo in the first letters, far from home: the whole list.
            score_typos(v, keys, put, heads=False)

    # --- lazily built indexes --------------------------------------------------------

    def _home_area(self, home: str) -> "HomeArea | None":
        """The home département's communes on a grid (None for an unknown département)."""
        area = self._areas.get(home)
        if area is None and home not in self._areas:
            parts = (self._lines[i].split(b"\t", COL_LON + 1) for i in self._dept_rows(home))  # coordinates only
            points = [(float(p[COL_LAT]), float(p[COL_LON])) for p in parts]
            area = self._areas[home] = HomeArea(points) if points and self._known_dept(home) else None
        return area

    def neighbours(self, home_dept: str = "32") -> list[str]:
        """The départements next to the home one (NEIGHBOUR_KM between communes), sorted."""
        home = home_dept.strip().upper()
        return sorted(d for d in set(self._column("dept_code")) if d != home and self._is_neighbour(d, home))

    def _is_neighbour(self, dept: str, home: str) -> bool:
        """True when one of the département's communes lies within NEIGHBOUR_KM of one of the
        home département's: read from the file's `dept_neighbours` column."""
        if self._neighbours is None:
            lists = (set(value.split()) for value in self._column("dept_neighbours"))
            self._neighbours = dict(zip(self._column("dept_code"), lists))
        return dept in self._neighbours.get(home, ())

    def _keys_of_dept(self, dept: str) -> list[str]:
        keys = self._dept_keys.get(dept)
        if keys is None:
            found: set[str] = set()
            for i in self._dept_rows(dept):
                found.update(self._row(i)[COL_KEYS].split("|"))
            keys = self._dept_keys[dept] = sorted(found)
        return keys


_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Gazetteer.load()
    return _DEFAULT
