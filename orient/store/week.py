"""Opening hours as a weekly table, computed when the store is built: the first orientation
of a process then classifies a kind's hundreds of hours strings (open, unknown, closed)
without parsing them.

Only plain weekly strings get a table: weekdays, times, `24/7`, `off`, `unknown` — no
public holidays (`PH`), months, dates, weeks, years or comments, checked by their
characters. The table is the states over a reference week, and must be the same over
two other weeks of the year, else there is none. It is used only on a day that is
neither a public holiday nor (with the setting) a bridge day; everywhere else, and for
every other string, `orient.directory.hours` parses as before. The tests compare the
two on thousands of queries (`tests/test_store.py`).
"""

from __future__ import annotations

import bisect
import json
import re
from datetime import date, datetime, timedelta
from typing import Optional

_PLAIN = re.compile(r"^(?:Mo|Tu|We|Th|Fr|Sa|Su|off|closed|open|unknown|24/7|[0-9:,;+\- ])+$")
REFERENCE_MONDAYS = (date(2026, 1, 12), date(2026, 6, 15), date(2026, 10, 19))  # ordinary weeks


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
    if text is None or not _PLAIN.match(text):
        return None
    from orient.directory.hours import HoursError, parse_hours

    try:
        hours = parse_hours(text)
        tables = [_table(hours, monday) for monday in REFERENCE_MONDAYS]
    except (HoursError, ValueError, OverflowError):
        return None
    if any(t != tables[0] for t in tables[1:]) or not tables[0]:
        return None
    return json.dumps(tables[0], separators=(",", ":"))


class WeekReader:
    """`is_open(week_json)` at one moment (Paris wall clock), the tables decoded once."""

    def __init__(self, local: datetime):
        self.minute = local.weekday() * 1440 + local.hour * 60 + local.minute
        self._cache: dict[str, Optional[bool]] = {}

    def is_open(self, week: str) -> Optional[bool]:
        if week not in self._cache:
            table = json.loads(week)
            i = bisect.bisect_right([m for m, _ in table], self.minute) - 1
            self._cache[week] = table[i][1]
        return self._cache[week]
