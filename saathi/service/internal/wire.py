"""Decoding a JSON body into a contract's model, with a message that names the field.

msgspec checks types and bounds in one pass while it parses (no untyped dict in between); its
messages name JSON paths, so each model maps its camelCase field names to the sentence a caller
should read. A field without one gets a plain "``field`` is not valid.".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import msgspec

from saathi.errors import BadUserInput


class Message(msgspec.Struct, rename="camel", kw_only=True):
    """Base of every request and response model: camelCase on the wire."""

    # The sentence a caller reads when a field does not fit (camelCase name → message), and
    # the one when a list is longer than its bound.
    messages: ClassVar[Mapping[str, str]] = {}
    too_many: ClassVar[Mapping[str, str]] = {}


M = TypeVar("M", bound=Message)

_AT = re.compile(r"at `\$\.(\w+)")
_MISSING = re.compile(r"missing required field `(\w+)`")


def _explain(model: type[Message], error: msgspec.ValidationError) -> str:
    text = str(error)
    found = _AT.search(text) or _MISSING.search(text)
    if found is None:
        return "Send a JSON object."
    name = found.group(1)
    if "of length <=" in text and name in model.too_many:
        return model.too_many[name]
    return model.messages.get(name, f"{name} is not valid.")


def decode(body: bytes, model: type[M]) -> M:
    """``body`` as ``model``; ``BadUserInput`` saying what is wrong otherwise."""
    try:
        return msgspec.json.decode(body, type=model)
    except msgspec.ValidationError as error:
        raise BadUserInput(_explain(model, error)) from None
    except msgspec.DecodeError:
        raise BadUserInput("Send a JSON body.") from None


def encode(message: Message) -> bytes:
    return msgspec.json.encode(message)


def to_builtins(message: Message) -> Any:
    """The JSON-ready form (dicts, lists, strings): for logs of shapes and for tests."""
    return msgspec.to_builtins(message)
