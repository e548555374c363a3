"""The planner's choices over the federation shapes (tests/gateway/shapes.py), on printed plans."""

from __future__ import annotations

from functools import cache
from textwrap import dedent

from graphql import parse

from gateway import Supergraph, compose
from gateway.planner import Fetch, build_plan, print_plan
from gateway.planner.check import plan_problems
from gateway.planner.search import Cost, Option, choose
from gateway.planner.selection import FieldSel, shapes_differ
from tests.gateway import shapes


@cache
def supergraph() -> Supergraph:
    return Supergraph(compose(shapes.specs()))


def plan(query: str) -> str:
    return print_plan(build_plan(supergraph(), parse(query)))


def expected(text: str) -> str:
    return dedent(text).strip("\n")


def test_fewest_fetches_win_then_the_shortest_chain() -> None:
    near = Option((), Cost(0, 1, 1), "b")
    far = Option((), Cost(1, 2, 2), "c")
    shared = Option((), Cost(0, 1, 1), "b")

    chosen = choose([[far, near], [shared]])

    assert chosen is not None
    assert chosen[0] == [near, shared]
    assert chosen[1] == Cost(1, 1, 2)  # one fetch to "b", shared by both


def test_no_option_for_a_selection_is_no_plan() -> None:
    assert choose([[Option((), Cost())], []]) is None


def test_a_shared_root_goes_to_the_graph_with_every_field_asked() -> None:
    printed = plan("{ info { name extra } }")

    assert printed == expected("""
        QueryPlan {
          Fetch(service: "extras") {
            {
              info {
                name
                extra
              }
            }
          },
        }
    """)


def test_a_value_types_missing_field_hops_back_to_the_parent_entity() -> None:
    printed = plan("{ parent { child { x y } } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                parent {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "parent") {
              Fetch(service: "extras") {
                {
                  ... on Parent {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Parent {
                    child {
                      x
                      y
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_provides_keeps_an_external_field_in_place() -> None:
    printed = plan("{ reviews { author { id name } } }")

    assert printed == expected("""
        QueryPlan {
          Fetch(service: "catalog") {
            {
              reviews {
                author {
                  id
                  name
                }
              }
            }
          },
        }
    """)


def test_each_graph_is_reached_by_the_key_it_has() -> None:
    printed = plan("{ products { id stock } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  id
                  __typename
                  sku
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "extras") {
                {
                  ... on Product {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on Product {
                    stock
                  }
                }
              },
            },
          },
        }
    """)


def test_a_requires_chain_waits_for_each_graph_it_needs() -> None:
    printed = plan("{ products { delivery } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  id
                  sku
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "extras") {
                {
                  ... on Product {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on Product {
                    stock
                  }
                }
              },
            },
            Flatten(path: "products.@") {
              Fetch(service: "stock") {
                {
                  ... on Product {
                    __typename
                    id
                    stock
                  }
                } =>
                {
                  ... on Product {
                    delivery
                  }
                }
              },
            },
          },
        }
    """)


def test_an_overridden_implementation_field_splits_the_interface() -> None:
    printed = plan("{ media { title } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                media {
                  __typename
                  ... on Book {
                    title
                  }
                  ... on Film {
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "media.@") {
              Fetch(service: "extras") {
                {
                  ... on Film {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Film {
                    title
                  }
                }
              },
            },
          },
        }
    """)


def test_fragments_are_narrowed_to_the_union_members_a_graph_knows() -> None:
    printed = plan("{ picks { ... on Film { title } ... on Book { pages } } }")

    assert printed == expected("""
        QueryPlan {
          Fetch(service: "extras") {
            {
              picks {
                __typename
                ... on Book {
                  pages
                }
              }
            }
          },
        }
    """)


def test_fields_whose_types_conflict_in_the_subgraph_are_aliased_apart() -> None:
    result = build_plan(
        supergraph(), parse("{ search { ... on Book { year } ... on Film { year } } }")
    )

    assert print_plan(result) == expected("""
        QueryPlan {
          Fetch(service: "catalog") {
            {
              search {
                __typename
                ... on Book {
                  year
                }
                ... on Film {
                  year__0: year
                }
              }
            }
          },
        }
    """)
    assert isinstance(result.node, Fetch)
    assert result.node.renames == ((("search",), "year__0", "year"),)


def test_conflicting_types_below_fields_merged_from_sibling_fragments_are_aliased() -> None:
    # `details` is selected in two fragments, so the subgraph merges what is under it: there
    # `BookDetails.rating: Int` meets `FilmDetails.rating: Int!` (catalog's own types)
    result = build_plan(
        supergraph(),
        parse(
            "{ search { ... on Book { details { ... on BookDetails { rating } } }"
            " ... on Film { details { ... on FilmDetails { rating } } } } }"
        ),
    )

    assert print_plan(result) == expected("""
        QueryPlan {
          Fetch(service: "catalog") {
            {
              search {
                __typename
                ... on Book {
                  details {
                    __typename
                    ... on BookDetails {
                      rating
                    }
                  }
                }
                ... on Film {
                  details {
                    __typename
                    ... on FilmDetails {
                      rating__0: rating
                    }
                  }
                }
              }
            }
          },
        }
    """)
    assert isinstance(result.node, Fetch)
    assert result.node.renames == ((("search", "details"), "rating__0", "rating"),)


def test_the_merge_scope_follows_named_fragments_and_nested_type_conditions() -> None:
    query = """
        { search { ...B ... on Media { ... on Film { ...F } } } }
        fragment F on Film { details { ... on FilmDetails { r: rating } } }
        fragment B on Book { details { ... on BookDetails { r: rating } } }
    """

    result = build_plan(supergraph(), parse(query))

    assert isinstance(result.node, Fetch)
    assert "r__0: rating" in result.node.operation
    assert result.node.renames == ((("search", "details"), "r__0", "r"),)


def test_provides_on_an_implementations_field_serves_it_in_place() -> None:
    # `Book.curator` provides `User.name`; the interface field `Media.curator` does not
    book = plan("{ media { ... on Book { curator { name } } } }")
    interface = plan("{ media { curator { name } } }")

    assert book == expected("""
        QueryPlan {
          Fetch(service: "catalog") {
            {
              media {
                __typename
                ... on Book {
                  curator {
                    name
                  }
                }
              }
            }
          },
        }
    """)
    assert 'Flatten(path: "media.@.curator")' in interface
    assert 'Fetch(service: "extras")' in interface


def test_a_resolvable_false_reference_jumps_to_a_graph_that_resolves_the_entity() -> None:
    # stock references `Parent` by id only (resolvable: false); `child.y` is extras'
    assert plan("{ lonelyParent { child { y } } }") == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "stock") {
              {
                lonelyParent {
                  __typename
                  id
                }
              }
            },
            Flatten(path: "lonelyParent") {
              Fetch(service: "extras") {
                {
                  ... on Parent {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Parent {
                    child {
                      y
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_requires_with_an_argument_keeps_the_argument_in_the_entity_fetch() -> None:
    printed = plan('{ products { shippingCost(currency: "EUR") } }')

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  sku
                  price
                  weight
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "extras") {
                {
                  ... on Product {
                    __typename
                    sku
                    price
                    weight
                  }
                } =>
                {
                  ... on Product {
                    shippingCost(currency: "EUR")
                  }
                }
              },
            },
          },
        }
    """)


def test_an_inaccessible_field_is_still_fetched_as_a_requires_condition() -> None:
    printed = plan("{ products { id label } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  id
                  __typename
                  sku
                  code
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "extras") {
                {
                  ... on Product {
                    __typename
                    sku
                    code
                  }
                } =>
                {
                  ... on Product {
                    label
                  }
                }
              },
            },
          },
        }
    """)


def test_provides_through_an_abstract_type_serves_the_fragment_in_place() -> None:
    printed = plan("{ reviews { subject { id ... on Book { pages } } } }")

    assert printed == expected("""
        QueryPlan {
          Fetch(service: "catalog") {
            {
              reviews {
                subject {
                  __typename
                  id
                  ... on Book {
                    pages
                  }
                }
              }
            }
          },
        }
    """)


def test_requires_with_fragments_carries_them_into_the_representation() -> None:
    printed = plan("{ shelves { label } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                shelves {
                  __typename
                  id
                  kind {
                    __typename
                    ... on Fridge {
                      degrees
                    }
                    ... on Rack {
                      levels
                    }
                  }
                }
              }
            },
            Flatten(path: "shelves.@") {
              Fetch(service: "stock") {
                {
                  ... on Shelf {
                    __typename
                    id
                    kind {
                      __typename
                      ... on Fridge {
                        degrees
                      }
                      ... on Rack {
                        levels
                      }
                    }
                  }
                } =>
                {
                  ... on Shelf {
                    label
                  }
                }
              },
            },
          },
        }
    """)


def test_a_field_no_one_route_serves_is_split_between_routes() -> None:
    printed = plan("{ parent { child { z y } } }")

    assert printed == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                parent {
                  child {
                    z
                  }
                  __typename
                  id
                }
              }
            },
            Flatten(path: "parent") {
              Fetch(service: "extras") {
                {
                  ... on Parent {
                    __typename
                    id
                  }
                } =>
                {
                  ... on Parent {
                    child {
                      y
                    }
                  }
                }
              },
            },
          },
        }
    """)


def test_a_fragment_on_a_type_the_graph_never_returns_there_is_dropped() -> None:
    printed = plan("{ catalogNamed { name ... on User { email } } }")

    assert printed == expected("""
        QueryPlan {
          Fetch(service: "catalog") {
            {
              catalogNamed {
                __typename
                name
              }
            }
          },
        }
    """)


def test_fieldshapes_differ_by_wrappers_and_leaf_types_not_by_object_types() -> None:
    def field(type_text: str, leaf: bool = True) -> FieldSel:
        return FieldSel("f", type_text=type_text, children=None if leaf else [])

    differ = [
        (field("Int"), field("Int!")),
        (field("[ID]"), field("ID")),
        (field("[ID!]"), field("[ID]")),
        (field("Int"), field("String")),
        (field("Int"), field("Book", leaf=False)),
    ]
    alike = [
        (field("[Int!]!"), field("[Int!]!")),
        (field("Book", leaf=False), field("Film", leaf=False)),
        (field("Int"), field("")),  # a type the planner does not know: not compared
    ]

    assert all(shapes_differ(a, b) and shapes_differ(b, a) for a, b in differ)
    assert not any(shapes_differ(a, b) or shapes_differ(b, a) for a, b in alike)


def test_a_field_that_is_id_in_one_graph_and_id_bang_in_another_keeps_each_graphs_type() -> None:
    # Tag.code is `ID` in catalog (Product.tag) and `ID!` in extras (Product.stamp)
    result = build_plan(
        supergraph(), parse("{ products { tag { code label } stamp { code label } } }")
    )

    assert print_plan(result) == expected("""
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  tag {
                    code
                    label
                  }
                  __typename
                  sku
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "extras") {
                {
                  ... on Product {
                    __typename
                    sku
                  }
                } =>
                {
                  ... on Product {
                    stamp {
                      code
                      label
                    }
                  }
                }
              },
            },
          },
        }
    """)
    assert plan_problems(supergraph(), result) == []


def test_id_and_id_bang_under_two_members_of_one_graphs_union_are_aliased_apart() -> None:
    # in extras Tag.code is `ID!` and Seal.code `ID`: one response key would not validate there
    result = build_plan(
        supergraph(), parse("{ marks { ... on Tag { code } ... on Seal { code } } }")
    )

    assert print_plan(result) == expected("""
        QueryPlan {
          Fetch(service: "extras") {
            {
              marks {
                __typename
                ... on Tag {
                  code
                }
                ... on Seal {
                  code__0: code
                }
              }
            }
          },
        }
    """)
    assert isinstance(result.node, Fetch)
    assert result.node.renames == ((("marks",), "code__0", "code"),)
    assert plan_problems(supergraph(), result) == []
