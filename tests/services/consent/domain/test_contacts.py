"""Contact normalisation."""

from __future__ import annotations

import pytest

from saathi.errors import BadUserInput
from services.consent.domain.contacts import normalise_contact


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+919876543210", "+919876543210"),
        ("  +91 98765 43210\t", "+919876543210"),
        ("+91-98765-43210", "+919876543210"),
        ("+14155550123", "+14155550123"),
        (" Priya.S+saathi@Example.co.IN ", "priya.s+saathi@example.co.in"),
    ],
)
def test_contacts_are_normalised(raw: str, expected: str) -> None:
    assert normalise_contact(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "9876543210",
        "+91 (98765) 43210",
        "+0919876543210",
        "+1234567",
        "+1234567890123456",
        "priya@",
        "@example.org",
        "priya@example",
        "priya@@example.org",
        "pri ya@example.org",
        "a" * 250 + "@example.org",
    ],
)
def test_anything_else_is_bad_user_input(raw: str) -> None:
    with pytest.raises(BadUserInput):
        normalise_contact(raw)


@pytest.mark.parametrize("raw", ["9876543210", "098765 43210", "(0) 98765-43210"])
def test_a_local_number_is_told_to_give_its_country_code(raw: str) -> None:
    with pytest.raises(BadUserInput) as refused:
        normalise_contact(raw)

    assert refused.value.message == "Give the number with its country code, e.g. +91 98765 43210."
