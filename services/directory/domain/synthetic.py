"""A large synthetic directory for load tests and benchmarks: ``saathi seed --synthetic``.

``N`` groups across ``M`` synthetic cities, each near a real Indian city, with centres and peer
supporters to match. Everything is drawn from a RNG seeded per record, and ids are
``stable_id``s of (seed, index), so the same parameters give the same directory and re-running
adds nothing. Records are written in chunks of bulk inserts. Each chunk's timetables (the bodies
the directory pushes to sessions) go to ``timetables`` when given: ``saathi seed --synthetic``
has the sessions service materialise them, so that synthetic groups have sessions like any other.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date

from saathi.ids import stable_id
from services.directory import repository
from services.directory.domain.records import Address, Centre, Group, Point, Schedule, Supporter
from services.directory.domain.timetables import series_body
from services.directory.domain.validation import AUDIENCE, FOCUS

# Real cities: (name, lat, lng, local language).
CITIES = (
    ("Mumbai", 19.0760, 72.8777, "mr"),
    ("Delhi", 28.6139, 77.2090, "hi"),
    ("Bengaluru", 12.9716, 77.5946, "kn"),
    ("Hyderabad", 17.3850, 78.4867, "te"),
    ("Ahmedabad", 23.0225, 72.5714, "gu"),
    ("Chennai", 13.0827, 80.2707, "ta"),
    ("Kolkata", 22.5726, 88.3639, "bn"),
    ("Pune", 18.5204, 73.8567, "mr"),
    ("Jaipur", 26.9124, 75.7873, "hi"),
    ("Lucknow", 26.8467, 80.9462, "hi"),
    ("Nagpur", 21.1458, 79.0882, "mr"),
    ("Indore", 22.7196, 75.8577, "hi"),
    ("Bhopal", 23.2599, 77.4126, "hi"),
    ("Patna", 25.5941, 85.1376, "hi"),
    ("Kochi", 9.9312, 76.2673, "ml"),
    ("Guwahati", 26.1445, 91.7362, "as"),
    ("Chandigarh", 30.7333, 76.7794, "pa"),
    ("Bhubaneswar", 20.2961, 85.8245, "or"),
    ("Coimbatore", 11.0168, 76.9558, "ta"),
    ("Visakhapatnam", 17.6868, 83.2185, "te"),
)
GROUPS_PER_CENTRE = 25
SUPPORTERS_PER_CENTRE = 2
SPREAD_KM = 12.0  # groups lie within this distance of their centre
TIMEZONE = "Asia/Kolkata"
STARTS_ON = date(2025, 1, 6)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class SyntheticPlan:
    groups: int
    cities: int
    seed: int = 7

    @property
    def centres(self) -> int:
        return max(self.cities, math.ceil(self.groups / GROUPS_PER_CENTRE))

    def city(self, index: int) -> tuple[str, Point, str]:
        """Synthetic city ``index``: a real city's name and position, shifted a little."""
        name, lat, lng, language = CITIES[index % len(CITIES)]
        rng = random.Random(f"{self.seed}:city:{index}")
        round_ = index // len(CITIES)
        if round_ == 0:
            return name, Point(lat, lng), language
        shifted = Point(lat + rng.uniform(-0.6, 0.6), lng + rng.uniform(-0.6, 0.6))
        return f"{name} {round_ + 1}", shifted, language

    def centre(self, index: int) -> Centre:
        city, point, language = self.city(index % self.cities)
        rng = random.Random(f"{self.seed}:centre:{index}")
        location = _near(rng, point, 8.0)
        return Centre(
            id=stable_id("ctr", f"synthetic:{self.seed}:{index}"),
            name=f"Saathi {city} {index + 1}",
            city=city,
            address=Address(f"{rng.randint(1, 200)} Synthetic Road", city, f"{400000 + index}"),
            location=location,
            phone=None,
            website=None,
            languages=tuple(dict.fromkeys((language, "hi", "en"))),
            is_partner=False,
        )

    def supporter(self, centre: Centre, index: int) -> Supporter:
        return Supporter(
            id=stable_id("sup", f"{centre.id}:{index}"),
            centre_id=centre.id,
            display_name=f"Supporter {index + 1} ({centre.city})",
            trained_in=("active listening", "boundaries"),
        )

    def group(self, index: int, centres: Callable[[int], Centre]) -> Group:
        centre = centres(index % self.centres)
        rng = random.Random(f"{self.seed}:group:{index}")
        format_ = rng.choices(("IN_PERSON", "ONLINE", "HYBRID"), (6, 3, 1))[0]
        kind = rng.choices(("SUPPORT_GROUP", "MENTORING", "COMMUNITY_PROGRAMME"), (7, 2, 1))[0]
        assert centre.location is not None
        location = None if format_ == "ONLINE" else _near(rng, centre.location, SPREAD_KM)
        rrule = f"FREQ=WEEKLY;BYDAY={rng.choice(_DAYS)};BYHOUR={rng.randint(7, 20)};BYMINUTE=0"
        return Group(
            id=stable_id("grp", f"synthetic:{self.seed}:{index}"),
            centre_id=centre.id,
            facilitator_id=stable_id("sup", f"{centre.id}:{index % SUPPORTERS_PER_CENTRE}"),
            name=f"{rng.choice(('Recovery', 'Hope', 'Sahara', 'Umeed', 'Circle'))} group {index}",
            description="A synthetic group.",
            kind=kind,
            format=format_,
            focus=(rng.choice(FOCUS),),
            languages=centre.languages[:2],
            audience=(rng.choice(AUDIENCE),),
            accessibility=(),
            capacity=1 if kind == "MENTORING" else rng.randint(8, 30),
            schedule=Schedule(rrule, TIMEZONE, 90, STARTS_ON),
            online_join_url=None if format_ == "IN_PERSON" else f"https://meet.example.org/{index}",
            address=None if location is None else centre.address,
            location=location,
            anchor=location or centre.location,
        )


def _near(rng: random.Random, point: Point, km: float) -> Point:
    """A uniformly drawn point within ``km`` of ``point``."""
    distance = km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance / 111.32 * math.cos(bearing)
    dlng = distance / (111.32 * math.cos(math.radians(point.lat))) * math.sin(bearing)
    return Point(round(point.lat + dlat, 6), round(point.lng + dlng, 6))


@dataclass(frozen=True)
class Chunk:
    centres: list[Centre]
    supporters: list[Supporter]
    groups: list[Group]

    @property
    def size(self) -> int:
        return len(self.groups)


def chunks(plan: SyntheticPlan, size: int = 1000) -> Iterator[Chunk]:
    """The plan's records in chunks of ``size`` groups; every centre and supporter comes in the
    first chunk (they are few: one centre a ``GROUPS_PER_CENTRE`` groups)."""
    cache: dict[int, Centre] = {}

    def centre(index: int) -> Centre:
        if index not in cache:
            cache[index] = plan.centre(index)
        return cache[index]

    for start in range(0, max(plan.groups, 1), size):
        indices = range(start, min(start + size, plan.groups))
        fresh = [centre(i) for i in range(plan.centres)] if start == 0 else []
        yield Chunk(
            centres=fresh,
            supporters=[plan.supporter(c, n) for c in fresh for n in range(SUPPORTERS_PER_CENTRE)],
            groups=[plan.group(i, centre) for i in indices],
        )


async def seed_synthetic(
    plan: SyntheticPlan,
    *,
    chunk_size: int = 1000,
    progress: Callable[[int], None] | None = None,
    timetables: Callable[[list[dict[str, object]]], Awaitable[object]] | None = None,
) -> dict[str, int]:
    """Write the plan, chunk by chunk; returns how many centres, supporters and groups were new.
    ``timetables`` gets each chunk's timetable bodies once its groups are stored; ``progress``
    is then told how many groups the chunk held."""
    totals = {"centres": 0, "supporters": 0, "groups": 0}
    async with repository.bulk_load():
        for chunk in chunks(plan, chunk_size):
            inserted = await repository.insert_missing(
                chunk.centres, chunk.supporters, chunk.groups
            )
            for name, count in inserted.items():
                totals[name] += count
            if timetables is not None:
                await timetables([series_body(group) for group in chunk.groups])
            if progress is not None:
                progress(chunk.size)
    return totals
