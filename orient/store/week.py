"""Opening hours as a weekly table, computed when the store is built: the first orientation
of a process then classifies a kind's hundreds of hours strings (open, unknown, closed)
without parsing them.

Only plain weekly strings get a table: weekdays, times, `24/7`, `off`, `unknown` and public
holidays (`PH`) — no months, dates, weeks, years or comments, checked by their characters
(a year is digits alone: no run of three digits is allowed).
The table is the states over a reference week without a public holiday, and must be the
same over two other such weeks of the year, else there is none. It is read only on an
ordinary day (`reader_at`): not a public holiday, not the day after one (a `PH 22:00-02:00`
runs past midnight), not a bridge day with the setting — by the Code du travail's calendar
and by the parser's, which differ in a few years (the Pentecost Monday of 2005–2007, none
after 2076). Everywhere else, and for every other string, `orient.directory.hours` parses
as before. The tests compare the two on thousands of queries (`tests/test_store.py`).
"""

from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from typing import Optional

_PLAIN = re.compile(r"^(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|off|closed|open|unknown|24/7|[0-9:,;+\- ])+$")
# A year ("2026 Mo-Fr 08:00-18:00", "…; 2027 off", "2026+ …") is written with digits alone: a run
# of three digits or more is never a time (at most two), and the reference weeks are all in 2026.
_YEAR = re.compile(r"[0-9]{3}")
REFERENCE_MONDAYS = (date(2026, 1, 12), date(2026, 6, 15), date(2026, 10, 19))  # ordinary weeks
# A table starts with the mark [-TABLE_FORMAT, null]. A shared server holds the tables of the
# orient that loaded it, maybe another version with other rules for which strings get one: a
# table without this orient's mark is not read (the string is parsed). Readers before the
# mark skip it (no minute of the week is negative).
TABLE_FORMAT = 2


def _table(hours, monday: date) -> Optional[list[tuple[int, Optional[bool]]]]:
    from opening_hours import State

    start = datetime(monday.year, monday.month, monday.day)
    end = start + timedelta(days=7)
    out: list[tuple[int, Optional[bool]]] = []
    moment = start
    while moment < end:
        raw = hours.state(moment)[0]
        state = True if raw == State.OPEN else False if raw == State.CLOSED else None
        if not out or out[-1][1] is not state:
            out.append((int((moment - start).total_seconds() // 60), state))
        following = hours.next_change(moment)
        if following is None or following <= moment:
            break
        moment = following
    return out


def weekly_table(text: Optional[str]) -> Optional[str]:
    """The JSON weekly table of a plain weekly hours string, else None."""
    if text is None or not _PLAIN.match(text) or _YEAR.search(text):
        return None
    from orient.directory.hours import HoursError, parse_hours

    try:
        hours = parse_hours(text)
        tables = [_table(hours, monday) for monday in REFERENCE_MONDAYS]
    except (HoursError, ValueError, OverflowError):
        return None
    if any(t != tables[0] for t in tables[1:]) or not tables[0]:
        return None
    return json.dumps([[-TABLE_FORMAT, None], *tables[0]], separators=(",", ":"))


class WeekReader:
    """`is_open(week_json)` at one moment (Paris wall clock), the tables decoded once."""

    def __init__(self, local: datetime):
        self.minute = local.weekday() * 1440 + local.hour * 60 + local.minute

    def is_open(self, week: str) -> Optional[bool]:
        minutes, states = _decoded(week)
        return states[bisect.bisect_right(minutes, self.minute) - 1]


def own_table(week: Optional[str]) -> bool:
    """Whether `week` is a weekly table of this orient's format (see TABLE_FORMAT)."""
    return bool(week) and _decoded(week) is not None


@lru_cache(maxsize=8192)
def _decoded(week: str) -> Optional[tuple[list[int], list[Optional[bool]]]]:
    """A weekly table as (the minutes its states start at, the states), decoded once per process;
    None for a table of another format."""
    table = json.loads(week)
    if not table or table[0] != [-TABLE_FORMAT, None]:
        return None
    return [m for m, _ in table], [state for _, state in table]


def reader_at(local: datetime, bridge_days: bool) -> Optional[WeekReader]:
    """The weekly tables' reader at this Paris wall-clock moment, or None when the day is not
    an ordinary one (see the module docstring): then the strings are parsed."""
    from orient.periods import is_bridge_day, public_holiday

    day = local.date()
    days = (day, day - timedelta(days=1))
    if any(public_holiday(d) is not None or _parser_holiday(d) for d in days):
        return None
    if bridge_days and is_bridge_day(day):
        return None
    return WeekReader(local)


def _parser_holiday(day: date) -> bool:
    """A public holiday by the opening-hours parser's own calendar (the one `PH` follows)."""
    from opening_hours import State

    from orient.directory.hours import parse_hours

    return parse_hours("PH 00:00-24:00").state(datetime.combine(day, time(12)))[0] == State.OPEN
