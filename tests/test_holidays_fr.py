"""Public holidays computed from L3133-1 and Easter (orient.holidays_fr) are those of the
`holidays` package, names included, every day of 2000–2100; `orient ask` never imports it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import holidays

from orient.holidays_fr import easter, public_holidays
from orient.periods import is_bridge_day, public_holiday


def test_every_public_holiday_of_2000_to_2100_is_the_holidays_package_s():
    for year in range(2000, 2101):
        expected = dict(holidays.country_holidays("FR", years=year, language="fr").items())
        assert public_holidays(year) == expected, year


def test_easter_on_known_dates():
    # Dates printed in the almanacs (and the extremes of the Gregorian computus).
    assert [easter(y) for y in (2000, 2008, 2011, 2024, 2026, 2038)] == [
        date(2000, 4, 23), date(2008, 3, 23), date(2011, 4, 24), date(2024, 3, 31), date(2026, 4, 5),
        date(2038, 4, 25)]


def test_the_periods_use_them_and_the_extremes_do_not_crash():
    assert public_holiday(date(2026, 5, 14)) == "Ascension"
    assert public_holiday(date(2026, 5, 15)) is None and is_bridge_day(date(2026, 5, 15))
    assert public_holiday(date(2006, 6, 5)) is None  # journée de solidarité (loi 2004-626)
    assert public_holiday(date.min) == "Jour de l'an" and public_holiday(date.max) is None
    assert is_bridge_day(date.max) is False and is_bridge_day(date.min) is False


def test_orient_ask_does_not_import_the_holidays_package():
    code = ("import sys, io, contextlib\n"
            "from orient.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['ask', '--at', '2026-05-15T10:00', '--fact', 'red_flag=none', '--fact', 'need=consult',"
            " '--commune', 'Auch', '--json', '--no-journal'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'holidays'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, ORIENT_JOURNAL="off"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
