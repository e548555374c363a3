from __future__ import annotations

from saathi.ids import is_id, new_id, stable_id, storable


def test_new_ids_are_unique_prefixed_and_time_ordered():
    ids = [new_id("grp") for _ in range(1000)]

    assert len(set(ids)) == 1000
    assert all(is_id(value, "grp") for value in ids)
    assert [value[:14] for value in ids] == sorted(value[:14] for value in ids)


def test_stable_ids_repeat_for_the_same_name():
    assert stable_id("ctr", "pune") == stable_id("ctr", "pune")
    assert stable_id("ctr", "pune") != stable_id("ctr", "delhi")
    assert is_id(stable_id("ctr", "pune"), "ctr")


def test_is_id_refuses_other_shapes():
    assert not is_id("grp_123")
    assert not is_id("'; drop table --")
    assert not is_id(stable_id("ctr", "pune"), "grp")


def test_storable_drops_ids_wider_than_any_column():
    assert storable(["grp_1", "x" * 40, "x" * 41]) == ["grp_1", "x" * 40]


def test_stable_ids_keep_the_value_they_had_before_the_ulid_library():
    # Stored rows (seeded centres, materialised series) are named by these: they must not move.
    assert stable_id("ctr", "pune") == "ctr_279NZSXNJ06QKQ4HJADZ0H31CT"
    assert stable_id("srs", "grp_x") == "srs_1S396XWDG9YJ8RTXP7D8B3VKHQ"


def test_stable_ids_keep_their_spelling() -> None:
    # Stored data is keyed by these: a faster encoder must spell every id as before.
    assert stable_id("ses", "x") == "ses_7TY8SSY8WH9C3XDTS13XQHN68N"
