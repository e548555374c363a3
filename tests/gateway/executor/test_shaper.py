from __future__ import annotations

from typing import Any

from graphql import FragmentDefinitionNode, OperationDefinitionNode, build_schema, parse

from gateway.executor.shaper import Shaper

SCHEMA = build_schema("""
    type Query { group: Group list: [Group!] strict: Group! }
    type Group { id: ID! title: String! note: String members: [Member!]! }
    type Member { name: String! }
""")


def shape(query: str, data: dict[str, Any], variables: dict[str, Any] | None = None) -> Any:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return Shaper(SCHEMA, operation, fragments).shape(data, variables or {})


def test_fields_added_by_the_plan_are_dropped_and_order_follows_the_query() -> None:
    data = {"group": {"__typename": "Group", "id": "g1", "note": "n", "title": "T"}}

    result = shape("{ group { title note } }", data)

    assert result == ({"group": {"title": "T", "note": "n"}}, [])
    assert list(result[0]["group"]) == ["title", "note"]


def test_a_null_in_a_non_null_field_nulls_the_nearest_nullable_parent() -> None:
    data = {"group": {"id": "g1", "title": None}}

    result = shape("{ group { id title } }", data)

    assert result == (
        {"group": None},
        [
            {
                "message": "Cannot return null for non-nullable field Group.title.",
                "path": ["group", "title"],
            }
        ],
    )


def test_null_propagation_through_a_non_null_list_item() -> None:
    data = {"list": [{"members": [{"name": "a"}]}, {"members": [{"name": None}]}]}

    data_out, errors = shape("{ list { members { name } } }", data)

    assert data_out == {"list": None}
    assert errors[0]["path"] == ["list", 1, "members", 0, "name"]


def test_a_null_reaching_the_root_nulls_data() -> None:
    data_out, errors = shape("{ strict { title } }", {"strict": {"title": None}})

    assert data_out is None
    assert len(errors) == 1


def test_skip_and_include_are_evaluated_with_variables() -> None:
    query = """query($a: Boolean!) { group { id @skip(if: $a) ... @include(if: $a) { note } } }"""
    data = {"group": {"id": "g", "note": "x"}}

    assert shape(query, data, {"a": True}) == ({"group": {"note": "x"}}, [])
    assert shape(query, data, {"a": False}) == ({"group": {"id": "g"}}, [])


def test_missing_fields_are_null() -> None:
    assert shape("{ group { note } }", {"group": {}}) == ({"group": {"note": None}}, [])


def test_sub_selections_under_a_condition_follow_the_variables() -> None:
    # `group` is always answered, but `title` only when $a holds
    query = "query($a: Boolean!) { group { id } group @include(if: $a) { title } }"
    data = {"group": {"id": "g", "title": "T"}}

    assert shape(query, data, {"a": False}) == ({"group": {"id": "g"}}, [])
    assert shape(query, data, {"a": True}) == ({"group": {"id": "g", "title": "T"}}, [])


def test_the_program_and_the_walk_shape_alike() -> None:
    # given one compiled operation and answers with and without problems
    document = parse(
        "query($a: Boolean!) { group { __typename t: title ... @skip(if: $a) { note } "
        "members { name } } list { id members { name } } }"
    )
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    shaper = Shaper(SCHEMA, operation, {})
    clean = {
        "group": {"t": "T", "note": "n", "members": [{"name": "a"}, {"name": "b"}]},
        "list": [{"id": "1", "members": []}, {"id": "2", "members": [{"name": "c"}]}],
    }
    broken = {"group": {"t": None, "members": []}, "list": [{"id": "1", "members": None}]}

    for variables in ({"a": True}, {"a": False}):
        # when the walk shapes them directly, then through shape() (the program first)
        walked = shaper._object(
            clean, shaper.root, (operation.selection_set,), variables, [], [], {}
        )
        first = shaper.shape(clean, variables)
        again = shaper.shape(clean, variables)

        # then the program's answer is the walk's, every time, and problems are reported
        assert first == again == (walked, [])
        assert list(first[0]["group"]) == list(walked["group"])  # type: ignore[index]
    data, problems = shaper.shape(broken, {"a": False})
    assert data == {"group": None, "list": None}
    assert [p["path"] for p in problems] == [["group", "t"], ["list", 0, "members"]]
