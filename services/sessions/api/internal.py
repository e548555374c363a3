"""``POST /internal/groups/open``: the directory asks which groups have open sessions soon.

Body ``{"groupIds": [...], "withinHours": int | null, "openSeatsOnly": bool}``; answer
``{"groupIds": [...]}``, the qualifying subset in the order given. Bad input is a 400 whose body
says what is wrong: ``{"error": {"code": "BAD_USER_INPUT", "message": ...}}``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse

from saathi.errors import BadUserInput
from services.sessions.domain.availability import OpenGroupsQuery, open_groups


def _bad_request(error: BadUserInput) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": error.code.value, "message": error.message}}, status_code=400
    )


async def open_groups_endpoint(request: Request) -> JSONResponse:
    try:
        body = await request.json()
    except ValueError:
        return _bad_request(BadUserInput("Send a JSON body."))
    try:
        query = OpenGroupsQuery.from_json(body)
    except BadUserInput as error:
        return _bad_request(error)
    return JSONResponse({"groupIds": await open_groups(query, datetime.now(UTC))})
