from __future__ import annotations

from textwrap import dedent

import pytest
from graphql import parse

from gateway import Supergraph
from gateway.planner import Fetch, Flatten, PlanningError, Sequence, build_plan, print_plan


def plan(supergraph: Supergraph, query: str, operation_name: str | None = None) -> str:
    return print_plan(build_plan(supergraph, parse(query), operation_name))


def expected(text: str) -> str:
    return dedent(text).strip("\n")


def test_fields_of_one_graph_share_one_fetch(supergraph: Supergraph) -> None:
    # when
    printed = plan(supergraph, "{ centres { title } groups { id } }")

    # then
    assert printed == expected("""
        QueryPlan {
          Fetch(service: "directory") {
            {
              centres {
                title
              }
              groups {
                id
              }
            }
          },
        }
    """)


def test_query_roots_of_several_graphs_run_in_parallel_then_flatten(
    supergraph: Supergraph,
) -> None:
    printed = plan(supergraph, "{ groups { title nextSession { startsAt } } topRatedSlug }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Parallel {
              Fetch(service: "directory") {
                {
                  groups {
                    title
                    __typename
                    id
                  }
                }
              },
              Fetch(service: "ratings") {
                {
                  topRatedSlug
                }
              },
            },
            Flatten(path: "groups.@") {
              Fetch(service: "sessions") {
                {
                  ... on PeerGroup {
                    __typename
                    id
                  }
                } =>
                {
                  ... on PeerGroup {
                    nextSession {
                      startsAt
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_a_list_path_inside_a_connection(supergraph: Supergraph) -> None:
    query = "{ nearbyGroups { edges { node { nextSession { id } } } } }"

    result = build_plan(supergraph, parse(query))

    assert isinstance(result.node, Sequence)
    flatten = result.node.nodes[1]
    assert isinstance(flatten, Flatten)
    assert flatten.path == ("nearbyGroups", "edges", "@", "node")
    assert flatten.node.operation == (
        "query($representations: [_Any!]!) { _entities(representations: $representations) "
        "{ ... on PeerGroup { nextSession { id } } } }"
    )


def test_requires_fields_are_fetched_first_and_sent_in_the_representation(
    supergraph: Supergraph,
) -> None:
    printed = plan(supergraph, '{ group(id: "g1") { seatsLeft } }')

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "directory") {
              {
                group(id: "g1") {
                  __typename
                  id
                  size
                }
              }
            },
            Flatten(path: "group") {
              Fetch(service: "sessions") {
                {
                  ... on PeerGroup {
                    __typename
                    id
                    size
                  }
                } =>
                {
                  ... on PeerGroup {
                    seatsLeft
                  }
                }
              },
            },
          },
        }
    """)


def test_provided_fields_stay_in_the_providing_graph(supergraph: Supergraph) -> None:
    printed = plan(supergraph, "{ featuredGroup { title size } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "sessions") {
              {
                featuredGroup {
                  title
                  __typename
                  id
                }
              }
            },
            Flatten(path: "featuredGroup") {
              Fetch(service: "directory") {
                {
                  ... on PeerGroup {
                    __typename
                    id
                  }
                } =>
                {
                  ... on PeerGroup {
                    size
                  }
                }
              },
            },
          },
        }
    """)


def test_a_key_the_graph_lacks_is_fetched_from_a_third_graph(supergraph: Supergraph) -> None:
    printed = plan(supergraph, "{ sessions { group { rating } } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "sessions") {
              {
                sessions {
                  group {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "sessions.@.group") {
              Fetch(service: "directory") {
                {
                  ... on PeerGroup {
                    __typename
                    id
                  }
                } =>
                {
                  ... on PeerGroup {
                    slug
                  }
                }
              },
            },
            Flatten(path: "sessions.@.group") {
              Fetch(service: "ratings") {
                {
                  ... on PeerGroup {
                    __typename
                    slug
                  }
                } =>
                {
                  ... on PeerGroup {
                    rating
                  }
                }
              },
            },
          },
        }
    """)


def test_union_fragments_keep_typename_and_jump_from_the_member(supergraph: Supergraph) -> None:
    printed = plan(supergraph, "{ activity { ... on Session { group { title } } } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "sessions") {
              {
                activity {
                  __typename
                  ... on Session {
                    group {
                      __typename
                      id
                    }
                  }
                }
              }
            },
            Flatten(path: "activity.@.group") {
              Fetch(service: "directory") {
                {
                  ... on PeerGroup {
                    __typename
                    id
                  }
                } =>
                {
                  ... on PeerGroup {
                    title
                  }
                }
              },
            },
          },
        }
    """)


def test_mutation_root_fields_run_in_document_order(supergraph: Supergraph) -> None:
    query = """mutation Book($id: ID!) {
        a: requestLoginCode(email: "a")
        bookSession(sessionId: $id) { id }
        cancelBooking(bookingId: "b")
        b: requestLoginCode(email: "b")
    }"""

    printed = plan(supergraph, query)

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "consent") {
              {
                a: requestLoginCode(email: "a")
              }
            },
            Fetch(service: "sessions") {
              {
                bookSession(sessionId: $id) {
                  id
                }
                cancelBooking(bookingId: "b")
              }
            },
            Fetch(service: "consent") {
              {
                b: requestLoginCode(email: "b")
              }
            },
          },
        }
    """)


def test_variables_are_declared_only_where_used(supergraph: Supergraph) -> None:
    query = """query($first: Int!, $withSession: Boolean = true) {
        nearbyGroups(first: $first) { edges { node {
            nextSession @include(if: $withSession) { id } } } } }"""

    result = build_plan(supergraph, parse(query))

    assert isinstance(result.node, Sequence)
    root, flatten = result.node.nodes
    assert isinstance(root, Fetch)
    assert isinstance(flatten, Flatten)
    assert root.variable_usages == ("first",)
    assert root.operation.startswith("query($first: Int!) { nearbyGroups(first: $first)")
    assert flatten.node.variable_usages == ("withSession",)
    assert flatten.node.operation.startswith(
        "query($representations: [_Any!]!, $withSession: Boolean = true) {"
    )


def test_named_fragments_on_an_interface_are_split_by_graph(supergraph: Supergraph) -> None:
    query = """{ search(text: "a") { ...Listed } }
        fragment Listed on Listing { title ... on PeerGroup { nextSession { id } } }"""

    printed = plan(supergraph, query)

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "directory") {
              {
                search(text: "a") {
                  __typename
                  title
                  ... on PeerGroup {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "search.@") {
              Fetch(service: "sessions") {
                {
                  ... on PeerGroup {
                    __typename
                    id
                  }
                } =>
                {
                  ... on PeerGroup {
                    nextSession {
                      id
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_only_introspection_needs_no_fetch(supergraph: Supergraph) -> None:
    assert plan(supergraph, "{ __typename __schema { queryType { name } } }") == "QueryPlan {\n}"


def test_an_unknown_operation_name_is_a_planning_error(supergraph: Supergraph) -> None:
    with pytest.raises(PlanningError, match='Unknown operation named "Nope"'):
        build_plan(supergraph, parse("query A { centres { id } }"), "Nope")


def test_plans_are_deterministic(supergraph: Supergraph) -> None:
    query = "{ sessions { group { title rating seatsLeft } } groups { nextSession { id } } }"

    assert plan(supergraph, query) == plan(Supergraph(supergraph.sdl), query)
