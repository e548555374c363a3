"""Crisis lines: production data the directory owns, kept in code so that they are answered even
when the database is down, by the directory and by the gateway's fallback when every service is
down (``network.edge.crisis_fallbacks``).

A line without a ``city`` is national and always listed; one with a city is listed after the
national lines when a caller asks for that city.
"""

from __future__ import annotations

from services.directory.domain.records import CrisisResource

CRISIS_LINES = (
    CrisisResource(
        name="Tele-MANAS (national tele mental health helpline)",
        phone="14416",
        hours="24 hours, every day",
        languages=("en", "hi", "mr", "ta", "te", "kn", "bn", "gu", "ml"),
        description=(
            "Free, confidential mental health support from trained counsellors; "
            "also 1-800-891-4416."
        ),
    ),
    CrisisResource(
        name="Emergency response (police, fire, ambulance)",
        phone="112",
        hours="24 hours, every day",
        languages=("en", "hi"),
        description="If you or someone else is in immediate danger, call 112.",
    ),
    CrisisResource(
        name="National toll-free helpline for drug de-addiction",
        phone="14446",
        hours="24 hours, every day",
        languages=("en", "hi"),
        description="Advice, counselling and referral to de-addiction services near you.",
    ),
)


def crisis_resources(city: str | None) -> list[CrisisResource]:
    """The national lines always, then any for ``city`` (compared without case)."""
    wanted = (city or "").strip().casefold()
    return [r for r in CRISIS_LINES if r.city is None or (wanted and r.city.casefold() == wanted)]
