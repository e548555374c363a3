"""``suggestMentors``: for a signed-in participant, certified peer supporters with a free
MENTORING session in the coming two weeks, ranked, each with why it matched. A ``Mentor`` shows
only display name, languages, training and lived-experience statement."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from saathi.service.connections import Page
from saathi.service.graphene.connections import connection_of
from services.directory.api.context import context_of
from services.directory.api.enums import Focus
from services.directory.api.inputs import GeoPointInput, point
from services.directory.api.types import PeerGroup
from services.directory.domain import mentors, records
from services.directory.domain import practice as rules


class Mentor(graphene.ObjectType):
    """A peer supporter as a participant looking for a mentor sees them: nothing more."""

    class Meta:
        possible_types = (mentors.Suggestion,)

    id = graphene.ID(required=True)
    display_name = graphene.String(required=True)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    trained_in = graphene.List(graphene.NonNull(graphene.String), required=True)
    lived_experience = graphene.String(description="In their own words, when they wrote one.")

    @staticmethod
    def resolve_id(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> str:
        return parent.supporter.id

    @staticmethod
    def resolve_display_name(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> str:
        return parent.supporter.display_name

    @staticmethod
    def resolve_languages(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> list[str]:
        return list(parent.profile.languages)

    @staticmethod
    def resolve_trained_in(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> list[str]:
        return list(parent.supporter.trained_in)

    @staticmethod
    def resolve_lived_experience(
        parent: mentors.Suggestion, info: GraphQLResolveInfo
    ) -> str | None:
        keys = context_of(info).keys
        return rules.open_for(
            keys, parent.supporter.id, rules.STATEMENT_FIELD, parent.profile.statement_sealed
        )


class FreeSession(graphene.ObjectType):
    """A mentoring session with its seat free: book it with ``bookSession``."""

    class Meta:
        possible_types = (mentors.Suggestion,)

    id = graphene.ID(required=True)
    starts_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> str:
        return parent.session_id

    @staticmethod
    def resolve_starts_at(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> datetime:
        return parent.starts_at


class MentorSuggestion(graphene.ObjectType):
    class Meta:
        possible_types = (mentors.Suggestion,)

    mentor = graphene.Field(Mentor, required=True)
    group = graphene.Field(PeerGroup, required=True)
    free_session = graphene.Field(FreeSession, required=True, description="The earliest free.")
    distance_km = graphene.Float(description="From preferences.near, for a group in person.")
    reasons = graphene.List(graphene.NonNull(graphene.String), required=True)

    @staticmethod
    def resolve_mentor(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> mentors.Suggestion:
        return parent

    @staticmethod
    def resolve_free_session(
        parent: mentors.Suggestion, info: GraphQLResolveInfo
    ) -> mentors.Suggestion:
        return parent

    @staticmethod
    def resolve_group(parent: mentors.Suggestion, info: GraphQLResolveInfo) -> records.Group:
        return parent.group


class MentorPreferences(graphene.InputObjectType):
    """Every field optional: what matters to the participant in a mentor."""

    languages = graphene.List(graphene.NonNull(graphene.String), description="ISO 639-1 codes.")
    focus = graphene.List(graphene.NonNull(Focus))
    near = GeoPointInput(description="Where they are, for mentoring in person.")
    online = graphene.Boolean(description="Prefer mentoring online.")


def preferences(value: Any) -> mentors.Preferences:
    near = value.get("near")
    return mentors.Preferences(
        languages=tuple(str(v).strip().lower() for v in value.get("languages") or ()),
        focus=tuple(str(getattr(v, "name", v)) for v in value.get("focus") or ()),
        near=point(near) if near is not None else None,
        online=bool(value.get("online")),
    )


MentorSuggestionConnection = connection_of("MentorSuggestion", MentorSuggestion, "suggestion")


class MentorQuery(graphene.ObjectType):
    suggest_mentors = graphene.Field(
        MentorSuggestionConnection,
        required=True,
        preferences=MentorPreferences(required=True),
        first=graphene.Int(
            default_value=mentors.DEFAULT_SUGGESTIONS,
            description=f"At most {mentors.MAX_SUGGESTIONS}.",
        ),
        after=graphene.String(),
        description="Signed-in participants: certified peer supporters with a free MENTORING "
        "session in the coming two weeks, best match first (languages, focus, distance or "
        "online, earliest free session), each with the reasons.",
    )

    @staticmethod
    async def resolve_suggest_mentors(
        root: None,
        info: GraphQLResolveInfo,
        preferences: Any,
        first: int | None = None,
        after: str | None = None,
    ) -> Page[mentors.SuggestionEdge]:
        context = context_of(info)
        context.viewer.participant()
        return await mentors.suggest(
            _preferences(preferences), context.peers, datetime.now(UTC), first, after
        )


_preferences = preferences
