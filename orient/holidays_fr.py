"""French public holidays (jours fériés), computed: no table, no package to import.

Article L3133-1 of the Code du travail lists them: le 1er janvier, le lundi de
Pâques, le 1er mai, le 8 mai, l'Ascension, le lundi de Pentecôte, le 14 juillet,
l'Assomption, la Toussaint, le 11 novembre, le jour de Noël. Easter Sunday is the
Gregorian computus (Meeus/Jones/Butcher); Ascension is Easter + 39 days, Easter
and Pentecost Mondays Easter + 1 and + 50.

From 2005 to 2007 the lundi de Pentecôte was, by default, the journée de
solidarité worked without pay (loi n° 2004-626 du 30 juin 2004), until the loi
n° 2008-351 du 16 avril 2008 let each employer choose the day: those three years
it is not counted, as the `holidays` package does (the tests compare the two over
2000–2100). Metropolitan France only: the Alsace-Moselle days (Vendredi saint,
26 décembre) and overseas abolition days are not included. Names are those of the
`holidays` package in French; two holidays on one day are joined with "; ".
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

FIXED = ((1, 1, "Jour de l'an"), (5, 1, "Fête du Travail"), (5, 8, "Fête de la Victoire"),
         (7, 14, "Fête nationale"), (8, 15, "Assomption"), (11, 1, "Toussaint"), (11, 11, "Armistice"),
         (12, 25, "Noël"))
# After Easter Sunday, in days.
MOVABLE = ((1, "Lundi de Pâques"), (39, "Ascension"), (50, "Lundi de Pentecôte"))
SOLIDARITY_YEARS = range(2005, 2008)  # lundi de Pentecôte worked by default (loi 2004-626)


def easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 — the algorithm's name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """{date: French name} of the public holidays of `year` (L3133-1 Code du travail)."""
    names: dict[date, list[str]] = {}
    for month, day, name in FIXED:
        names.setdefault(date(year, month, day), []).append(name)
    sunday = easter(year)
    for offset, name in MOVABLE:
        if name == "Lundi de Pentecôte" and year in SOLIDARITY_YEARS:
            continue
        names.setdefault(sunday + timedelta(days=offset), []).append(name)
    return {d: "; ".join(sorted(found)) for d, found in sorted(names.items())}
