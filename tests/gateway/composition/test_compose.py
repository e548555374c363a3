from __future__ import annotations

import graphene
import pytest
from graphene_federation import LATEST_VERSION, build_schema, key, shareable
from graphql import print_schema

from gateway import CompositionError, SubgraphSpec, Supergraph, api_schema, compose
from tests.gateway.subgraphs import specs

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: {})\n'


def subgraph(
    name: str, body: str, imports: str = '["@key", "@shareable", "@external"]'
) -> SubgraphSpec:
    return SubgraphSpec(name, f"http://{name}/graphql", LINK.format(imports) + body)


def graphene_directory_sdl() -> str:
    @key("id")
    class Centre(graphene.ObjectType):
        id = graphene.ID(required=True)
        name = graphene.String(required=True)

    class PageInfo(graphene.ObjectType):
        has_next_page = shareable(graphene.Boolean(required=True))

    class Q(graphene.ObjectType):
        centres = graphene.List(graphene.NonNull(Centre), required=True)
        page = graphene.Field(PageInfo)

    schema = build_schema(query=Q, federation_version=LATEST_VERSION)
    result = schema.execute("{ _service { sdl } }")
    assert result.data is not None
    return str(result.data["_service"]["sdl"])


def test_graphene_and_strawberry_subgraphs_compose() -> None:
    # given graphene-federation prints `extend schema @link`, a root named Q and FieldSet scalars
    directory = SubgraphSpec("directory", "http://directory/graphql", graphene_directory_sdl())
    sessions = subgraph(
        "sessions",
        """
        type Centre @key(fields: "id") { id: ID! sessions: [String!]! }
        type PageInfo @shareable { hasNextPage: Boolean! }
        type Query { count: Int! }
    """,
    )

    # when
    supergraph_sdl = compose([sessions, directory])

    # then
    assert print_schema(api_schema(supergraph_sdl)) == (
        "type Centre {\n  id: ID!\n  name: String!\n  sessions: [String!]!\n}\n\n"
        "type PageInfo {\n  hasNextPage: Boolean!\n}\n\n"
        "type Query {\n  centres: [Centre!]!\n  page: PageInfo\n  count: Int!\n}"
    )
    assert '  DIRECTORY @join__graph(name: "directory", url: "http://directory/graphql")' in (
        supergraph_sdl
    )
    assert "  centres: [Centre!]! @join__field(graph: DIRECTORY)\n" in supergraph_sdl
    assert "  hasNextPage: Boolean!\n" in supergraph_sdl


def test_the_supergraph_has_the_standard_header() -> None:
    supergraph_sdl = compose(specs())

    assert supergraph_sdl.startswith(
        "schema\n"
        '  @link(url: "https://specs.apollo.dev/link/v1.0")\n'
        '  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)\n'
    )
    assert "directive @join__type(graph: join__Graph!, key: join__FieldSet" in supergraph_sdl
    assert "scalar link__Import" in supergraph_sdl


def test_keys_resolvable_and_extension_are_recorded() -> None:
    supergraph_sdl = compose(specs())

    assert (
        "type Centre implements Listing\n"
        '  @join__type(graph: CONSENT, key: "id", resolvable: false)\n'
        '  @join__type(graph: DIRECTORY, key: "id")\n'
        '  @join__implements(graph: DIRECTORY, interface: "Listing")\n'
    ) in supergraph_sdl
    assert '  seatsLeft: Int! @join__field(graph: SESSIONS, requires: "size")' in supergraph_sdl
    assert '@join__field(graph: SESSIONS, provides: "title")' in supergraph_sdl


def test_output_is_deterministic_whatever_the_input_order() -> None:
    assert compose(specs()) == compose(list(reversed(specs())))


def test_unshared_fields_in_two_graphs_are_all_reported() -> None:
    a = subgraph(
        "a", 'type T @key(fields: "id") { id: ID! name: String! size: Int } type Query { t: T }'
    )
    b = subgraph(
        "b", 'type T @key(fields: "id") { id: ID! name: String! size: Int } type Query { u: T }'
    )

    with pytest.raises(CompositionError) as raised:
        compose([a, b])

    assert raised.value.problems == (
        'Non-shareable field "T.name" is resolved from multiple subgraphs: it is resolved from '
        'subgraphs "a" and "b" and defined as non-shareable in subgraph(s) "a" and "b"',
        'Non-shareable field "T.size" is resolved from multiple subgraphs: it is resolved from '
        'subgraphs "a" and "b" and defined as non-shareable in subgraph(s) "a" and "b"',
    )


def test_shareable_fields_with_different_nullability_merge_to_nullable() -> None:
    a = subgraph("a", "type V @shareable { x: Int! } type Query { v: V }")
    b = subgraph("b", "type V @shareable { x: Int } type Query { w: V }")

    supergraph_sdl = compose([a, b])

    assert (
        '  x: Int @join__field(graph: A, type: "Int!") @join__field(graph: B, type: "Int")'
        in supergraph_sdl
    )


def test_external_fields_nobody_resolves_are_an_error() -> None:
    a = subgraph("a", 'type T @key(fields: "id") { id: ID! n: Int! @external } type Query { t: T }')

    with pytest.raises(CompositionError, match=r'"T\.n" is marked @external in every subgraph'):
        compose([a])


def test_enums_and_inputs_merge() -> None:
    a = subgraph(
        "a",
        """
        enum ErrorCode { NOT_FOUND FORBIDDEN }
        enum Colour { RED }
        input Filter { city: String, near: Int }
        type Query { errors: [ErrorCode!]! colour: Colour find(filter: Filter): Int }
    """,
    )
    b = subgraph(
        "b",
        """
        enum ErrorCode { NOT_FOUND FORBIDDEN }
        enum Colour { BLUE }
        input Filter { city: String }
        type Query { codes: [ErrorCode!]! other: Colour search(filter: Filter): Int }
    """,
    )

    schema = api_schema(compose([a, b]))

    assert print_schema(schema).split("\n\n")[:3] == [
        "enum Colour {\n  RED\n  BLUE\n}",
        "enum ErrorCode {\n  NOT_FOUND\n  FORBIDDEN\n}",
        "input Filter {\n  city: String\n}",
    ]


def test_override_moves_the_field() -> None:
    a = subgraph("a", 'type T @key(fields: "id") { id: ID! n: Int! } type Query { t: T }')
    b = subgraph(
        "b",
        'type T @key(fields: "id") { id: ID! n: Int! @override(from: "a") }',
        '["@key", "@override"]',
    )

    model = Supergraph(compose([a, b]))

    assert set(model.types["T"].fields["n"].graphs) == {"b"}
    assert model.types["T"].fields["n"].graphs["b"].override == "a"


def test_inaccessible_elements_are_not_in_the_api_schema() -> None:
    a = subgraph(
        "a",
        "type Query { visible: Int hidden: Int @inaccessible secret: Secret }"
        " type Secret @inaccessible { x: Int }",
        '["@inaccessible"]',
    )

    supergraph_sdl = compose([a])

    assert "  hidden: Int @inaccessible\n" in supergraph_sdl
    assert "type Secret\n  @join__type(graph: A)\n  @inaccessible\n{" in supergraph_sdl
    assert print_schema(api_schema(supergraph_sdl)) == "type Query {\n  visible: Int\n}"


def test_interface_object_fields_reach_every_implementation() -> None:
    a = subgraph(
        "a",
        """
        interface Media @key(fields: "id") { id: ID! title: String! }
        type Book implements Media @key(fields: "id") { id: ID! title: String! }
        type Query { media: [Media!]! }
    """,
    )
    b = subgraph(
        "b",
        'type Media @key(fields: "id") @interfaceObject { id: ID! reviews: [String!]! }',
        '["@key", "@interfaceObject"]',
    )

    supergraph_sdl = compose([a, b])

    assert '@join__type(graph: B, key: "id", isInterfaceObject: true)' in supergraph_sdl
    assert "type Book implements Media {" in print_schema(api_schema(supergraph_sdl))
    assert "reviews: [String!]!" in print_schema(api_schema(supergraph_sdl)).split("type Book")[1]


def test_invalid_sdl_names_the_subgraph() -> None:
    with pytest.raises(CompositionError, match=r"\[broken\] invalid SDL"):
        compose([SubgraphSpec("broken", "http://broken", "type Query {")])


def test_supergraph_model_knows_keys_per_graph() -> None:
    model = Supergraph(compose(specs()))

    group = model.types["PeerGroup"]
    assert [k.fields for k in group.graphs["directory"].keys] == ["id", "slug"]
    assert [k.fields for k in group.graphs["ratings"].keys] == ["slug"]
    assert model.types["Centre"].graphs["consent"].keys[0].resolvable is False
    assert group.graphs["sessions"].extension is False
    assert model.graph_urls["sessions"] == "http://sessions.test/graphql"
    assert model.possible_types["Listing"] == {"Centre", "PeerGroup"}


def test_tags_are_kept_in_the_supergraph() -> None:
    a = subgraph("a", 'type Query @tag(name: "public") { v: Int @tag(name: "public") }', '["@tag"]')

    supergraph_sdl = compose([a])

    assert 'type Query\n  @join__type(graph: A)\n  @tag(name: "public")\n{' in supergraph_sdl
    assert '  v: Int @tag(name: "public")\n' in supergraph_sdl


def test_extend_type_and_fed1_style_external_keys_are_accepted() -> None:
    directory = subgraph(
        "directory",
        'type Group @key(fields: "id") { id: ID! name: String! } type Query { groups: [Group!]! }',
    )
    sessions = subgraph(
        "sessions",
        'extend type Group @key(fields: "id") { id: ID! @external next: String }',
    )

    model = Supergraph(compose([directory, sessions]))

    group = model.types["Group"]
    assert group.graphs["sessions"].extension is True
    assert group.fields["id"].resolvable_in("sessions") is True
    assert set(group.fields["next"].graphs) == {"sessions"}
