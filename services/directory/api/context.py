"""The typed context of one GraphQL request."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLResolveInfo

from saathi.auth import Viewer
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.service.clock import Clock, system_clock
from services.directory.api.loaders import Loaders


@dataclass(frozen=True)
class Context:
    """Who is asking (verified on demand), the request id, peers, the clock and this request's
    loaders."""

    viewer: Viewer
    request_id: str
    peers: Peers
    keys: KeyStore  # supporters' data keys: their statements and supervision notes
    clock: Clock = system_clock
    loaders: Loaders = field(default_factory=Loaders.new)


def context_of(info: GraphQLResolveInfo) -> Context:
    context = info.context
    if not isinstance(context, Context):
        raise TypeError("the directory schema runs with a directory Context")
    return context
