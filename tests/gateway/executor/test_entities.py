from __future__ import annotations

from gateway.executor.entities import build_representations
from gateway.planner.plan import RequiredField, Requires

KEY = (RequiredField("__typename"), RequiredField("id"))


def test_interface_object_representations_carry_the_interface_name() -> None:
    # given objects of two implementations and one already typed as the interface
    objects = [
        ({"__typename": "Article", "id": "r1"}, ("resources", 0)),
        ({"__typename": "Video", "id": "r2"}, ("resources", 1)),
        ({"__typename": "Resource", "id": "r1"}, ("resources", 2)),
    ]
    requires = (Requires("Resource", KEY, ("Article", "Resource", "Video")),)

    # when
    result = build_representations(objects, requires)

    # then one representation per id, all named after the interface
    assert result.items == [
        {"__typename": "Resource", "id": "r1"},
        {"__typename": "Resource", "id": "r2"},
    ]
    assert [len(t) for t in result.targets] == [2, 1]


def test_a_key_moved_aside_by_a_client_alias_is_read_from_its_internal_alias() -> None:
    objects = [({"__typename": "PeerGroup", "id": "Morning Circle", "id__key": "g1"}, ("group",))]

    result = build_representations(objects, (Requires("PeerGroup", KEY),))

    assert result.items == [{"__typename": "PeerGroup", "id": "g1"}]
