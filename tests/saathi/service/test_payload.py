"""The errors-as-payload core under both GraphQL flavours."""

from __future__ import annotations

import pytest

from saathi.errors import ErrorCode, Forbidden, NotFound, SaathiError
from saathi.service.payload import Failure, payload_or_error


async def _raises(error: Exception) -> str:
    raise error


async def _answers() -> str:
    return "done"


async def test_an_expected_error_becomes_the_payload() -> None:
    answer = await payload_or_error(_raises(NotFound("No booking.")), lambda e: f"error:{e.code}")

    assert answer == "error:ErrorCode.NOT_FOUND"


async def test_an_answer_passes_through() -> None:
    assert await payload_or_error(_answers(), lambda e: "error") == "done"


async def test_an_unexpected_error_propagates_to_be_masked_by_the_view() -> None:
    with pytest.raises(KeyError):
        await payload_or_error(_raises(KeyError("secret")), lambda e: "error")


def test_a_failure_keeps_the_code_and_the_safe_message() -> None:
    assert Failure.of(Forbidden("Not yours.")) == Failure(ErrorCode.FORBIDDEN, "Not yours.")
    assert Failure.of(SaathiError("x")).code is ErrorCode.INTERNAL_SERVER_ERROR
