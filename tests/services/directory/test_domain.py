"""The directory's rules, without a database: summaries, distances, limits, cursors, filters."""

from __future__ import annotations

import math
from datetime import date

import pytest

from network.demo import description as demo
from saathi.errors import BadUserInput, NotFound
from saathi.service import connections
from services.directory.domain import crisis, cursors, geometry, lookups, nearby, recurrence
from services.directory.domain.records import (
    Address,
    BoundingBox,
    Centre,
    CrisisResource,
    Group,
    Point,
    Schedule,
)

# --- schedule summaries -------------------------------------------------------------------------


def _summary(rrule: str, minutes: int = 60, starts_on: date = date(2025, 1, 6)) -> str:
    return recurrence.schedule_summary(Schedule(rrule, "Asia/Kolkata", minutes, starts_on))


@pytest.mark.parametrize(
    ("rrule", "minutes", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0", 90, "Every Tuesday, 6:00 pm to 7:30 pm"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=16;BYMINUTE=0",
            120,
            "Every other Sunday, 4:00 pm to 6:00 pm",
        ),
        (
            "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=11;BYMINUTE=0",
            60,
            "Every Monday, Wednesday and Friday, 11:00 am to 12:00 pm",
        ),
        ("FREQ=WEEKLY;BYDAY=FR,MO;BYHOUR=9", 45, "Every Monday and Friday, 9:00 am to 9:45 am"),
        ("FREQ=WEEKLY;BYDAY=SA;BYHOUR=10;BYMINUTE=30", 90, "Every Saturday, 10:30 am to 12:00 pm"),
        (
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE;BYHOUR=17",
            60,
            "Every 3 weeks on Wednesday, 5:00 pm to 6:00 pm",
        ),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8", 30, "Every weekday, 8:00 am to 8:30 am"),
        ("FREQ=DAILY;BYHOUR=7", 30, "Every day, 7:00 am to 7:30 am"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=7", 30, "Every day, 7:00 am to 7:30 am"),
        ("FREQ=DAILY;INTERVAL=2;BYHOUR=7", 30, "Every other day, 7:00 am to 7:30 am"),
        ("FREQ=DAILY;INTERVAL=4;BYHOUR=7", 30, "Every 4 days, 7:00 am to 7:30 am"),
        (
            "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=18",
            60,
            "The first Monday of every month, 6:00 pm to 7:00 pm",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18",
            60,
            "The last Friday of every month, 6:00 pm to 7:00 pm",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15;BYHOUR=18",
            60,
            "The 15th of every other month, 6:00 pm to 7:00 pm",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=18",
            60,
            "The last day of every month, 6:00 pm to 7:00 pm",
        ),
        ("FREQ=YEARLY;BYHOUR=10", 60, "Every year on 6 January, 10:00 am to 11:00 am"),
        ("FREQ=WEEKLY;BYDAY=FR;BYHOUR=22;BYMINUTE=30", 90, "Every Friday, 10:30 pm to 12:00 am"),
        (
            "RRULE:FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;UNTIL=20250331T000000Z",
            60,
            "Every Tuesday, 6:00 pm to 7:00 pm, until 31 March 2025",
        ),
    ],
)
def test_summary_reads_the_rule_in_wall_time(rrule: str, minutes: int, expected: str) -> None:
    assert _summary(rrule, minutes) == expected


def test_a_weekly_rule_without_days_meets_on_the_start_day() -> None:
    # 2025-01-08 is a Wednesday.
    assert (
        _summary("FREQ=WEEKLY;BYHOUR=18", 60, date(2025, 1, 8))
        == "Every Wednesday, 6:00 pm to 7:00 pm"
    )


def test_every_demo_group_has_a_summary() -> None:
    summaries = {
        g.rrule: recurrence.schedule_summary(
            Schedule(g.rrule, g.timezone, g.duration_minutes, date(2026, 1, 5))
        )
        for g in demo.GROUPS
    }

    assert sorted(set(summaries.values())) == [
        "Every Monday, Wednesday and Friday, 11:00 am to 12:00 pm",
        "Every Saturday, 10:30 am to 12:00 pm",
        "Every Thursday, 7:30 pm to 8:30 pm",
        "Every Tuesday, 6:00 pm to 7:30 pm",
        "Every other Sunday, 4:00 pm to 6:00 pm",
    ]


@pytest.mark.parametrize(
    "rrule",
    [
        "",
        "BYDAY=TU",
        "FREQ=HOURLY",
        "FREQ=WEEKLY;BYHOUR",
        "FREQ=WEEKLY;BYHOUR=six",
        "FREQ=WEEKLY;UNTIL=soon",
    ],
)
def test_a_malformed_rule_is_bad_user_input(rrule: str) -> None:
    with pytest.raises(BadUserInput):
        _summary(rrule)


# --- distances ----------------------------------------------------------------------------------


def test_haversine_of_one_degree_along_a_meridian() -> None:
    assert geometry.haversine_km(Point(0, 0), Point(1, 0)) == pytest.approx(
        2 * math.pi * 6371.0088 / 360, abs=1e-9
    )


def test_haversine_of_antipodes_is_half_the_circumference() -> None:
    assert geometry.haversine_km(Point(0, 0), Point(0, 180)) == pytest.approx(
        math.pi * 6371.0088, abs=1e-6
    )


def test_haversine_from_pune_to_the_dadar_centre() -> None:
    # The spherical law of cosines, an independent formula for the same great circle.
    a, b = Point(18.52, 73.85), Point(19.0186, 72.8424)
    lat1, lat2, dlng = map(math.radians, (a.lat, b.lat, b.lng - a.lng))
    expected = 6371.0088 * math.acos(
        math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(dlng)
    )

    assert round(geometry.haversine_km(a, b), 2) == round(expected, 2) == 119.70
    assert geometry.haversine_km(a, a) == 0.0


def _destination(start: Point, bearing: float, km: float) -> Point:
    lat1, lng1, b, d = (
        math.radians(start.lat),
        math.radians(start.lng),
        math.radians(bearing),
        km / 6371.0088,
    )
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(b))
    lng2 = lng1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2)
    )
    return Point(math.degrees(lat2), (math.degrees(lng2) + 540) % 360 - 180)


def _inside(box: BoundingBox, point: Point) -> bool:
    return box.min_lat <= point.lat <= box.max_lat and any(
        west <= point.lng <= east for west, east in box.lng_ranges
    )


@pytest.mark.parametrize(
    ("centre", "radius"),
    [(Point(18.52, 73.85), 25.0), (Point(60.0, 10.0), 2000.0), (Point(-33.9, 151.2), 500.0)],
)
def test_the_bounding_box_holds_the_whole_circle(centre: Point, radius: float) -> None:
    box = geometry.bounding_box(centre, radius)

    assert all(_inside(box, _destination(centre, bearing, radius)) for bearing in range(0, 360, 5))
    assert not _inside(box, _destination(centre, 45, radius * 1.5))


@pytest.mark.parametrize(("lng", "across"), [(179.9, -179.5), (-179.9, 179.5)])
def test_a_bounding_box_across_the_antimeridian_is_split(lng: float, across: float) -> None:
    box = geometry.bounding_box(Point(0.0, lng), 100.0)

    assert len(box.lng_ranges) == 2
    assert _inside(box, Point(0.0, across))
    assert _inside(box, _destination(Point(0.0, lng), 90, 100.0))
    assert _inside(box, _destination(Point(0.0, lng), 270, 100.0))
    assert not _inside(box, Point(0.0, 0.0))


def test_a_bounding_box_over_a_pole_takes_every_longitude() -> None:
    box = geometry.bounding_box(Point(89.5, 10.0), 200.0)

    assert box.lng_ranges == ((-180.0, 180.0),)
    assert box.max_lat == 90.0


def test_an_online_group_is_anchored_at_its_centre() -> None:
    centre = _centre(location=Point(18.5, 73.8))

    assert geometry.anchor(None, centre) == Point(18.5, 73.8)
    assert geometry.anchor(Point(1, 2), centre) == Point(1, 2)
    with pytest.raises(BadUserInput):
        geometry.anchor(None, _centre(location=None))


# --- argument limits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (Point(90.01, 0), "near.lat must be between -90 and 90, got 90.01."),
        (Point(-91, 0), "near.lat must be between -90 and 90, got -91."),
        (Point(0, 180.5), "near.lng must be between -180 and 180, got 180.5."),
        (Point(0, -181), "near.lng must be between -180 and 180, got -181."),
    ],
)
def test_a_point_off_the_globe_is_refused(point: Point, message: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        geometry.check_point(point)

    assert raised.value.message == message


def test_points_on_the_edges_are_accepted() -> None:
    assert geometry.check_point(Point(-90, 180)) == Point(-90, 180)


@pytest.mark.parametrize(("radius", "expected"), [(None, 25.0), (0.0, 0.0), (2000.0, 2000.0)])
def test_radius_defaults_and_limits(radius: float | None, expected: float) -> None:
    assert geometry.check_radius(radius) == expected


@pytest.mark.parametrize("radius", [-0.1, 2000.5, 1e9])
def test_a_radius_out_of_range_is_refused(radius: float) -> None:
    with pytest.raises(BadUserInput, match="radiusKm must be between 0 and 2000"):
        geometry.check_radius(radius)


@pytest.mark.parametrize(("first", "expected"), [(None, 20), (1, 1), (50, 50)])
def test_first_defaults_and_limits(first: int | None, expected: int) -> None:
    assert cursors.check_first(first) == expected


@pytest.mark.parametrize("first", [0, -1, 51, 10_000])
def test_first_out_of_range_is_refused(first: int) -> None:
    with pytest.raises(BadUserInput) as raised:
        cursors.check_first(first)

    assert raised.value.message == f"first must be between 1 and 50, got {first}."


def test_a_filter_with_a_window_out_of_range_is_refused() -> None:
    with pytest.raises(BadUserInput, match="startsWithinHours must be between 1 and 8760"):
        nearby.GroupFilter(starts_within_hours=0).check()


def test_found_returns_the_record_or_raises_not_found() -> None:
    assert lookups.found("x", "group", "grp_1") == "x"
    with pytest.raises(NotFound, match=r"No group has the id 'grp_1'\."):
        lookups.found(None, "group", "grp_1")


# --- cursors ------------------------------------------------------------------------------------


def test_a_cursor_round_trips() -> None:
    cursor = connections.encode_cursor("nearby", 2.947, "grp_1")

    assert connections.decode_cursor(cursor, "nearby", (float, str)) == [2.947, "grp_1"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "!!!",
        connections.encode_cursor("centre", "Saathi", "ctr_1"),
        connections.encode_cursor("nearby", "far", "grp_1"),
        connections.encode_cursor("nearby", 1.0),
    ],
)
def test_a_foreign_or_malformed_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(BadUserInput, match=r"after is not a cursor from this list\."):
        connections.decode_cursor(cursor, "nearby", (float, str))


# --- the group filter ---------------------------------------------------------------------------


def _centre(location: Point | None) -> Centre:
    return Centre(
        "ctr_1", "C", "Pune", Address(None, "Pune", None), location, None, None, (), False
    )


def _group(**overrides: object) -> Group:
    values: dict[str, object] = {
        "id": "grp_1",
        "centre_id": "ctr_1",
        "facilitator_id": None,
        "name": "Recovery Circle",
        "description": "For people in recovery from alcohol.",
        "kind": "SUPPORT_GROUP",
        "format": "IN_PERSON",
        "focus": ("ADDICTION_RECOVERY", "ALCOHOL_USE"),
        "languages": ("mr", "en"),
        "audience": ("EVERYONE",),
        "accessibility": (),
        "capacity": 10,
        "schedule": Schedule("FREQ=WEEKLY;BYDAY=TU", "Asia/Kolkata", 60, date(2025, 1, 7)),
        "online_join_url": None,
        "address": None,
        "location": None,
        "anchor": Point(0, 0),
    }
    values.update(overrides)
    return Group(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("wanted", "matches"),
    [
        (nearby.GroupFilter(), True),
        (nearby.GroupFilter(kinds=("SUPPORT_GROUP", "MENTORING")), True),
        (nearby.GroupFilter(kinds=("MENTORING",)), False),
        (nearby.GroupFilter(formats=("ONLINE", "IN_PERSON")), True),
        (nearby.GroupFilter(formats=("HYBRID",)), False),
        (nearby.GroupFilter(focus=("DEPRESSION", "ALCOHOL_USE")), True),
        (nearby.GroupFilter(focus=("DEPRESSION",)), False),
        (nearby.GroupFilter(audience=("EVERYONE",)), True),
        (nearby.GroupFilter(audience=("WOMEN",)), False),
        (nearby.GroupFilter(languages=("hi", "en")), True),
        (nearby.GroupFilter(languages=("ta",)), False),
        (nearby.GroupFilter(text="recovery"), True),
        (nearby.GroupFilter(text="  ALCOHOL "), True),
        (nearby.GroupFilter(text="anxiety"), False),
        (nearby.GroupFilter(text="   "), True),
        (nearby.GroupFilter(kinds=("SUPPORT_GROUP",), languages=("ta",)), False),
        (nearby.GroupFilter(kinds=("SUPPORT_GROUP",), languages=("mr",), text="circle"), True),
    ],
)
def test_every_given_constraint_must_hold(wanted: nearby.GroupFilter, matches: bool) -> None:
    assert wanted.matches(_group()) is matches


def test_only_time_and_seat_constraints_need_the_sessions_service() -> None:
    assert nearby.GroupFilter(kinds=("MENTORING",), open_seats_only=False).needs_sessions is False
    assert nearby.GroupFilter(open_seats_only=True).needs_sessions is True
    assert nearby.GroupFilter(starts_within_hours=24).needs_sessions is True


# --- crisis lines -------------------------------------------------------------------------------


def test_crisis_lines_are_the_national_ones_in_any_city() -> None:
    national = [r.phone for r in crisis.crisis_resources(None)]

    assert national == ["14416", "112", "14446"]
    assert [r.phone for r in crisis.crisis_resources("Nagpur")] == national


def test_a_city_line_comes_after_the_national_ones_in_its_city_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = CrisisResource("Pune helpline", "020 1234", "9 to 5", ("mr",), "Local.", "Pune")
    monkeypatch.setattr(crisis, "CRISIS_LINES", (*crisis.CRISIS_LINES, local))

    assert [r.phone for r in crisis.crisis_resources(" pune ")][-1] == "020 1234"
    assert "020 1234" not in [r.phone for r in crisis.crisis_resources("Delhi")]
    assert "020 1234" not in [r.phone for r in crisis.crisis_resources(None)]
