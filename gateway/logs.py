"""JSON logs: one object per line, each carrying the request id and trace id of its request.

`JsonFormatter` turns any `logging` record into a JSON line; records made while a request is
handled get its `request_id` and `trace_id` from the request's trace (a context variable), so a
line from deep inside the executor can be joined with the request's own line. `request_line`
writes that one line per request: method, status, duration, operation name and kind, error
codes, the time per stage and whether the plan came from the cache.

What never goes in a log line: the query text, variables, headers, tokens, client addresses or
anything from an answer's data. The data served here are about people's mental health and
recovery; an operation name is the only client-chosen text logged, and only when it is a
GraphQL name (letters, digits, underscores, at most 100 characters).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterable
from typing import Any

import orjson

from gateway.tracing import Trace, current_trace

REQUEST_LOGGER = "gateway.request"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")
# Attributes every LogRecord has; anything else was passed with `extra=` and is logged.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats records as single-line JSON objects: time, level, logger, message, what
    `context` says of the request being answered, and the fields passed with `extra=`.

    `fields` limits the extras to those names (None: every extra). The gateway's context is its
    request's trace; a process with another notion of a request overrides `context` (the
    subgraphs' `saathi.observability.JsonFormatter` does), so every process writes one format.
    """

    fields: frozenset[str] | None = None

    def context(self) -> dict[str, Any]:
        """The ids of the request being answered, if there is one."""
        trace = current_trace()
        if trace is None:
            return {}
        return {"request_id": trace.request_id, "trace_id": trace.trace_id}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(self.context())
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if self.fields is None or key in self.fields:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send every log record of the process to stderr as JSON lines (for a serving process)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # The JSON lines carry no thread or process names: don't look them up for every record.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def safe_operation_name(name: Any) -> str | None:
    """The operation name if it is a GraphQL name, else None: free text is never logged."""
    return name if isinstance(name, str) and _NAME.match(name) else None


def request_line(
    logger: logging.Logger, method: str, status: int, trace: Trace, codes: Iterable[str]
) -> None:
    """Log the one line that describes a finished request."""
    if not logger.isEnabledFor(logging.INFO):
        return
    attributes = trace.root.attributes
    # made directly: the caller's file and line (a walk up the stack per request) say nothing
    # a request line needs
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        0,
        "request",
        (),
        None,
        extra={
            "method": method,
            "status": status,
            "duration_ms": round(trace.root.duration_ns / 1e6, 3),
            "operation": attributes.get("operation"),
            "kind": attributes.get("kind"),
            # a plan stage is recorded only when the plan was built, not found in the cache
            "plan_cache": None
            if "kind" not in attributes
            else ("miss" if any(span.name == "plan" for span in trace.spans) else "hit"),
            "error_codes": sorted(set(codes)),
            "stages_ms": {name: round(ms, 3) for name, ms in trace.totals().items()},
        },
    )
    logger.handle(record)
