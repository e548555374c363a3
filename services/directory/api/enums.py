"""The directory's enums, exactly as the client contract lists them; each value is its name."""

# mypy: disallow-subclassing-any=False
# (graphene ships no type information, so its base classes are ``Any`` to mypy.)

from __future__ import annotations

import graphene


class GroupKind(graphene.Enum):
    """What kind of group this is."""

    SUPPORT_GROUP = "SUPPORT_GROUP"
    MENTORING = "MENTORING"
    COMMUNITY_PROGRAMME = "COMMUNITY_PROGRAMME"


class Format(graphene.Enum):
    """Where a group meets."""

    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    HYBRID = "HYBRID"


class Focus(graphene.Enum):
    """What a group is about."""

    ADDICTION_RECOVERY = "ADDICTION_RECOVERY"
    ALCOHOL_USE = "ALCOHOL_USE"
    DEPRESSION = "DEPRESSION"
    ANXIETY = "ANXIETY"
    BIPOLAR = "BIPOLAR"
    PSYCHOSIS = "PSYCHOSIS"
    DUAL_DIAGNOSIS = "DUAL_DIAGNOSIS"
    FAMILY_AND_CARERS = "FAMILY_AND_CARERS"
    GENERAL_WELLBEING = "GENERAL_WELLBEING"


class Audience(graphene.Enum):
    """Who a group is for."""

    EVERYONE = "EVERYONE"
    WOMEN = "WOMEN"
    MEN = "MEN"
    YOUTH = "YOUTH"
    SENIORS = "SENIORS"
    LGBTQIA = "LGBTQIA"
    FAMILIES = "FAMILIES"
    NEWCOMERS = "NEWCOMERS"


class AccessibilityFeature(graphene.Enum):
    """What a group's venue offers."""

    WHEELCHAIR = "WHEELCHAIR"
    ACCESSIBLE_TOILET = "ACCESSIBLE_TOILET"
    SIGN_LANGUAGE = "SIGN_LANGUAGE"
    HEARING_LOOP = "HEARING_LOOP"
    QUIET_SPACE = "QUIET_SPACE"
