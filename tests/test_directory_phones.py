"""Phones: French numbers validated and written as people read them; the short numbers."""

import pytest

from orient.directory.phones import PhoneError, format_phone, is_valid_phone, normalize_phone


@pytest.mark.parametrize(
    "raw, stored, shown",
    [
        ("05 61 77 74 47", "+33561777447", "05 61 77 74 47"),
        ("0561777447", "+33561777447", "05 61 77 74 47"),
        ("+33 5 61 77 74 47", "+33561777447", "05 61 77 74 47"),
        ("05.32.46.00.20", "+33532460020", "05 32 46 00 20"),
        ("06-12-34-56-78", "+33612345678", "06 12 34 56 78"),
        ("0800 130 000", "+33800130000", "08 00 13 00 00"),
        ("+262 262 12 34 56", "+262262123456", "02 62 12 34 56"),
    ],
)
def test_a_french_number_is_stored_in_e164_and_shown_in_pairs(raw, stored, shown):
    assert normalize_phone(raw) == stored
    assert format_phone(stored) == shown
    assert format_phone(raw) == shown


@pytest.mark.parametrize(
    "raw, shown",
    [("15", "15"), ("112", "112"), ("114", "114"), ("115", "115"), ("119", "119"), ("3114", "3114"),
     ("3966", "3966"), ("3237", "3237"), ("3624", "3624"), ("116117", "116 117"), ("116 117", "116 117")],
)
def test_the_short_numbers_are_kept_as_dialled(raw, shown):
    assert format_phone(normalize_phone(raw)) == shown


def test_a_foreign_number_is_shown_in_international_form():
    assert format_phone("+32 2 212 34 56") == "+32 2 212 34 56"


@pytest.mark.parametrize("raw", ["05 62 61 32", "1234", "3615", "", "bonjour", "05 61 77 74 47 88"])
def test_a_wrong_number_is_refused_with_its_text(raw):
    assert not is_valid_phone(raw)
    with pytest.raises(PhoneError):
        normalize_phone(raw)


def test_the_refusal_names_the_number_and_the_known_short_numbers():
    with pytest.raises(PhoneError, match=r"'05 62 61 32' is not a valid phone number .*116 117"):
        normalize_phone("05 62 61 32")


def test_an_unknown_phone_is_shown_as_given_rather_than_hidden():
    assert format_phone("05 62 61 32") == "05 62 61 32"
    assert format_phone(None) is None


def test_a_stored_french_number_is_shown_as_the_parser_would_show_it_without_importing_it():
    """The shortcut for the stored form (+33 and nine digits) gives the text of the
    phonenumbers path, for every number of the embedded directory and thousands of valid
    French numbers; a number the loaders never store still goes through the parser."""
    import random
    import subprocess
    import sys

    from orient.directory.catalog import Directory
    from orient.directory.gazetteer import default_gazetteer
    from orient.directory.phones import _display_long
    from orient.paths import directory_dir

    rng = random.Random(3)
    stored = {p for s in Directory.load(directory_dir(), default_gazetteer()).services for p in s.phones}
    for prefix in "12345679":
        for _ in range(400):
            raw = "0" + prefix + "".join(rng.choice("0123456789") for _ in range(8))
            if is_valid_phone(raw):
                stored.add(normalize_phone(raw))
    french = sorted(p for p in stored if p.startswith("+33"))
    assert len(french) > 2000
    assert [format_phone(p) for p in french] == [_display_long(p) for p in french]
    assert format_phone("+33561777447\n") == "05 61 77 74 47"  # not the stored form: through the parser
    code = ("import sys; from orient.directory.phones import format_phone; "
            "assert format_phone('+33562614700') == '05 62 61 47 00'; print('phonenumbers' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
