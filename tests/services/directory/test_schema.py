"""The printed subgraph schema: Federation v2, the shared value types, the entities, and the
operations clients send (the directory's part of them) validate against it."""

from __future__ import annotations

import httpx
import pytest
from graphql import parse, validate

from gateway.composition import SubgraphSpec, compose
from services.directory.api.schema import schema, sdl

# The directory's part of the mobile app's operations (sessions adds nextSession and
# upcomingSessions to PeerGroup), written here as the clients send them.
OPERATIONS = [
    """
    query NearbyGroups(
      $near: GeoPointInput!, $radiusKm: Float, $filter: GroupFilter, $first: Int, $after: String
    ) {
      nearbyGroups(
        near: $near, radiusKm: $radiusKm, filter: $filter, first: $first, after: $after
      ) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          distanceKm
          node {
            id name kind focus format languages
            centre { id name city }
            schedule { summary timezone }
          }
        }
      }
    }
    """,
    """
    query GroupDetail($id: ID!) {
      group(id: $id) {
        id name description kind focus format languages audience accessibility
        address { line1 city postcode }
        location { lat lng }
        centre { id name city phone website }
        facilitator { id displayName trainedIn }
        schedule { rrule timezone durationMinutes summary }
      }
    }
    """,
    """
    query Centres($city: String, $first: Int, $after: String) {
      centres(city: $city, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id name city location { lat lng } languages isPartner } }
      }
    }
    """,
    """
    query CrisisResources($city: String) {
      crisisResources(city: $city) { name phone hours languages description }
    }
    """,
]


def test_the_sdl_links_federation_v2() -> None:
    assert sdl().startswith(
        'extend schema\n\t@link(url: "https://specs.apollo.dev/federation/v2.5", '
        'import: ["@key", "@shareable"])\n'
    )


@pytest.mark.parametrize(
    "block",
    [
        "type PageInfo @shareable {\n  hasNextPage: Boolean!\n  endCursor: String\n}",
        "type GeoPoint @shareable {\n  lat: Float!\n  lng: Float!\n}",
        'type Centre @key(fields: "id") {\n  id: ID!\n',
        'type PeerGroup @key(fields: "id") {\n  id: ID!\n',
        'type PeerSupporter @key(fields: "id") {\n  id: ID!\n',
        "input GeoPointInput {\n  lat: Float!\n  lng: Float!\n}",
        "enum GroupKind {\n  SUPPORT_GROUP\n  MENTORING\n  COMMUNITY_PROGRAMME\n}",
        "enum Format {\n  IN_PERSON\n  ONLINE\n  HYBRID\n}",
        "centres(city: String, first: Int = 20, after: String, kind: CentreKind): "
        "CentreConnection!",
        "nearbyGroups(near: GeoPointInput!, radiusKm: Float = 25, filter: GroupFilter, "
        "first: Int = 20, after: String): NearbyGroupConnection!",
        "crisisResources(city: String): [CrisisResource!]!",
    ],
)
def test_the_sdl_prints(block: str) -> None:
    assert block in sdl()


def test_the_sdl_has_no_tag_and_no_contact_details_for_supporters() -> None:
    printed = sdl()
    supporter = printed.split("type PeerSupporter", 1)[1].split("}", 1)[0]

    assert "@tag" not in printed
    assert "phone" not in supporter
    assert "email" not in supporter


def test_the_sdl_parses_and_composes() -> None:
    parse(sdl())

    supergraph = compose([SubgraphSpec("directory", "http://directory/graphql", sdl())])

    assert "nearbyGroups" in supergraph


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_clients_operations_validate(operation: str) -> None:
    assert validate(schema.graphql_schema, parse(operation)) == []


async def test_service_answers_the_sdl(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ _service { sdl } }"})

    assert response.json() == {"data": {"_service": {"sdl": sdl()}}}
