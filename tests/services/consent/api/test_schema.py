"""The subgraph's SDL: federation v2.5, the owned entity, references, shared types."""

from __future__ import annotations

import pytest
from graphql import parse, validate

from services.consent.api.schema import schema, sdl
from tests.conftest import operation


def _block(text: str, head: str) -> str:
    start = text.index(head)
    return text[start : text.index("}", start) + 1]


def test_the_sdl_links_federation_v2_5() -> None:
    link = '@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@shareable"])'

    assert sdl().startswith(f"schema {link}")


def test_participant_is_an_entity_keyed_by_id() -> None:
    assert _block(sdl(), "type Participant ") == (
        'type Participant @key(fields: "id") {\n'
        "  id: ID!\n"
        "  displayName: String!\n"
        "  homeCity: String\n"
        "  preferredLanguage: String\n"
        "  consents: [Consent!]!\n"
        "  consentRequests(status: ConsentRequestStatus): [ConsentRequest!]!\n"
        "\n"
        '  """Who read my records, when, under which consent; newest first."""\n'
        "  dataAccessLog(first: Int = 20, after: String = null): DataAccessConnection!\n"
        "}"
    )


def test_centre_is_a_reference_only_and_mutation_error_is_shareable() -> None:
    text = sdl()

    assert (
        _block(text, "type Centre ")
        == 'type Centre @key(fields: "id", resolvable: false) {\n  id: ID!\n}'
    )
    assert _block(text, "type MutationError ") == (
        "type MutationError @shareable {\n  code: ErrorCode!\n  message: String!\n}"
    )


@pytest.mark.parametrize("name", ["RequestLoginCode", "VerifyLoginCode", "RefreshSession"])
def test_the_mobile_sign_in_operations_validate(name: str) -> None:
    errors = validate(schema._schema, parse(operation("mobile", name)))

    assert errors == []
