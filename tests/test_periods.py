"""Periods of care: R6315-1 CSP and the Gers specifics, exact to the minute."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from orient.periods import (
    PARIS,
    PERIODS,
    classify,
    is_bridge_day,
    moment_label,
    parse_moment,
    public_holiday,
)


def at(text: str) -> datetime:
    return parse_moment(text)


# 2026-03-10 is a Tuesday, 2026-03-14 a Saturday, 2026-03-15 a Sunday.
@pytest.mark.parametrize(
    "moment, period",
    [
        ("2026-03-10T07:59", "pdsa_night"),
        ("2026-03-10T08:00", "weekday_day"),
        ("2026-03-10T19:59", "weekday_day"),
        ("2026-03-10T20:00", "pdsa_evening"),
        ("2026-03-10T23:59", "pdsa_evening"),
        ("2026-03-11T00:00", "pdsa_night"),
        ("2026-03-14T07:59", "pdsa_night"),
        ("2026-03-14T08:00", "saturday_morning"),
        ("2026-03-14T11:59", "saturday_morning"),
        ("2026-03-14T12:00", "pdsa_weekend"),
        ("2026-03-14T19:59", "pdsa_weekend"),
        ("2026-03-14T20:00", "pdsa_evening"),
        ("2026-03-15T00:00", "pdsa_night"),
        ("2026-03-15T07:59", "pdsa_night"),
        ("2026-03-15T08:00", "pdsa_weekend"),
        ("2026-03-15T19:59", "pdsa_weekend"),
        ("2026-03-15T20:00", "pdsa_evening"),
        ("2026-03-16T07:59", "pdsa_night"),
        ("2026-03-16T08:00", "weekday_day"),
        ("2026-03-13T19:59", "weekday_day"),
        ("2026-03-13T20:00", "pdsa_evening"),
    ],
)
def test_every_boundary_falls_in_the_right_period_to_the_minute(moment, period):
    assert classify(at(moment)) == period


HOLIDAYS_2026 = {
    date(2026, 1, 1): "Jour de l'an",
    date(2026, 4, 6): "Lundi de Pâques",
    date(2026, 5, 1): "Fête du Travail",
    date(2026, 5, 8): "Fête de la Victoire",
    date(2026, 5, 14): "Ascension",
    date(2026, 5, 25): "Lundi de Pentecôte",
    date(2026, 7, 14): "Fête nationale",
    date(2026, 8, 15): "Assomption",
    date(2026, 11, 1): "Toussaint",
    date(2026, 11, 11): "Armistice",
    date(2026, 12, 25): "Noël",
}
HOLIDAYS_2027 = {
    date(2027, 1, 1): "Jour de l'an",
    date(2027, 3, 29): "Lundi de Pâques",
    date(2027, 5, 1): "Fête du Travail",
    date(2027, 5, 6): "Ascension",
    date(2027, 5, 8): "Fête de la Victoire",
    date(2027, 5, 17): "Lundi de Pentecôte",
    date(2027, 7, 14): "Fête nationale",
    date(2027, 8, 15): "Assomption",
    date(2027, 11, 1): "Toussaint",
    date(2027, 11, 11): "Armistice",
    date(2027, 12, 25): "Noël",
}
ALL_HOLIDAYS = {**HOLIDAYS_2026, **HOLIDAYS_2027}


def test_the_public_holidays_of_2026_and_2027_are_exactly_the_eleven_of_the_code_du_travail():
    for year, expected in ((2026, HOLIDAYS_2026), (2027, HOLIDAYS_2027)):
        found = {}
        day = date(year, 1, 1)
        while day.year == year:
            name = public_holiday(day)
            if name:
                found[day] = name
            day += timedelta(days=1)
        assert found == expected


def test_alsace_moselle_days_are_not_public_holidays_in_the_gers():
    assert public_holiday(date(2026, 4, 3)) is None  # Good Friday
    assert public_holiday(date(2026, 12, 26)) is None  # Saint-Étienne


@pytest.mark.parametrize("day", sorted(ALL_HOLIDAYS), ids=lambda d: d.isoformat())
def test_a_public_holiday_is_pdsa_holiday_from_8h_to_20h_and_a_night_otherwise(day):
    assert classify(datetime.combine(day, datetime.min.time()).replace(hour=7, minute=59)) == "pdsa_night"
    assert classify(datetime(day.year, day.month, day.day, 8, 0)) == "pdsa_holiday"
    assert classify(datetime(day.year, day.month, day.day, 12, 0)) == "pdsa_holiday"
    assert classify(datetime(day.year, day.month, day.day, 19, 59)) == "pdsa_holiday"
    assert classify(datetime(day.year, day.month, day.day, 20, 0)) == "pdsa_evening"


# Monday before a Tuesday holiday; Friday after a Thursday holiday; Saturday after a Friday holiday.
BRIDGE_DAYS = [
    date(2026, 1, 2),  # Friday after New Year's Day (Thursday)
    date(2026, 5, 2),  # Saturday after 1 May (Friday)
    date(2026, 5, 9),  # Saturday after 8 May (Friday)
    date(2026, 5, 15),  # Friday after Ascension (Thursday)
    date(2026, 7, 13),  # Monday before 14 July (Tuesday)
    date(2026, 12, 26),  # Saturday after Christmas (Friday)
    date(2027, 1, 2),  # Saturday after New Year's Day (Friday)
    date(2027, 5, 7),  # Friday after Ascension (Thursday)
    date(2027, 11, 12),  # Friday after 11 November (Thursday)
]


def test_the_bridge_days_of_2026_and_2027_are_exactly_those_of_r6315_1():
    found = []
    day = date(2026, 1, 1)
    while day.year <= 2027:
        if is_bridge_day(day):
            found.append(day)
        day += timedelta(days=1)
    assert found == BRIDGE_DAYS


@pytest.mark.parametrize("day", BRIDGE_DAYS, ids=lambda d: d.isoformat())
def test_a_bridge_day_is_pdsa_holiday_by_day_when_the_setting_is_on(day):
    morning = datetime(day.year, day.month, day.day, 8, 0)
    assert classify(morning) == "pdsa_holiday"
    assert classify(morning.replace(hour=19, minute=59)) == "pdsa_holiday"
    assert classify(morning.replace(hour=7, minute=59)) == "pdsa_night"
    assert classify(morning.replace(hour=20)) == "pdsa_evening"


@pytest.mark.parametrize("day", BRIDGE_DAYS, ids=lambda d: d.isoformat())
def test_a_bridge_day_is_an_ordinary_day_when_the_setting_is_off(day):
    ordinary = {0: "weekday_day", 4: "weekday_day", 5: "saturday_morning"}[day.weekday()]
    assert classify(datetime(day.year, day.month, day.day, 9, 0), bridge_days=False) == ordinary


def test_the_days_around_holidays_that_are_not_bridge_days_stay_ordinary():
    # Saturday after Ascension follows a bridge Friday, not a holiday.
    assert not is_bridge_day(date(2026, 5, 16))
    assert classify(at("2026-05-16T09:00")) == "saturday_morning"
    # Monday before a Saturday holiday (1 May 2027) does not "precede" it.
    assert not is_bridge_day(date(2027, 4, 26))
    # Wednesday 11 November 2026: neither Tuesday nor Thursday is a bridge day.
    assert not is_bridge_day(date(2026, 11, 10))
    assert not is_bridge_day(date(2026, 11, 12))
    # A holiday is not its own bridge day.
    assert not is_bridge_day(date(2026, 5, 14))


def test_a_holiday_on_a_sunday_or_a_saturday_is_pdsa_holiday_all_day():
    assert classify(at("2026-11-01T09:00")) == "pdsa_holiday"  # Toussaint, a Sunday
    assert classify(at("2027-05-01T09:00")) == "pdsa_holiday"  # 1 May, a Saturday morning


def test_the_spring_forward_gap_does_not_crash_and_is_shifted_forward():
    moment = parse_moment("2026-03-29T02:30")
    assert (moment.hour, moment.minute) == (3, 30)
    assert moment.utcoffset() == timedelta(hours=2)
    assert classify(moment) == "pdsa_night"
    assert classify(datetime(2026, 3, 29, 2, 30)) == "pdsa_night"
    assert classify(at("2026-03-29T08:00")) == "pdsa_weekend"


def test_the_fall_back_overlap_does_not_crash_and_takes_the_first_occurrence():
    moment = parse_moment("2026-10-25T02:30")
    assert moment.utcoffset() == timedelta(hours=2)
    assert classify(moment) == "pdsa_night"
    second = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1)
    assert classify(second) == "pdsa_night"
    assert classify(at("2026-10-25T07:59")) == "pdsa_night"
    assert classify(at("2026-10-25T08:00")) == "pdsa_weekend"


def test_utc_moments_are_converted_to_paris_time_before_classifying():
    # 19:00 UTC in winter is 20:00 in Paris; 18:00 UTC in summer is 20:00 in Paris.
    assert classify(at("2026-01-13T18:59Z")) == "weekday_day"
    assert classify(at("2026-01-13T19:00Z")) == "pdsa_evening"
    assert classify(at("2026-07-07T17:59+00:00")) == "weekday_day"
    assert classify(at("2026-07-07T18:00+00:00")) == "pdsa_evening"
    assert classify(datetime(2026, 3, 14, 10, 59, tzinfo=timezone.utc)) == "saturday_morning"
    assert classify(datetime(2026, 3, 14, 11, 0, tzinfo=timezone.utc)) == "pdsa_weekend"


def test_moments_with_other_offsets_are_converted_too():
    # 07:59 in Paris written from New York (UTC-5 in January).
    assert classify(at("2026-01-13T01:59-05:00")) == "pdsa_night"
    assert classify(at("2026-01-13T02:00-05:00")) == "weekday_day"


def test_parse_moment_without_offset_means_paris_and_returns_an_aware_moment():
    moment = parse_moment("2026-11-28T14:00")
    assert moment.tzinfo is not None
    assert moment.isoformat() == "2026-11-28T14:00:00+01:00"


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28T24:00", "2026-11-29T00:00:00+01:00"),  # ISO 8601's end of the day: Saturday night, not Friday's
    ("2026-11-28T24:00:00", "2026-11-29T00:00:00+01:00"),
    ("2026-11-28 24:00", "2026-11-29T00:00:00+01:00"),
    ("2026-12-31T24:00", "2027-01-01T00:00:00+01:00"),
    ("2026-03-28T24:00+01:00", "2026-03-29T00:00:00+01:00"),  # the night of the spring change
])
def test_parse_moment_reads_24_00_as_the_end_of_the_day(text, expected):
    assert parse_moment(text).isoformat() == expected


@pytest.mark.parametrize("text", ["", "demain", "2026-13-01T10:00", "2026-11-28", "28/11/2026 14:00",
                                  "2026-11-28T24:01", "2026-11-28T24:00:01", "2026-11-28T25:00"])
def test_parse_moment_refuses_what_is_not_an_iso_date_and_time_and_names_the_expected_form(text):
    with pytest.raises(ValueError, match="2026-11-28T14:00"):
        parse_moment(text)


def test_extreme_moments_do_not_crash():
    assert classify(datetime.min) in PERIODS
    assert classify(datetime.max) in PERIODS
    assert classify(datetime(1, 1, 1, 12, tzinfo=timezone.utc)) in PERIODS


def test_moment_labels_name_the_day_for_the_texts_read_to_patients():
    assert moment_label("pdsa_weekend", at("2026-11-28T14:00")) == "Samedi après-midi"
    assert moment_label("pdsa_weekend", at("2026-11-29T14:00")) == "Dimanche"
    assert moment_label("pdsa_holiday", at("2026-04-06T10:00")) == "Lundi de Pâques (jour férié)"
    assert moment_label("pdsa_holiday", at("2026-05-15T10:00")) == "Jour de pont"
    assert moment_label("pdsa_evening", at("2026-11-24T21:00")) == "Ce soir"
