"""Open now: OSM opening_hours at a Paris moment, with French labels."""

from datetime import datetime, timezone

import pytest

from orient.directory.hours import PARIS, hours_error, hours_status, parse_hours

OFFICE = "Mo-Fr 08:00-12:30,14:00-18:00; PH off"
PDSA_3966 = "Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00"
NIGHT_BAR = "Mo-Su 22:00-02:00"


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    "moment, is_open, label",
    [
        ("2026-11-23T10:00", True, "ouvert, ferme à 12h30"),  # Monday morning
        ("2026-11-23T13:00", False, "fermé, ouvre à 14h"),  # lunch break
        ("2026-11-23T16:00", True, "ouvert, ferme à 18h"),
        ("2026-11-23T19:00", False, "fermé, ouvre demain à 8h"),  # Monday evening
        ("2026-11-27T19:00", False, "fermé, ouvre lundi à 8h"),  # Friday evening
        ("2026-11-28T10:00", False, "fermé, ouvre lundi à 8h"),  # Saturday
        ("2026-11-24T07:59", False, "fermé, ouvre à 8h"),
        ("2026-11-24T08:00", True, "ouvert, ferme à 12h30"),
    ],
)
def test_an_office_shows_when_it_closes_or_opens_in_french(moment, is_open, label):
    status = hours_status(OFFICE, paris(moment))
    assert (status.open, status.label) == (is_open, label)


def test_christmas_on_a_friday_is_closed_when_public_holidays_are_off():
    status = hours_status(OFFICE, paris("2026-12-25T10:00"))
    assert status.open is False
    assert status.label == "fermé, ouvre lundi à 8h"


def test_bastille_day_is_a_public_holiday_and_the_office_is_closed():
    status = hours_status(OFFICE, paris("2026-07-14T10:00"))  # a Tuesday
    assert status.open is False
    assert status.label == "fermé, ouvre demain à 8h"


def test_the_day_before_christmas_is_an_ordinary_open_day():
    assert hours_status(OFFICE, paris("2026-12-24T10:00")).open is True


def test_the_parser_needs_the_country_to_know_french_public_holidays():
    # The pitfall facts.md warns about: without country="FR", PH is ignored.
    from opening_hours import OpeningHours

    christmas_morning = datetime(2026, 12, 25, 10, 0)
    assert OpeningHours(OFFICE).is_open(christmas_morning)
    assert not parse_hours(OFFICE).is_open(christmas_morning)


@pytest.mark.parametrize(
    "moment, is_open, label",
    [
        ("2026-11-23T10:00", False, "fermé, ouvre à 20h"),  # weekday, GP hours
        ("2026-11-23T21:00", True, "ouvert, ferme à minuit"),
        ("2026-11-24T01:00", False, "fermé, ouvre à 20h"),  # after midnight: the 15
        ("2026-11-28T09:00", False, "fermé, ouvre à 12h"),  # Saturday morning
        ("2026-11-28T13:00", True, "ouvert, ferme à minuit"),  # Saturday afternoon
        ("2026-11-29T03:00", False, "fermé, ouvre à 8h"),  # Sunday night
        ("2026-11-29T10:00", True, "ouvert, ferme à minuit"),  # Sunday
        ("2026-12-25T10:00", True, "ouvert, ferme à minuit"),  # Christmas, a Friday
        ("2026-07-14T15:00", True, "ouvert, ferme à minuit"),  # 14 juillet, a Tuesday
        ("2026-05-14T09:00", True, "ouvert, ferme à minuit"),  # Ascension 2026
    ],
)
def test_the_3966_follows_the_gers_out_of_hours_periods(moment, is_open, label):
    status = hours_status(PDSA_3966, paris(moment))
    assert (status.open, status.label) == (is_open, label)


def test_hours_that_cross_midnight_close_the_next_day():
    late = hours_status(NIGHT_BAR, paris("2026-11-23T23:00"))
    assert (late.open, late.label) == (True, "ouvert, ferme demain à 2h")
    after_midnight = hours_status(NIGHT_BAR, paris("2026-11-24T01:00"))
    assert (after_midnight.open, after_midnight.label) == (True, "ouvert, ferme à 2h")
    morning = hours_status(NIGHT_BAR, paris("2026-11-24T09:00"))
    assert (morning.open, morning.label) == (False, "fermé, ouvre à 22h")


def test_a_moment_of_new_years_eve_crosses_into_the_next_year():
    status = hours_status(OFFICE, paris("2026-12-31T19:00"))
    assert status.label == "fermé, ouvre lundi à 8h"
    assert status.next_change == paris("2027-01-04T08:00")


def test_a_closure_more_than_a_week_away_gives_the_date():
    status = hours_status("Aug 01-31 09:00-12:00", paris("2026-07-01T10:00"))
    assert status.label == "fermé, ouvre le 1er août à 9h"


def test_always_open_is_said_24h_24():
    status = hours_status("24/7", paris("2026-12-25T03:00"))
    assert (status.open, status.label, status.next_change) == (True, "ouvert 24h/24", None)


def test_unknown_hours_are_to_be_checked_never_guessed():
    status = hours_status(None, paris("2026-11-23T10:00"))
    assert (status.open, status.label, status.next_change) == (None, "horaires à vérifier", None)


def test_an_explicit_unknown_rule_is_unknown():
    assert hours_status("Mo-Fr 08:00-18:00 unknown", paris("2026-11-23T10:00")).open is None


def test_a_moment_with_another_offset_is_read_in_paris_time():
    # 16:30 UTC in July is 18:30 in Paris: the office has closed.
    status = hours_status(OFFICE, datetime(2026, 7, 1, 16, 30, tzinfo=timezone.utc))
    assert status.open is False
    # A naive moment is already Paris time.
    assert hours_status(OFFICE, datetime(2026, 7, 1, 16, 30)).open is True


def test_next_change_is_an_aware_paris_moment():
    status = hours_status(OFFICE, paris("2026-11-23T10:00"))
    assert status.next_change == paris("2026-11-23T12:30")
    assert status.next_change.utcoffset() is not None


def test_each_expression_is_parsed_once():
    assert parse_hours(OFFICE) is parse_hours(OFFICE)


def test_a_bad_expression_gets_the_parsers_message():
    assert hours_error("Mo-Fr 8h-12h") == (
        "at column 7: expected EOI, any_rule_separator, rules_modifier, timespan, or holiday"
    )
    assert hours_error("Mo-Fx 08:00-12:00") == "at column 4: expected wday"
    assert hours_error(OFFICE) is None


def test_a_bridge_day_follows_the_public_holiday_hours_unless_the_setting_is_off():
    from orient.directory.hours import hours_status, holiday_reading

    line_3966 = "Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00"
    assert holiday_reading(line_3966) == "Mo-Su 08:00-24:00"
    assert holiday_reading("Mo-Fr 08:00-12:00; PH off") == "Mo-Su off"
    assert holiday_reading("Mo-Sa 09:00-19:00") == "Mo-Sa 09:00-19:00"  # no PH rule: usual hours
    friday_after_ascension = datetime(2026, 5, 15, 10, 0, tzinfo=PARIS)
    assert hours_status(line_3966, friday_after_ascension).open is True
    assert hours_status(line_3966, friday_after_ascension, bridge_days=False).open is False
    ordinary_friday = datetime(2026, 5, 22, 10, 0, tzinfo=PARIS)
    assert hours_status(line_3966, ordinary_friday).open is False


def test_always_open_is_what_the_parser_says_at_every_moment_without_loading_it():
    """The national lines' "24/7" skips the parser: the same status on ordinary days, public
    holidays, bridge days, the DST nights and New Year, with and without bridge days."""
    import random
    import subprocess
    import sys
    from datetime import timedelta

    from orient.directory.hours import _status_at, open_checker, paris_naive

    rng = random.Random(5)
    moments = [datetime(2026, 1, 1, tzinfo=PARIS) + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
               for _ in range(300)]
    moments += [datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30), datetime(2026, 12, 31, 23, 59),
                datetime(2026, 5, 15, 10, 0), datetime(2100, 12, 31, 12, 0)]
    for at in moments:
        expected = _status_at("24/7", paris_naive(at))  # the parser's reading
        for bridge_days in (True, False):
            assert hours_status("24/7", at, bridge_days=bridge_days) == expected, at
            assert open_checker(at, bridge_days=bridge_days)("24/7") is expected.open is True
    code = ("import sys; from datetime import datetime; from orient.directory.hours import hours_status; "
            "assert hours_status('24/7', datetime(2026, 5, 14, 3)).label == 'ouvert 24h/24'; "
            "print('opening_hours' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
