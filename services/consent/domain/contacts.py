"""Contacts: an E.164 phone number or an e-mail address, in one canonical form."""

from __future__ import annotations

import re

from saathi.errors import BadUserInput

_PHONE = re.compile(r"\+[1-9][0-9]{7,14}")
_EMAIL = re.compile(
    r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
_MAX_LENGTH = 254
# Digits (with spaces, dashes or brackets) but no leading +: a number typed the local way.
_LOCAL_PHONE = re.compile(r"[0-9(][0-9\s()-]{5,20}")


def normalise_contact(raw: str) -> str:
    """The canonical form of ``raw``; ``BadUserInput`` when it is neither a phone nor an e-mail.

    E-mail addresses are trimmed and lower-cased; phone numbers lose spaces and dashes and must
    then be E.164 (``+`` and country code).
    """
    value = raw.strip()
    if "@" in value:
        email = value.lower()
        if len(email) <= _MAX_LENGTH and _EMAIL.fullmatch(email):
            return email
    else:
        phone = re.sub(r"[\s-]", "", value)
        if _PHONE.fullmatch(phone):
            return phone
        if _LOCAL_PHONE.fullmatch(value):
            raise BadUserInput("Give the number with its country code, e.g. +91 98765 43210.")
    raise BadUserInput(
        "Give a phone number with its country code (like +91 98765 43210) or an e-mail address."
    )
