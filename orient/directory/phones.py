"""French phone numbers: validate, store (E.164 or short number), display ("05 61 77 74 47").

Long numbers go through the `phonenumbers` package; the short numbers a
patient may be told to call form a closed list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

# Short numbers (digits) -> how they are written for people.
SHORT_NUMBERS: dict[str, str] = {
    "15": "15",
    "17": "17",
    "18": "18",
    "112": "112",
    "114": "114",
    "115": "115",
    "119": "119",
    "3114": "3114",
    "3237": "3237",
    "3624": "3624",
    "3646": "36 46",  # Assurance Maladie (facts.md: No médecin traitant)
    "3966": "3966",
    "116117": "116 117",
}

# Country calling codes of France and its overseas départements / collectivités.
_FRENCH_CODES = {33, 262, 508, 590, 594, 596, 681, 687, 689}

_SEPARATORS = r"[\s.\-/()\u00a0\u202f]"  # compiled at first use (re's cache): an answer never needs it


_STORED_FRENCH = re.compile(r"\+33[1-9][0-9]{8}")


class PhoneError(ValueError):
    """A phone number that is neither a valid French number nor a known short number."""


def _digits_only(raw: str) -> str:
    return re.sub(_SEPARATORS, "", raw)


@lru_cache(maxsize=4096)
def normalize_phone(raw: str) -> str:
    """The stored form: a short number's digits ("116117") or E.164 ("+33561777447").

    Raises PhoneError (message in English, for `orient check`) when invalid.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise PhoneError(f"{raw!r} is not a phone number")
    compact = _digits_only(raw.strip())
    if compact in SHORT_NUMBERS:
        return compact
    import phonenumbers  # imported here: loading it costs ~50 ms, only services with long numbers need it

    try:
        number = phonenumbers.parse(compact, "FR")
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(f"'{raw}' is not a phone number ({exc})") from None
    if not phonenumbers.is_valid_number(number):
        known = ", ".join(SHORT_NUMBERS.values())
        raise PhoneError(f"'{raw}' is not a valid phone number (French numbers have 10 digits; known short numbers: {known})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_phone(raw: str) -> bool:
    try:
        normalize_phone(raw)
    except PhoneError:
        return False
    return True


def format_phone(stored: Optional[str]) -> Optional[str]:
    """How a person reads it: "05 61 77 74 47", "15", "116 117", "+32 2 123 45 67" abroad.

    Accepts the stored form or anything `normalize_phone` accepts; an invalid
    number is returned as given rather than hidden.
    """
    if stored is None:
        return None
    if isinstance(stored, str) and _STORED_FRENCH.fullmatch(stored):
        # The form the loaders store, checked when loaded: read without importing
        # phonenumbers (~50 ms of an `orient ask`); the same text as `_display_long`.
        digits = "0" + stored[3:]
        return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    try:
        value = normalize_phone(stored)
    except PhoneError:
        return stored
    if value in SHORT_NUMBERS:
        return SHORT_NUMBERS[value]
    return _display_long(value)


@lru_cache(maxsize=4096)
def _display_long(e164: str) -> str:
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    national = str(number.national_number)
    if number.country_code in _FRENCH_CODES:
        if number.country_code == 33 or len(national) == 9:
            digits = "0" + national
            if len(digits) == 10:
                return " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_uri(stored: str) -> str:
    """A `tel:` link target for the handout."""
    value = normalize_phone(stored)
    return f"tel:{value}"
