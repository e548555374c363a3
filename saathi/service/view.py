"""What every subgraph's ``/graphql`` does around execution, whichever GraphQL library runs it.

- The request id: the caller's ``x-request-id`` when it is a plain token (the gateway sends
  one), else a fresh one; it goes back in the response header and in every masked error.
- The body: ``data``, then ``errors`` formatted by ``saathi.graphql_errors.format_error``
  (expected errors keep their code, the rest are masked), then ``extensions``.
- Methods: ``GET`` (queries only) and ``POST`` with a JSON body, as the gateway takes them;
  the media-type rule and the document limits are ``saathi.document_limits``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import GraphQLError
from starlette.datastructures import Headers

from saathi.graphql_errors import REQUEST_ID_HEADER, format_error
from saathi.ids import new_id

GRAPHQL_METHODS = ("GET", "POST")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def request_id_of(headers: Headers | Mapping[str, str]) -> str:
    """The caller's request id when it is safe to log and echo, else a new one."""
    given = headers.get(REQUEST_ID_HEADER) or ""
    return given if _REQUEST_ID.fullmatch(given) else new_id("req")


def response_body(
    data: Any,
    errors: Iterable[GraphQLError] | None,
    request_id: str,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON answer to one GraphQL request, errors formatted (and masked) the Saathi way."""
    body: dict[str, Any] = {"data": data}
    formatted = [format_error(error, request_id) for error in errors or ()]
    if formatted:
        body["errors"] = formatted
    if extensions:
        body["extensions"] = dict(extensions)
    return body
