"""Who may see a group's join link: the centre's staff, and participants booked into it.

A join link lets anyone into a room of people in recovery, so it is never public: anonymous
callers, partner systems, other centres' staff and participants without a CONFIRMED booking at
a session of the group (one that has not ended) get ``null``. The directory owns the link and
sessions owns bookings, so for a participant the directory asks sessions which of the groups in
one request they are booked into (``POST /internal/participants/booked-groups``, one call a
request, batched by ``api.loaders.BookedGroups``). No feed carries a link.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from saathi.peers import Peers, PeerUnavailable
from saathi.service.internal.client import PeerAnswerUnreadable, call
from saathi.service.internal.contracts import BOOKED_GROUPS, BookedGroupsRequest
from saathi.tokens import Principal, Role
from services.directory.domain.nearby import UNREADABLE, SessionsUnavailable
from services.directory.domain.records import Group


class JoinLinkAccess(enum.Enum):
    SHOWN = "shown"
    HIDDEN = "hidden"
    IF_BOOKED = "if_booked"


def join_link_access(principal: Principal | None, group: Group) -> JoinLinkAccess:
    """Whether ``principal`` sees ``group``'s join link, or whether sessions must be asked."""
    if group.online_join_url is None or principal is None:
        return JoinLinkAccess.HIDDEN
    if principal.role.is_staff:
        if principal.centre_id == group.centre_id:
            return JoinLinkAccess.SHOWN
        return JoinLinkAccess.HIDDEN
    if principal.role is Role.PARTICIPANT:
        return JoinLinkAccess.IF_BOOKED
    return JoinLinkAccess.HIDDEN


async def booked_group_ids(peers: Peers, participant_id: str, group_ids: Sequence[str]) -> set[str]:
    """Those of ``group_ids`` where the participant holds a CONFIRMED booking ahead."""
    request = BookedGroupsRequest(participant_id=participant_id, group_ids=list(group_ids))
    try:
        answer = await call(peers, BOOKED_GROUPS, request)
    except PeerAnswerUnreadable as exc:
        raise SessionsUnavailable(UNREADABLE) from exc
    except PeerUnavailable as exc:
        raise SessionsUnavailable("Join links are unavailable right now; try again.") from exc
    return set(answer.group_ids) & set(group_ids)
