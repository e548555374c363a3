"""Planner corner cases over the conformance subgraphs: @interfaceObject, alias collisions,
@requires on a field of the current graph, nested @requires."""

from __future__ import annotations

from functools import cache
from textwrap import dedent

import pytest
from graphql import parse

from gateway import Supergraph, compose
from gateway.planner import PlanningError, build_plan, print_plan
from gateway.planner.groups import FetchGroup, check_acyclic
from tests.gateway import conformance


@cache
def supergraph() -> Supergraph:
    return Supergraph(compose(conformance.specs()))


def plan(query: str) -> str:
    return print_plan(build_plan(supergraph(), parse(query)))


def expected(text: str) -> str:
    return dedent(text).strip("\n")


def test_an_interface_jumps_to_an_interface_object_with_the_interface_name() -> None:
    printed = plan("{ resources { title helpfulCount } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "library") {
              {
                resources {
                  __typename
                  title
                  id
                }
              }
            },
            Flatten(path: "resources.@") {
              Fetch(service: "feedback") {
                representations of Article, Resource, Video as Resource:
                {
                  ... on Resource {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Resource {
                    helpfulCount
                  }
                }
              },
            },
          },
        }
    """)


def test_an_interface_object_asks_the_interface_graph_for_types_and_type_conditions() -> None:
    printed = plan("{ popularResources { helpfulCount ... on Article { body } } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "feedback") {
              {
                popularResources {
                  __typename
                  helpfulCount
                  id
                }
              }
            },
            Flatten(path: "popularResources.@") {
              Fetch(service: "library") {
                representations of Article, Resource, Video as Resource:
                {
                  ... on Resource {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Resource {
                    __typename
                    ... on Article {
                      body
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_a_concrete_type_reaches_an_interface_object_field_through_its_interface() -> None:
    result = build_plan(
        supergraph(), parse('{ resource(id: "r2") { ... on Video { helpfulCount } } }')
    )

    printed = print_plan(result)

    assert "representations of Article, Resource, Video as Resource:" in printed
    assert 'Fetch(service: "feedback")' in printed


def test_a_key_field_moves_aside_for_a_client_alias_using_its_name() -> None:
    printed = plan('{ group(id: "g1") { id: title nextSession { id } } }')

    assert printed.startswith(
        expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "directory") {
              {
                group(id: "g1") {
                  id: title
                  __typename
                  id__key: id
                }
              }
            },
    """)
    )


def test_a_key_field_added_first_moves_aside_when_the_client_alias_comes_later() -> None:
    printed = plan('{ group(id: "g1") { nextSession { id } id: title } }')

    assert "  id__key: id\n" in printed
    assert "  id: title\n" in printed


def test_a_requires_field_of_the_current_graph_goes_through_an_entity_fetch() -> None:
    printed = plan("{ sessions { group { seatsLeft } } }")

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
                    size
                  }
                }
              },
            },
            Flatten(path: "sessions.@.group") {
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


def test_nested_requires_wait_for_the_graph_that_fetches_them() -> None:
    printed = plan("{ rooms { directions } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "venues") {
              {
                rooms {
                  __typename
                  number
                  centre {
                    id
                    __typename
                  }
                  floor
                }
              }
            },
            Flatten(path: "rooms.@.centre") {
              Fetch(service: "directory") {
                {
                  ... on Centre {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Centre {
                    city
                  }
                }
              },
            },
            Flatten(path: "rooms.@") {
              Fetch(service: "access") {
                {
                  ... on Room {
                    __typename
                    number
                    centre {
                      id
                      city
                    }
                    floor
                  }
                } =>
                {
                  ... on Room {
                    directions
                  }
                }
              },
            },
          },
        }
    """)


def test_an_interface_object_field_alone_needs_no_real_type() -> None:
    printed = plan("{ popularResources { helpfulCount } }")

    assert printed == expected("""
        QueryPlan {
          Fetch(service: "feedback") {
            {
              popularResources {
                __typename
                helpfulCount
              }
            }
          },
        }
    """)


def test_a_deep_cyclic_selection_plans_without_recursion_limits() -> None:
    depth = 60
    query = "{ centres { " + "rooms { centre { " * depth + "id" + " } }" * depth + " } }"

    result = build_plan(supergraph(), parse(query))

    assert result.node is not None


def test_dependencies_that_form_a_cycle_are_refused() -> None:
    first = FetchGroup(0, "a", (), None)
    second = FetchGroup(1, "b", ("x",), first)
    first.deps.add(1)
    second.deps.add(0)

    with pytest.raises(PlanningError, match="cycle"):
        check_acyclic([first, second])


def test_a_composite_nested_key_an_override_and_a_requires_share_one_entity_fetch() -> None:
    # Room's key is `number centre { id }`; access took `capacity` over from venues and
    # requires venues' `floor` for `stepFree`
    printed = plan("{ rooms { number centre { id } floor capacity stepFree } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "venues") {
              {
                rooms {
                  number
                  centre {
                    id
                  }
                  floor
                  __typename
                }
              }
            },
            Flatten(path: "rooms.@") {
              Fetch(service: "access") {
                {
                  ... on Room {
                    __typename
                    number
                    centre {
                      id
                    }
                    floor
                  }
                } =>
                {
                  ... on Room {
                    capacity
                    stepFree
                  }
                }
              },
            },
          },
        }
    """)
