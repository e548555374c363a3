"""The demo network, as plain data: centres, groups, peer supporters, participants.

A writer beside this module seeds each service's part from this one description (directory:
centres, groups and supporters; sessions: timetables, sessions, bookings, attendance, feedback;
consent: participants), so the ids agree across services without any service reading another's
tables. Ids are ``stable_id``s: seeding twice changes nothing. Who attends which group, and the
date the timetables start (relative to the day of seeding), are in ``network.demo.members``. The crisis lines are not demo
data: the directory owns them (``services.directory.domain.crisis``).
"""

from __future__ import annotations

from dataclasses import dataclass

from saathi.ids import stable_id

TIMEZONE = "Asia/Kolkata"


@dataclass(frozen=True)
class DemoCentre:
    id: str
    name: str
    city: str
    line1: str
    postcode: str
    lat: float
    lng: float
    phone: str
    website: str
    languages: tuple[str, ...]
    is_partner: bool = False


@dataclass(frozen=True)
class DemoSupporter:
    id: str
    centre_id: str
    display_name: str
    trained_in: tuple[str, ...]


@dataclass(frozen=True)
class DemoGroup:
    """A group and its timetable. ``rrule`` is an RFC 5545 rule in ``timezone``'s wall time."""

    id: str
    centre_id: str
    name: str
    description: str
    kind: str
    focus: tuple[str, ...]
    format: str
    languages: tuple[str, ...]
    audience: tuple[str, ...]
    accessibility: tuple[str, ...]
    capacity: int
    rrule: str
    duration_minutes: int
    facilitator_id: str
    lat: float | None
    lng: float | None
    online_join_url: str | None
    timezone: str = TIMEZONE


@dataclass(frozen=True)
class DemoParticipant:
    id: str
    display_name: str
    contact: str
    home_city: str
    preferred_language: str


_CENTRES = (
    (
        "pune-kothrud",
        "Saathi Kothrud",
        "Pune",
        "14 Paud Road, Kothrud",
        "411038",
        18.5074,
        73.8077,
        ("mr", "hi", "en"),
    ),
    (
        "pune-camp",
        "Saathi Camp",
        "Pune",
        "7 Moledina Road, Camp",
        "411001",
        18.5158,
        73.8776,
        ("en", "hi", "mr"),
    ),
    (
        "delhi-lajpat",
        "Saathi Lajpat Nagar",
        "Delhi",
        "22 Ring Road, Lajpat Nagar",
        "110024",
        28.5677,
        77.2433,
        ("hi", "en"),
    ),
    (
        "nagpur-sitabuldi",
        "Saathi Sitabuldi",
        "Nagpur",
        "3 Munje Chowk, Sitabuldi",
        "440012",
        21.1458,
        79.0882,
        ("mr", "hi", "en"),
    ),
    (
        "mumbai-dadar",
        "Saathi Dadar",
        "Mumbai",
        "9 Gokhale Road, Dadar West",
        "400028",
        19.0186,
        72.8424,
        ("mr", "hi", "en"),
    ),
    (
        "bengaluru-indiranagar",
        "Saathi Indiranagar",
        "Bengaluru",
        "100 Feet Road, Indiranagar",
        "560038",
        12.9719,
        77.6412,
        ("kn", "en", "hi"),
    ),
    (
        "chennai-mylapore",
        "Saathi Mylapore",
        "Chennai",
        "5 Luz Church Road, Mylapore",
        "600004",
        13.0339,
        80.2619,
        ("ta", "en"),
    ),
)

TRAINING = (
    "active listening",
    "crisis management",
    "boundaries",
    "recovery planning",
    "trauma-informed practice",
)

_SUPPORTER_NAMES = (
    "Asha",
    "Rohan",
    "Meera",
    "Imran",
    "Kavita",
    "Suresh",
    "Farah",
    "Vikram",
    "Lakshmi",
    "Arjun",
    "Neha",
    "Joseph",
    "Pooja",
    "Sameer",
)


def _centres() -> tuple[DemoCentre, ...]:
    return tuple(
        DemoCentre(
            id=stable_id("ctr", key),
            name=name,
            city=city,
            line1=line1,
            postcode=postcode,
            lat=lat,
            lng=lng,
            phone=f"+91 20 4{index:03d} 0{index}00",
            website=f"https://saathi.example.org/centres/{key}",
            languages=languages,
            is_partner=key == "pune-camp",
        )
        for index, (key, name, city, line1, postcode, lat, lng, languages) in enumerate(_CENTRES)
    )


CENTRES = _centres()


def _supporters() -> tuple[DemoSupporter, ...]:
    supporters = []
    for index, centre in enumerate(CENTRES):
        for offset in range(2):
            name = _SUPPORTER_NAMES[(2 * index + offset) % len(_SUPPORTER_NAMES)]
            supporters.append(
                DemoSupporter(
                    id=stable_id("sup", f"{centre.id}:{offset}"),
                    centre_id=centre.id,
                    display_name=f"{name} ({centre.city})",
                    trained_in=TRAINING[: 3 + offset],
                )
            )
    return tuple(supporters)


SUPPORTERS = _supporters()


def _groups() -> tuple[DemoGroup, ...]:
    groups = []
    for centre in CENTRES:
        first, second = (s for s in SUPPORTERS if s.centre_id == centre.id)
        local = centre.languages[0]
        slug = centre.website.rsplit("/", 1)[-1]
        templates = (
            (
                "recovery-circle",
                f"{centre.city} Recovery Circle",
                "A weekly in-person circle for people in recovery from drugs or alcohol, led by peers who have walked the same road.",
                "SUPPORT_GROUP",
                ("ADDICTION_RECOVERY", "ALCOHOL_USE"),
                "IN_PERSON",
                (local, "en"),
                ("EVERYONE",),
                ("WHEELCHAIR", "ACCESSIBLE_TOILET"),
                12,
                "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0",
                90,
                first,
                (0.004, 0.003),
                None,
            ),
            (
                "mind-matters-online",
                "Mind Matters Online",
                "An online peer support group for living with depression and anxiety. Cameras optional.",
                "SUPPORT_GROUP",
                ("DEPRESSION", "ANXIETY"),
                "ONLINE",
                ("hi", "en"),
                ("EVERYONE", "YOUTH"),
                ("QUIET_SPACE",),
                15,
                "FREQ=WEEKLY;BYDAY=TH;BYHOUR=19;BYMINUTE=30",
                60,
                second,
                None,
                f"https://meet.saathi.example.org/{slug}-mind-matters",
            ),
            (
                "peer-mentoring",
                "One-to-one peer mentoring",
                "A private hour with a trained peer mentor who has lived experience of recovery and mental health challenges.",
                "MENTORING",
                ("DUAL_DIAGNOSIS", "GENERAL_WELLBEING"),
                "IN_PERSON",
                (local, "hi", "en"),
                ("EVERYONE", "NEWCOMERS"),
                ("WHEELCHAIR", "QUIET_SPACE"),
                1,
                "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=11;BYMINUTE=0",
                60,
                first,
                (0.0, 0.0),
                None,
            ),
            (
                "womens-wellbeing",
                "Women's wellbeing circle",
                "A women-only group on mood, stress and recovery, in the local language.",
                "SUPPORT_GROUP",
                ("DEPRESSION", "GENERAL_WELLBEING"),
                "HYBRID",
                (local,),
                ("WOMEN",),
                ("ACCESSIBLE_TOILET", "QUIET_SPACE"),
                10,
                "FREQ=WEEKLY;BYDAY=SA;BYHOUR=10;BYMINUTE=30",
                90,
                second,
                (-0.002, 0.001),
                f"https://meet.saathi.example.org/{slug}-women",
            ),
            (
                "families-programme",
                "Families and carers programme",
                "A community programme for families and carers of people with addiction or serious mental illness.",
                "COMMUNITY_PROGRAMME",
                ("FAMILY_AND_CARERS", "ADDICTION_RECOVERY"),
                "IN_PERSON",
                (local, "en"),
                ("FAMILIES",),
                ("WHEELCHAIR", "SIGN_LANGUAGE", "HEARING_LOOP"),
                25,
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=16;BYMINUTE=0",
                120,
                first,
                (0.006, -0.004),
                None,
            ),
        )
        for (
            key,
            name,
            description,
            kind,
            focus,
            fmt,
            languages,
            audience,
            access,
            capacity,
            rrule,
            minutes,
            supporter,
            offset,
            url,
        ) in templates:
            groups.append(
                DemoGroup(
                    id=stable_id("grp", f"{centre.id}:{key}"),
                    centre_id=centre.id,
                    name=name,
                    description=description,
                    kind=kind,
                    focus=focus,
                    format=fmt,
                    languages=tuple(dict.fromkeys(languages)),
                    audience=audience,
                    accessibility=access,
                    capacity=capacity,
                    rrule=rrule,
                    duration_minutes=minutes,
                    facilitator_id=supporter.id,
                    lat=None if offset is None else round(centre.lat + offset[0], 6),
                    lng=None if offset is None else round(centre.lng + offset[1], 6),
                    online_join_url=url,
                )
            )
    return tuple(groups)


GROUPS = _groups()

_FIRST_NAMES = (
    "Priya",
    "Rahul",
    "Anjali",
    "Karan",
    "Divya",
    "Manoj",
    "Selvi",
    "Tanvir",
    "Sunita",
    "Ajay",
    "Fatima",
    "Ganesh",
    "Harpreet",
    "Irfan",
    "Jaya",
    "Kiran",
    "Leela",
    "Mohan",
    "Nandini",
    "Omkar",
    "Parveen",
    "Qadir",
    "Rekha",
    "Sanjay",
    "Tara",
    "Uday",
    "Vandana",
    "Wasim",
    "Yamini",
    "Zoya",
)
_HOMES = (
    ("Pune", "hi"),
    ("Pune", "mr"),
    ("Delhi", "hi"),
    ("Nagpur", "mr"),
    ("Mumbai", "en"),
    ("Bengaluru", "en"),
    ("Chennai", "ta"),
)

# Thirty people, enough that programme reports (which withhold any figure about fewer than 11
# participants) have something to show. Contacts are in a reserved-looking demo range.
_PARTICIPANTS = tuple(
    (name, f"+9198000{index:05d}", *_HOMES[index % len(_HOMES)])
    for index, name in enumerate(_FIRST_NAMES, start=1)
)

PARTICIPANTS = tuple(
    DemoParticipant(stable_id("par", contact), name, contact, city, language)
    for name, contact, city, language in _PARTICIPANTS
)
