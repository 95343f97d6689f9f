"""Normalised keys for place names, shared by the gazetteer build and its search.

A key is lower-case ASCII words separated by single spaces: accents and
ligatures folded (œ → oe), punctuation and hyphens turned into spaces, and the
abbreviations people type at a counter expanded ("st" → "saint"). The compact
key (no spaces) makes "vic fezensac", "vic-fezensac" and "vicfezensac" equal.

The shipped gazetteer stores keys made by this module; bump KEY_VERSION when
the keys it makes change, so a stale file is re-keyed at load.
"""

import bisect
import re
import unicodedata
from typing import Callable, NamedTuple, Sequence

KEY_VERSION = "1"

# Characters NFKD does not decompose into ASCII.
_LIGATURES = str.maketrans(
    {
        "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i", "ﬁ": "fi", "ﬂ": "fl",
    }
)
_SLASH_SUR = re.compile(r"\bs\s*/\s*", re.IGNORECASE)  # "Castelnau s/ Auvignon"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# A pasted address ends with its country: ", France", or "32700 France" after a postcode...
_COUNTRY = re.compile(r"(?:,|(?<=\d{5}))\s*france\s*$", re.IGNORECASE)
# ... and holds the town after its postcode: "12 rue Gambetta 32000 Auch".
_POSTCODE_ON = re.compile(r"\b\d{5}\b[^,]*")

# Abbreviations expanded when they stand as a word.
_EXPANSIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "mt": "mont",
}

# Articles that may open a commune name (INSEE TNCC), as key words.
ARTICLES = ("le", "la", "les", "l", "aux", "las", "los")
_ARTICLE_SET = frozenset(ARTICLES)


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; no expansion."""
    text = text.translate(_LIGATURES)
    text = _SLASH_SUR.sub(" sur ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", text).strip()


def key_words(text: str) -> list[str]:
    """The words of the normalised key of `text`, abbreviations expanded."""
    words = fold(text).split()
    out = []
    last = len(words) - 1
    for i, w in enumerate(words):
        expanded = _EXPANSIONS.get(w)
        if expanded is None and w == "s" and i < last and not words[i + 1].isdigit():
            expanded = "saint"  # "s clar"
        out.append(expanded or w)
    return out


def key(text: str) -> str:
    """The normalised key: "L'Isle-Jourdain" → "l isle jourdain", "St-Clar" → "saint clar"."""
    return " ".join(key_words(text))


def compact(k: str) -> str:
    """A key without spaces: "l isle jourdain" → "lislejourdain"."""
    return k.replace(" ", "")


def without_article(words: list[str]) -> list[str] | None:
    """The words without a leading article, or None when there is none to drop."""
    if len(words) > 1 and words[0] in _ARTICLE_SET:
        return words[1:]
    return None


def name_keys(name: str) -> list[str]:
    """Every key a commune name is found under: with and without its article,
    and without a trailing parenthesis ("Bors (Canton de Charente-Sud)" → "bors")."""
    keys: list[str] = []

    def add(text: str) -> None:
        words = key_words(text)
        if not words:
            return
        for variant in (words, without_article(words)):
            if variant:
                k = " ".join(variant)
                if k not in keys:
                    keys.append(k)

    add(name)
    if "(" in name:
        add(name.split("(", 1)[0])
    return keys


def prefix_range(keys: Sequence[str], prefix: str, lo: int = 0) -> tuple[int, int]:
    """The slice of sorted `keys` that start with `prefix` (keys are [a-z0-9])."""
    lo = bisect.bisect_left(keys, prefix, lo)
    return lo, bisect.bisect_left(keys, prefix + "\x7f", lo)


def address_parts(text: str) -> list[str]:
    """What to search for, in order: the text without a trailing country, then, for a pasted
    address ("12 rue Gambetta, 32000 Auch, France"), a few of its parts — those between commas
    from the last (the town) on, then the text from each postcode on."""
    text = _COUNTRY.sub("", text)
    parts = text.split(",")[::-1][:3] if "," in text else []
    tried = [text]
    for part in parts + _POSTCODE_ON.findall(text)[:2]:  # a few: a search stays fast
        if part.strip() and part not in tried:
            tried.append(part)
    return tried


# A point pasted from a map or a phone: two decimal numbers ("43.6465, 0.5855", "43,6465 0,5855", in a
# "geo:" address or a map link's "@43.6465,0.5855"), or degrees, minutes, seconds with N/S and E/W (O, ouest).
_DECIMAL_PAIR = re.compile(r"(?<![\w.,-])([-+]?\d{1,2}[.,]\d{2,})(?:\s*[,;/]\s*|\s+)([-+]?\d{1,3}[.,]\d{2,})(?![\d.])")
# A map link's marker (OpenStreetMap `mlat=…&mlon=…`, Google `!3d…!4d…`) before its view's centre (`#map=`, `@`).
_MARKER = re.compile(r"(?:\bmlat=|!3d)([-+]?\d{1,2}\.\d+)(?:&mlon=|!4d)([-+]?\d{1,3}\.\d+)")
_DMS = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*°\s*(?:(\d{1,2}(?:[.,]\d+)?)\s*['′’]\s*)?"
                  r"(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:[\"″”]|'')\s*)?([NSEWO])\b", re.IGNORECASE)


def parse_point(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a point pasted as a place, or None when `text` holds none."""
    found = _MARKER.search(text) or _DECIMAL_PAIR.search(text)
    if found is not None:
        lat, lon = (float(value.replace(",", ".")) for value in found.groups())
    else:
        parts = {}
        for degrees, minutes, seconds, side in _DMS.findall(text):
            if any(float(v.replace(",", ".") or 0) >= 60 for v in (minutes, seconds)):
                return None  # "43°99'N": a typo, never a point 40 minutes away
            value = sum(float(v.replace(",", ".") or 0) / 60 ** i for i, v in enumerate((degrees, minutes, seconds)))
            axis, sign = {"N": ("lat", 1), "S": ("lat", -1), "E": ("lon", 1)}.get(side.upper(), ("lon", -1))
            parts.setdefault(axis, sign * value)
        if len(parts) != 2:
            return None
        lat, lon = parts["lat"], parts["lon"]
    return (lat, lon) if abs(lat) <= 90 and abs(lon) <= 180 else None


class Query(NamedTuple):
    """A place as typed at the counter, in its parts."""

    words: list[str]  # name words
    postcodes: list[str]  # 5-digit tokens
    codes: list[str]  # INSEE-looking tokens ("32013", "2A004")
    depts: list[str]  # département hints ("31", "2A", "971")
    digits: str | None  # a lone partial postcode ("328")


def parse_query(text: str, is_dept: Callable[[str], bool]) -> Query:
    """The key words of `text`, sorted into name words, postcodes, codes and département hints
    (those short numbers `is_dept` knows: "plaisance 31")."""
    words = key_words(text)
    q = Query([], [], [], [], None)
    digits = None
    for w in words:
        if len(w) == 5 and w.isdigit():
            q.postcodes.append(w)
            q.codes.append(w)
        elif len(w) == 5 and w[:2] in ("2a", "2b") and w[2:].isdigit():
            q.codes.append(w.upper())
        elif (w.isdigit() or w in ("2a", "2b")) and len(w) <= 3 and is_dept(w.upper()):
            q.depts.append(w.upper())
        elif w.isdigit() and len(words) == 1 and len(w) < 5:
            digits = w
        else:
            q.words.append(w)
    return q._replace(digits=digits)


def typed_depts(text: str, is_dept: Callable[[str], bool]) -> frozenset[str]:
    """The départements named by the numbers typed with a place's name — "saint-martin 971",
    "eauze 40000" (a postcode's first digits; 20: Corsica; three for overseas) — empty for a
    name alone, a code or a postcode alone, or a point. `Gazetteer.resolve` takes no commune
    outside them (H86)."""
    if parse_point(text) is not None:
        return frozenset()
    q = parse_query(text, is_dept)
    if not q.words:
        return frozenset()
    depts = set(q.depts)
    for pc in q.postcodes:
        depts.update(("2A", "2B") if pc.startswith("20") else (pc[:3] if pc.startswith("97") else pc[:2],))
    return frozenset(depts)
